"""``dualprev events …``: run the relay that feeds event connectors, look at the outbox, list connectors.

``dualprev events relay`` is the long-running process a deployment keeps up (systemd, a container) next to
the database: it delivers every committed change to each connector (NATS JetStream for the data centre, …)
at least once, and resumes from each connector's stored cursor after a restart. ``--once`` catches up and
exits (for cron, or a test), exiting 1 if a connector failed, so a scheduler can alert.
"""

from __future__ import annotations

import json
import signal
import threading
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from dualprev_sdk.cli.common import DbOption

events_app = typer.Typer(
    name="events",
    help="事件外发 — outbox relay to connectors (NATS JetStream …), tail, connectors.",
    no_args_is_help=True,
)
console = Console()
err_console = Console(stderr=True)


def _line(data: dict[str, Any]) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))


@events_app.command("relay")
def relay_command(
    connector: Annotated[
        list[str] | None,
        typer.Option("--connector", "-c", help="Connector name (repeatable); default: every registered one."),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Deliver everything pending, then exit.")] = False,
    batch: Annotated[int, typer.Option("--batch", min=1, max=10_000, help="Events per delivery.")] = 100,
    poll: Annotated[
        float, typer.Option("--poll", min=0.05, help="Seconds between polls once caught up (not with --once).")
    ] = 1.0,
    db: DbOption = None,
) -> None:
    """Deliver outbox events to connectors, each from its own stored cursor (at least once, in order).

    Prints one JSON line per batch delivered or failed. With --once the exit status is 1 if any connector
    failed (its cursor stays where it was, so the next run delivers the same events again)."""
    from dualprev_sdk.events import DeliveryFailed, Relay, RelayStep, load_connectors, run_relays
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        registry = load_connectors(sdk.host)
        names = connector or registry.names()
        if not names:
            err_console.print("no event connectors are registered (install one, e.g. 'dualprev-gateway[nats]')")
            raise typer.Exit(1)
        specs = [registry.get(name) for name in names]
        relays: list[Relay] = []
        try:
            for spec in specs:
                relays.append(Relay(sdk.uow, spec.name, spec.factory(), batch=batch))
            if once:
                failed = False
                for relay in relays:
                    try:
                        delivered = relay.drain()
                        _line({"connector": relay.name, "delivered": delivered, "cursor": relay.cursor()})
                    except DeliveryFailed as exc:
                        failed = True
                        _line({"connector": relay.name, "error": str(exc), "cursor": exc.cursor})
                if failed:
                    raise typer.Exit(1)
                return

            stop = threading.Event()

            def _stop(signum: int, frame: object) -> None:
                stop.set()

            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, _stop)

            def report(step: RelayStep) -> None:
                if step.read == 0 and step.error is None:
                    return
                data: dict[str, Any] = {
                    "connector": step.connector,
                    "delivered": step.delivered,
                    "cursor": step.cursor_after,
                }
                if step.error is not None:
                    data["error"] = f"{type(step.error).__name__}: {step.error}"
                _line(data)

            _line({"event": "relaying", "connectors": [r.name for r in relays], "database": sdk.url})
            run_relays(relays, stop=stop, poll_interval=poll, on_step=report)
        finally:
            for relay in relays:
                try:
                    relay.connector.close()
                except Exception as exc:  # closing must not hide the reason the relay stopped
                    err_console.print(f"closing connector {relay.name!r} failed: {exc}")


@events_app.command("tail")
def tail_command(
    after: Annotated[int, typer.Option("--after", min=0, help="Show events after this cursor.")] = 0,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most this many events.")] = 100,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep waiting for new events (Ctrl-C stops).")] = False,
    db: DbOption = None,
) -> None:
    """Print outbox events after a cursor as JSON lines (cursor, event_id, type, resource, occurred_at, payload)."""
    import time

    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        cursor = after
        shown = 0
        while follow or shown < limit:
            events = sdk.read_events(after=cursor, limit=500 if follow else min(500, limit - shown))
            for event in events:
                _line(
                    {
                        "cursor": event.cursor,
                        "event_id": event.event_id,
                        "type": event.type,
                        "resource": event.resource,
                        "occurred_at": event.occurred_at.isoformat(),
                        "payload": event.payload,
                    }
                )
                cursor = event.cursor
                shown += 1
            if events:
                continue
            if not follow:
                return
            try:
                time.sleep(1.0)
            except KeyboardInterrupt:
                return


@events_app.command("connectors")
def connectors_command(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    db: DbOption = None,
) -> None:
    """List registered connectors with the plugin that registered each and its stored cursor."""
    from dualprev_sdk.events import load_connectors
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        registry = load_connectors(sdk.host)
        with sdk.uow() as uow:
            last = uow.outbox.last_cursor()
            rows: list[dict[str, Any]] = [
                {
                    "name": spec.name,
                    "plugin": spec.plugin,
                    "description": spec.description,
                    "cursor": uow.connector_cursors.get(spec.name),
                    "pending": uow.connector_cursors.pending(spec.name),
                }
                for spec in registry
            ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"event connectors (outbox at {last})")
    for column in ("connector", "plugin", "cursor", "pending", "description"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(
                "-" if row[key] is None else str(row[key])
                for key in ("name", "plugin", "cursor", "pending", "description")
            )
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(events_app)
