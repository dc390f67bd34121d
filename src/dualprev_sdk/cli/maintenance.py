"""``dualprev maintenance …``: housekeeping a deployment schedules (cron, a systemd timer) next to the database.

``dualprev maintenance prune-request-ids`` deletes AIP-155 request ids older than the retention window, so the
table does not grow forever. A gateway with ``request_id_retention_hours`` set does the same in the background;
this command is for deployments without a gateway, or that prefer an external schedule. Running it twice, or
while a gateway prunes too, is harmless: deleting expired ids is idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console

from dualprev_sdk.cli.common import DbOption
from dualprev_sdk.services.idempotency import DEFAULT_REQUEST_ID_RETENTION

__all__ = ["maintenance_app", "register"]

maintenance_app = typer.Typer(
    name="maintenance", help="运维维护 — housekeeping: prune expired request ids.", no_args_is_help=True
)
console = Console()


@maintenance_app.command("prune-request-ids")
def prune_request_ids_command(
    older_than_days: Annotated[
        int,
        typer.Option(
            "--older-than-days",
            min=1,
            help="Retention in days: ids created longer ago are deleted (product default, not a regulatory value).",
        ),
    ] = DEFAULT_REQUEST_ID_RETENTION.days,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Delete AIP-155 request ids older than the retention, in small batches; print how many were removed.

    A client retrying with a deleted id afterwards gets a new resource, so keep the retention longer than any
    client's retry horizon."""
    from dualprev_sdk import timeutil
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.services.idempotency import prune_request_ids

    retention = dt.timedelta(days=older_than_days)
    now = timeutil.now()
    with Dualprev.open(db) as sdk:
        removed = prune_request_ids(sdk, retention=retention, now=now)
    cutoff = (now - retention).isoformat()
    if as_json:
        typer.echo(json.dumps({"removed": removed, "older_than": cutoff, "retention_days": older_than_days}))
        return
    console.print(f"已清理请求标识 removed {removed} request id(s) created before {cutoff}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(maintenance_app)
