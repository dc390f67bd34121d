"""What every table module shares: the metadata with its naming convention, portable column types, and the
compare-and-swap update that implements optimistic concurrency.

Why a naming convention: Alembic's batch mode on SQLite recreates tables and can only drop or alter
constraints that have names, and PostgreSQL and SQLite would otherwise invent different names, so migrations
would differ by backend.

Why strings for enums: plugins and configuration extend several vocabularies, and a native ``ENUM`` type would
need a migration for each new value. The domain enums are re-created by the mappers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from dualprev_sdk.errors import AlreadyExists, ConcurrencyConflict, FailedPrecondition, NotFound

__all__ = [
    "JSON_TYPE",
    "NAMING_CONVENTION",
    "UTCDateTime",
    "chunked",
    "compare_and_swap",
    "delete_versioned",
    "first_version",
    "insert_many",
    "insert_new",
    "key_string",
    "keyset_above",
    "metadata",
    "starts_with",
    "table_of",
]

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The one metadata every table of the SDK lives in (SQLModel's), with the naming convention applied before any
#: table module defines a constraint. ``dualprev_sdk.store.schema`` imports every table module.
metadata: sa.MetaData = SQLModel.metadata
metadata.naming_convention = NAMING_CONVENTION

#: JSON on SQLite, JSONB on PostgreSQL (indexable, compact).
JSON_TYPE: sa.types.TypeEngine[Any] = sa.JSON().with_variant(JSONB(), "postgresql")


def key_string(length: int) -> sa.types.TypeEngine[str]:
    """``VARCHAR(length)`` for identifiers, codes and vocabulary values, compared bytewise on every backend.

    Keyset pages (``WHERE key > :after ORDER BY key``) and the services that sort the same keys with Python's
    ``sorted()`` agree only if the database orders strings by code point too. SQLite's default ``BINARY``
    collation does; PostgreSQL uses the database's collation, and a production database made with
    ``en_US.UTF-8`` or an ICU locale sorts ``a-b`` after ``ab``, ignores case at first, and puts ``_`` before
    letters — a page token would then skip or repeat rows. The column collation ``"C"`` (bytewise, which for
    UTF-8 is code-point order) fixes the order in the schema, so every ``ORDER BY``, row-value comparison and
    index on the column agree without a ``COLLATE`` in each query. Human text (names, titles, notes) keeps the
    database's collation.
    """
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """An instant stored in UTC and always read back timezone-aware.

    SQLite has no time-zone type, so a naive value would come back and be off by eight hours in a Shanghai
    deployment; this type refuses naive input and attaches UTC on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored; attach a time zone")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def table_of(model: type[SQLModel]) -> sa.Table:
    """The :class:`~sqlalchemy.Table` behind a SQLModel table class (typed, for Core statements)."""
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]


def compare_and_swap(
    session: Session,
    table: sa.Table,
    key: Mapping[str, Any],
    expected_version: int,
    values: Mapping[str, Any],
    *,
    kind: str,
) -> int:
    """``UPDATE table SET values, version = version + 1 WHERE key AND version = expected``; the new version.

    Zero rows means either the record is gone (:class:`NotFound`) or someone else committed first
    (:class:`ConcurrencyConflict`); a second ``SELECT`` tells which. On PostgreSQL under READ COMMITTED the
    loser blocks on the winner's row lock and then re-evaluates the ``WHERE`` against the new version, so the
    race is detected rather than silently overwritten.
    """
    where = [table.c[name] == value for name, value in key.items()]
    label = "/".join(str(v) for v in key.values())
    stmt = (
        sa.update(table)
        .where(*where, table.c.version == expected_version)
        .values(**dict(values), version=expected_version + 1)
    )
    result = cast(sa.CursorResult[Any], session.execute(stmt, execution_options={"synchronize_session": False}))
    if result.rowcount == 1:
        return expected_version + 1
    current = session.execute(sa.select(table.c.version).where(*where)).scalar_one_or_none()
    if current is None:
        raise NotFound(kind, label)
    raise ConcurrencyConflict(kind, label, expected_version)


