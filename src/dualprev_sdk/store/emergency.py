"""Emergency plans, drills, major hazard installations and monitoring records: tables, mappers and
:class:`EmergencyRepository` (``uow.emergency``).

Monitoring records are the one table that grows fast (a reading every few minutes per installation), so it is
indexed by (installation, time) and the checks read only the newest row and an alarm count per installation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.emergency import EmergencyDrill, EmergencyPlan, MajorHazardInstallation, MonitoringRecord
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.store.base import JSON_TYPE, UTCDateTime, compare_and_swap, key_string, table_of

__all__ = ["DRILLS", "INSTALLATIONS", "MONITORING", "PLANS", "EmergencyRepository"]


class EmergencyPlanRow(SQLModel, table=True):
    __tablename__ = "emergency_plans"
    __table_args__ = (sa.Index("ix_emergency_plans_unit_uscc", "unit_uscc"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    title: str = Field(sa_type=sa.String(300))
    equipment_kind: str | None = Field(default=None, sa_type=key_string(8))
    approved_on: dt.date
    reviewed_on: dt.date | None = Field(default=None)
    next_review_due: dt.date | None = Field(default=None)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class EmergencyDrillRow(SQLModel, table=True):
    __tablename__ = "emergency_drills"
    __table_args__ = (
        sa.Index("ix_emergency_drills_unit_uscc", "unit_uscc"),
        sa.Index("ix_emergency_drills_plan_id", "plan_id"),
    )

    id: str = Field(sa_type=key_string(64), primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    plan_id: str = Field(sa_type=key_string(64), foreign_key="emergency_plans.id", ondelete="RESTRICT")
    held_on: dt.date
    scenario: str = Field(sa_type=sa.String(500))
    participants: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    notes: str = Field(default="", sa_type=sa.Text)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)


class MajorHazardInstallationRow(SQLModel, table=True):
    __tablename__ = "major_hazard_installations"
    __table_args__ = (sa.Index("ix_major_hazard_installations_unit_uscc", "unit_uscc"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    name: str = Field(sa_type=sa.String(200))
    description: str = Field(default="", sa_type=sa.Text)
    equipment_ids: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    monitored_parameters: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class MonitoringRecordRow(SQLModel, table=True):
    __tablename__ = "major_hazard_monitoring"
    __table_args__ = (sa.Index("ix_major_hazard_monitoring_installation_at", "installation_id", "recorded_at"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    installation_id: str = Field(
        sa_type=key_string(64), foreign_key="major_hazard_installations.id", ondelete="RESTRICT"
    )
    recorded_at: dt.datetime = Field(sa_type=UTCDateTime)
    parameter: str = Field(sa_type=sa.String(64))
    value: float
    unit: str = Field(default="", sa_type=sa.String(16))
    within_limits: bool = Field(default=True)
    note: str = Field(default="", sa_type=sa.String(500))


PLANS = table_of(EmergencyPlanRow)
DRILLS = table_of(EmergencyDrillRow)
INSTALLATIONS = table_of(MajorHazardInstallationRow)
MONITORING = table_of(MonitoringRecordRow)


def _plan(row: Mapping[Any, Any]) -> EmergencyPlan:
    return EmergencyPlan(
        id=row["id"],
        unit_uscc=row["unit_uscc"],
        title=row["title"],
        equipment_kind=row["equipment_kind"],
        approved_on=row["approved_on"],
        reviewed_on=row["reviewed_on"],
        next_review_due=row["next_review_due"],
        version=row["version"],
    )


def _drill(row: Mapping[Any, Any]) -> EmergencyDrill:
    return EmergencyDrill(
        id=row["id"],
        unit_uscc=row["unit_uscc"],
        plan_id=row["plan_id"],
        held_on=row["held_on"],
        scenario=row["scenario"],
        participants=tuple(row["participants"] or ()),
        notes=row["notes"],
        version=row["version"],
    )


def _installation(row: Mapping[Any, Any]) -> MajorHazardInstallation:
    return MajorHazardInstallation(
        id=row["id"],
        unit_uscc=row["unit_uscc"],
        name=row["name"],
        description=row["description"],
        equipment_ids=tuple(row["equipment_ids"] or ()),
        monitored_parameters=tuple(row["monitored_parameters"] or ()),
        version=row["version"],
    )


def _monitoring(row: Mapping[Any, Any]) -> MonitoringRecord:
    return MonitoringRecord(
        id=row["id"],
        installation_id=row["installation_id"],
        recorded_at=row["recorded_at"],
        parameter=row["parameter"],
        value=float(row["value"]),
        unit=row["unit"],
        within_limits=bool(row["within_limits"]),
        note=row["note"],
    )


class EmergencyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _taken(self, table: sa.Table, key: str, kind: str) -> None:
        if self.session.execute(sa.select(table.c.id).where(table.c.id == key)).first():
            raise AlreadyExists(kind, key)

    # -- plans -----------------------------------------------------------------------------------------------

    def add_plan(self, plan: EmergencyPlan) -> EmergencyPlan:
        self._taken(PLANS, plan.id, "emergency plan")
        now = timeutil.now()
        self.session.execute(
            sa.insert(PLANS).values(
                id=plan.id,
                unit_uscc=plan.unit_uscc,
                title=plan.title,
                equipment_kind=plan.equipment_kind,
                approved_on=plan.approved_on,
                reviewed_on=plan.reviewed_on,
                next_review_due=plan.next_review_due,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        return attrs.evolve(plan, version=1)

    def update_plan(self, plan: EmergencyPlan) -> EmergencyPlan:
        version = compare_and_swap(
            self.session,
            PLANS,
            {"id": plan.id},
            plan.version,
            {
                "title": plan.title,
                "equipment_kind": plan.equipment_kind,
                "approved_on": plan.approved_on,
                "reviewed_on": plan.reviewed_on,
                "next_review_due": plan.next_review_due,
                "updated_at": timeutil.now(),
            },
            kind="emergency plan",
        )
        return attrs.evolve(plan, version=version)

    def get_plan(self, plan_id: str) -> EmergencyPlan:
        row = self.session.execute(sa.select(PLANS).where(PLANS.c.id == plan_id)).mappings().first()
        if row is None:
            raise NotFound("emergency plan", plan_id)
        return _plan(row)

    def plans(self, unit_uscc: str) -> list[EmergencyPlan]:
        stmt = sa.select(PLANS).where(PLANS.c.unit_uscc == unit_uscc).order_by(PLANS.c.id)
        return [_plan(r) for r in self.session.execute(stmt).mappings()]

    # -- drills ----------------------------------------------------------------------------------------------

    def add_drill(self, drill: EmergencyDrill) -> EmergencyDrill:
        self._taken(DRILLS, drill.id, "emergency drill")
        self.session.execute(
            sa.insert(DRILLS).values(
                id=drill.id,
                unit_uscc=drill.unit_uscc,
                plan_id=drill.plan_id,
                held_on=drill.held_on,
                scenario=drill.scenario,
                participants=list(drill.participants),
                notes=drill.notes,
                version=1,
                created_at=timeutil.now(),
            )
        )
        return attrs.evolve(drill, version=1)

    def drills(self, unit_uscc: str) -> list[EmergencyDrill]:
        stmt = sa.select(DRILLS).where(DRILLS.c.unit_uscc == unit_uscc).order_by(DRILLS.c.held_on, DRILLS.c.id)
        return [_drill(r) for r in self.session.execute(stmt).mappings()]

    # -- major hazard installations and monitoring ----------------------------------------------------------

    def add_installation(self, installation: MajorHazardInstallation) -> MajorHazardInstallation:
        self._taken(INSTALLATIONS, installation.id, "major hazard installation")
        now = timeutil.now()
        self.session.execute(
            sa.insert(INSTALLATIONS).values(
                id=installation.id,
                unit_uscc=installation.unit_uscc,
                name=installation.name,
                description=installation.description,
                equipment_ids=list(installation.equipment_ids),
                monitored_parameters=list(installation.monitored_parameters),
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        return attrs.evolve(installation, version=1)

    def get_installation(self, installation_id: str) -> MajorHazardInstallation:
        row = (
            self.session.execute(sa.select(INSTALLATIONS).where(INSTALLATIONS.c.id == installation_id))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound("major hazard installation", installation_id)
        return _installation(row)

    def installations(self, unit_uscc: str) -> list[MajorHazardInstallation]:
        stmt = sa.select(INSTALLATIONS).where(INSTALLATIONS.c.unit_uscc == unit_uscc).order_by(INSTALLATIONS.c.id)
        return [_installation(r) for r in self.session.execute(stmt).mappings()]

    def add_monitoring(self, records: Sequence[MonitoringRecord]) -> int:
        rows = [
            {
                "id": r.id,
                "installation_id": r.installation_id,
                "recorded_at": r.recorded_at,
                "parameter": r.parameter,
                "value": r.value,
                "unit": r.unit,
                "within_limits": r.within_limits,
                "note": r.note,
            }
            for r in records
        ]
        if rows:
            try:
                self.session.execute(sa.insert(MONITORING), rows)
            except sa.exc.IntegrityError as exc:
                raise AlreadyExists("monitoring record", ",".join(str(r["id"]) for r in rows[:3])) from exc
        return len(rows)

    def monitoring(self, installation_id: str, *, limit: int = 100) -> list[MonitoringRecord]:
        """Newest first."""
        stmt = (
            sa.select(MONITORING)
            .where(MONITORING.c.installation_id == installation_id)
            .order_by(MONITORING.c.recorded_at.desc(), MONITORING.c.id.desc())
            .limit(limit)
        )
        return [_monitoring(r) for r in self.session.execute(stmt).mappings()]

    def alarm_counts(self, installation_ids: Sequence[str], *, since: dt.datetime | None = None) -> dict[str, int]:
        if not installation_ids:
            return {}
        stmt = (
            sa.select(MONITORING.c.installation_id, sa.func.count())
            .where(MONITORING.c.installation_id.in_(list(installation_ids)), MONITORING.c.within_limits.is_(False))
            .group_by(MONITORING.c.installation_id)
        )
        if since is not None:
            stmt = stmt.where(MONITORING.c.recorded_at >= since)
        return {iid: int(n) for iid, n in self.session.execute(stmt)}
