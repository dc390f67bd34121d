"""API keys: the ``api_keys`` table and :class:`ApiKeyRepository` (domain in :mod:`dualprev_sdk.access`).

Only the SHA-256 digest of a key's secret is stored (see ``access`` for why a fast hash is right for 256-bit
random secrets). Keys are never deleted, only revoked, so an audit can still tell who a key belonged to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.access import ApiKey, PrincipalKind
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.store.base import UTCDateTime, key_string, table_of

__all__ = ["ApiKeyRepository", "ApiKeyRow", "StoreApiKeys"]

KIND = "api key"


class ApiKeyRow(SQLModel, table=True):
    __tablename__ = "api_keys"

    id: str = Field(sa_type=key_string(32), primary_key=True)
    kind: str = Field(sa_type=key_string(16))
    scope: str = Field(sa_type=key_string(64))
    secret_sha256: str = Field(sa_type=sa.String(64))
    label: str = Field(default="", sa_type=sa.String(200))
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


API_KEYS = table_of(ApiKeyRow)


def _from_row(row: Mapping[Any, Any]) -> ApiKey:
    return ApiKey(
        id=row["id"],
        kind=PrincipalKind(row["kind"]),
        scope=row["scope"],
        secret_sha256=row["secret_sha256"],
        label=row["label"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


class ApiKeyRepository:
    """Keys as :class:`~dualprev_sdk.access.ApiKey` values, inside a unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, key: ApiKey) -> ApiKey:
        if self.find(key.id) is not None:
            raise AlreadyExists(KIND, key.id)
        self.session.execute(
            sa.insert(API_KEYS).values(
                id=key.id,
                kind=key.kind.value,
                scope=key.scope,
                secret_sha256=key.secret_sha256,
                label=key.label,
                created_at=key.created_at,
                revoked_at=key.revoked_at,
            )
        )
        return key

    def find(self, key_id: str) -> ApiKey | None:
        row = self.session.execute(sa.select(API_KEYS).where(API_KEYS.c.id == key_id)).mappings().one_or_none()
        return None if row is None else _from_row(row)

    def list(self, *, include_revoked: bool = False) -> Sequence[ApiKey]:
        stmt = sa.select(API_KEYS).order_by(API_KEYS.c.created_at, API_KEYS.c.id)
        if not include_revoked:
            stmt = stmt.where(API_KEYS.c.revoked_at.is_(None))
        return [_from_row(r) for r in self.session.execute(stmt).mappings()]

    def revoke(self, key_id: str, *, now: dt.datetime | None = None) -> ApiKey:
        """Mark revoked (idempotent: revoking twice keeps the first time)."""
        key = self.find(key_id)
        if key is None:
            raise NotFound(KIND, key_id)
        if key.revoked_at is None:
            self.session.execute(
                sa.update(API_KEYS).where(API_KEYS.c.id == key_id).values(revoked_at=now or timeutil.now())
            )
        found = self.find(key_id)
        assert found is not None
        return found


class StoreApiKeys:
    """An :class:`~dualprev_sdk.access.ApiKeySource` reading the store, one short unit of work per lookup."""

    def __init__(self, uow_factory: Callable[[], Any]) -> None:
        self._uow = uow_factory

    def find(self, key_id: str) -> ApiKey | None:
        with self._uow() as uow:
            found: ApiKey | None = uow.api_keys.find(key_id)
            return found
