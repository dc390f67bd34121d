"""Persistence: SQLModel tables, explicit row ↔ domain mappers, repositories, the unit of work, the outbox and
Alembic migrations. Everything else in the SDK reaches the database through :class:`~.uow.UnitOfWork`.

The same code runs on SQLite (embedded default) and PostgreSQL (production); see ``docs/storage.md``.
"""

from __future__ import annotations

from dualprev_sdk.store.engine import make_engine, mask_url, resolve_url
from dualprev_sdk.store.equipment import ParametersCodec, PlainParametersCodec
from dualprev_sdk.store.outbox import OutboxEvent
from dualprev_sdk.store.uow import UnitOfWork

__all__ = [
    "OutboxEvent",
    "ParametersCodec",
    "PlainParametersCodec",
    "UnitOfWork",
    "make_engine",
    "mask_url",
    "resolve_url",
]
