"""The one place that knows how to connect: URL resolution, the PostgreSQL driver, and SQLite PRAGMAs.

The SDK is embedded by default (a SQLite file next to the user, no server to run) and production runs on
PostgreSQL; the same repositories run on both, so everything backend-specific about connecting is here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

__all__ = [
    "DATABASE_URL_ENV",
    "DEFAULT_SQLITE_FILE",
    "SQLITE_PRAGMAS",
    "is_postgresql",
    "is_sqlite",
    "make_engine",
    "mask_url",
    "normalise_url",
    "resolve_url",
]

DATABASE_URL_ENV = "DUALPREV_DATABASE_URL"
DEFAULT_SQLITE_FILE = "dualprev.sqlite"

#: Applied on every new SQLite connection. WAL lets readers run beside the single writer; foreign keys are off
#: by default in SQLite; busy_timeout makes a second writer wait (ms) instead of failing at once — 30 s, because
#: SQLite's busy handler is a poll, not a queue, so under many concurrent writers (a gateway on SQLite) one writer
#: can lose the race for the lock several times in a row before it gets it; NORMAL
#: synchronous is durable across application crashes under WAL and much faster than FULL.
SQLITE_PRAGMAS: tuple[tuple[str, str], ...] = (
    ("journal_mode", "WAL"),
    ("foreign_keys", "ON"),
    ("busy_timeout", "30000"),
    ("synchronous", "NORMAL"),
)


def normalise_url(url: str | URL) -> str:
    """Use psycopg 3 for PostgreSQL whatever the caller wrote (``postgres://``, ``postgresql://``)."""
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else str(url)
    for prefix in ("postgres://", "postgresql://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :]
    return text


def resolve_url(url: str | None = None) -> str:
    """The database to use: ``url``, else ``$DUALPREV_DATABASE_URL``, else ``./dualprev.sqlite``."""
    if not url:
        url = os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}"
    return normalise_url(url)


def mask_url(url: str | URL) -> str:
    """The URL with its password replaced by ``***``, for printing and logs."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def _json_serializer(value: Any) -> str:
    # Chinese text stays readable in the database instead of \\uXXXX escapes.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for name, value in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {name}={value}")
    finally:
        cursor.close()


def make_engine(url: str | None = None, *, echo: bool = False, **kwargs: Any) -> Engine:
    """An engine for ``url`` (see :func:`resolve_url`), SQLite PRAGMAs installed, psycopg 3 for PostgreSQL."""
    parsed = make_url(resolve_url(url))
    kwargs.setdefault("json_serializer", _json_serializer)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file::memory:"):
            # one shared connection, otherwise every checkout would see a new empty database
            kwargs.setdefault("poolclass", StaticPool)
            kwargs.setdefault("connect_args", {"check_same_thread": False})
        else:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, echo=echo, **kwargs)
        sa.event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(parsed, echo=echo, **kwargs)


def is_sqlite(engine: Engine | sa.Connection) -> bool:
    return engine.dialect.name == "sqlite"


def is_postgresql(engine: Engine | sa.Connection) -> bool:
    return engine.dialect.name == "postgresql"
