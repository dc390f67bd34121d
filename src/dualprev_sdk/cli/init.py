"""``dualprev init``: create or upgrade the database schema."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init_command(
        db: Annotated[
            str | None,
            typer.Option(
                "--db",
                help="Database URL (default: $DUALPREV_DATABASE_URL, else ./dualprev.sqlite). "
                "PostgreSQL: postgresql://user:password@host/dbname",
            ),
        ] = None,
    ) -> None:
        """Create the database, or upgrade it to this version's schema (初始化/升级数据库)."""
        import sqlalchemy as sa

        from dualprev_sdk.store.engine import make_engine, mask_url
        from dualprev_sdk.store.migrate import current_revision, upgrade

        engine = make_engine(db)
        try:
            before = current_revision(engine)
            after = upgrade(engine)
        except sa.exc.OperationalError as exc:
            # the driver's first line says why (refused, authentication, no such database); never the password
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
            typer.echo(f"error: cannot use database {mask_url(engine.url)}: {reason}", err=True)
            raise typer.Exit(1) from None
        finally:
            engine.dispose()
        typer.echo(f"database: {mask_url(engine.url)}")
        if before == after:
            typer.echo(f"schema revision: {after} (already up to date)")
        else:
            typer.echo(f"schema revision: {after} (upgraded from {before or 'empty'})")
