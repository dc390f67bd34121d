"""Supervision (监管): yearly plans with their key-unit list, the inspectors roster with declared conflicts,
double-random draws with their audit trail and results, and regional/widespread hazard alerts.

Why the draw keeps its whole inputs snapshot as JSON next to the SHA-256: the hash proves the inputs were not
changed, the snapshot lets anyone re-run the draw (``verify_draw``) without the store as it is today — the pool
and roster move on, a published draw must stay checkable. Targets are rows (not JSON) because "who inspected
this unit last" (the avoidance rule of the next draw) and the publication list are queries over them.

Alerts are keyed by a hash of (scope kind, scope, hazard type), so a detection run that finds the same pattern
again writes nothing; ``widespread_alert_units`` makes "does this unit have an open alert" one indexed lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.credit import CreditClass
from dualprev_sdk.domain.supervision import (
    Draw,
    InspectionOutcome,
    Inspector,
    PlanUnit,
    RecordedDraw,
    SupervisionPlan,
    TargetResult,
    TeamAssignment,
    WidespreadAlert,
    draw_inputs_from_snapshot,
)
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.store.base import JSON_TYPE, UTCDateTime, chunked, key_string, keyset_above, starts_with, table_of

__all__ = [
    "INSPECTORS",
    "INSPECTOR_CONFLICTS",
    "SAMPLING_DRAWS",
    "SAMPLING_TARGETS",
    "SUPERVISION_PLANS",
    "SUPERVISION_PLAN_UNITS",
    "SUPERVISION_PLAN_VISITS",
    "WIDESPREAD_ALERTS",
    "WIDESPREAD_ALERT_UNITS",
    "SupervisionRepository",
]

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class SupervisionPlanRow(SQLModel, table=True):
    __tablename__ = "supervision_plans"
    __table_args__ = (sa.UniqueConstraint("region_code", "year"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    region_code: str = Field(sa_type=key_string(12))
    year: int
    rules: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)


class SupervisionPlanUnitRow(SQLModel, table=True):
    __tablename__ = "supervision_plan_units"
    __table_args__ = (sa.Index("ix_supervision_plan_units_plan_key", "plan_id", "key_unit"),)

    plan_id: str = Field(sa_type=key_string(64), foreign_key="supervision_plans.id", primary_key=True)
    uscc: str = Field(sa_type=key_string(18), primary_key=True)
    name: str = Field(default="", sa_type=sa.String(200))
    region_code: str = Field(sa_type=key_string(12))
    risk_level: int
    credit_class: str = Field(sa_type=key_string(1))
    inspections_per_year: float
    key_unit: bool
    reasons: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)


class SupervisionPlanVisitRow(SQLModel, table=True):
    __tablename__ = "supervision_plan_visits"

    plan_id: str = Field(sa_type=key_string(64), foreign_key="supervision_plans.id", primary_key=True)
    position: int = Field(primary_key=True)  # a unit visited more than monthly has two visits on one date
    uscc: str = Field(sa_type=key_string(18))
    planned_on: dt.date


class InspectorRow(SQLModel, table=True):
    """执法检查人员名录库."""

    __tablename__ = "inspectors"
    __table_args__ = (sa.Index("ix_inspectors_region_code", "region_code"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    name: str = Field(sa_type=sa.String(100))
    region_code: str = Field(sa_type=key_string(12))
    active: bool = Field(default=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)


class InspectorConflictRow(SQLModel, table=True):
    """A declared conflict of interest (回避): the inspector is never drawn for this unit."""

    __tablename__ = "inspector_conflicts"

    inspector_id: str = Field(sa_type=key_string(64), foreign_key="inspectors.id", primary_key=True)
    uscc: str = Field(sa_type=key_string(18), primary_key=True)
    declared_on: dt.date
    reason: str = Field(default="", sa_type=sa.String(500))


class SamplingDrawRow(SQLModel, table=True):
    __tablename__ = "sampling_draws"
    __table_args__ = (sa.Index("ix_sampling_draws_region_code", "region_code"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    region_code: str = Field(sa_type=key_string(12))
    title: str = Field(default="", sa_type=sa.String(200))
    seed: int = Field(sa_type=sa.BigInteger)
    inputs_sha256: str = Field(sa_type=sa.String(64))
    inputs: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    drawn_at: dt.datetime = Field(sa_type=UTCDateTime)
    drawn_by: str = Field(sa_type=sa.String(200))
    published_on: dt.date | None = Field(default=None)


class SamplingTargetRow(SQLModel, table=True):
    __tablename__ = "sampling_targets"
    __table_args__ = (sa.Index("ix_sampling_targets_uscc", "uscc"),)

    draw_id: str = Field(sa_type=key_string(64), foreign_key="sampling_draws.id", primary_key=True)
    uscc: str = Field(sa_type=key_string(18), primary_key=True)
    stratum: str = Field(sa_type=key_string(64))
    inspectors: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    outcome: str | None = Field(default=None, sa_type=key_string(32))
    outcome_note: str = Field(default="", sa_type=sa.Text)
    inspected_on: dt.date | None = Field(default=None)


class WidespreadAlertRow(SQLModel, table=True):
    __tablename__ = "widespread_alerts"

    id: str = Field(sa_type=key_string(64), primary_key=True)
    scope_kind: str = Field(sa_type=key_string(16))
    scope: str = Field(sa_type=key_string(16))
    signature: str = Field(sa_type=sa.Text)
    hazard_ids: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    window_start: dt.date
    window_end: dt.date
    open: bool = Field(default=True)
    raised_at: dt.datetime = Field(sa_type=UTCDateTime)
    closed_on: dt.date | None = Field(default=None)


class WidespreadAlertUnitRow(SQLModel, table=True):
    __tablename__ = "widespread_alert_units"
    __table_args__ = (sa.Index("ix_widespread_alert_units_uscc", "uscc"),)

    alert_id: str = Field(sa_type=key_string(64), foreign_key="widespread_alerts.id", primary_key=True)
    uscc: str = Field(sa_type=key_string(18), primary_key=True)


SUPERVISION_PLANS = table_of(SupervisionPlanRow)
SUPERVISION_PLAN_UNITS = table_of(SupervisionPlanUnitRow)
SUPERVISION_PLAN_VISITS = table_of(SupervisionPlanVisitRow)
INSPECTORS = table_of(InspectorRow)
INSPECTOR_CONFLICTS = table_of(InspectorConflictRow)
SAMPLING_DRAWS = table_of(SamplingDrawRow)
SAMPLING_TARGETS = table_of(SamplingTargetRow)
WIDESPREAD_ALERTS = table_of(WidespreadAlertRow)
WIDESPREAD_ALERT_UNITS = table_of(WidespreadAlertUnitRow)


class SupervisionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- plans -----------------------------------------------------------------------------------------------

    def save_plan(self, plan: SupervisionPlan, *, rules: Mapping[str, Any]) -> SupervisionPlan:
        """Store the plan for (region, year), replacing an earlier one (its version goes up by one)."""
        p = SUPERVISION_PLANS.c
        old = self.session.execute(
            sa.select(p.id, p.version).where(p.region_code == plan.region_code, p.year == plan.year)
        ).first()
        version = 1
        if old is not None:
            version = int(old.version) + 1
            for table in (SUPERVISION_PLAN_VISITS, SUPERVISION_PLAN_UNITS):
                self.session.execute(sa.delete(table).where(table.c.plan_id == old.id))
            self.session.execute(sa.delete(SUPERVISION_PLANS).where(p.id == old.id))
        self.session.execute(
            sa.insert(SUPERVISION_PLANS).values(
                id=plan.id,
                region_code=plan.region_code,
                year=plan.year,
                rules=dict(rules),
                version=version,
                created_at=plan.created_at,
            )
        )
        unit_rows = [
            {
                "plan_id": plan.id,
                "uscc": u.uscc,
                "name": u.name,
                "region_code": u.region_code,
                "risk_level": int(u.risk_level),
                "credit_class": u.credit_class.value,
                "inspections_per_year": u.inspections_per_year,
                "key_unit": u.key_unit,
                "reasons": list(u.reasons),
            }
            for u in plan.units
        ]
        for chunk in chunked(unit_rows, 500):
            self.session.execute(sa.insert(SUPERVISION_PLAN_UNITS), chunk)
        visit_rows = [
            {"plan_id": plan.id, "position": i, "uscc": u, "planned_on": d} for i, (u, d) in enumerate(plan.visits)
        ]
        for chunk in chunked(visit_rows, 500):
            self.session.execute(sa.insert(SUPERVISION_PLAN_VISITS), chunk)
        return SupervisionPlan(
            id=plan.id,
            region_code=plan.region_code,
            year=plan.year,
            units=plan.units,
            visits=plan.visits,
            created_at=plan.created_at,
            version=version,
        )

    def find_plan(self, region_code: str, year: int) -> SupervisionPlan | None:
        p = SUPERVISION_PLANS.c
        head = (
            self.session.execute(sa.select(SUPERVISION_PLANS).where(p.region_code == region_code, p.year == year))
            .mappings()
            .first()
        )
        if head is None:
            return None
        u = SUPERVISION_PLAN_UNITS.c
        units = tuple(
            PlanUnit(
                uscc=r["uscc"],
                name=r["name"],
                region_code=r["region_code"],
                risk_level=RiskLevel(r["risk_level"]),
                credit_class=CreditClass(r["credit_class"]),
                inspections_per_year=float(r["inspections_per_year"]),
                key_unit=bool(r["key_unit"]),
                reasons=tuple(r["reasons"] or ()),
            )
            for r in self.session.execute(
                sa.select(SUPERVISION_PLAN_UNITS).where(u.plan_id == head["id"]).order_by(u.uscc)
            ).mappings()
        )
        v = SUPERVISION_PLAN_VISITS.c
        visits = tuple(
            (r.uscc, r.planned_on)
            for r in self.session.execute(
                sa.select(v.uscc, v.planned_on).where(v.plan_id == head["id"]).order_by(v.position)
            )
        )
        return SupervisionPlan(
            id=head["id"],
            region_code=head["region_code"],
            year=head["year"],
            units=units,
            visits=visits,
            created_at=head["created_at"],
            version=head["version"],
        )

    # -- inspectors ------------------------------------------------------------------------------------------

    def add_inspector(self, inspector: Inspector, *, region_code: str, declared_on: dt.date) -> Inspector:
        if self.session.execute(sa.select(INSPECTORS.c.id).where(INSPECTORS.c.id == inspector.id)).first():
            raise AlreadyExists("inspector", inspector.id)
        self.session.execute(
            sa.insert(INSPECTORS).values(
                id=inspector.id, name=inspector.name, region_code=region_code, active=True, created_at=timeutil.now()
            )
        )
        # a new inspector has no conflicts yet: one executemany, not declare_conflict's look-ups per unit
        conflicts = [
            {"inspector_id": inspector.id, "uscc": uscc, "declared_on": declared_on, "reason": ""}
            for uscc in sorted(inspector.conflicts)
        ]
        if conflicts:
            self.session.execute(sa.insert(INSPECTOR_CONFLICTS), conflicts)
        return inspector

    def declare_conflict(self, inspector_id: str, uscc: str, *, declared_on: dt.date, reason: str = "") -> bool:
        """Record a conflict; False when it was declared already (idempotent)."""
        if not self.session.execute(sa.select(INSPECTORS.c.id).where(INSPECTORS.c.id == inspector_id)).first():
            raise NotFound("inspector", inspector_id)
        c = INSPECTOR_CONFLICTS.c
        if self.session.execute(sa.select(c.uscc).where(c.inspector_id == inspector_id, c.uscc == uscc)).first():
            return False
        self.session.execute(
            sa.insert(INSPECTOR_CONFLICTS).values(
                inspector_id=inspector_id, uscc=uscc, declared_on=declared_on, reason=reason
            )
        )
        return True

    def set_inspector_active(self, inspector_id: str, active: bool) -> None:
        result = self.session.execute(
            sa.update(INSPECTORS).where(INSPECTORS.c.id == inspector_id).values(active=active),
            execution_options={"synchronize_session": False},
        )
        if not getattr(result, "rowcount", 0):
            raise NotFound("inspector", inspector_id)

    def inspectors(self, region_prefix: str | None = None, *, active_only: bool = True) -> list[Inspector]:
        """The roster under a region prefix with each inspector's declared conflicts."""
        i = INSPECTORS.c
        stmt = sa.select(i.id, i.name).order_by(i.id)
        if region_prefix:
            stmt = stmt.where(starts_with(i.region_code, region_prefix))
        if active_only:
            stmt = stmt.where(i.active.is_(True))
        people = list(self.session.execute(stmt))
        conflicts: dict[str, set[str]] = {}
        c = INSPECTOR_CONFLICTS.c
        for chunk in chunked([p.id for p in people], 500):
            for row in self.session.execute(sa.select(c.inspector_id, c.uscc).where(c.inspector_id.in_(chunk))):
                conflicts.setdefault(row.inspector_id, set()).add(row.uscc)
        return [Inspector(id=p.id, name=p.name, conflicts=frozenset(conflicts.get(p.id, ()))) for p in people]

    # -- draws -----------------------------------------------------------------------------------------------

    def add_draw(self, recorded: RecordedDraw) -> RecordedDraw:
        if self.session.execute(sa.select(SAMPLING_DRAWS.c.id).where(SAMPLING_DRAWS.c.id == recorded.id)).first():
            raise AlreadyExists("sampling draw", recorded.id)
        self.session.execute(
            sa.insert(SAMPLING_DRAWS).values(
                id=recorded.id,
                region_code=recorded.region_code,
                title=recorded.title,
                seed=recorded.draw.seed,
                inputs_sha256=recorded.draw.inputs_sha256,
                inputs=dict(recorded.inputs),
                drawn_at=recorded.drawn_at,
                drawn_by=recorded.drawn_by,
            )
        )
        teams = {t.uscc: list(t.inspectors) for t in recorded.draw.teams}
        rows = [
            {"draw_id": recorded.id, "uscc": uscc, "stratum": stratum, "inspectors": teams.get(uscc, [])}
            for uscc, stratum in recorded.draw.targets
        ]
        for chunk in chunked(rows, 500):
            self.session.execute(sa.insert(SAMPLING_TARGETS), chunk)
        return recorded

    def get_draw(self, draw_id: str) -> RecordedDraw:
        head = self.session.execute(sa.select(SAMPLING_DRAWS).where(SAMPLING_DRAWS.c.id == draw_id)).mappings().first()
        if head is None:
            raise NotFound("sampling draw", draw_id)
        t = SAMPLING_TARGETS.c
        targets = list(
            self.session.execute(sa.select(SAMPLING_TARGETS).where(t.draw_id == draw_id).order_by(t.uscc)).mappings()
        )
        _, _, rules = draw_inputs_from_snapshot(head["inputs"])
        recorded_draw = Draw(
            seed=int(head["seed"]),
            inputs_sha256=head["inputs_sha256"],
            rules=rules,
            targets=tuple((r["uscc"], r["stratum"]) for r in targets),
            teams=tuple(TeamAssignment(uscc=r["uscc"], inspectors=tuple(r["inspectors"] or ())) for r in targets),
        )
        results = {
            r["uscc"]: TargetResult(
                uscc=r["uscc"],
                outcome=InspectionOutcome(r["outcome"]),
                inspected_on=r["inspected_on"],
                note=r["outcome_note"],
            )
            for r in targets
            if r["outcome"] is not None
        }
        return RecordedDraw(
            id=head["id"],
            region_code=head["region_code"],
            draw=recorded_draw,
            inputs=head["inputs"],
            drawn_at=head["drawn_at"],
            drawn_by=head["drawn_by"],
            title=head["title"],
            published_on=head["published_on"],
            results=results,
        )

    def draw_ids(self, region_prefix: str | None = None) -> list[str]:
        d = SAMPLING_DRAWS.c
        stmt = sa.select(d.id).order_by(d.drawn_at, d.id)
        if region_prefix:
            stmt = stmt.where(starts_with(d.region_code, region_prefix))
        return list(self.session.execute(stmt).scalars())

    def record_result(self, draw_id: str, result: TargetResult) -> bool:
        """Write a target's result; False when exactly this result is stored already (idempotent)."""
        t = SAMPLING_TARGETS.c
        row = self.session.execute(
            sa.select(t.outcome, t.inspected_on, t.outcome_note).where(t.draw_id == draw_id, t.uscc == result.uscc)
        ).first()
        if row is None:
            raise NotFound("sampling target", f"{draw_id}/{result.uscc}")
        if (row.outcome, row.inspected_on, row.outcome_note) == (
            result.outcome.value,
            result.inspected_on,
            result.note,
        ):
            return False
        self.session.execute(
            sa.update(SAMPLING_TARGETS)
            .where(t.draw_id == draw_id, t.uscc == result.uscc)
            .values(outcome=result.outcome.value, inspected_on=result.inspected_on, outcome_note=result.note),
            execution_options={"synchronize_session": False},
        )
        return True

    def publish_draw(self, draw_id: str, day: dt.date) -> bool:
        d = SAMPLING_DRAWS.c
        current = self.session.execute(sa.select(d.published_on).where(d.id == draw_id)).first()
        if current is None:
            raise NotFound("sampling draw", draw_id)
        if current.published_on is not None:
            return False
        self.session.execute(
            sa.update(SAMPLING_DRAWS).where(d.id == draw_id).values(published_on=day),
            execution_options={"synchronize_session": False},
        )
        return True

    def last_inspectors(self, usccs: Sequence[str] | None = None) -> dict[str, frozenset[str]]:
        """USCC → the team of its most recent inspected target (a result recorded), over every earlier draw."""
        t = SAMPLING_TARGETS.c
        stmt = sa.select(t.uscc, t.inspectors).where(t.outcome.is_not(None)).order_by(t.uscc, t.inspected_on, t.draw_id)
        # a province's pool can outnumber SQLite's bound-parameter limit: one query per 500 units (a unit's rows
        # all fall in its own chunk, so "the latest wins" still holds)
        statements = [stmt] if usccs is None else [stmt.where(t.uscc.in_(c)) for c in chunked(sorted(set(usccs)), 500)]
        last: dict[str, frozenset[str]] = {}
        for statement in statements:
            for row in self.session.execute(statement):
                last[row.uscc] = frozenset(row.inspectors or ())  # ordered: the latest wins
        return last

    def published_results(
        self,
        region_prefix: str | None = None,
        *,
        after: tuple[dt.datetime, str, str] | None = None,
        limit: int | None = None,
    ) -> list[tuple[RecordedDraw, TargetResult]]:
        """Results of published draws, for 一公开, in (drawn at, draw id, USCC) order: oldest draw first.
        ``after`` and ``limit`` read one keyset page: the results above the key ``after``, at most ``limit``,
        found in one query over the targets, and only the draws they belong to loaded."""
        d, t = SAMPLING_DRAWS.c, SAMPLING_TARGETS.c
        stmt = (
            sa.select(t.draw_id, t.uscc)
            .select_from(SAMPLING_TARGETS.join(SAMPLING_DRAWS, d.id == t.draw_id))
            .where(d.published_on.is_not(None), t.outcome.is_not(None))
            .order_by(d.drawn_at, d.id, t.uscc)
        )
        if region_prefix:
            stmt = stmt.where(starts_with(d.region_code, region_prefix))
        if after is not None:
            stmt = stmt.where(keyset_above((d.drawn_at, d.id, t.uscc), after))
        if limit is not None:
            stmt = stmt.limit(limit)
        draws: dict[str, RecordedDraw] = {}
        out: list[tuple[RecordedDraw, TargetResult]] = []
        for draw_id, uscc in self.session.execute(stmt):
            if draw_id not in draws:
                draws[draw_id] = self.get_draw(draw_id)
            out.append((draws[draw_id], draws[draw_id].results[uscc]))
        return out

    # -- widespread-hazard alerts ----------------------------------------------------------------------------

    def add_alert(self, alert: WidespreadAlert) -> bool:
        """Store a new alert; False when an alert with this id exists (idempotent re-detection)."""
        if self.session.execute(sa.select(WIDESPREAD_ALERTS.c.id).where(WIDESPREAD_ALERTS.c.id == alert.id)).first():
            return False
        self.session.execute(
            sa.insert(WIDESPREAD_ALERTS).values(
                id=alert.id,
                scope_kind=alert.scope_kind,
                scope=alert.scope,
                signature=alert.signature,
                hazard_ids=list(alert.hazards),
                window_start=alert.window_start,
                window_end=alert.window_end,
                open=alert.open,
                raised_at=alert.raised_at,
            )
        )
        self.session.execute(
            sa.insert(WIDESPREAD_ALERT_UNITS), [{"alert_id": alert.id, "uscc": u} for u in alert.units]
        )
        return True

    def close_alert(self, alert_id: str, day: dt.date) -> bool:
        a = WIDESPREAD_ALERTS.c
        row = self.session.execute(sa.select(a.open).where(a.id == alert_id)).first()
        if row is None:
            raise NotFound("widespread hazard alert", alert_id)
        if not row.open:
            return False
        self.session.execute(
            sa.update(WIDESPREAD_ALERTS).where(a.id == alert_id).values(open=False, closed_on=day),
            execution_options={"synchronize_session": False},
        )
        return True

    def alert_unit_regions(self, alert_id: str) -> dict[str, str]:
        """``uscc → region code`` of the units an alert names (whose regulators its events reach)."""
        from dualprev_sdk.store.units import UNITS

        u = WIDESPREAD_ALERT_UNITS.c
        stmt = sa.select(u.uscc, UNITS.c.region_code).join(UNITS, UNITS.c.uscc == u.uscc).where(u.alert_id == alert_id)
        return {row.uscc: row.region_code for row in self.session.execute(stmt)}

    def alerts(self, *, open_only: bool = True, scope_prefix: str | None = None) -> list[WidespreadAlert]:
        a = WIDESPREAD_ALERTS.c
        stmt = sa.select(WIDESPREAD_ALERTS).order_by(a.raised_at, a.id)
        if open_only:
            stmt = stmt.where(a.open.is_(True))
        rows = list(self.session.execute(stmt).mappings())
        units: dict[str, list[str]] = {}
        u = WIDESPREAD_ALERT_UNITS.c
        for chunk in chunked([r["id"] for r in rows], 500):
            for row in self.session.execute(
                sa.select(u.alert_id, u.uscc).where(u.alert_id.in_(chunk)).order_by(u.uscc)
            ):
                units.setdefault(row.alert_id, []).append(row.uscc)
        out = [
            WidespreadAlert(
                id=r["id"],
                scope_kind=r["scope_kind"],
                scope=r["scope"],
                signature=r["signature"],
                units=tuple(units.get(r["id"], ())),
                hazards=tuple(r["hazard_ids"] or ()),
                window_start=r["window_start"],
                window_end=r["window_end"],
                raised_at=r["raised_at"],
                open=bool(r["open"]),
            )
            for r in rows
        ]
        if scope_prefix:
            out = [x for x in out if x.scope_kind != "region" or x.scope.startswith(scope_prefix)]
        return out

    def units_with_open_alerts(self, usccs: Sequence[str]) -> set[str]:
        u = WIDESPREAD_ALERT_UNITS.c
        a = WIDESPREAD_ALERTS.c
        found: set[str] = set()
        for chunk in chunked(list(usccs), 500):
            stmt = (
                sa.select(u.uscc)
                .join(WIDESPREAD_ALERTS, a.id == u.alert_id)
                .where(a.open.is_(True), u.uscc.in_(chunk))
                .distinct()
            )
            found.update(self.session.execute(stmt).scalars())
        return found
