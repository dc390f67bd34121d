"""Emergency management (应急管理): emergency plans, drills, major hazard installations and their monitoring.

The seed asks units to "健全重大危险源监控、事故应急管理等制度，按照《特种设备使用管理规则》(TSG08-2017) 制定特种
设备事故应急预案并组织实施", and SAMR Order No. 74 gives the safety director the duty to organise the plan and
its drills (Part C §6.1). The domain reference names no review or drill interval, so none is shipped: a plan
carries its own ``next_review_due`` and :class:`EmergencyPolicy` takes intervals only from configuration
(``None`` = not checked). What *is* always checked: every equipment kind in use is covered by a plan, a plan's
own review date has not passed, and every plan has been drilled at least once.
"""

from __future__ import annotations

import datetime as dt

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import Source, SourceStatus

__all__ = [
    "EmergencyDrill",
    "EmergencyFinding",
    "EmergencyPlan",
    "EmergencyPolicy",
    "MajorHazardInstallation",
    "MonitoringRecord",
    "check_emergency",
]

_TSG08 = Source(document="TSG 08-2017", clause="特种设备事故应急预案", status=SourceStatus.SECONDARY)
_ORDER74 = Source(
    document="总局令第74号", clause="安全总监职责：组织制定应急预案并组织演练", status=SourceStatus.VERIFIED
)
_SEED = Source(document="豫市监办〔2021〕55号", clause="二（一）重大危险源监控", status=SourceStatus.VERIFIED)
_SETTING = Source(
    document="dualprev-sdk setting",
    status=SourceStatus.USER,
    note="no interval in the domain reference; set from local rules or the unit's own system",
)


@attrs.define(kw_only=True)
class EmergencyPlan:
    """特种设备事故应急预案. ``equipment_kind`` is a catalogue kind code ("3000"); ``None`` = a comprehensive plan
    covering every kind the unit uses."""

    id: str
    unit_uscc: str
    title: str
    equipment_kind: str | None = None
    approved_on: dt.date
    reviewed_on: dt.date | None = None
    next_review_due: dt.date | None = None
    version: int = 0

    def covers(self, kind: str) -> bool:
        return self.equipment_kind is None or self.equipment_kind == kind

    @property
    def last_reviewed(self) -> dt.date:
        return self.reviewed_on or self.approved_on


@attrs.define(kw_only=True)
class EmergencyDrill:
    """应急演练: when, which plan, the scenario and who took part."""

    id: str
    unit_uscc: str
    plan_id: str
    held_on: dt.date
    scenario: str
    participants: tuple[str, ...] = ()
    notes: str = ""
    version: int = 0


@attrs.define(kw_only=True)
class MajorHazardInstallation:
    """重大危险源: a named installation (a tank farm, a filling station) and the equipment it contains."""

    id: str
    unit_uscc: str
    name: str
    description: str = ""
    equipment_ids: tuple[str, ...] = ()
    monitored_parameters: tuple[str, ...] = ()  # "pressure_mpa", "level_m", "gas_concentration_lel" …
    version: int = 0


@attrs.frozen(kw_only=True)
class MonitoringRecord:
    """One monitoring reading of an installation; ``within_limits`` is false for an alarm reading."""

    id: str
    installation_id: str
    recorded_at: dt.datetime
    parameter: str
    value: float
    unit: str = ""
    within_limits: bool = True
    note: str = ""


@attrs.frozen(kw_only=True)
class EmergencyPolicy:
    """Configurable intervals (``None`` = not checked). The shipped defaults check nothing time-based beyond the
    plan's own review date, because the domain reference gives no number."""

    plan_review_months: int | None = None
    drill_months: int | None = None
    monitoring_max_gap: dt.timedelta | None = None
    source: Source = _SETTING


@attrs.frozen(kw_only=True)
class EmergencyFinding:
    code: str  # "plan.missing", "plan.stale", "drill.missing", "drill.stale", "monitoring.*"
    subject: str
    message_zh: str
    source: Source


def check_emergency(
    *,
    kinds_in_use: set[str],
    plans: list[EmergencyPlan],
    drills: list[EmergencyDrill],
    installations: list[MajorHazardInstallation],
    last_monitoring: dict[str, MonitoringRecord | None],
    alarms: dict[str, int],
    today: dt.date,
    policy: EmergencyPolicy | None = None,
) -> list[EmergencyFinding]:
    """Missing or stale plans, undrilled plans, unmonitored installations and alarm readings."""
    policy = policy or EmergencyPolicy()
    out: list[EmergencyFinding] = []
    for kind in sorted(kinds_in_use):
        if not any(p.covers(kind) for p in plans):
            out.append(
                EmergencyFinding(
                    code="plan.missing",
                    subject=kind,
                    message_zh=f"在用设备种类{kind}无特种设备事故应急预案",
                    source=_TSG08,
                )
            )
    last_drill: dict[str, dt.date] = {}
    for drill in drills:
        if drill.plan_id not in last_drill or drill.held_on > last_drill[drill.plan_id]:
            last_drill[drill.plan_id] = drill.held_on
    for plan in plans:
        due = plan.next_review_due
        if policy.plan_review_months is not None:
            by_policy = timeutil.add_months(plan.last_reviewed, policy.plan_review_months)
            due = by_policy if due is None else min(due, by_policy)
        if due is not None and today > due:
            out.append(
                EmergencyFinding(
                    code="plan.stale",
                    subject=plan.id,
                    message_zh=f"应急预案《{plan.title}》应于{due.isoformat()}前评审修订，已过期",
                    source=_TSG08 if plan.next_review_due == due else policy.source,
                )
            )
        drilled = last_drill.get(plan.id)
        if drilled is None:
            out.append(
                EmergencyFinding(
                    code="drill.missing",
                    subject=plan.id,
                    message_zh=f"应急预案《{plan.title}》无演练记录",
                    source=_ORDER74,
                )
            )
        elif policy.drill_months is not None and today > timeutil.add_months(drilled, policy.drill_months):
            out.append(
                EmergencyFinding(
                    code="drill.stale",
                    subject=plan.id,
                    message_zh=f"应急预案《{plan.title}》最近一次演练为{drilled.isoformat()}，超过{policy.drill_months}个月",
                    source=policy.source,
                )
            )
    for installation in installations:
        last = last_monitoring.get(installation.id)
        if last is None:
            out.append(
                EmergencyFinding(
                    code="monitoring.missing",
                    subject=installation.id,
                    message_zh=f"重大危险源“{installation.name}”无监控记录",
                    source=_SEED,
                )
            )
        elif policy.monitoring_max_gap is not None:
            gap = dt.datetime.combine(today, dt.time.max, tzinfo=timeutil.SHANGHAI) - last.recorded_at
            if gap > policy.monitoring_max_gap:
                out.append(
                    EmergencyFinding(
                        code="monitoring.stale",
                        subject=installation.id,
                        message_zh=f"重大危险源“{installation.name}”最近监控记录为{last.recorded_at.isoformat()}",
                        source=policy.source,
                    )
                )
        if alarms.get(installation.id):
            out.append(
                EmergencyFinding(
                    code="monitoring.alarm",
                    subject=installation.id,
                    message_zh=f"重大危险源“{installation.name}”有{alarms[installation.id]}条超限监控记录",
                    source=_SEED,
                )
            )
    return out
