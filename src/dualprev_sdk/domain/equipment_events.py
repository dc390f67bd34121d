"""What happens to a piece of equipment after it enters the ledger: accidents, major repairs and alterations,
relocations, suspension, restart, scrapping and transfer (TSG 08-2017, domain reference Part C §4).

Why these are records and not just field edits: each one is a reassessment trigger for the equipment's risk
points (发生事故、重大修理改造、使用场所变更 → 重新辨识评价, Part C §7.4 and the risk domain's
:class:`~dualprev_sdk.domain.risk.ReviewTrigger`), an accident is a credit fact (Part C §10) and, while its
conditions are not rectified, a direct-determination fact (Part C §7.4 item 2); an alteration or major repair
needs a change registration before continued use (特设法 art. 47) and a supervisory inspection. The record keeps
the when, who and why that a status column cannot.

Pure domain: no store, no cattrs. The service validates with :func:`violations_of` and moves the equipment's
registration status with :func:`next_status`.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from dualprev_sdk import ids, timeutil
from dualprev_sdk.domain.common import Location, Source, SourceStatus
from dualprev_sdk.domain.credit import Severity
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.domain.risk import ReviewTrigger
from dualprev_sdk.errors import FailedPrecondition, FieldViolation, InvalidArgument

__all__ = [
    "ACCIDENT_SEVERITY_SOURCE",
    "DETAILS_TYPE",
    "Accident",
    "Alteration",
    "EquipmentEvent",
    "EquipmentEventDetails",
    "EquipmentEventKind",
    "MajorRepair",
    "Relocation",
    "Restart",
    "Scrapping",
    "Suspension",
    "Transfer",
    "kind_of",
    "next_status",
    "violations_of",
]


class EquipmentEventKind(enum.StrEnum):
    ACCIDENT = "accident"  # 事故
    MAJOR_REPAIR = "major_repair"  # 重大修理
    ALTERATION = "alteration"  # 改造
    RELOCATION = "relocation"  # 使用场所变更 / 移装
    SUSPENSION = "suspension"  # 停用
    RESTART = "restart"  # 重新启用
    SCRAPPING = "scrapping"  # 报废
    TRANSFER = "transfer"  # 过户

    @property
    def name_zh(self) -> str:
        return {
            "accident": "事故",
            "major_repair": "重大修理",
            "alteration": "改造",
            "relocation": "使用场所变更",
            "suspension": "停用",
            "restart": "重新启用",
            "scrapping": "报废",
            "transfer": "过户",
        }[self.value]

    @property
    def review_trigger(self) -> ReviewTrigger | None:
        """The reassessment trigger this event is, or ``None`` (status changes do not re-grade)."""
        return {
            "accident": ReviewTrigger.ACCIDENT,
            "major_repair": ReviewTrigger.MAJOR_REPAIR,
            "alteration": ReviewTrigger.ALTERATION,
            "relocation": ReviewTrigger.RELOCATION,
        }.get(self.value)


#: How an accident's severity and casualties map onto the direct-determination rule's two counts. The rule
#: (Part C §7.4 item 2, [GK]) speaks of fatal / serious-injury / major-loss accidents versus minor-injury /
#: ordinary-loss ones; the classes above 一般 are counted as serious by design choice, not by a cited clause.
ACCIDENT_SEVERITY_SOURCE = Source(
    document="domain reference Part C §7.4 item 2",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="deaths, serious injuries, major loss or a class above 一般 → serious; otherwise minor (design choice)",
)


def _violation(field: str, value: object, rule: str, message: str) -> FieldViolation:
    return FieldViolation(field=field, value=value, rule=rule, message=message)


@attrs.frozen(kw_only=True)
class Accident:
    """A special-equipment accident (特种设备事故) on one item.

    ``conditions_rectified``/``rectified_on``: the conditions that led to it have been removed; until then the
    equipment's risk is 重大 by direct determination.
    """

    occurred_at: dt.datetime
    severity: Severity
    description: str
    deaths: int = 0
    serious_injuries: int = 0
    minor_injuries: int = 0
    major_loss: bool = False
    conditions_rectified: bool = False
    rectified_on: dt.date | None = None

    @property
    def is_serious(self) -> bool:
        """Counts as a fatal / serious-injury / major-loss accident for direct determination."""
        return bool(self.deaths or self.serious_injuries or self.major_loss or self.severity not in (Severity.GENERAL,))

    @property
    def day(self) -> dt.date:
        """The calendar day in Asia/Shanghai (credit records and reports are dated by it)."""
        return self.occurred_at.astimezone(timeutil.SHANGHAI).date()

    def violations(self, today: dt.date) -> list[FieldViolation]:
        out: list[FieldViolation] = []
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            out.append(_violation("occurred_at", self.occurred_at, "aware", "give a time zone"))
        elif self.day > today:
            out.append(_violation("occurred_at", self.occurred_at, "not_future", "an accident is in the past"))
        if self.severity is Severity.NONE:
            allowed = ", ".join(s.value for s in Severity if s.value)
            out.append(_violation("severity", self.severity.value, "accident.severity", f"one of {allowed}"))
        if not self.description.strip():
            out.append(_violation("description", self.description, "required", "say what happened"))
        for name in ("deaths", "serious_injuries", "minor_injuries"):
            if getattr(self, name) < 0:
                out.append(_violation(name, getattr(self, name), "not_negative", "a count of people"))
        out += _rectification_violations(self.conditions_rectified, self.rectified_on, today)
        return out


def _rectification_violations(rectified: bool, on: dt.date | None, today: dt.date) -> list[FieldViolation]:
    if rectified and on is None:
        return [_violation("rectified_on", None, "accident.rectified_on", "give the day the conditions were removed")]
    if not rectified and on is not None:
        return [_violation("rectified_on", on, "accident.rectified_on", "only with conditions_rectified")]
    if on is not None and on > today:
        return [_violation("rectified_on", on, "not_future", "cannot be later than today")]
    return []


@attrs.frozen(kw_only=True)
class _Work:
    """A major repair or an alteration: who did it, when, and where the follow-up stands.

    ``change_registration_needed`` defaults to true (特设法 art. 47: an alteration or major repair that changes
    registration data → change registration before continued use); ``supervisory_inspection_on`` is the day a
    passed supervisory inspection (监督检验) of the work was recorded, if the caller knows it.
    """

    performed_on: dt.date
    contractor: str
    description: str = ""
    change_registration_needed: bool = True
    change_registered_on: dt.date | None = None
    supervisory_inspection_passed: bool = False
    supervisory_inspection_on: dt.date | None = None
    supervisory_report: str = ""

    def violations(self, today: dt.date) -> list[FieldViolation]:
        out: list[FieldViolation] = []
        if self.performed_on > today:
            out.append(_violation("performed_on", self.performed_on, "not_future", "record work once it is done"))
        if not self.contractor.strip():
            out.append(_violation("contractor", self.contractor, "required", "the licensed unit that did the work"))
        if self.supervisory_inspection_passed and self.supervisory_inspection_on is None:
            out.append(
                _violation(
                    "supervisory_inspection_on", None, "work.supervisory.date", "give the day the inspection passed"
                )
            )
        for name in ("supervisory_inspection_on", "change_registered_on"):
            day = getattr(self, name)
            if day is not None and not self.performed_on <= day <= today:
                out.append(_violation(name, day, "work.date.range", "between the work and today"))
        if self.change_registered_on is not None and not self.change_registration_needed:
            out.append(
                _violation("change_registered_on", self.change_registered_on, "work.registration", "none was needed")
            )
        return out

    @property
    def awaits_change_registration(self) -> bool:
        return self.change_registration_needed and self.change_registered_on is None


@attrs.frozen(kw_only=True)
class MajorRepair(_Work):
    """重大修理."""


@attrs.frozen(kw_only=True)
class Alteration(_Work):
    """改造."""


@attrs.frozen(kw_only=True)
class Relocation:
    """A change of place of use (使用场所变更 / 移装): where from, where to, when."""

    moved_on: dt.date
    from_location: Location
    to_location: Location
    note: str = ""

    def violations(self, today: dt.date) -> list[FieldViolation]:
        out: list[FieldViolation] = []
        if self.moved_on > today:
            out.append(_violation("moved_on", self.moved_on, "not_future", "record a move once it happened"))
        if self.from_location == self.to_location:
            out.append(_violation("to_location", self.to_location, "relocation.changed", "the same place"))
        return out


@attrs.frozen(kw_only=True)
class Suspension:
    """停用: ``notified_on`` is the day the registration authority was told (TSG 08: within 30 days for a stop of a
    year or more [GK])."""

    since: dt.date
    reason: str = ""
    planned_until: dt.date | None = None
    notified_on: dt.date | None = None

    def violations(self, today: dt.date) -> list[FieldViolation]:
        out: list[FieldViolation] = []
        if self.since > today:
            out.append(_violation("since", self.since, "not_future", "record a suspension once it starts"))
        if self.planned_until is not None and self.planned_until <= self.since:
            out.append(_violation("planned_until", self.planned_until, "suspension.range", "after the start"))
        return out


@attrs.frozen(kw_only=True)
class Restart:
    """重新启用 after a suspension: the self-check is required (TSG 08 [GK]); a periodic inspection is required too
    when the certificate expired meanwhile, which the inspections service's validity shows."""

    on: dt.date
    self_check_done: bool
    note: str = ""

    def violations(self, today: dt.date) -> list[FieldViolation]:
        out: list[FieldViolation] = []
        if self.on > today:
            out.append(_violation("on", self.on, "not_future", "record a restart once it happens"))
        if not self.self_check_done:
            out.append(_violation("self_check_done", False, "restart.self_check", "self-check before restarting"))
        return out


