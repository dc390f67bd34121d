"""Simplified mode for small and micro enterprises (小微企业简易模式, 一企一档一码).

The seed asks for a dual prevention system for small and micro enterprises that is "简便、实用、管用": the owner
of a workshop with one forklift and one air receiver should not have to write a risk list. One call —
:func:`set_up_small_unit` — takes the unit's basic data and its few pieces of equipment and produces everything
else from the equipment-class plugins' defaults:

* the ledger records (unit and equipment; due dates from the class's inspection rule when a commissioning or
  last-inspection date is known);
* graded risk points (the class templates' suggested LEC factors) and so the 风险管控清单;
* the 隐患排查清单 (class checklist items plus one item per risk point);
* the Order 74 duty plans and a month of tasks (日管控、周排查、月调度);
* a 风险告知卡 per piece of equipment and the four-colour map;
* with ``out``: the files — control list and checklist (xlsx), cards and map (SVG), the dossier (HTML + xlsx)
  and the QR codes of the unit and of each piece of equipment.

Roles not given default to the principal, and the package says so in ``notes`` — a default for getting started,
not a statement that one person may hold every Order 74 role.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import SafetyRole
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.risk import RiskPoint
from dualprev_sdk.domain.unit import RoleAssignment, SizeClass, UseUnit
from dualprev_sdk.equipment_classes import InspectionFacts
from dualprev_sdk.errors import FieldViolation, InvalidArgument

if TYPE_CHECKING:
    from dualprev_sdk.domain.duty import DutyPlan, DutyTask
    from dualprev_sdk.reports.checklist import InvestigationChecklist
    from dualprev_sdk.reports.control_list import ControlList
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.store.uow import UnitOfWork

__all__ = ["SimplifiedFile", "SimplifiedPackage", "month_of", "set_up_small_unit"]

#: Equipment a simplified unit may list: small enterprises have a handful; more means the full mode.
MAX_EQUIPMENT = 20


@attrs.frozen(kw_only=True)
class SimplifiedFile:
    path: Path
    kind: str  # same kinds as the demo manifest: control_list_xlsx, notification_card_svg, qr_png…
    equipment_id: str | None = None


@attrs.frozen(kw_only=True)
class SimplifiedPackage:
    """What the simplified mode produced for one unit."""

    unit: UseUnit
    equipment: tuple[Equipment, ...]
    risk_points: tuple[RiskPoint, ...]
    control_list: ControlList
    checklist: InvestigationChecklist
    plans: tuple[DutyPlan, ...]
    tasks: tuple[DutyTask, ...]
    notes: tuple[str, ...] = ()
    files: tuple[SimplifiedFile, ...] = ()
    #: True when a retry with the same ``request_id`` found the unit set up by the first attempt (nothing was
    #: registered again; steps the first attempt had not finished were completed).
    replayed: bool = False


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of ``day``'s calendar month."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _validate(unit: UseUnit, equipment: Sequence[Equipment]) -> None:
    out: list[FieldViolation] = []
    if not unit.holders_of(SafetyRole.PRINCIPAL):
        out.append(
            FieldViolation(
                "unit.roles", "", "simplified.principal", "简易模式至少需要主要负责人（姓名），其余岗位默认由其承担"
            )
        )
    if not equipment:
        out.append(FieldViolation("equipment", [], "simplified.equipment", "至少列出一台特种设备"))
    if len(equipment) > MAX_EQUIPMENT:
        out.append(
            FieldViolation(
                "equipment",
                len(equipment),
                "simplified.equipment.max",
                f"简易模式适用于设备不超过 {MAX_EQUIPMENT} 台的小微企业，请使用台账导入",
            )
        )
    for index, item in enumerate(equipment):
        if item.unit_uscc not in ("", unit.uscc):
            out.append(
                FieldViolation(
                    f"equipment[{index}].unit_uscc", item.unit_uscc, "simplified.equipment.unit", "设备应属于该单位"
                )
            )
    if out:
        raise InvalidArgument(out)


def _with_default_roles(unit: UseUnit) -> tuple[UseUnit, list[str]]:
    principal = unit.holders_of(SafetyRole.PRINCIPAL)[0]
    roles = list(unit.roles)
    notes: list[str] = []
    for role in (SafetyRole.SAFETY_DIRECTOR, SafetyRole.SAFETY_OFFICER):
        if not unit.holders_of(role):
            roles.append(RoleAssignment(role=role, name=principal.name, phone=principal.phone))
            notes.append(
                f"未指定{role.name_zh}，暂由主要负责人{principal.name}承担；请按总局令第74号配备并在系统中修改。"
            )
    return attrs.evolve(unit, roles=tuple(roles)), notes


def _due_date(sdk: Dualprev, item: Equipment) -> tuple[Equipment, str | None]:
    """Fill the next inspection date from the class rule when the item has none but a start date is known."""
    if item.next_inspection_due is not None or item.commissioned_on is None:
        return item, None
    cls = sdk.host.equipment_classes.for_code(item.catalog_code)
    if cls is None:
        return item, None
    try:
        due = cls.next_due(
            InspectionFacts(
                catalog_code=item.catalog_code,
                parameters=item.parameters,
                commissioned_on=item.commissioned_on,
                manufactured_on=item.manufactured_on,
            )
        )
    except InvalidArgument:
        return item, None
    periodic = next((d for d in due if d.kind == "periodic_inspection"), due[0] if due else None)
    if periodic is None:
        return (
            item,
            f"{item.name or item.catalog_code}：{cls.name_zh}插件未给出检验周期，请按检验报告填写下次检验日期。",
        )
    return attrs.evolve(item, next_inspection_due=periodic.next_due), None


def set_up_small_unit(
    sdk: Dualprev,
    unit: UseUnit,
    equipment: Sequence[Equipment],
    *,
    actor: str | None = None,
    month: dt.date | None = None,
    out: str | Path | None = None,
    base_url: str | None = None,
    request_id: str | None = None,
    caller: str = "",
) -> SimplifiedPackage:
    """Register a small or micro unit and its equipment and generate its whole dual prevention package.

    ``equipment`` items may leave ``id`` empty (one is generated) and ``unit_uscc`` empty (the unit's is used).
    ``month`` (any day in it; default: this month) is the month of duty tasks generated. With ``out`` the files
    are written there. The unit and equipment go through the ledger's validation; a bad identifier is reported
    with every other problem before anything is written.

    With ``request_id`` (AIP-155) the registration is claimed in its own transaction
    (:mod:`dualprev_sdk.services.idempotency`): a retry by the same ``caller`` with the same request registers
    nothing again and *resumes* — the later steps (risk identification, duty plans and tasks) only add what is
    missing, so a retry after a failure part-way completes the package instead of failing on the existing
    unit. ``replayed`` on the package says so. The same id with a different request or caller is
    InvalidArgument on ``request_id``.
    """
    from dualprev_sdk.services import duties, idempotency, ledger, risk

    _validate(unit, equipment)
    fingerprint_payload = {
        "unit": attrs.asdict(unit),
        "equipment": [attrs.asdict(item) for item in equipment],
        "month": month.isoformat()[:7] if month is not None else None,
    }
    if unit.size_class not in (SizeClass.SMALL, SizeClass.MICRO):
        unit = attrs.evolve(unit, size_class=SizeClass.SMALL)
    unit, notes = _with_default_roles(unit)
    actor = actor or unit.holders_of(SafetyRole.SAFETY_OFFICER)[0].name
    items: list[Equipment] = []
    for given in equipment:
        owned = attrs.evolve(given, unit_uscc=unit.uscc, id=given.id or f"EQ-{uuid.uuid4().hex[:16]}")
        dated, note = _due_date(sdk, owned)
        if note:
            notes.append(note)
        items.append(dated)
    # Validate everything first (every bad field reported together), then write the ledger part in one
    # transaction with the same events the ledger service emits: a bad item leaves no half-registered unit.
    violations: list[FieldViolation] = []
    try:
        unit = ledger.validate_unit(unit)
    except InvalidArgument as exc:
        violations.extend(exc.violations)
    checked: list[Equipment] = []
    for index, item in enumerate(items):
        try:
            checked.append(ledger.validate_equipment(item))
        except InvalidArgument as exc:
            violations.extend(attrs.evolve(v, field=f"equipment[{index}].{v.field}") for v in exc.violations)
    if violations:
        raise InvalidArgument(violations)
    registered: list[Equipment] = []

    def register(uow: UnitOfWork) -> UseUnit:
        stored_unit = uow.units.add(unit)
        uow.emit("unit.created", ledger.unit_resource(stored_unit.uscc), ledger._unit_payload(stored_unit))
        for item in checked:
            stored = uow.equipment.add(item)
            uow.emit("equipment.created", ledger.equipment_resource(stored.id), ledger._equipment_payload(uow, stored))
            registered.append(stored)
        return stored_unit

    stored_unit = idempotency.run_create(
        sdk.uow(),
        request_id=request_id,
        operation="simplified.set_up_small_unit",
        payload=fingerprint_payload,
        caller=caller,
        create=register,
        resource_of=lambda u: ledger.unit_resource(u.uscc),
        read=lambda uow, name: uow.units.get(name.removeprefix("units/")),
    )
    replayed = not registered
    if replayed:  # a retry: the equipment is what the first attempt registered (ids generated then)
        with sdk.uow() as uow:
            registered = list(uow.equipment.list(unit_uscc=unit.uscc, limit=10_000))
    stored_items = registered
    identified = risk.identify_unit_risks(sdk, unit.uscc, actor=actor)
    today = timeutil.today()
    start, end = month_of(month or today)
    with sdk.uow() as uow:
        planned = {p.id: p for p in uow.duties.list_plans(unit_uscc=unit.uscc, active_only=False)}
    plans = tuple(
        planned.get(plan.id) or duties.create_plan(sdk, plan, actor=actor)
        for plan in duties.order74_plans(unit.uscc, equipment_kind=None, starts_on=start)
    )
    duties.generate_tasks(sdk, start, end, unit_uscc=unit.uscc)
    tasks = tuple(duties.list_tasks(sdk, unit_uscc=unit.uscc))
    control_list = risk.build_control_list(sdk, unit.uscc, on=start)
    checklist = risk.build_investigation_checklist(sdk, unit.uscc, on=start)
    files: list[SimplifiedFile] = []
    if out is not None:
        files = _write_files(
            sdk,
            Path(out),
            uscc=unit.uscc,
            items=stored_items,
            control_list=control_list,
            checklist=checklist,
            on=start,
            base_url=base_url,
        )
    return SimplifiedPackage(
        unit=stored_unit,
        equipment=tuple(stored_items),
        risk_points=identified.created if not replayed else _risk_points(sdk, unit.uscc),
        control_list=control_list,
        checklist=checklist,
        plans=plans,
        tasks=tasks,
        notes=tuple(notes),
        files=tuple(files),
        replayed=replayed,
    )


def _risk_points(sdk: Dualprev, uscc: str) -> tuple[RiskPoint, ...]:
    with sdk.uow() as uow:
        return tuple(uow.risk_points.list_all(unit_uscc=uscc))


def _write_files(
    sdk: Dualprev,
    out: Path,
    *,
    uscc: str,
    items: Sequence[Equipment],
    control_list: ControlList,
    checklist: InvestigationChecklist,
    on: dt.date,
    base_url: str | None,
) -> list[SimplifiedFile]:
    from dualprev_sdk.reports import dossier
    from dualprev_sdk.reports.checklist import write_checklist_xlsx
    from dualprev_sdk.reports.control_list import write_control_list_xlsx
    from dualprev_sdk.services import risk

    out.mkdir(parents=True, exist_ok=True)
    files = [
        SimplifiedFile(path=write_control_list_xlsx(control_list, out / "风险管控清单.xlsx"), kind="control_list_xlsx"),
        SimplifiedFile(path=write_checklist_xlsx(checklist, out / "隐患排查清单.xlsx"), kind="checklist_xlsx"),
        SimplifiedFile(path=risk.risk_map(sdk, uscc, on=on).save(out / "四色分布图.svg"), kind="risk_map_svg"),
    ]
    for item in items:
        label = item.unit_internal_number or item.name or item.id
        files.append(
            SimplifiedFile(
                path=risk.notification_card(sdk, item.id, on=on).save(out / f"风险告知卡-{label}.svg"),
                kind="notification_card_svg",
                equipment_id=item.id,
            )
        )
    data = dossier.build_dossier(sdk, uscc, today=on, base_url=base_url)
    files.append(SimplifiedFile(path=dossier.write_dossier_html(data, out / "一企一档.html"), kind="dossier_html"))
    files.append(SimplifiedFile(path=dossier.write_dossier_xlsx(data, out / "一企一档.xlsx"), kind="dossier_xlsx"))
    files.append(SimplifiedFile(path=dossier.write_qr_png(data.unit_uri, out / "一企一码.png"), kind="qr_png"))
    for row in data.equipment:
        label = row.equipment.unit_internal_number or row.equipment.name or row.equipment.id
        files.append(
            SimplifiedFile(
                path=dossier.write_qr_png(row.uri, out / f"设备码-{label}.png"),
                kind="qr_png",
                equipment_id=row.equipment.id,
            )
        )
    return files
