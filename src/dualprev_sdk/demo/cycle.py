"""The demo cycle: one synthetic city through the whole dual prevention loop on one database.

generate → import → people and inspections → grade (risk points from the class templates, equipment risk) →
control lists, checklists, four-colour maps and notification cards → a month of Order 74 duties → the overdue-
inspection sweep → hazards through close-out → credit → supervision plan and a double-random draw → statistics →
dossiers and QR codes → parks and demonstration coverage → the "五有" self-assessment → manifest.

Each step calls the SDK's public services, exactly as an integrator would. A step whose service module is not
installed (or lacks the function the step needs) is *skipped* with that reason — never imitated — and a step
that fails is reported with its error while the rest go on, so the summary always says what really happened.
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
import random
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

import attrs

from dualprev_sdk.demo.city import City, class_group, generate_city, write_ledger
from dualprev_sdk.demo.manifest import Manifest
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["STEPS", "DemoContext", "DemoProgress", "DemoResult", "StepOutcome", "run_demo"]

CST = dt.timezone(dt.timedelta(hours=8))
_ALL = 1_000_000


class DemoProgress(Protocol):
    """Where the cycle reports progress (the CLI draws rich progress bars; tests pass nothing)."""

    def begin(self, key: str, title: str, total: int | None) -> None: ...

    def set_total(self, total: int) -> None:
        """The step learned how much work it has (hazards are known only once the duties have run)."""

    def advance(self, amount: int = 1) -> None: ...

    def end(self, outcome: StepOutcome) -> None: ...


class _Quiet:
    def begin(self, key: str, title: str, total: int | None) -> None:
        return None

    def set_total(self, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None

    def end(self, outcome: StepOutcome) -> None:
        return None


@attrs.frozen(kw_only=True)
class StepOutcome:
    key: str
    title_zh: str
    status: str  # "done" | "skipped" | "failed"
    detail: str = ""
    counts: dict[str, int] = attrs.field(factory=dict)
    seconds: float = 0.0


class _Unavailable(Exception):
    """A service the step needs is not installed in this build."""


def _service(module: str, *names: str) -> Any:
    """Import ``dualprev_sdk.<module>`` and check it has ``names``; raise _Unavailable saying which is missing."""
    try:
        found = importlib.import_module(f"dualprev_sdk.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"dualprev_sdk.{module}":
            raise  # the module exists but is broken: a failure, not a missing service
        raise _Unavailable(f"{module} not available") from None
    missing = [n for n in names if not hasattr(found, n)]
    if missing:
        raise _Unavailable(f"{module}.{missing[0]} not available")
    return found


@attrs.define(kw_only=True)
class DemoContext:
    """What the steps share: the SDK, the city, where to write, and what earlier steps produced."""

    sdk: Dualprev
    city: City
    out: Path
    manifest: Manifest
    progress: DemoProgress
    rng: random.Random
    equipment_ids: dict[str, dict[str, str]] = attrs.field(factory=dict)  # uscc → internal number → id
    hazard_ids: list[str] = attrs.field(factory=list)
    facts: dict[str, Any] = attrs.field(factory=dict)

    @property
    def today(self) -> dt.date:
        return self.city.today

    @property
    def month(self) -> tuple[dt.date, dt.date]:
        """The demo month: the calendar month before ``today``."""
        end = self.today - dt.timedelta(days=1)
        return end.replace(day=1), end

    def at(self, day: dt.date, hour: int = 17) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=CST)

    def unit_dir(self, uscc: str) -> Path:
        path = self.out / "units" / uscc
        path.mkdir(parents=True, exist_ok=True)
        return path

    def all_equipment_ids(self) -> Iterable[tuple[str, str]]:
        for uscc, by_number in self.equipment_ids.items():
            for equipment_id in by_number.values():
                yield uscc, equipment_id


@attrs.frozen(kw_only=True)
class DemoResult:
    city: City
    database_url: str
    out: Path
    manifest_path: Path
    steps: tuple[StepOutcome, ...]
    seconds: float
    outbox_last_event: int = 0  # the outbox cursor after the run: every change is an event a connector can take

    def step(self, key: str) -> StepOutcome:
        return next(s for s in self.steps if s.key == key)


Step = Callable[[DemoContext], tuple[str, dict[str, int]]]

# ---------------------------------------------------------------------------------------------------------------
# steps
# ---------------------------------------------------------------------------------------------------------------


def step_generate(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    path = ctx.manifest.add(write_ledger(ctx.city, ctx.out / "ledger.xlsx"), "ledger_xlsx")
    classes = {class_group(e.catalog_code) for u in ctx.city.units for e in u.equipment}
    parked = sum(1 for u in ctx.city.units if u.park)
    return (
        f"{ctx.city.name_zh}: {len(ctx.city.units)} 家单位（{parked} 家在园区）, {ctx.city.equipment_count} 台设备, "
        f"{len(classes)} 类 → {path.name}",
        {"units": len(ctx.city.units), "equipment": ctx.city.equipment_count, "classes": len(classes)},
    )


def step_import(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    from dualprev_sdk.domain.common import SafetyRole
    from dualprev_sdk.domain.unit import RoleAssignment
    from dualprev_sdk.services.ledger_import import describe_errors, import_ledger

    report = import_ledger(ctx.sdk, ctx.out / "ledger.xlsx")
    if not report.committed:
        raise RuntimeError("ledger import rejected: " + "; ".join(describe_errors(report.errors, report.flags)[:5]))
    specs = {u.uscc: u for u in ctx.city.units}
    with ctx.sdk.uow() as uow:
        for uscc, spec in specs.items():
            unit = uow.units.get(uscc)
            roles = (
                RoleAssignment(role=SafetyRole.PRINCIPAL, name=spec.principal, phone=spec.phones[0]),
                RoleAssignment(role=SafetyRole.SAFETY_DIRECTOR, name=spec.safety_director, phone=spec.phones[1]),
                RoleAssignment(role=SafetyRole.SAFETY_OFFICER, name=spec.safety_officer, phone=spec.phones[2]),
            )
            uow.units.update(attrs.evolve(unit, roles=roles, demonstration=spec.demonstration))
            by_number = {e.internal_number: e for e in spec.equipment}
            ids: dict[str, str] = {}
            for eq in uow.equipment.list(unit_uscc=uscc, limit=_ALL):
                item = by_number.get(eq.unit_internal_number)
                if item is None:
                    continue
                ids[item.internal_number] = eq.id
                if item.parameters is not None:
                    uow.equipment.update(attrs.evolve(eq, parameters=dict(item.parameters)))
            ctx.equipment_ids[uscc] = dict(sorted(ids.items()))
            ctx.progress.advance()
        uow.commit()
    return (
        f"{report.rows_valid} 行导入（{report.units_created} 家单位）, 参数与岗位已补充",
        {"rows": report.rows_valid, "rejected": report.rows_rejected},
    )


def step_people(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    personnel = _service("services.personnel", "add_person", "check_personnel")
    from dualprev_sdk.domain.personnel import Certificate, Person

    added = 0
    findings = 0
    for spec in ctx.city.units:
        ids = ctx.equipment_ids.get(spec.uscc, {})
        for n, person in enumerate(spec.people, start=1):
            personnel.add_person(
                ctx.sdk,
                Person(
                    id=f"P-{spec.uscc[-8:]}-{n:02d}",
                    unit_uscc=spec.uscc,
                    name=person.name,
                    phone=person.phone,
                    certificates=(
                        Certificate(
                            number=person.certificate_number,
                            category_code=person.category_code,
                            issued_on=person.issued_on,
                            expires_on=person.expires_on,
                            authority=f"{ctx.city.name_zh}市场监督管理局",
                        ),
                    ),
                    operates=tuple(ids[i] for i in person.operates if i in ids),
                    works_since=person.issued_on,
                ),
                today=ctx.today,
            )
            added += 1
        findings += len(personnel.check_personnel(ctx.sdk, spec.uscc, today=ctx.today).findings)
        ctx.progress.advance()
    plans, drills, gaps = _emergency(ctx)
    return (
        f"{added} 名持证作业人员; 人员合规检查 {findings} 项发现; 应急预案 {plans} 份, 演练 {drills} 次, "
        f"应急检查 {gaps} 项发现",
        {"people": added, "findings": findings, "emergency_plans": plans, "drills": drills},
    )


def _emergency(ctx: DemoContext) -> tuple[int, int, int]:
    """TSG 08-2017 emergency plans per equipment kind in use, most drilled within the year (some not: a finding)."""
    try:
        emergency = _service("services.emergency", "add_plan", "add_drill", "check_unit_emergency")
    except _Unavailable:
        return 0, 0, 0
    from dualprev_sdk.domain.emergency import EmergencyDrill, EmergencyPlan

    rng = random.Random(ctx.city.seed * 19 + 11)
    plans = drills = gaps = 0
    names = {
        "1": "锅炉",
        "2": "压力容器",
        "3": "电梯",
        "4": "起重机械",
        "5": "场（厂）内专用机动车辆",
        "6": "大型游乐设施",
        "8": "压力管道",
        "9": "客运索道",
    }
    for spec in ctx.city.units:
        for kind in sorted({e.catalog_code[0] for e in spec.equipment}):
            plan = emergency.add_plan(
                ctx.sdk,
                EmergencyPlan(
                    id=f"EP-{spec.uscc[-8:]}-{kind}000",
                    unit_uscc=spec.uscc,
                    title=f"{names[kind]}事故应急专项预案",
                    equipment_kind=f"{kind}000",
                    approved_on=ctx.today - dt.timedelta(days=rng.randint(60, 700)),
                ),
            )
            plans += 1
            if rng.random() < 0.85:
                emergency.add_drill(
                    ctx.sdk,
                    EmergencyDrill(
                        id=f"ED-{spec.uscc[-8:]}-{kind}000",
                        unit_uscc=spec.uscc,
                        plan_id=plan.id,
                        held_on=ctx.today - dt.timedelta(days=rng.randint(10, 300)),
                        scenario=f"{names[kind]}应急处置演练",
                        participants=(spec.safety_director, spec.safety_officer),
                    ),
                    today=ctx.today,
                )
                drills += 1
        gaps += len(emergency.check_unit_emergency(ctx.sdk, spec.uscc, today=ctx.today))
    return plans, drills, gaps


def step_inspections(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    inspections = _service("services.inspections", "record_inspection")
    from dualprev_sdk.domain.inspection import InspectionConclusion, InspectionKind, InspectionRecord

    recorded = 0
    for spec in ctx.city.units:
        ids = ctx.equipment_ids.get(spec.uscc, {})
        for item in spec.equipment:
            equipment_id = ids.get(item.internal_number)
            if equipment_id is None:
                continue
            graded = item.catalog_code.startswith(("21", "8"))
            inspections.record_inspection(
                ctx.sdk,
                InspectionRecord(
                    id=f"INSP-{equipment_id}",
                    equipment_id=equipment_id,
                    kind=InspectionKind.PERIODIC,
                    inspected_on=item.last_inspected_on,
                    conclusion=InspectionConclusion.SAFETY_GRADE if graded else InspectionConclusion.PASSED,
                    safety_grade=2 if graded else None,
                    agency="河南省特种设备安全检测研究院",
                    report_number=f"DJ{item.last_inspected_on:%Y}-{recorded + 1:05d}",
                ),
                today=ctx.today,
            )
            recorded += 1
        ctx.progress.advance()
    # The reports date the next inspection by the class rule; the demo keeps the ledger's (some overdue) dates so
    # the overdue sweep has something to find, as a real ledger would.
    with ctx.sdk.uow() as uow:
        for spec in ctx.city.units:
            ids = ctx.equipment_ids.get(spec.uscc, {})
            for item in spec.equipment:
                equipment_id = ids.get(item.internal_number)
                if equipment_id is not None:
                    eq = uow.equipment.get(equipment_id)
                    uow.equipment.update(attrs.evolve(eq, next_inspection_due=item.next_inspection_due))
        uow.commit()
    return f"{recorded} 份定期检验报告", {"inspections": recorded}


def step_grade(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    from dualprev_sdk.domain.common import RiskLevel
    from dualprev_sdk.services import risk

    points = 0
    levels = dict.fromkeys(RiskLevel, 0)
    equipment_graded = 0
    for spec in ctx.city.units:
        result = risk.identify_unit_risks(ctx.sdk, spec.uscc, actor=spec.safety_officer)
        points += len(result.created)
        for point in result.created:
            levels[point.level] += 1
        ctx.progress.advance()
    try:
        equipment_risk = _service("services.equipment_risk", "grade_unit_equipment_risk")
    except _Unavailable:
        equipment_risk = None
    if equipment_risk is not None:
        for spec in ctx.city.units:
            graded = equipment_risk.grade_unit_equipment_risk(ctx.sdk, spec.uscc, as_of=ctx.today)
            equipment_graded += len(graded.grades)
    text = ", ".join(f"{lvl.name_zh} {n}" for lvl, n in levels.items())
    return (
        f"{points} 个风险点（LEC）: {text}; 设备风险分级 {equipment_graded} 台",
        {"risk_points": points, **{f"level_{int(k)}": v for k, v in levels.items()}, "equipment": equipment_graded},
    )


def step_lists(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    from dualprev_sdk.reports.checklist import write_checklist_xlsx
    from dualprev_sdk.reports.control_list import write_control_list_xlsx
    from dualprev_sdk.services import risk

    counts = {"control_lists": 0, "checklists": 0, "maps": 0, "cards": 0}
    for spec in ctx.city.units:
        folder = ctx.unit_dir(spec.uscc)
        control = risk.build_control_list(ctx.sdk, spec.uscc, on=ctx.today)
        ctx.manifest.add(
            write_control_list_xlsx(control, folder / "风险管控清单.xlsx"), "control_list_xlsx", unit_uscc=spec.uscc
        )
        checklist = risk.build_investigation_checklist(ctx.sdk, spec.uscc, on=ctx.today)
        ctx.manifest.add(
            write_checklist_xlsx(checklist, folder / "隐患排查清单.xlsx"), "checklist_xlsx", unit_uscc=spec.uscc
        )
        ctx.manifest.add(
            risk.risk_map(ctx.sdk, spec.uscc, on=ctx.today).save(folder / "四色分布图.svg"),
            "risk_map_svg",
            unit_uscc=spec.uscc,
        )
        counts["control_lists"] += 1
        counts["checklists"] += 1
        counts["maps"] += 1
        for number, equipment_id in ctx.equipment_ids.get(spec.uscc, {}).items():
            card = risk.notification_card(ctx.sdk, equipment_id, on=ctx.today)
            ctx.manifest.add(
                card.save(folder / f"风险告知卡-{number}.svg"),
                "notification_card_svg",
                unit_uscc=spec.uscc,
                equipment_id=equipment_id,
            )
            counts["cards"] += 1
        ctx.progress.advance()
    return (
        f"{counts['control_lists']} 份管控清单, {counts['checklists']} 份排查清单, {counts['maps']} 张四色图, "
        f"{counts['cards']} 张告知卡",
        counts,
    )


def step_duties(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    duties = _service("services.duties", "order74_plans", "create_plan", "generate_tasks", "record_duty")
    from dualprev_sdk.domain.duty import CheckResult, DutyKind, ItemResult, evidence_sha256

    start, end = ctx.month
    rng = random.Random(ctx.city.seed * 7 + 1)
    for spec in ctx.city.units:
        for plan in duties.order74_plans(spec.uscc, equipment_kind=None, starts_on=start):
            duties.create_plan(ctx.sdk, plan, actor=spec.safety_director)
    generated = duties.generate_tasks(ctx.sdk, start, end)
    recorded = missed = failed_items = 0
    opened: list[str] = []
    specs = {u.uscc: u for u in ctx.city.units}
    findings = (
        "防护装置松动，需紧固",
        "安全警示标志缺失",
        "应急照明不亮",
        "润滑不良，异响",
        "压力表超过检定有效期",
        "作业人员未按规定佩戴防护用品",
        "制动器间隙超标",
    )
    for spec in ctx.city.units:
        tasks = duties.list_tasks(ctx.sdk, unit_uscc=spec.uscc)
        diligent = rng.random() < 0.8  # one unit in five misses a few daily checks
        for task in sorted(tasks, key=lambda t: (t.due_on, t.kind.value)):
            if task.kind is DutyKind.DAILY_CONTROL and not diligent and rng.random() < 0.15:
                missed += 1
                continue
            items: list[ItemResult] = []
            for entry in duties.task_items(ctx.sdk, task.id):
                fail = task.kind is not DutyKind.MONTHLY_DISPATCH and rng.random() < 0.0015
                items.append(
                    ItemResult(
                        item_code=entry.entry.code,
                        equipment_id=entry.equipment_id,
                        result=CheckResult.FAIL if fail else CheckResult.PASS,
                        note=rng.choice(findings) if fail else "",
                        evidence=(evidence_sha256(f"{task.id}:{entry.entry.code}".encode()),) if fail else (),
                    )
                )
                failed_items += fail
            recorder = {
                DutyKind.DAILY_CONTROL: spec.safety_officer,
                DutyKind.WEEKLY_INVESTIGATION: spec.safety_director,
                DutyKind.MONTHLY_DISPATCH: spec.principal,
            }[task.kind]
            result = duties.record_duty(
                ctx.sdk,
                task.id,
                recorded_by=recorder,
                items=items,
                summary=f"{task.period_key} {task.kind.name_zh}完成",
                attendees=(specs[spec.uscc].principal, spec.safety_director, spec.safety_officer)
                if task.kind is DutyKind.MONTHLY_DISPATCH
                else (),
                next_steps="继续落实日管控、周排查" if task.kind is DutyKind.MONTHLY_DISPATCH else "",
                at=ctx.at(task.due_on),
            )
            opened.extend(result.hazard_ids)
            recorded += 1
        ctx.progress.advance()
    ctx.hazard_ids.extend(opened)
    minutes_written = 0
    try:
        minutes = _service("reports.monthly_minutes", "build_monthly_minutes", "render_html")
    except _Unavailable:
        minutes = None
    if minutes is not None:  # 月调度会议纪要: the month each unit's principal reviews
        for spec in ctx.city.units:
            document = minutes.build_monthly_minutes(ctx.sdk, spec.uscc, f"{start:%Y-%m}", as_of=ctx.today)
            path = ctx.unit_dir(spec.uscc) / f"月调度纪要-{start:%Y-%m}.html"
            path.write_text(minutes.render_html(document), encoding="utf-8")
            ctx.manifest.add(path, "monthly_minutes_html", unit_uscc=spec.uscc)
            minutes_written += 1
    report = duties.missed_duties(ctx.sdk, as_of=ctx.today, region_prefix=ctx.city.region_code[:4])
    return (
        f"{generated.created} 项任务（{start:%Y-%m}）, {recorded} 份记录, {missed} 次漏检, 不合格项 {failed_items} → "
        f"{len(opened)} 条隐患; 漏报提醒 {len(report.items)} 条; 月调度纪要 {minutes_written} 份",
        {
            "tasks": generated.created,
            "records": recorded,
            "missed": len(report.items),
            "hazards": len(opened),
            "minutes": minutes_written,
        },
    )


def step_overdue(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    inspections = _service("services.inspections", "sweep_overdue_inspections")
    result = inspections.sweep_overdue_inspections(
        ctx.sdk, today=ctx.today, region_prefix=ctx.city.region_code[:4], at=ctx.at(ctx.today, 8)
    )
    ctx.hazard_ids.extend(o.hazard_id for o in result.opened)
    return (
        f"逾期未检 {len(result.detected)} 台, 开立隐患 {len(result.opened)} 条",
        {"overdue": len(result.detected), "hazards": len(result.opened)},
    )


def step_hazards(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    from dualprev_sdk.domain.hazard import AcceptanceRecord, Evidence, HazardLevel, HazardSource, RectificationPlan
    from dualprev_sdk.reports.hazard_history import write_history_json
    from dualprev_sdk.services import hazards

    rng = random.Random(ctx.city.seed * 11 + 3)
    specs = {u.uscc: u for u in ctx.city.units}
    found_on = ctx.month[1] - dt.timedelta(days=6)
    # 自查自报: a third of the units report one hazard they found themselves.
    for spec in ctx.city.units:
        if rng.random() >= 0.34 or not ctx.equipment_ids.get(spec.uscc):
            continue
        number, equipment_id = sorted(ctx.equipment_ids[spec.uscc].items())[0]
        result = hazards.report_hazard(
            ctx.sdk,
            unit_uscc=spec.uscc,
            equipment_id=equipment_id,
            source=HazardSource.SELF_REPORT,
            source_reference=f"自查-{found_on:%Y%m%d}-{number}",
            description=rng.choice(("安全附件铅封损坏", "限位开关动作不可靠", "钢丝绳局部断丝", "安全阀校验过期")),
            found_on=found_on,
            finder=spec.safety_officer,
            actor=spec.safety_officer,
            hazard_id=f"HZ-{spec.uscc[-6:]}-{number}",
            at=ctx.at(found_on, 10),
        )
        ctx.hazard_ids.append(result.hazard.id)
    closed = open_ = major = 0
    ctx.progress.set_total(len(ctx.hazard_ids))
    history_dir = ctx.out / "hazards"
    history_dir.mkdir(parents=True, exist_ok=True)
    for index, hazard_id in enumerate(ctx.hazard_ids):
        hazard = hazards.get_hazard(ctx.sdk, hazard_id)
        spec = specs[hazard.unit_uscc]
        day = max(hazard.found_on or found_on, found_on)
        roll = rng.random()
        if hazard.state.value == "reported":
            hazards.register_hazard(ctx.sdk, hazard_id, actor=spec.safety_officer, at=ctx.at(day, 11))
        hazard = hazards.get_hazard(ctx.sdk, hazard_id)
        if hazard.state.value == "registered":
            if index == 0:
                hazards.grade_hazard_by_person(
                    ctx.sdk,
                    hazard_id,
                    level=HazardLevel.MAJOR,
                    reason="演示：安全总监判定为重大事故隐患，停用并报告监管部门",
                    actor=spec.safety_director,
                    at=ctx.at(day, 12),
                )
            elif hazard.equipment_id is not None and ctx.sdk.host.equipment_classes.for_code(
                _catalog_of(ctx, hazard.equipment_id)
            ):
                hazards.grade_hazard_by_rules(ctx.sdk, hazard_id, actor=spec.safety_director, at=ctx.at(day, 12))
            else:
                hazards.grade_hazard_by_person(
                    ctx.sdk,
                    hazard_id,
                    level=HazardLevel.GENERAL,
                    reason="一般事故隐患",
                    actor=spec.safety_director,
                    at=ctx.at(day, 12),
                )
        hazard = hazards.get_hazard(ctx.sdk, hazard_id)
        is_major = hazard.level is HazardLevel.MAJOR
        major += is_major
        deadline = day + dt.timedelta(days=20 if is_major else 7)
        if hazard.state.value == "graded":
            hazards.plan_rectification(
                ctx.sdk,
                hazard_id,
                plan=RectificationPlan(
                    measures="按隐患排查清单要求整改，更换损坏部件并复查",
                    responsible_person=spec.safety_director,
                    funds_yuan=decimal.Decimal(rng.choice((800, 1500, 3500, 12000))),
                    deadline=deadline,
                    contingency_plan="整改期间停用设备并设置警示标志" if is_major else "加强巡检，设置警示标志",
                ),
                actor=spec.safety_director,
                at=ctx.at(day, 14),
            )
            hazards.start_rectification(ctx.sdk, hazard_id, actor=spec.safety_officer, at=ctx.at(day, 15))
        # Most hazards are closed within the month; major ones and one in five others stay open (some overdue).
        if is_major or roll < 0.2:
            open_ += 1
        else:
            done = min(day + dt.timedelta(days=rng.randint(1, 5)), ctx.today - dt.timedelta(days=1))
            hazards.complete_rectification(
                ctx.sdk,
                hazard_id,
                measures_taken="已整改完毕",
                evidence=[Evidence(kind="photo", reference=f"{hazard_id}-after.jpg")],
                actor=spec.safety_officer,
                at=ctx.at(done, 16),
            )
            hazards.verify_rectification(
                ctx.sdk,
                hazard_id,
                actor=spec.safety_director,
                acceptance=AcceptanceRecord(
                    accepted_by=spec.safety_director, organisation=spec.name, conclusion="合格", accepted_on=done
                ),
                at=ctx.at(done, 17),
            )
            hazards.close_out_hazard(ctx.sdk, hazard_id, actor=spec.principal, at=ctx.at(done, 18))
            closed += 1
        ctx.manifest.add(
            write_history_json(hazards.hazard_history(ctx.sdk, hazard_id), history_dir / f"{hazard_id}.json"),
            "hazard_history_json",
            unit_uscc=hazard.unit_uscc,
            equipment_id=hazard.equipment_id,
        )
        ctx.progress.advance()
    chain = hazards.verify_hazard_chain(ctx.sdk)
    return (
        f"{len(ctx.hazard_ids)} 条隐患: 销号 {closed}, 在治理 {open_}（重大 {major}）; 记录链校验 "
        f"{'通过' if chain.ok else '失败'}",
        {"hazards": len(ctx.hazard_ids), "closed": closed, "open": open_, "major": major},
    )


def _catalog_of(ctx: DemoContext, equipment_id: str) -> str:
    with ctx.sdk.uow() as uow:
        return uow.equipment.get(equipment_id).catalog_code


def step_credit(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    credit = _service("services.credit", "derive_credit_records", "classify_unit")
    derived = credit.derive_credit_records(ctx.sdk, today=ctx.today, region_prefix=ctx.city.region_code[:4])
    classes: dict[str, int] = {}
    for spec in ctx.city.units:
        found = credit.classify_unit(ctx.sdk, spec.uscc, day=ctx.today)
        label = found.credit_class.name_zh
        classes[label] = classes.get(label, 0) + 1
        ctx.progress.advance()
    text = ", ".join(f"{k} {v}" for k, v in sorted(classes.items()))
    return f"信用记录 {len(derived.added)} 条; 信用分类: {text}", {"records": len(derived.added)}


def step_supervision(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    supervision = _service(
        "services.supervision",
        "plan_supervision",
        "export_plan",
        "add_inspector",
        "draw_inspections",
        "export_draw_results",
    )
    region = ctx.city.region_code[:4]  # the prefecture's code prefix: every county under it
    regulator = f"{ctx.city.name_zh}市场监督管理局"
    rng = random.Random(ctx.city.seed * 13 + 5)
    for n in range(1, 7):
        supervision.add_inspector(
            ctx.sdk,
            inspector_id=f"INS-{region}-{n:02d}",
            name=f"执法人员{'甲乙丙丁戊己'[n - 1]}{rng.choice('明华强军丽静')}",
            region_code=region,
            actor=regulator,
            day=ctx.today,
        )
    plan = supervision.plan_supervision(
        ctx.sdk, region_code=region, year=ctx.today.year + 1, actor=regulator, today=ctx.today
    )
    folder = ctx.out / "regulator"
    folder.mkdir(parents=True, exist_ok=True)
    ctx.manifest.add(supervision.export_plan(plan, folder / "监督检查计划.xlsx"), "supervision_plan_xlsx")
    ctx.manifest.add(
        supervision.export_plan(plan, folder / "重点监督检查单位名录.xlsx", key_units_only=True), "key_units_xlsx"
    )
    draw = supervision.draw_inspections(
        ctx.sdk, region_code=region, seed=ctx.city.seed, actor=regulator, title="双随机抽查（演示）", today=ctx.today
    )
    ctx.manifest.add(
        supervision.export_draw_results(ctx.sdk, draw.id, folder / "双随机抽查.xlsx"), "sampling_draw_xlsx"
    )
    targets = len(draw.draw.targets)
    return (
        f"{ctx.today.year + 1} 年度计划 {len(plan.units)} 家（重点 {len(plan.key_units)} 家）; 双随机抽取 {targets} 家",
        {"planned": len(plan.units), "key_units": len(plan.key_units), "drawn": targets},
    )


def step_statistics(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    statistics = _service("services.statistics", "regional_statistics", "export_statistics")
    nodes = statistics.regional_statistics(ctx.sdk, region_prefix=ctx.city.region_code[:4], today=ctx.today)
    folder = ctx.out / "regulator"
    folder.mkdir(parents=True, exist_ok=True)
    ctx.manifest.add(
        statistics.export_statistics(nodes, folder / "监管统计.xlsx", title=f"{ctx.city.name_zh}特种设备监管统计"),
        "statistics_xlsx",
    )
    return f"{len(nodes)} 个区域节点", {"nodes": len(nodes)}


def step_dossiers(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    dossier = _service("reports.dossier", "build_dossier", "write_dossier_html", "write_dossier_xlsx", "write_qr_png")
    counts = {"dossiers": 0, "qr": 0}
    for spec in ctx.city.units:
        folder = ctx.unit_dir(spec.uscc)
        data = dossier.build_dossier(ctx.sdk, spec.uscc, today=ctx.today)
        ctx.manifest.add(
            dossier.write_dossier_html(data, folder / "一企一档.html"), "dossier_html", unit_uscc=spec.uscc
        )
        ctx.manifest.add(
            dossier.write_dossier_xlsx(data, folder / "一企一档.xlsx"), "dossier_xlsx", unit_uscc=spec.uscc
        )
        ctx.manifest.add(dossier.write_qr_png(data.unit_uri, folder / "一企一码.png"), "qr_png", unit_uscc=spec.uscc)
        counts["dossiers"] += 1
        counts["qr"] += 1
        for row in data.equipment:
            ctx.manifest.add(
                dossier.write_qr_png(
                    row.uri, folder / f"设备码-{row.equipment.unit_internal_number or row.equipment.id}.png"
                ),
                "qr_png",
                unit_uscc=spec.uscc,
                equipment_id=row.equipment.id,
            )
            counts["qr"] += 1
        ctx.progress.advance()
    return f"{counts['dossiers']} 份一企一档（HTML + xlsx）, {counts['qr']} 个二维码", counts


def step_parks(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    parks = _service(
        "services.parks", "park_report", "write_park_report_html", "demonstration_coverage", "write_coverage_xlsx"
    )
    folder = ctx.out / "parks"
    folder.mkdir(parents=True, exist_ok=True)
    reports = 0
    for name in ctx.city.parks:
        report = parks.park_report(ctx.sdk, name, today=ctx.today)
        ctx.manifest.add(parks.write_park_report_html(report, folder / f"{name}.html"), "park_report_html")
        reports += 1
        ctx.progress.advance()
    coverage = parks.demonstration_coverage(ctx.sdk, region_prefix=ctx.city.region_code[:4])
    ctx.manifest.add(parks.write_coverage_xlsx(coverage, folder / "示范企业覆盖.xlsx"), "demonstration_coverage_xlsx")
    return (
        f"{reports} 个园区报告; 示范企业覆盖 {coverage.covered_classes}/{len(coverage.rows)} 类",
        {"parks": reports, "covered": coverage.covered_classes},
    )


def step_five_standards(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    five = _service("services.five_standards", "assess_unit", "write_assessment_json")
    scores: list[float] = []
    for spec in ctx.city.units:
        assessment = five.assess_unit(ctx.sdk, spec.uscc, today=ctx.today)
        ctx.manifest.add(
            five.write_assessment_json(assessment, ctx.unit_dir(spec.uscc) / "五有自评.json"),
            "five_standards_json",
            unit_uscc=spec.uscc,
        )
        scores.append(assessment.total)
        ctx.progress.advance()
    average = sum(scores) / len(scores) if scores else 0.0
    return f"{len(scores)} 家单位自评, 平均 {average:.1f} 分", {"assessed": len(scores)}


def step_cylinders_and_lifts(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    """Cylinder traceability at the city's gas suppliers (建档, fills through the interlock, a trace) and the
    elevator 96333 platform (rescue codes, a few calls with their timings, the city's response KPIs)."""
    trace = _service("services.traceability", "register_cylinders", "record_fills", "trace_cylinder")
    rescue = _service("services.elevator_emergency", "register_rescue_code", "open_incident", "region_kpis")
    personnel = _service("services.personnel", "add_person")
    import json

    from dualprev_sdk.domain.cylinder import Cylinder, FillRequest
    from dualprev_sdk.domain.elevator_emergency import IncidentCause
    from dualprev_sdk.domain.personnel import Certificate, Person

    rng = random.Random(ctx.city.seed * 17 + 7)
    start, end = ctx.month
    folder = ctx.out / "traceability"
    folder.mkdir(parents=True, exist_ok=True)
    stations = [u for u in ctx.city.units if u.industry == "D45"]
    registered = fills = refused = 0
    for station in stations:
        filler = f"F-{station.uscc[-8:]}"
        personnel.add_person(
            ctx.sdk,
            Person(
                id=filler,
                unit_uscc=station.uscc,
                name=f"充装工{station.safety_officer}",
                certificates=(
                    Certificate(
                        number=f"TS-P-{station.uscc[-6:]}",
                        category_code="P",
                        expires_on=ctx.today.replace(year=ctx.today.year + 3),
                    ),
                ),
            ),
            today=ctx.today,
        )
        cylinders = []
        for n in range(1, 31):
            overdue = n % 15 == 0  # two in thirty are past their inspection date: the interlock refuses them
            last = start - dt.timedelta(days=rng.randint(200, 1200))
            cylinders.append(
                Cylinder(
                    id=f"CY-{station.uscc[-6:]}-{n:03d}",
                    tag=f"{station.uscc[-6:]}{n:06d}",
                    filling_station_uscc=station.uscc,
                    medium="液化石油气",
                    catalog_code="2320",
                    manufactured_on=last - dt.timedelta(days=rng.randint(100, 900)),
                    design_life_years=8,
                    last_inspection_on=last,
                    next_inspection_due=start - dt.timedelta(days=3) if overdue else last.replace(year=last.year + 4),
                )
            )
        registered += trace.register_cylinders(ctx.sdk, cylinders, at=ctx.at(start, 8))
        requests = [
            FillRequest(
                tag=c.tag,
                station_uscc=station.uscc,
                filler_id=filler,
                medium="液化石油气",
                at=ctx.at(start + dt.timedelta(days=d), 9) + dt.timedelta(minutes=i),
                quantity_kg=14.5,
                pre_checks=("外观", "瓶阀", "检验有效期"),
                post_checks=("泄漏", "重量复检"),
            )
            for d in (2, 16)
            for i, c in enumerate(cylinders)
        ]
        summary = trace.record_fills(ctx.sdk, requests)
        fills += summary.fills
        refused += summary.refused
        history = trace.trace_cylinder(ctx.sdk, cylinders[0].tag)
        path = folder / f"气瓶追溯-{cylinders[0].tag}.json"
        path.write_text(
            json.dumps(
                {
                    "tag": history.cylinder.tag,
                    "station": station.uscc,
                    "events": [{"kind": str(e.kind), "at": e.at.isoformat()} for e in history.events],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        ctx.manifest.add(path, "cylinder_trace_json", unit_uscc=station.uscc)
    lifts = [
        (spec, ctx.equipment_ids[spec.uscc][item.internal_number], item)
        for spec in ctx.city.units
        for item in spec.equipment
        if item.rescue_code and item.internal_number in ctx.equipment_ids.get(spec.uscc, {})
    ]
    codes = 0
    for _, equipment_id, item in lifts:
        rescue.register_rescue_code(ctx.sdk, equipment_id, item.rescue_code or "")
        codes += 1
    calls = 0
    for spec, _, item in lifts:
        if rng.random() >= 0.12:
            continue
        called = ctx.at(start + dt.timedelta(days=rng.randint(0, 27)), rng.randint(8, 20))
        incident = rescue.open_incident(
            ctx.sdk,
            rescue_code=item.rescue_code or "",
            region_code=spec.region_code,
            called_at=called,
            cause=IncidentCause.ENTRAPMENT if rng.random() < 0.6 else IncidentCause.FAULT,
            trapped_persons=rng.randint(1, 4),
            maintenance_unit=f"{ctx.city.name_zh[:-1]}示例电梯维保有限公司",
        )
        rescue.record_dispatch(ctx.sdk, incident.id, at=called + dt.timedelta(minutes=2))
        rescue.record_arrival(ctx.sdk, incident.id, at=called + dt.timedelta(minutes=rng.randint(12, 40)))
        rescue.record_release(ctx.sdk, incident.id, at=called + dt.timedelta(minutes=rng.randint(42, 70)))
        calls += 1
    kpis = rescue.region_kpis(
        ctx.sdk, region_prefix=ctx.city.region_code[:4], since=ctx.at(start, 0), until=ctx.at(end, 23)
    )
    path = folder / "96333-响应指标.json"
    path.write_text(json.dumps(attrs.asdict(kpis), ensure_ascii=False, indent=2), encoding="utf-8")
    ctx.manifest.add(path, "rescue_kpis_json")
    return (
        f"气瓶 {registered} 只建档, 充装 {fills} 次（拒充 {refused} 次）; 96333 救援码 {codes} 个, 接警 {calls} 起",
        {"cylinders": registered, "fills": fills, "refused": refused, "rescue_codes": codes, "calls": calls},
    )


def step_simplified(ctx: DemoContext) -> tuple[str, dict[str, int]]:
    """A micro enterprise joins with nothing but its basic data, one forklift and one air receiver: simplified
    mode produces its whole package from the class plugins' defaults."""
    simplified = _service("services.simplified", "set_up_small_unit")
    from dualprev_sdk.demo.city import _uscc
    from dualprev_sdk.domain.common import SafetyRole
    from dualprev_sdk.domain.equipment import Equipment
    from dualprev_sdk.domain.unit import RoleAssignment, SizeClass, UseUnit

    rng = random.Random(ctx.city.seed * 23 + 13)
    county = sorted({u.region_code for u in ctx.city.units})[0]
    uscc = _uscc(rng, county, {u.uscc for u in ctx.city.units})
    unit = UseUnit(
        uscc=uscc,
        name=f"{ctx.city.name_zh[:-1]}示例汽车维修店",
        region_code=county,
        industry="O81",
        size_class=SizeClass.MICRO,
        roles=(RoleAssignment(role=SafetyRole.PRINCIPAL, name="店主王师傅", phone="13900000000"),),
    )
    equipment = [
        Equipment(id="", unit_uscc=uscc, catalog_code="5110", name="1号叉车", unit_internal_number="SB-01"),
        Equipment(
            id="",
            unit_uscc=uscc,
            catalog_code="2150",
            name="空压机储气罐",
            unit_internal_number="SB-02",
            commissioned_on=ctx.today.replace(year=ctx.today.year - 3),
        ),
    ]
    package = simplified.set_up_small_unit(
        ctx.sdk, unit, equipment, month=ctx.month[0], out=ctx.out / "simplified" / uscc
    )
    for written in package.files:
        ctx.manifest.add(written.path, written.kind, unit_uscc=uscc, equipment_id=written.equipment_id)
    return (
        f"{unit.name}: {len(package.equipment)} 台设备 → 风险点 {len(package.risk_points)} 个, "
        f"排查项 {len(package.checklist.entries)} 项, 任务 {len(package.tasks)} 项, 文件 {len(package.files)} 个",
        {"risk_points": len(package.risk_points), "tasks": len(package.tasks), "files": len(package.files)},
    )


#: (key, Chinese title, step, progress total from the city) in run order.
STEPS: tuple[tuple[str, str, Step, Callable[[City], int | None]], ...] = (
    ("generate", "生成城市与台账", step_generate, lambda c: None),
    ("import", "导入台账", step_import, lambda c: len(c.units)),
    ("people", "人员、持证与应急预案", step_people, lambda c: len(c.units)),
    ("inspections", "定期检验记录", step_inspections, lambda c: len(c.units)),
    ("grade", "风险辨识与分级", step_grade, lambda c: len(c.units)),
    ("lists", "清单、四色图与告知卡", step_lists, lambda c: len(c.units)),
    ("duties", "日管控·周排查·月调度", step_duties, lambda c: len(c.units)),
    ("overdue", "逾期未检扫描", step_overdue, lambda c: None),
    ("traceability", "气瓶追溯与电梯96333", step_cylinders_and_lifts, lambda c: None),
    ("hazards", "隐患闭环治理", step_hazards, lambda c: None),
    ("credit", "信用记录与分类", step_credit, lambda c: len(c.units)),
    ("supervision", "监督检查计划与双随机", step_supervision, lambda c: None),
    ("statistics", "监管统计", step_statistics, lambda c: None),
    ("dossiers", "一企一档一码", step_dossiers, lambda c: len(c.units)),
    ("parks", "园区与示范企业", step_parks, lambda c: len(c.parks)),
    ("five_standards", "“五有”自评", step_five_standards, lambda c: len(c.units)),
    ("simplified", "小微企业简易模式", step_simplified, lambda c: None),
)


def run_demo(
    out: str | Path,
    *,
    database_url: str | None = None,
    seed: int = 2021,
    size: str = "medium",
    city_code: str = "410100",
    progress: DemoProgress | None = None,
) -> DemoResult:
    """Generate a city and run every step on a fresh database (default ``OUT/demo.sqlite``); write the manifest.

    The database must be empty: the demo refuses to mix its synthetic city into real data.
    """
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    progress = progress or _Quiet()
    if database_url is None:
        db_path = out / "demo.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        database_url = f"sqlite:///{db_path.resolve()}"
    city = generate_city(seed=seed, size=size, region_code=city_code)
    sdk = Dualprev.open(database_url)
    try:
        with sdk.uow() as uow:
            if uow.units.count() > 0:
                from dualprev_sdk.errors import FailedPrecondition

                raise FailedPrecondition(
                    f"database {sdk.url} already holds units; the demo needs an empty database",
                    reason="DEMO_DATABASE_NOT_EMPTY",
                )
        ctx = DemoContext(
            sdk=sdk, city=city, out=out, manifest=Manifest(out), progress=progress, rng=random.Random(seed)
        )
        outcomes: list[StepOutcome] = []
        for key, title, step, total in STEPS:
            progress.begin(key, title, total(city))
            step_started = time.perf_counter()
            try:
                detail, counts = step(ctx)
                outcome = StepOutcome(key=key, title_zh=title, status="done", detail=detail, counts=counts)
            except _Unavailable as exc:
                outcome = StepOutcome(key=key, title_zh=title, status="skipped", detail=f"skipped: {exc}")
            except Exception as exc:  # a step's failure is reported, the others still run
                where = traceback.extract_tb(exc.__traceback__)[-1]
                outcome = StepOutcome(
                    key=key,
                    title_zh=title,
                    status="failed",
                    detail=f"failed: {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})",
                )
            outcome = attrs.evolve(outcome, seconds=time.perf_counter() - step_started)
            outcomes.append(outcome)
            progress.end(outcome)
        seconds = time.perf_counter() - started
        with sdk.uow() as uow:
            last_event = uow.outbox.last_cursor()
        manifest_path = ctx.manifest.write(
            {
                "city": city.name_zh,
                "region_code": city.region_code,
                "seed": seed,
                "size": size,
                "as_of": city.today.isoformat(),
                "database": sdk.url,
                "outbox_last_event": last_event,
                "steps": [attrs.asdict(o) for o in outcomes],
            }
        )
        return DemoResult(
            city=city,
            database_url=sdk.url,
            out=out,
            manifest_path=manifest_path,
            steps=tuple(outcomes),
            seconds=seconds,
            outbox_last_event=last_event,
        )
    finally:
        sdk.close()