@attrs.frozen(kw_only=True)
class Scrapping:
    """报废 (特设法 art. 48): destroy the function and cancel the registration."""

    on: dt.date
    reason: str
    function_destroyed: bool = False
    registration_cancelled_on: dt.date | None = None

    def violations(self, today: dt.date) -> list[FieldViolation]:
        out: list[FieldViolation] = []
        if self.on > today:
            out.append(_violation("on", self.on, "not_future", "record scrapping once it happened"))
        if not self.reason.strip():
            out.append(_violation("reason", self.reason, "required", "why the equipment is scrapped"))
        if self.registration_cancelled_on is not None and self.registration_cancelled_on < self.on:
            out.append(_violation("registration_cancelled_on", self.registration_cancelled_on, "range", "not before"))
        return out


@attrs.frozen(kw_only=True)
class Transfer:
    """过户: the equipment leaves this unit. The receiving unit registers it under its own record."""

    on: dt.date
    to_unit_uscc: str = ""
    to_unit_name: str = ""
    note: str = ""

    def violations(self, today: dt.date) -> list[FieldViolation]:
        out: list[FieldViolation] = []
        if self.on > today:
            out.append(_violation("on", self.on, "not_future", "record a transfer once it happened"))
        if self.to_unit_uscc:
            try:
                ids.validate_uscc(self.to_unit_uscc, field="to_unit_uscc")
            except InvalidArgument as exc:
                out += exc.violations
        elif not self.to_unit_name.strip():
            out.append(_violation("to_unit_uscc", "", "required", "name the receiving unit (USCC or name)"))
        return out


