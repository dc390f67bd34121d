"""``dualprev gateway …``: serve the gRPC API and manage its API keys.

Registered into the core CLI through the ``dualprev_sdk.cli`` entry-point group (see gateway/pyproject.toml),
so the core never imports the gateway.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

__all__ = ["register"]

gateway_app = typer.Typer(help="gRPC gateway: serve the API, manage API keys.", no_args_is_help=True)
key_app = typer.Typer(help="API keys (每个调用方一把密钥).", no_args_is_help=True)
gateway_app.add_typer(key_app, name="key")

DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL (default: $DUALPREV_DATABASE_URL or ./dualprev.sqlite).")
]


@gateway_app.command("serve")
def serve_command(
    db: DbOption = None,
    address: Annotated[str | None, typer.Option("--address", help="HOST:PORT to listen on.")] = None,
    config: Annotated[str | None, typer.Option("--config", help="TOML file with a [gateway] table.")] = None,
) -> None:
    """Serve until SIGTERM/SIGINT, then drain gracefully."""
    from dualprev_gateway.config import load_config
    from dualprev_gateway.logging import configure_logging
    from dualprev_gateway.server import Gateway, serve

    settings = load_config(config, overrides={"db": db, "address": address})
    configure_logging(settings.log_level)

    def announce(gateway: Gateway) -> None:
        # One machine-readable line on stdout: scripts and tests read the bound port from it (port 0 works).
        typer.echo(json.dumps({"event": "serving", "port": gateway.port}), nl=True)

    serve(settings, on_started=announce)


def _open(db: str | None):  # type: ignore[no-untyped-def]
    from dualprev_sdk.services.bootstrap import Dualprev

    return Dualprev.open(db)


@key_app.command("create")
def key_create(
    role: Annotated[str, typer.Option("--role", help="enterprise | regulator | agency | datacenter")],
    scope: Annotated[str, typer.Option("--scope", help="USCC | region-code prefix | agency id | *")],
    label: Annotated[str, typer.Option("--label", help="Who the key is for.")] = "",
    db: DbOption = None,
) -> None:
    """Create a key and print it ONCE (only its hash is stored)."""
    from dualprev_sdk.access import issue_api_key

    issued = issue_api_key(role, scope, label=label)
    with _open(db) as sdk, sdk.uow() as uow:
        uow.api_keys.add(issued.key)
        uow.commit()
    typer.echo(f"id:    {issued.key.id}\nrole:  {issued.key.kind.value}\nscope: {issued.key.scope}")
    typer.echo(f"key:   {issued.token}")
    typer.echo("Store the key now: it cannot be shown again.", err=True)


@key_app.command("list")
def key_list(
    db: DbOption = None,
    include_revoked: Annotated[bool, typer.Option("--all", help="Include revoked keys.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List keys (never their secrets)."""
    with _open(db) as sdk, sdk.uow() as uow:
        keys = uow.api_keys.list(include_revoked=include_revoked)
    rows = [
        {
            "id": k.id,
            "role": k.kind.value,
            "scope": k.scope,
            "label": k.label,
            "created_at": k.created_at.isoformat(),
            "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in keys
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        revoked = f"  revoked {row['revoked_at']}" if row["revoked_at"] else ""
        typer.echo(f"{row['id']}  {row['role']:<10}  {row['scope']:<18}  {row['label']}{revoked}")


@key_app.command("revoke")
def key_revoke(key_id: Annotated[str, typer.Argument(help="The key id from `key list`.")], db: DbOption = None) -> None:
    """Revoke a key: calls made with it fail with UNAUTHENTICATED from now on."""
    with _open(db) as sdk, sdk.uow() as uow:
        key = uow.api_keys.revoke(key_id)
        uow.commit()
    typer.echo(f"revoked {key.id} ({key.kind.value}:{key.scope})")


def register(app: typer.Typer) -> None:
    """Entry point of the ``dualprev_sdk.cli`` group."""
    app.add_typer(gateway_app, name="gateway")
