"""Gas-cylinder and mobile-pressure-vessel traceability (气瓶/移动式压力容器追溯) and the filling interlock.

The seed asks for "信息化追溯体系": shared device data, flow tracing, risk warning. The heart of it is the
filling interlock — a fill that should not happen is refused *before* it happens, with every reason listed —
and an append-only flow of events from which the whole life of one cylinder can be read back.

Everything here is pure: the services layer loads the cylinder and the filler's certificates, calls
:func:`check_fill`, and records either the fill or the refusal.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import attrs

from dualprev_sdk.domain.personnel import Certificate
from dualprev_sdk.timeutil import add_years

__all__ = [
    "CYLINDER_FILLING_CERTIFICATES",
    "MOBILE_VESSEL_FILLING_CERTIFICATES",
    "Cylinder",
    "CylinderEvent",
    "CylinderEventKind",
    "CylinderStatus",
    "FillRequest",
    "LoadingRequest",
    "MobileVessel",
    "Refusal",
    "RefusalReason",
    "TraceWarning",
    "check_fill",
    "check_loading",
    "trace_warnings",
]

#: TSG Z6001-2019 item P (气瓶充装) and the 2011-era P1–P5 items still found on old certificates (Part C §5).
CYLINDER_FILLING_CERTIFICATES: frozenset[tuple[str, str]] = frozenset(
    {("2019", "P"), ("2011", "P1"), ("2011", "P2"), ("2011", "P3"), ("2011", "P4"), ("2011", "P5")}
)
#: TSG Z6001-2019 item R2 (移动式压力容器充装); R2 had the same meaning in the 2011 list.
MOBILE_VESSEL_FILLING_CERTIFICATES: frozenset[tuple[str, str]] = frozenset({("2019", "R2"), ("2011", "R2")})


class CylinderStatus(enum.StrEnum):
    IN_SERVICE = "in_service"  # 在用
    DUE_FOR_INSPECTION = "due_for_inspection"  # 待检/超期未检
    SCRAPPED = "scrapped"  # 报废

    @property
    def name_zh(self) -> str:
        return {"in_service": "在用", "due_for_inspection": "待检", "scrapped": "报废"}[self.value]


@attrs.define(kw_only=True)
class Cylinder:
    """One gas cylinder, identified by its electronic tag or 2-D code (``tag``).

    ``filling_station_uscc`` is the station that owns it (产权/自有) and ``contracted_stations`` the ones allowed
    by contract (托管); a fill anywhere else is refused. ``next_inspection_due`` comes from the gas-cylinder
    plugin's rule for the medium and type.
    """

    id: str
    tag: str
    registration_code: str = ""
    serial_number: str = ""
    property_unit_uscc: str = ""
    filling_station_uscc: str = ""
    contracted_stations: tuple[str, ...] = ()
    medium: str
    catalog_code: str = "2300"
    manufactured_on: dt.date | None = None
    design_life_years: int | None = None
    last_inspection_on: dt.date | None = None
    next_inspection_due: dt.date | None = None
    scrapped_on: dt.date | None = None
    version: int = 0

    def may_be_filled_by(self, station_uscc: str) -> bool:
        return station_uscc == self.filling_station_uscc or station_uscc in self.contracted_stations

    def design_life_ends(self) -> dt.date | None:
        if self.manufactured_on is None or self.design_life_years is None:
            return None
        return add_years(self.manufactured_on, self.design_life_years)

    def status_on(self, day: dt.date) -> CylinderStatus:
        if self.scrapped_on is not None and self.scrapped_on <= day:
            return CylinderStatus.SCRAPPED
        if self.next_inspection_due is not None and day > self.next_inspection_due:
            return CylinderStatus.DUE_FOR_INSPECTION
        return CylinderStatus.IN_SERVICE


class RefusalReason(enum.StrEnum):
    """Why a fill (or a loading) is refused. Each maps to a sentence for the filler at the scale."""

    NOT_REGISTERED = "not_registered"
    NOT_OWNED_BY_STATION = "not_owned_by_station"
    SCRAPPED = "scrapped"
    INSPECTION_EXPIRED = "inspection_expired"
    NO_INSPECTION_RECORD = "no_inspection_record"
    DESIGN_LIFE_EXCEEDED = "design_life_exceeded"
    MEDIUM_MISMATCH = "medium_mismatch"
    FILLER_NOT_CERTIFIED = "filler_not_certified"
    VESSEL_NOT_IN_USE = "vessel_not_in_use"

    @property
    def name_zh(self) -> str:
        return _REASON_ZH[self]


_REASON_ZH = {
    RefusalReason.NOT_REGISTERED: "气瓶未登记",
    RefusalReason.NOT_OWNED_BY_STATION: "非本站自有或托管气瓶",
    RefusalReason.SCRAPPED: "气瓶已报废",
    RefusalReason.INSPECTION_EXPIRED: "超过检验有效期",
    RefusalReason.NO_INSPECTION_RECORD: "无检验有效期记录",
    RefusalReason.DESIGN_LIFE_EXCEEDED: "超过设计使用年限",
    RefusalReason.MEDIUM_MISMATCH: "充装介质与登记介质不符",
    RefusalReason.FILLER_NOT_CERTIFIED: "充装人员无有效充装作业证",
    RefusalReason.VESSEL_NOT_IN_USE: "设备非在用状态（停用、报废或重大隐患停用）",
}


@attrs.frozen(kw_only=True)
class Refusal:
    reason: RefusalReason
    message: str

    @property
    def message_zh(self) -> str:
        return self.reason.name_zh


@attrs.frozen(kw_only=True)
class FillRequest:
    """What the filling scale reports before opening the valve."""

    tag: str
    station_uscc: str
    filler_id: str
    medium: str
    at: dt.datetime
    quantity_kg: float | None = None
    pre_checks: tuple[str, ...] = ()  # 充装前检查 items passed
    post_checks: tuple[str, ...] = ()  # 充装后检查 items passed
    fill_id: str | None = None  # the scale's own id for this fill: a resent fill with the same id is recorded once


def _normalise_medium(medium: str) -> str:
    return "".join(medium.split()).upper()


def _holds_valid(certificates: Iterable[Certificate], accepted: frozenset[tuple[str, str]], day: dt.date) -> bool:
    return any(
        (c.scheme_version, c.category_code) in accepted
        and c.valid_on(day)
        and (c.issued_on is None or c.issued_on <= day)
        for c in certificates
    )


def _validity_refusals(what: str, due: dt.date | None, day: dt.date) -> list[Refusal]:
    if due is None:
        message = f"{what} has no inspection validity on record"
        return [Refusal(reason=RefusalReason.NO_INSPECTION_RECORD, message=message)]
    if day > due:
        return [Refusal(reason=RefusalReason.INSPECTION_EXPIRED, message=f"{what} was due for inspection on {due}")]
    return []


def check_fill(
    cylinder: Cylinder | None,
    request: FillRequest,
    filler_certificates: Sequence[Certificate],
    *,
    day: dt.date | None = None,
) -> tuple[Refusal, ...]:
    """Every reason the fill must be refused; an empty tuple means the interlock opens.

    All checks run even after the first failure, so the filler sees everything to fix at once. ``day`` is the
    Shanghai calendar date of the fill (defaults to the request time's date).
    """
    day = day or request.at.date()
    out: list[Refusal] = []
    if not _holds_valid(filler_certificates, CYLINDER_FILLING_CERTIFICATES, day):
        message = f"filler {request.filler_id!r} holds no valid cylinder-filling certificate (TSG Z6001 P) on {day}"
        out.append(Refusal(reason=RefusalReason.FILLER_NOT_CERTIFIED, message=message))
    if cylinder is None:
        out.append(Refusal(reason=RefusalReason.NOT_REGISTERED, message=f"cylinder {request.tag!r} is not registered"))
        return tuple(out)
    what = f"cylinder {cylinder.tag!r}"
    if not cylinder.may_be_filled_by(request.station_uscc):
        message = (
            f"{what} belongs to station {cylinder.filling_station_uscc!r}, not to {request.station_uscc!r}, "
            "and is not contracted to it"
        )
        out.append(Refusal(reason=RefusalReason.NOT_OWNED_BY_STATION, message=message))
    if cylinder.status_on(day) is CylinderStatus.SCRAPPED:
        out.append(Refusal(reason=RefusalReason.SCRAPPED, message=f"{what} was scrapped on {cylinder.scrapped_on}"))
    out.extend(_validity_refusals(what, cylinder.next_inspection_due, day))
    life_end = cylinder.design_life_ends()
    if life_end is not None and day >= life_end:
        message = f"{what} reached its {cylinder.design_life_years}-year design life on {life_end}"
        out.append(Refusal(reason=RefusalReason.DESIGN_LIFE_EXCEEDED, message=message))
    if _normalise_medium(request.medium) != _normalise_medium(cylinder.medium):
        message = (
            f"{what} is registered for {cylinder.medium!r}, not {request.medium!r} "
            "(错装介质 is a major accident hazard, GB 45067-2024 4.5 b)"
        )
        out.append(Refusal(reason=RefusalReason.MEDIUM_MISMATCH, message=message))
    return tuple(out)


@attrs.frozen(kw_only=True)
class MobileVessel:
    """A mobile pressure vessel (汽车罐车 2220, 长管拖车 2230, 罐式集装箱 2240, 管束式集装箱 2250) as the loading
    interlock sees it."""

    equipment_id: str
    catalog_code: str
    media: tuple[str, ...]
    in_use: bool
    next_inspection_due: dt.date | None


@attrs.frozen(kw_only=True)
class LoadingRequest:
    equipment_id: str
    station_uscc: str
    operator_id: str
    medium: str
    at: dt.datetime
    unloading: bool = False
    quantity_kg: float | None = None


def check_loading(
    vessel: MobileVessel | None,
    request: LoadingRequest,
    operator_certificates: Sequence[Certificate],
    *,
    day: dt.date | None = None,
) -> tuple[Refusal, ...]:
    """The interlock for loading/unloading a mobile pressure vessel: vessel valid, operator certified (R2),
    medium matches. Every failed reason is listed."""
    day = day or request.at.date()
    out: list[Refusal] = []
    if not _holds_valid(operator_certificates, MOBILE_VESSEL_FILLING_CERTIFICATES, day):
        message = f"operator {request.operator_id!r} holds no valid mobile-vessel filling certificate (R2) on {day}"
        out.append(Refusal(reason=RefusalReason.FILLER_NOT_CERTIFIED, message=message))
    what = f"mobile vessel {request.equipment_id!r}"
    if vessel is None:
        out.append(Refusal(reason=RefusalReason.NOT_REGISTERED, message=f"{what} is not registered"))
        return tuple(out)
    if not vessel.in_use:
        out.append(Refusal(reason=RefusalReason.VESSEL_NOT_IN_USE, message=f"{what} is not in use"))
    out.extend(_validity_refusals(what, vessel.next_inspection_due, day))
    if vessel.media and _normalise_medium(request.medium) not in {_normalise_medium(m) for m in vessel.media}:
        message = f"{what} is approved for {', '.join(vessel.media)}, not {request.medium!r}"
        out.append(Refusal(reason=RefusalReason.MEDIUM_MISMATCH, message=message))
    return tuple(out)


class CylinderEventKind(enum.StrEnum):
    """The flow of a cylinder through its life (流向)."""

    REGISTERED = "registered"
    FILLED = "filled"
    FILL_REFUSED = "fill_refused"
    DISPATCHED = "dispatched"  # 出站
    DELIVERED = "delivered"  # 送达用户（单位或居民）
    RETURNED = "returned"  # 回收/返站
    INSPECTED = "inspected"
    SCRAPPED = "scrapped"

    @property
    def name_zh(self) -> str:
        return {
            "registered": "建档登记",
            "filled": "充装",
            "fill_refused": "拒绝充装",
            "dispatched": "出站",
            "delivered": "配送到户",
            "returned": "回收",
            "inspected": "定期检验",
            "scrapped": "报废",
        }[self.value]


@attrs.frozen(kw_only=True)
class CylinderEvent:
    """One step in a cylinder's life. ``party`` is the station, the user unit's USCC or a household reference;
    ``detail`` carries kind-specific data (quantity, refusal reasons, inspection conclusion)."""

    cylinder_id: str
    kind: CylinderEventKind
    at: dt.datetime
    station_uscc: str = ""
    party: str = ""
    detail: dict[str, object] = attrs.field(factory=dict, eq=False)
    request_id: str | None = None  # the sender's id (a scale's fill id): the store keeps each one once


class TraceWarningKind(enum.StrEnum):
    OVERDUE_IN_CIRCULATION = "overdue_in_circulation"
    FILLED_BY_NON_OWNER = "filled_by_non_owner"
    REPEATED_REFUSALS = "repeated_refusals"


@attrs.frozen(kw_only=True)
class TraceWarning:
    kind: TraceWarningKind
    cylinder_id: str
    message: str


_OUT_OF_STATION = {CylinderEventKind.DISPATCHED, CylinderEventKind.DELIVERED}


def trace_warnings(
    cylinders: Iterable[Cylinder],
    events: Iterable[CylinderEvent],
    *,
    day: dt.date,
    refusal_threshold: int = 3,
    refusal_window_days: int = 30,
) -> list[TraceWarning]:
    """Warnings over a set of cylinders and their events: overdue cylinders out in circulation, fills by a
    station that neither owns nor contracts the cylinder, and repeated refusals within a window.

    ``refusal_threshold`` and ``refusal_window_days`` are product settings, not regulation.
    """
    by_id = {c.id: c for c in cylinders}
    last_flow: dict[str, CylinderEvent] = {}
    refusals: Counter[str] = Counter()
    foreign_fills: dict[str, set[str]] = defaultdict(set)
    window_start = day - dt.timedelta(days=refusal_window_days)
    for event in sorted(events, key=lambda e: e.at):
        if event.kind in _OUT_OF_STATION or event.kind in (CylinderEventKind.RETURNED, CylinderEventKind.FILLED):
            last_flow[event.cylinder_id] = event
        if event.kind is CylinderEventKind.FILL_REFUSED and event.at.date() >= window_start:
            refusals[event.cylinder_id] += 1
        cylinder = by_id.get(event.cylinder_id)
        if event.kind is CylinderEventKind.FILLED and cylinder and not cylinder.may_be_filled_by(event.station_uscc):
            foreign_fills[event.cylinder_id].add(event.station_uscc)
    warnings: list[TraceWarning] = []
    for cylinder_id, event in sorted(last_flow.items()):
        cylinder = by_id.get(cylinder_id)
        if cylinder is None or event.kind not in _OUT_OF_STATION:
            continue
        if cylinder.status_on(day) is not CylinderStatus.IN_SERVICE:
            warnings.append(
                TraceWarning(
                    kind=TraceWarningKind.OVERDUE_IN_CIRCULATION,
                    cylinder_id=cylinder_id,
                    message=f"cylinder {cylinder.tag!r} is {cylinder.status_on(day).name_zh} but out in circulation "
                    f"({event.kind.name_zh} {event.party or event.station_uscc})",
                )
            )
    for cylinder_id, stations in sorted(foreign_fills.items()):
        warnings.append(
            TraceWarning(
                kind=TraceWarningKind.FILLED_BY_NON_OWNER,
                cylinder_id=cylinder_id,
                message=f"cylinder {by_id[cylinder_id].tag!r} was filled by station(s) {', '.join(sorted(stations))} "
                "that neither own nor contract it",
            )
        )
    for cylinder_id, count in sorted(refusals.items()):
        if count >= refusal_threshold:
            tag = by_id[cylinder_id].tag if cylinder_id in by_id else cylinder_id
            warnings.append(
                TraceWarning(
                    kind=TraceWarningKind.REPEATED_REFUSALS,
                    cylinder_id=cylinder_id,
                    message=f"cylinder {tag!r} was refused {count} times in {refusal_window_days} days",
                )
            )
    return warnings