EquipmentEventDetails = Accident | MajorRepair | Alteration | Relocation | Suspension | Restart | Scrapping | Transfer

_KINDS: dict[type[object], EquipmentEventKind] = {
    Accident: EquipmentEventKind.ACCIDENT,
    MajorRepair: EquipmentEventKind.MAJOR_REPAIR,
    Alteration: EquipmentEventKind.ALTERATION,
    Relocation: EquipmentEventKind.RELOCATION,
    Suspension: EquipmentEventKind.SUSPENSION,
    Restart: EquipmentEventKind.RESTART,
    Scrapping: EquipmentEventKind.SCRAPPING,
    Transfer: EquipmentEventKind.TRANSFER,
}

#: details type per kind (the store maps a row back with it)
DETAILS_TYPE: dict[EquipmentEventKind, type[EquipmentEventDetails]] = {v: k for k, v in _KINDS.items()}  # type: ignore[misc]


def kind_of(details: EquipmentEventDetails) -> EquipmentEventKind:
    return _KINDS[type(details)]


@attrs.frozen(kw_only=True)
class EquipmentEvent:
    """One recorded event: the envelope (ids, who, when recorded, the retry key) around its details."""

    id: str
    equipment_id: str
    unit_uscc: str
    details: EquipmentEventDetails
    actor: str
    recorded_at: dt.datetime
    request_id: str = ""
    version: int = 1

    @property
    def kind(self) -> EquipmentEventKind:
        return kind_of(self.details)

    @property
    def day(self) -> dt.date:
        """The day the event happened (not the day it was recorded)."""
        d = self.details
        if isinstance(d, Accident):
            return d.day
        if isinstance(d, _Work):
            return d.performed_on
        if isinstance(d, Relocation):
            return d.moved_on
        if isinstance(d, Suspension):
            return d.since
        return d.on


