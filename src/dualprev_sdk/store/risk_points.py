"""Risk points (风险点): the ``risk_points`` table, mappers and :class:`RiskPointRepository`.

Factors, accident types and control measures are read and written with the risk point and never queried on
their own, so they are JSON; level, unit, equipment and the review flag are columns because control lists and
four-colour maps filter on them.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import ControlLevel, Frequency, RiskLevel, SafetyRole
from dualprev_sdk.domain.risk import ControlMeasures, RiskPoint, RiskPointChange, RiskPointVersion
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.serialization import converter
from dualprev_sdk.store.base import (
    JSON_TYPE,
    UTCDateTime,
    compare_and_swap,
    delete_versioned,
    first_version,
    insert_many,
    insert_new,
    key_string,
    keyset_above,
    table_of,
)
from dualprev_sdk.store.equipment import EQUIPMENT

__all__ = [
    "RISK_POINTS",
    "RISK_POINT_VERSIONS",
    "ControlListKey",
    "RiskPointRepository",
    "RiskPointRow",
    "RiskPointVersionRow",
    "risk_point_from_row",
    "risk_point_to_row",
]

KIND = "risk point"


class ControlListKey(NamedTuple):
    """Where a point stands in its unit's control list (风险管控清单): class label, equipment id ("" for a
    unit-level point), level, point id — the order of the printed list and of ``ListRiskPoints`` pages."""

    class_name_zh: str
    equipment_id: str
    level: int
    point_id: str


class RiskPointRow(SQLModel, table=True):
    __tablename__ = "risk_points"
    __table_args__ = (
        sa.Index("ix_risk_points_unit_level", "unit_uscc", "level"),
        sa.Index("ix_risk_points_equipment_id", "equipment_id"),
    )

    id: str = Field(sa_type=key_string(64), primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    equipment_id: str | None = Field(
        default=None, sa_type=key_string(64), foreign_key="equipment.id", ondelete="RESTRICT"
    )
    template_code: str = Field(default="", sa_type=key_string(64))
    component: str = Field(sa_type=sa.String(200))
    hazard_factor: str = Field(sa_type=sa.String(1000))
    accident_types: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    method: str = Field(default="", sa_type=key_string(32))
    factors: dict[str, float] = Field(default_factory=dict, sa_type=JSON_TYPE)
    score: float | None = Field(default=None)
    level: int = Field(default=int(RiskLevel.LOW))
    measures: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    control_level: str = Field(default=ControlLevel.POST.value, sa_type=key_string(16))
    responsible_role: str = Field(default=SafetyRole.SAFETY_OFFICER.value, sa_type=key_string(32))
    responsible_person: str = Field(default="", sa_type=sa.String(100))
    check_frequency: str = Field(default=Frequency.DAILY.value, sa_type=key_string(16))
    needs_review: bool = Field(default=False)
    review_reason: str = Field(default="", sa_type=sa.String(500))
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


RISK_POINTS = table_of(RiskPointRow)


class RiskPointVersionRow(SQLModel, table=True):
    """Every change of a risk point, with the point as it was right after it (history survives removal, so no
    foreign key to ``risk_points``)."""

    __tablename__ = "risk_point_versions"
    __table_args__ = (sa.Index("ix_risk_point_versions_unit_at", "unit_uscc", "at"),)

    point_id: str = Field(sa_type=key_string(64), primary_key=True)
    version: int = Field(primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18))
    equipment_id: str | None = Field(default=None, sa_type=key_string(64))
    change: str = Field(sa_type=key_string(32))
    reason: str = Field(default="", sa_type=sa.String(1000))
    actor: str = Field(default="", sa_type=sa.String(100))
    at: dt.datetime = Field(sa_type=UTCDateTime)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)


RISK_POINT_VERSIONS = table_of(RiskPointVersionRow)


def risk_point_to_row(point: RiskPoint) -> dict[str, Any]:
    return {
        "id": point.id,
        "unit_uscc": point.unit_uscc,
        "equipment_id": point.equipment_id,
        "template_code": point.template_code,
        "component": point.component,
        "hazard_factor": point.hazard_factor,
        "accident_types": list(point.accident_types),
        "method": point.method,
        "factors": dict(point.factors),
        "score": point.score,
        "level": int(point.level),
        "measures": converter.unstructure(point.measures, ControlMeasures),
        "control_level": point.control_level.value,
        "responsible_role": point.responsible_role.value,
        "responsible_person": point.responsible_person,
        "check_frequency": point.check_frequency.value,
        "needs_review": point.needs_review,
        "review_reason": point.review_reason,
    }


def risk_point_from_row(row: Mapping[Any, Any]) -> RiskPoint:
    return RiskPoint(
        id=row["id"],
        unit_uscc=row["unit_uscc"],
        equipment_id=row["equipment_id"],
        template_code=row["template_code"],
        component=row["component"],
        hazard_factor=row["hazard_factor"],
        accident_types=tuple(row["accident_types"] or ()),
        method=row["method"],
        factors={k: float(v) for k, v in (row["factors"] or {}).items()},
        score=row["score"],
        level=RiskLevel(row["level"]),
        measures=converter.structure(row["measures"] or {}, ControlMeasures),
        control_level=ControlLevel(row["control_level"]),
        responsible_role=SafetyRole(row["responsible_role"]),
        responsible_person=row["responsible_person"],
        check_frequency=Frequency(row["check_frequency"]),
        needs_review=bool(row["needs_review"]),
        review_reason=row["review_reason"],
        version=row["version"],
    )


class RiskPointRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, point: RiskPoint) -> RiskPoint:
        if self.session.execute(sa.select(RISK_POINTS.c.id).where(RISK_POINTS.c.id == point.id)).first():
            raise AlreadyExists(KIND, point.id)
        now = timeutil.now()
        self.session.execute(
            sa.insert(RISK_POINTS).values(**risk_point_to_row(point), version=1, created_at=now, updated_at=now)
        )
        return attrs.evolve(point, version=1)

    def add_many(self, points: Iterable[RiskPoint], *, chunk_size: int = 500) -> int:
        stamp = first_version(timeutil.now())
        rows = [{**risk_point_to_row(p), **stamp} for p in points]
        return insert_new(self.session, RISK_POINTS, rows, kind=KIND, key="id", chunk_size=chunk_size)

    def find(self, point_id: str) -> RiskPoint | None:
        row = self.session.execute(sa.select(RISK_POINTS).where(RISK_POINTS.c.id == point_id)).mappings().first()
        return None if row is None else risk_point_from_row(row)

    def get(self, point_id: str) -> RiskPoint:
        found = self.find(point_id)
        if found is None:
            raise NotFound(KIND, point_id)
        return found

    def list(
        self,
        *,
        unit_uscc: str | None = None,
        equipment_id: str | None = None,
        level: RiskLevel | None = None,
        needs_review: bool | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Sequence[RiskPoint]:
        stmt = sa.select(RISK_POINTS).order_by(RISK_POINTS.c.id).limit(limit)
        if unit_uscc is not None:
            stmt = stmt.where(RISK_POINTS.c.unit_uscc == unit_uscc)
        if equipment_id is not None:
            stmt = stmt.where(RISK_POINTS.c.equipment_id == equipment_id)
        if level is not None:
            stmt = stmt.where(RISK_POINTS.c.level == int(level))
        if needs_review is not None:
            stmt = stmt.where(RISK_POINTS.c.needs_review == needs_review)
        if after is not None:
            stmt = stmt.where(RISK_POINTS.c.id > after)
        return [risk_point_from_row(r) for r in self.session.execute(stmt).mappings()]

    def update(self, point: RiskPoint) -> RiskPoint:
        values = risk_point_to_row(point)
        del values["id"]
        version = compare_and_swap(
            self.session,
            RISK_POINTS,
            {"id": point.id},
            point.version,
            {**values, "updated_at": timeutil.now()},
            kind=KIND,
        )
        return attrs.evolve(point, version=version)

    def delete(self, point_id: str, *, expected_version: int | None = None) -> None:
        delete_versioned(self.session, RISK_POINTS, {"id": point_id}, expected_version, kind=KIND)

    # ----------------------------------------------------------------------------------------------------------
    # history
    # ----------------------------------------------------------------------------------------------------------

    def add_version(self, entry: RiskPointVersion) -> None:
        """Append one history entry (the key (point, version) makes a duplicate an AlreadyExists)."""
        snapshot = {**risk_point_to_row(entry.snapshot), "version": entry.snapshot.version}
        insert_many(
            self.session,
            RISK_POINT_VERSIONS,
            [
                {
                    "point_id": entry.point_id,
                    "version": entry.version,
                    "unit_uscc": entry.snapshot.unit_uscc,
                    "equipment_id": entry.snapshot.equipment_id,
                    "change": entry.change.value,
                    "reason": entry.reason,
                    "actor": entry.actor,
                    "at": entry.at,
                    "snapshot": snapshot,
                }
            ],
            kind="risk point version",
            key="point_id",
        )

    def history(self, point_id: str) -> builtins.list[RiskPointVersion]:
        """Every version of a point, oldest first."""
        stmt = (
            sa.select(RISK_POINT_VERSIONS)
            .where(RISK_POINT_VERSIONS.c.point_id == point_id)
            .order_by(RISK_POINT_VERSIONS.c.version)
        )
        return [_version_from_row(r) for r in self.session.execute(stmt).mappings()]

    def unit_history(self, unit_uscc: str, *, since: dt.datetime | None = None) -> builtins.list[RiskPointVersion]:
        """Every change to the unit's points (removed ones included), in time order."""
        stmt = sa.select(RISK_POINT_VERSIONS).where(RISK_POINT_VERSIONS.c.unit_uscc == unit_uscc)
        if since is not None:
            stmt = stmt.where(RISK_POINT_VERSIONS.c.at >= since)
        stmt = stmt.order_by(RISK_POINT_VERSIONS.c.at, RISK_POINT_VERSIONS.c.point_id, RISK_POINT_VERSIONS.c.version)
        return [_version_from_row(r) for r in self.session.execute(stmt).mappings()]

    def last_version(self, point_id: str) -> int:
        """The highest history version of a point (0 when it has none)."""
        found = self.session.execute(
            sa.select(sa.func.max(RISK_POINT_VERSIONS.c.version)).where(RISK_POINT_VERSIONS.c.point_id == point_id)
        ).scalar()
        return int(found or 0)

    def list_all(self, *, unit_uscc: str, equipment_ids: Sequence[str] | None = None) -> builtins.list[RiskPoint]:
        """Every point of a unit (optionally of some equipment), ordered by equipment and id — no paging, for
        control lists and maps (a unit has hundreds of points, not millions)."""
        stmt = sa.select(RISK_POINTS).where(RISK_POINTS.c.unit_uscc == unit_uscc)
        if equipment_ids is not None:
            stmt = stmt.where(RISK_POINTS.c.equipment_id.in_(list(equipment_ids)))
        stmt = stmt.order_by(RISK_POINTS.c.equipment_id, RISK_POINTS.c.id)
        return [risk_point_from_row(r) for r in self.session.execute(stmt).mappings()]

    def control_list_page(
        self,
        *,
        unit_uscc: str,
        class_name: Callable[[str], str],
        unit_level_class: str,
        level: RiskLevel | None = None,
        equipment_id: str | None = None,
        needs_review: bool | None = None,
        after: ControlListKey | None = None,
        limit: int | None = None,
    ) -> builtins.list[tuple[ControlListKey, RiskPoint]]:
        """A unit's points in control-list order, from the one after ``after``, at most ``limit`` (keyset paging).

        The order's first part is the class label of the point's equipment, which plugins give by catalogue
        code: ``class_name`` is asked once per catalogue code the unit's equipment uses, and the database sorts
        by a CASE over those codes (points of no equipment of this unit get ``unit_level_class``, as in the
        printed list). The database still visits the unit's points to sort them (hundreds, from the unit's
        index), but only one page of rows is read out and decoded. Text compares by code point on both
        backends (ids are key columns; the label gets the C collation on PostgreSQL), the order Python's sort
        gives the printed list.
        """
        p = RISK_POINTS.c
        e = EQUIPMENT.c
        codes = self.session.execute(
            sa.select(e.catalog_code).where(e.unit_uscc == unit_uscc).distinct().order_by(e.catalog_code)
        ).scalars()
        names = {str(code): class_name(str(code)) for code in codes}
        joined = RISK_POINTS.outerjoin(EQUIPMENT, sa.and_(e.id == p.equipment_id, e.unit_uscc == unit_uscc))
        label: sa.ColumnElement[str] = (
            sa.case(names, value=e.catalog_code, else_=sa.literal(unit_level_class, sa.String))
            if names
            else sa.literal(unit_level_class, sa.String)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            # the ids are key columns (bytewise already); the label is built from literals of the default collation
            label = sa.collate(label, "C")
        keys: list[sa.ColumnElement[Any]] = [label, sa.func.coalesce(p.equipment_id, ""), p.level, p.id]
        stmt = sa.select(RISK_POINTS, label.label("class_name_zh")).select_from(joined).where(p.unit_uscc == unit_uscc)
        if level is not None:
            stmt = stmt.where(p.level == int(level))
        if equipment_id is not None:
            stmt = stmt.where(p.equipment_id == equipment_id)
        if needs_review is not None:
            stmt = stmt.where(p.needs_review == needs_review)
        if after is not None:
            stmt = stmt.where(keyset_above(keys, after))
        stmt = stmt.order_by(*keys)
        if limit is not None:
            stmt = stmt.limit(limit)
        out: builtins.list[tuple[ControlListKey, RiskPoint]] = []
        for row in self.session.execute(stmt).mappings():
            point = risk_point_from_row(row)
            key = ControlListKey(row["class_name_zh"], point.equipment_id or "", int(point.level), point.id)
            out.append((key, point))
        return out


def _version_from_row(row: Mapping[Any, Any]) -> RiskPointVersion:
    return RiskPointVersion(
        point_id=row["point_id"],
        version=row["version"],
        change=RiskPointChange(row["change"]),
        reason=row["reason"],
        actor=row["actor"],
        at=row["at"],
        snapshot=risk_point_from_row(row["snapshot"]),
    )