def delete_versioned(
    session: Session,
    table: sa.Table,
    key: Mapping[str, Any],
    expected_version: int | None,
    *,
    kind: str,
) -> None:
    """Delete one row, optionally only at ``expected_version`` (NotFound / ConcurrencyConflict as above)."""
    where = [table.c[name] == value for name, value in key.items()]
    label = "/".join(str(v) for v in key.values())
    stmt = sa.delete(table).where(*where)
    if expected_version is not None:
        stmt = stmt.where(table.c.version == expected_version)
    try:
        result = cast(sa.CursorResult[Any], session.execute(stmt, execution_options={"synchronize_session": False}))
    except sa.exc.IntegrityError as exc:
        # another table still refers to the row (foreign keys are RESTRICT: history is never dropped silently)
        raise FailedPrecondition(
            f"{kind} {label!r} is still referred to by other records ({_constraint_of(exc)}); remove those first",
            metadata={"kind": kind, "key": label},
        ) from exc
    if result.rowcount == 1:
        return
    current = session.execute(sa.select(table.c.version).where(*where)).scalar_one_or_none()
    if current is None:
        raise NotFound(kind, label)
    raise ConcurrencyConflict(kind, label, expected_version or 0)


def _constraint_of(exc: sa.exc.IntegrityError) -> str:
    """The violated constraint's name where the driver says it (psycopg does), else the driver's message."""
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return str(name) if name else str(exc.orig).splitlines()[0]


def insert_many(session: Session, table: sa.Table, rows: list[dict[str, Any]], *, kind: str, key: str) -> None:
    """``INSERT`` executemany; a key repeated inside ``rows`` or taken meanwhile becomes AlreadyExists."""
    seen: set[Any] = set()
    for row in rows:
        if row[key] in seen:
            raise AlreadyExists(kind, str(row[key]), f"{kind} {row[key]!r} appears twice in the same batch")
        seen.add(row[key])
    try:
        session.execute(sa.insert(table), rows)
    except sa.exc.IntegrityError as exc:
        raise AlreadyExists(kind, ",".join(str(r[key]) for r in rows[:3]), f"{kind}: {_constraint_of(exc)}") from exc


def insert_new(
    session: Session, table: sa.Table, rows: Sequence[Mapping[str, Any]], *, kind: str, key: str, chunk_size: int = 500
) -> int:
    """Insert records whose ``key`` must be new, in chunks; the number inserted. Per chunk, one ``SELECT … IN``
    finds a key already stored (AlreadyExists naming it) before one executemany (:func:`insert_many`, which also
    turns a key repeated in ``rows`` or taken meanwhile by a concurrent insert into AlreadyExists)."""
    column = table.c[key]
    for chunk in chunked(list(rows), chunk_size):
        taken = session.execute(sa.select(column).where(column.in_([r[key] for r in chunk])).limit(1)).scalar()
        if taken is not None:
            raise AlreadyExists(kind, str(taken))
        insert_many(session, table, [dict(r) for r in chunk], kind=kind, key=key)
    return len(rows)


def first_version(now: dt.datetime) -> dict[str, Any]:
    """The bookkeeping columns of a versioned record's first write: version 1, created and updated ``now``."""
    return {"version": 1, "created_at": now, "updated_at": now}


def starts_with(column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
    """``column`` begins with ``prefix``, written so that a B-tree index on ``column`` is used.

    ``LIKE 'prefix%'`` cannot use an ordinary index on either backend (SQLite's LIKE is case-insensitive,
    PostgreSQL needs the C collation or ``text_pattern_ops``), so digit prefixes — region codes, catalogue
    codes — become the half-open range ``[prefix, prefix + 1)``: ``4101`` → ``>= '4101' AND < '4102'``.
    Other prefixes fall back to ``LIKE``.
    """
    if prefix.isdigit() and prefix.isascii() and prefix.strip("9"):
        upper = str(int(prefix) + 1).zfill(len(prefix))
        return sa.and_(column >= prefix, column < upper)
    return column.startswith(prefix, autoescape=True)


def keyset_above(columns: Sequence[sa.ColumnElement[Any]], after: Sequence[Any]) -> sa.ColumnElement[bool]:
    """Rows whose ``columns`` sort above ``after`` as a tuple: the condition of a keyset page (the next page
    starts after the last row of the previous one), a row-value comparison on both backends, so a page reads
    only its own rows from an index in the same column order."""
    if len(columns) != len(after):
        raise ValueError(f"a keyset of {len(columns)} columns needs as many values, got {len(after)}")
    return sa.tuple_(*columns) > sa.tuple_(*(sa.literal(v, type_=c.type) for c, v in zip(columns, after, strict=True)))


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    """Split for executemany: SQLite caps bound parameters, and huge batches hold locks for long."""
    return [items[i : i + size] for i in range(0, len(items), size)]
