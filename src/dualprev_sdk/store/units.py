"""Use units (使用单位): the ``units`` table, its mappers and :class:`UnitRepository`.

A unit is keyed by its USCC (统一社会信用代码). ``region_code`` is indexed because regulators list and sweep
by administrative division prefix (``4101`` = 郑州市). Role assignments are a small value list read and
written with the unit, so they are JSON rather than a table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.unit import RoleAssignment, SizeClass, UseUnit
from dualprev_sdk.errors import AlreadyExists, FailedPrecondition, NotFound
from dualprev_sdk.serialization import converter
from dualprev_sdk.store.base import (
    JSON_TYPE,
    UTCDateTime,
    chunked,
    compare_and_swap,
    delete_versioned,
    first_version,
    insert_new,
    key_string,
    starts_with,
    table_of,
)

__all__ = ["UnitRepository", "UnitRow", "read_unit", "unit_from_row", "unit_to_row"]

KIND = "unit"


class UnitRow(SQLModel, table=True):
    """One use unit. Columns mirror :class:`~dualprev_sdk.domain.unit.UseUnit`; ``version`` is the CAS counter."""

    __tablename__ = "units"
    __table_args__ = (sa.Index("ix_units_region_code", "region_code"),)

    uscc: str = Field(sa_type=key_string(18), primary_key=True)
    name: str = Field(sa_type=sa.String(200))
    region_code: str = Field(sa_type=key_string(12))
    industry: str = Field(default="", sa_type=key_string(8))
    size_class: str = Field(default=SizeClass.MEDIUM.value, sa_type=key_string(16))
    park: str | None = Field(default=None, sa_type=sa.String(200))
    grid_cell: str | None = Field(default=None, sa_type=sa.String(64))
    address: str = Field(default="", sa_type=sa.String(500))
    roles: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON_TYPE)
    demonstration: bool = Field(default=False)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


UNITS = table_of(UnitRow)


def unit_to_row(unit: UseUnit) -> dict[str, Any]:
    """The column values for ``unit`` (without ``version`` and timestamps, which the repository owns)."""
    return {
        "uscc": unit.uscc,
        "name": unit.name,
        "region_code": unit.region_code,
        "industry": unit.industry,
        "size_class": unit.size_class.value,
        "park": unit.park,
        "grid_cell": unit.grid_cell,
        "address": unit.address,
        "roles": converter.unstructure(list(unit.roles), list[RoleAssignment]),
        "demonstration": unit.demonstration,
    }


def unit_from_row(row: Mapping[Any, Any]) -> UseUnit:
    """The domain object for a ``units`` row (a mapping of column values)."""
    return UseUnit(
        uscc=row["uscc"],
        name=row["name"],
        region_code=row["region_code"],
        industry=row["industry"],
        size_class=SizeClass(row["size_class"]),
        park=row["park"],
        grid_cell=row["grid_cell"],
        address=row["address"],
        roles=tuple(converter.structure(row["roles"] or [], list[RoleAssignment])),
        demonstration=bool(row["demonstration"]),
        version=row["version"],
    )


#: Built once: the gateway reads units on almost every call, and building and coercing the statement per call
#: cost as much as running it.
_BY_USCC = sa.select(UNITS).where(UNITS.c.uscc == sa.bindparam("uscc"))


def read_unit(connection: sa.Connection, uscc: str) -> UseUnit:
    """One unit by USCC on a plain connection: the read path for single lookups, without a session or a unit
    of work (a read needs no change tracking and no outbox)."""
    row = connection.execute(_BY_USCC, {"uscc": uscc}).mappings().one_or_none()
    if row is None:
        raise NotFound(KIND, uscc)
    return unit_from_row(row)


class UnitRepository:
    """Units as domain objects. Writes return the stored object with its new ``version``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, unit: UseUnit) -> UseUnit:
        """Insert a new unit (``AlreadyExists`` when the USCC is taken); its version becomes 1."""
        if self.find(unit.uscc) is not None:
            raise AlreadyExists(KIND, unit.uscc)
        now = timeutil.now()
        try:
            self.session.execute(
                sa.insert(UNITS).values(**unit_to_row(unit), version=1, created_at=now, updated_at=now)
            )
        except sa.exc.IntegrityError as exc:  # lost a race with a concurrent insert of the same key
            raise AlreadyExists(KIND, unit.uscc) from exc
        return _evolve_version(unit, 1)

    def add_many(self, units: Iterable[UseUnit], *, chunk_size: int = 500) -> int:
        """Bulk insert with executemany in chunks; any existing USCC makes the whole call ``AlreadyExists``."""
        stamp = first_version(timeutil.now())
        rows = [{**unit_to_row(u), **stamp} for u in units]
        return insert_new(self.session, UNITS, rows, kind=KIND, key="uscc", chunk_size=chunk_size)

    def find(self, uscc: str) -> UseUnit | None:
        row = self.session.execute(_BY_USCC, {"uscc": uscc}).mappings().one_or_none()
        return None if row is None else unit_from_row(row)

    def get(self, uscc: str) -> UseUnit:
        found = self.find(uscc)
        if found is None:
            raise NotFound(KIND, uscc)
        return found

    def find_many(self, usccs: Iterable[str], *, chunk_size: int = 500) -> dict[str, UseUnit]:
        """``uscc → unit`` of those of ``usccs`` that exist, one query per ``chunk_size`` units: for use cases
        that walk many units' plans or records, where a ``get`` per unit would be a query per unit."""
        found: dict[str, UseUnit] = {}
        for chunk in chunked(sorted(set(usccs)), chunk_size):
            for row in self.session.execute(sa.select(UNITS).where(UNITS.c.uscc.in_(chunk))).mappings():
                found[row["uscc"]] = unit_from_row(row)
        return found

    def exists(self, uscc: str) -> bool:
        return self.session.execute(sa.select(UNITS.c.uscc).where(UNITS.c.uscc == uscc)).first() is not None

    def regions_of(self, usccs: Iterable[str], *, chunk_size: int = 500) -> dict[str, str]:
        """``uscc → region code`` of those of ``usccs`` that exist (absent ones are simply missing from the
        result): one query per ``chunk_size`` units instead of one per unit, for events and writes that concern
        many units at once (a duty plan's feeds, a bulk equipment insert)."""
        regions: dict[str, str] = {}
        for chunk in chunked(sorted(set(usccs)), chunk_size):
            stmt = sa.select(UNITS.c.uscc, UNITS.c.region_code).where(UNITS.c.uscc.in_(chunk))
            regions.update({str(uscc): str(region) for uscc, region in self.session.execute(stmt)})
        return regions

    def list(
        self,
        *,
        region_prefix: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Sequence[UseUnit]:
        """Units ordered by USCC, optionally under a region-code prefix, starting after the USCC ``after``
        (keyset pagination: stable under concurrent inserts and cheap at any depth)."""
        stmt = sa.select(UNITS).order_by(UNITS.c.uscc).limit(limit)
        if region_prefix:
            stmt = stmt.where(starts_with(UNITS.c.region_code, region_prefix))
        if after is not None:
            stmt = stmt.where(UNITS.c.uscc > after)
        return [unit_from_row(r) for r in self.session.execute(stmt).mappings()]

    def count(self, *, region_prefix: str | None = None) -> int:
        stmt = sa.select(sa.func.count()).select_from(UNITS)
        if region_prefix:
            stmt = stmt.where(starts_with(UNITS.c.region_code, region_prefix))
        return int(self.session.execute(stmt).scalar_one())

    def update(self, unit: UseUnit) -> UseUnit:
        """Write ``unit`` if nobody changed it since it was read at ``unit.version`` (else ConcurrencyConflict).
        A new region code is copied onto the unit's equipment in the same transaction."""
        values = unit_to_row(unit)
        del values["uscc"]
        new_version = compare_and_swap(
            self.session,
            UNITS,
            {"uscc": unit.uscc},
            unit.version,
            {**values, "updated_at": timeutil.now()},
            kind=KIND,
        )
        # keep the region copied onto equipment in step (a no-op index lookup when the region did not change)
        from dualprev_sdk.store.equipment import EQUIPMENT

        self.session.execute(
            sa.update(EQUIPMENT)
            .where(EQUIPMENT.c.unit_uscc == unit.uscc, EQUIPMENT.c.region_code != unit.region_code)
            .values(region_code=unit.region_code),
            execution_options={"synchronize_session": False},
        )
        return _evolve_version(unit, new_version)

    def delete(self, uscc: str, *, expected_version: int | None = None) -> None:
        """Delete a unit that has no equipment left (FailedPrecondition otherwise)."""
        from dualprev_sdk.store.equipment import EQUIPMENT

        held = self.session.execute(
            sa.select(sa.func.count()).select_from(EQUIPMENT).where(EQUIPMENT.c.unit_uscc == uscc)
        ).scalar_one()
        if held:
            raise FailedPrecondition(
                f"unit {uscc!r} still holds {held} equipment record(s); delete or transfer them first",
                metadata={"kind": KIND, "key": uscc},
            )
        delete_versioned(self.session, UNITS, {"uscc": uscc}, expected_version, kind=KIND)


def _evolve_version(unit: UseUnit, version: int) -> UseUnit:
    import attrs

    return attrs.evolve(unit, version=version)