def violations_of(details: EquipmentEventDetails, today: dt.date) -> list[FieldViolation]:
    """Every broken rule of ``details``, with field paths under ``details.``."""
    return [v.prefixed("details") for v in details.violations(today)]


_ALLOWED_FROM: dict[EquipmentEventKind, tuple[EquipmentStatus, ...]] = {
    EquipmentEventKind.SUSPENSION: (EquipmentStatus.IN_USE,),
    EquipmentEventKind.RESTART: (EquipmentStatus.SUSPENDED,),
    EquipmentEventKind.SCRAPPING: (EquipmentStatus.IN_USE, EquipmentStatus.SUSPENDED),
    EquipmentEventKind.TRANSFER: (EquipmentStatus.IN_USE, EquipmentStatus.SUSPENDED),
}
_STATUS_AFTER = {
    EquipmentEventKind.SUSPENSION: EquipmentStatus.SUSPENDED,
    EquipmentEventKind.RESTART: EquipmentStatus.IN_USE,
    EquipmentEventKind.SCRAPPING: EquipmentStatus.SCRAPPED,
    EquipmentEventKind.TRANSFER: EquipmentStatus.TRANSFERRED,
}
_ACTIVE = (EquipmentStatus.IN_USE, EquipmentStatus.SUSPENDED)


def next_status(current: EquipmentStatus, details: EquipmentEventDetails) -> EquipmentStatus | None:
    """The registration status after ``details`` (``None``: unchanged), or FailedPrecondition naming the current
    status and what it allows. Scrapped or transferred equipment takes no further events."""
    kind = kind_of(details)
    allowed = _ALLOWED_FROM.get(kind, _ACTIVE)
    if current not in allowed:
        possible = [k.name_zh for k, src in _ALLOWED_FROM.items() if current in src]
        if current in _ACTIVE:
            possible = [k.name_zh for k in EquipmentEventKind if k not in _ALLOWED_FROM] + possible
        raise FailedPrecondition(
            f"equipment is {current.value} ({current.name_zh}); {kind.value} ({kind.name_zh}) is not possible"
            + (f"; allowed: {'、'.join(possible)}" if possible else "; it takes no further events"),
            metadata={"status": current.value, "event": kind.value},
        )
    return _STATUS_AFTER.get(kind)
