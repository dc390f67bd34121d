"""Regulator commands: ``dualprev credit …``, ``dualprev supervision …`` and ``dualprev stats``.

Tables are in Chinese; ``--json`` gives the same data for scripts; ``--export FILE`` writes .xlsx or .csv with
Chinese headers. Every command that changes something does it in one transaction with its outbox events (the
services in :mod:`dualprev_sdk.services.credit` / ``supervision`` / ``statistics``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from dualprev_sdk.cli.common import DbOption, JsonOption, parse_date, print_json, required_date

credit_app = typer.Typer(name="credit", help="信用监管 — credit records, classes, blacklist.", no_args_is_help=True)
blacklist_app = typer.Typer(name="blacklist", help="黑名单 — sweep, list, repair.", no_args_is_help=True)
supervision_app = typer.Typer(
    name="supervision", help="差异化监管、双随机 — plans, draws, inspectors, alerts.", no_args_is_help=True
)
console = Console()

DayOption = Annotated[str | None, typer.Option("--today", help="As-of date YYYY-MM-DD (default: today, Shanghai).")]
ExportOption = Annotated[Path | None, typer.Option("--export", help="Also write the table to FILE (.xlsx or .csv).")]
ActorOption = Annotated[str, typer.Option("--actor", help="Who issues the command (recorded in the events).")]
RegionOption = Annotated[str, typer.Option("--region", help="GB/T 2260 code or prefix, e.g. 41, 4101, 410105.")]


def _table(title: str, headers: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


# ---------------------------------------------------------------------------------------------------------------
# credit
# ---------------------------------------------------------------------------------------------------------------


@credit_app.command("classify")
def classify_command(
    uscc: Annotated[str, typer.Argument(help="The unit's USCC.")],
    day: Annotated[str | None, typer.Option("--day", help="Classify as of YYYY-MM-DD (default: today).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The unit's credit class (A/B/C/D) with every record behind it; a regulator-issued class overrides."""
    from dualprev_sdk.services import credit
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        result = credit.classify_unit(sdk, uscc, day=parse_date(day, "--day"))
    if as_json:
        print_json(
            {
                "unit_uscc": uscc,
                "credit_class": result.credit_class.value,
                "computed_class": result.computed_class.value,
                "score": result.score,
                "issued_by_regulator": result.issued_by_regulator,
                "regulator_note": result.regulator_note,
                "explanation": result.explain(),
                "model_source": str(result.model_source),
            }
        )
        return
    console.print(f"[bold]{uscc}[/bold] 信用风险分类 {result.credit_class.value}（{result.credit_class.name_zh}）")
    for line in result.explain():
        console.print(f"  {line}")
    console.print(f"  model: {result.model_source} [{result.model_source.status.value}]")


@credit_app.command("record")
def record_command(  # noqa: PLR0917 - one parameter per option
    uscc: Annotated[str, typer.Argument(help="The unit's USCC.")],
    kind: Annotated[str, typer.Option("--kind", help="accident, administrative_penalty, refused_inspection, …")],
    occurred_on: Annotated[str, typer.Option("--date", help="When it happened, YYYY-MM-DD.")],
    source: Annotated[str, typer.Option("--source", help="Who says so (authority, document).")],
    actor: ActorOption,
    severity: Annotated[str, typer.Option("--severity", help="extraordinary|major|serious|general")] = "",
    evidence: Annotated[str, typer.Option("--evidence", help="Document number, report, URL.")] = "",
    record_id: Annotated[str | None, typer.Option("--id", help="Record id (makes a retry idempotent).")] = None,
    db: DbOption = None,
) -> None:
    """Record a credit fact by hand (a regulator's penalty, an accident, a refusal of inspection…)."""
    from dualprev_sdk.domain.credit import CreditRecordKind
    from dualprev_sdk.services import credit
    from dualprev_sdk.services.bootstrap import Dualprev

    try:
        record_kind = CreditRecordKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in CreditRecordKind)
        raise typer.BadParameter(f"{kind!r} is not one of {allowed}", param_hint="--kind") from None
    with Dualprev.open(db) as sdk:
        record = credit.record_credit_event(
            sdk,
            unit_uscc=uscc,
            kind=record_kind,
            occurred_on=required_date(occurred_on, "--date"),
            source=source,
            actor=actor,
            severity=severity,
            evidence=evidence,
            record_id=record_id,
        )
    console.print(f"recorded {record.id}: {record.kind.name_zh} {record.occurred_on}")


@credit_app.command("issue")
def issue_command(  # noqa: PLR0917 - one parameter per option
    uscc: Annotated[str, typer.Argument(help="The unit's USCC.")],
    credit_class: Annotated[str, typer.Option("--class", help="A, B, C or D.")],
    issued_on: Annotated[str, typer.Option("--date", help="Issue date YYYY-MM-DD.")],
    authority: Annotated[str, typer.Option("--authority", help="The issuing authority.")],
    note: Annotated[str, typer.Option("--note")] = "",
    db: DbOption = None,
) -> None:
    """Record the class issued by the regulator (it overrides the computed one from that date)."""
    from dualprev_sdk.domain.credit import CreditClass
    from dualprev_sdk.services import credit
    from dualprev_sdk.services.bootstrap import Dualprev

    try:
        cls = CreditClass(credit_class.upper())
    except ValueError:
        raise typer.BadParameter(f"{credit_class!r} is not A, B, C or D", param_hint="--class") from None
    with Dualprev.open(db) as sdk:
        credit.issue_credit_class(
            sdk,
            unit_uscc=uscc,
            credit_class=cls,
            issued_on=required_date(issued_on, "--date"),
            authority=authority,
            actor=authority,
            note=note,
        )
    console.print(f"{uscc}: class {cls.value} issued by {authority}")


@credit_app.command("derive")
def derive_command(
    region: Annotated[str | None, typer.Option("--region", help="GB/T 2260 prefix (default: everything).")] = None,
    today: DayOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record credit facts the SDK knows (overdue or repeated major hazards, use while overdue, unregistered
    equipment, demonstration enterprises); each fact once, so it can run on a schedule."""
    from dualprev_sdk.services import credit
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        result = credit.derive_credit_records(sdk, today=parse_date(today), region_prefix=region)
    rows = [[r.unit_uscc, r.kind.name_zh, r.occurred_on, r.evidence] for r in result.added]
    if as_json:
        print_json(
            {
                "added": [
                    {"unit_uscc": r.unit_uscc, "kind": r.kind.value, "occurred_on": r.occurred_on, "id": r.id}
                    for r in result.added
                ],
                "already_recorded": result.already_recorded,
            }
        )
        return
    _table(
        f"新增信用记录 {len(rows)} 条（已记录 {result.already_recorded} 条）", ["单位", "记录", "日期", "依据"], rows
    )


@blacklist_app.command("sweep")
def blacklist_sweep_command(
    region: Annotated[str | None, typer.Option("--region", help="GB/T 2260 prefix (default: everything).")] = None,
    authority: Annotated[str, typer.Option("--authority", help="Signature of the publication text.")] = "",
    today: DayOption = None,
    db: DbOption = None,
) -> None:
    """List units whose records meet the entry rules and remove entries whose period ran out."""
    from dualprev_sdk.services import credit
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        result = credit.sweep_blacklist(sdk, today=parse_date(today), region_prefix=region, authority=authority)
    _table(
        f"列入 {len(result.listed)} 家，期满移出 {len(result.expired)} 家",
        ["单位", "状态", "列入日期", "事由"],
        [[e.unit_uscc, "列入", e.listed_on, e.reason] for e in result.listed]
        + [[e.unit_uscc, "期满移出", e.listed_on, e.reason] for e in result.expired],
    )


@blacklist_app.command("list")
def blacklist_list_command(
    region: RegionOption,
    today: DayOption = None,
    export: ExportOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The publication list (公示名单) of a region on a day."""
    from dualprev_sdk.services import credit
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        entries = credit.blacklist_publication(sdk, region_prefix=region, day=parse_date(today))
        if export is not None:
            credit.export_blacklist_publication(sdk, export, region_prefix=region, day=parse_date(today))
    if as_json:
        print_json(
            [
                {
                    "entry_id": e.id,
                    "unit_uscc": e.unit_uscc,
                    "region_code": e.region_code,
                    "listed_on": e.listed_on,
                    "expires_on": e.expires_on,
                    "reason": e.reason,
                    "publication_text": e.publication_text,
                }
                for e in entries
            ]
        )
        return
    _table(
        f"黑名单公示名单（{region}）",
        ["单位", "行政区划", "列入日期", "期限至", "事由"],
        [[e.unit_uscc, e.region_code, e.listed_on, e.expires_on, e.reason] for e in entries],
    )


# ---------------------------------------------------------------------------------------------------------------
# supervision
# ---------------------------------------------------------------------------------------------------------------


@supervision_app.command("plan")
def plan_command(  # noqa: PLR0917 - one parameter per option
    region: RegionOption,
    year: Annotated[int, typer.Option("--year", help="Plan year.")],
    actor: Annotated[str, typer.Option("--actor")] = "cli",
    key_units: Annotated[bool, typer.Option("--key-units", help="Show/export only the key-unit list.")] = False,
    export: ExportOption = None,
    today: DayOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make (or remake) the region's yearly supervision plan and its key-unit list (重点监督检查单位名录)."""
    from dualprev_sdk.services import supervision
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        plan = supervision.plan_supervision(sdk, region_code=region, year=year, actor=actor, today=parse_date(today))
    if export is not None:
        supervision.export_plan(plan, export, key_units_only=key_units)
    units = plan.key_units if key_units else plan.units
    if as_json:
        print_json(
            {
                "plan_id": plan.id,
                "version": plan.version,
                "units": [
                    {
                        "uscc": u.uscc,
                        "name": u.name,
                        "risk_level": int(u.risk_level),
                        "credit_class": u.credit_class.value,
                        "inspections_per_year": u.inspections_per_year,
                        "key_unit": u.key_unit,
                        "reasons": list(u.reasons),
                    }
                    for u in units
                ],
            }
        )
        return
    _table(
        f"{'重点监督检查单位名录' if key_units else '年度监督检查计划'} {region} {year}（第{plan.version}版）",
        ["单位", "名称", "风险", "信用", "次/年", "重点", "依据"],
        [
            [
                u.uscc,
                u.name,
                u.risk_level.name_zh,
                u.credit_class.value,
                f"{u.inspections_per_year:g}",
                "是" if u.key_unit else "",
                "；".join(u.reasons),
            ]
            for u in units
        ],
    )


@supervision_app.command("draw")
def draw_command(  # noqa: PLR0917 - one parameter per option
    region: RegionOption,
    seed: Annotated[int, typer.Option("--seed", help="The random seed (record it: it makes the draw reproducible).")],
    fraction: Annotated[float, typer.Option("--fraction", help="Minimum fraction of units.")] = 0.05,
    key_fraction: Annotated[float, typer.Option("--key-fraction", help="Minimum fraction of key units.")] = 0.5,
    team_size: Annotated[int, typer.Option("--team-size")] = 2,
    title: Annotated[str, typer.Option("--title")] = "",
    actor: Annotated[str, typer.Option("--actor")] = "cli",
    export: ExportOption = None,
    today: DayOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Double-random draw (双随机): targets by strata and teams with avoidance, stored with seed and inputs."""
    from dualprev_sdk.domain.supervision import SamplingRules
    from dualprev_sdk.services import supervision
    from dualprev_sdk.services.bootstrap import Dualprev

    rules = SamplingRules(min_fraction_of_units=fraction, min_fraction_of_key_units=key_fraction, team_size=team_size)
    with Dualprev.open(db) as sdk:
        recorded = supervision.draw_inspections(
            sdk, region_code=region, seed=seed, rules=rules, title=title, actor=actor, today=parse_date(today)
        )
        if export is not None:
            supervision.export_draw_results(sdk, recorded.id, export)
    teams = {t.uscc: t.inspectors for t in recorded.draw.teams}
    if as_json:
        print_json(
            {
                "draw_id": recorded.id,
                "seed": seed,
                "inputs_sha256": recorded.draw.inputs_sha256,
                "targets": [{"uscc": u, "stratum": s, "team": list(teams[u])} for u, s in recorded.draw.targets],
            }
        )
        return
    console.print(f"draw {recorded.id} seed {seed} inputs sha256 {recorded.draw.inputs_sha256}")
    _table(
        "抽查对象与检查组",
        ["单位", "抽取类别", "检查人员"],
        [[u, s, "、".join(teams[u])] for u, s in recorded.draw.targets],
    )


@supervision_app.command("verify")
def verify_command(draw_id: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Re-run a stored draw from its inputs snapshot; exit 1 when it does not reproduce."""
    from dualprev_sdk.services import supervision
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        report = supervision.verify_draw(sdk, draw_id)
    if report.ok:
        console.print(f"draw {draw_id}: reproduced (inputs sha256 {report.stored_sha256})")
        return
    for problem in report.problems:
        console.print(f"[red]draw {draw_id}: {problem}[/red]")
    raise typer.Exit(1)


@supervision_app.command("result")
def result_command(  # noqa: PLR0917 - one parameter per option
    draw_id: Annotated[str, typer.Argument()],
    uscc: Annotated[str, typer.Argument(help="The target unit.")],
    outcome: Annotated[str, typer.Option("--outcome", help="no_problem, problems_corrected, problems_found, …")],
    inspected_on: Annotated[str, typer.Option("--date", help="Inspection date YYYY-MM-DD.")],
    note: Annotated[str, typer.Option("--note")] = "",
    actor: Annotated[str, typer.Option("--actor")] = "cli",
    db: DbOption = None,
) -> None:
    """Record the inspection outcome of one drawn unit (its team becomes its "last inspectors")."""
    from dualprev_sdk.domain.supervision import InspectionOutcome
    from dualprev_sdk.services import supervision
    from dualprev_sdk.services.bootstrap import Dualprev

    try:
        result_outcome = InspectionOutcome(outcome)
    except ValueError:
        allowed = ", ".join(o.value for o in InspectionOutcome)
        raise typer.BadParameter(f"{outcome!r} is not one of {allowed}", param_hint="--outcome") from None
    with Dualprev.open(db) as sdk:
        supervision.record_draw_result(
            sdk,
            draw_id,
            uscc=uscc,
            outcome=result_outcome,
            inspected_on=required_date(inspected_on, "--date"),
            note=note,
            actor=actor,
        )
    console.print(f"{draw_id} {uscc}: {result_outcome.name_zh}")


@supervision_app.command("publish")
def publish_command(
    draw_id: Annotated[str, typer.Argument()],
    day: Annotated[str | None, typer.Option("--date", help="Publication date (default: today).")] = None,
    actor: Annotated[str, typer.Option("--actor")] = "cli",
    export: ExportOption = None,
    db: DbOption = None,
) -> None:
    """Publish a draw's results (一公开), optionally exporting them."""
    from dualprev_sdk import timeutil
    from dualprev_sdk.services import supervision
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        changed = supervision.publish_draw(sdk, draw_id, day=parse_date(day, "--date") or timeutil.today(), actor=actor)
        if export is not None:
            supervision.export_draw_results(sdk, draw_id, export)
    console.print(f"{draw_id}: {'published' if changed else 'already published'}")


@supervision_app.command("inspector")
def inspector_command(  # noqa: PLR0917 - one parameter per option
    inspector_id: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Argument()],
    region: RegionOption,
    conflict: Annotated[list[str] | None, typer.Option("--conflict", help="USCC with a declared conflict.")] = None,
    actor: Annotated[str, typer.Option("--actor")] = "cli",
    db: DbOption = None,
) -> None:
    """Add an inspector to the roster (执法检查人员名录库)."""
    from dualprev_sdk.services import supervision
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        supervision.add_inspector(
            sdk, inspector_id=inspector_id, name=name, region_code=region, conflicts=conflict or (), actor=actor
        )
    console.print(f"inspector {inspector_id} {name} added to {region}")


@supervision_app.command("alerts")
def alerts_command(
    region: RegionOption,
    today: DayOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Detect regional or widespread hazards (same type in more than N units of a region or industry) and list the
    open alerts."""
    from dualprev_sdk.services import supervision
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        new = {a.id for a in supervision.detect_widespread_hazards(sdk, region_prefix=region, today=parse_date(today))}
        alerts = supervision.list_alerts(sdk, region_prefix=region)
    if as_json:
        print_json(
            [
                {
                    "alert_id": a.id,
                    "new": a.id in new,
                    "scope_kind": a.scope_kind,
                    "scope": a.scope,
                    "signature": a.signature,
                    "units": list(a.units),
                }
                for a in alerts
            ]
        )
        return
    _table(
        f"区域性/普遍性隐患预警（新增 {len(new)}）",
        ["预警", "范围", "隐患类型", "单位数"],
        [
            [a.id + (" *" if a.id in new else ""), f"{a.scope_kind}:{a.scope}", a.signature, len(a.units)]
            for a in alerts
        ],
    )


# ---------------------------------------------------------------------------------------------------------------
# statistics
# ---------------------------------------------------------------------------------------------------------------


def stats_command(  # noqa: PLR0917 - one parameter per option
    region: RegionOption,
    by: Annotated[str, typer.Option("--by", help="region (tree, default), level, industry, class or grid.")] = "region",
    export: ExportOption = None,
    today: DayOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Regulator statistics: units, equipment, open hazards, overdue inspections, credit classes, risk levels."""
    from dualprev_sdk.services import statistics
    from dualprev_sdk.services.bootstrap import Dualprev

    try:
        group_by = statistics.GroupBy(by)
    except ValueError:
        allowed = ", ".join(g.value for g in statistics.GroupBy)
        raise typer.BadParameter(f"{by!r} is not one of {allowed}", param_hint="--by") from None
    with Dualprev.open(db) as sdk:
        nodes = statistics.regional_statistics(sdk, region_prefix=region, by=group_by, today=parse_date(today))
    if export is not None:
        statistics.export_statistics(nodes, export)
    if as_json:
        print_json(
            [
                {
                    "key": n.key,
                    "name": n.name,
                    "depth": n.depth,
                    "units": n.units,
                    "equipment": n.equipment,
                    "equipment_in_use": n.equipment_in_use,
                    "open_hazards": dict(n.open_hazards),
                    "overdue_inspections": n.overdue_inspections,
                    "credit_classes": dict(n.credit_classes),
                    "risk_levels": dict(n.risk_levels),
                }
                for n in nodes
            ]
        )
        return
    rows = [
        [
            n.key,
            ("  " * max(0, n.depth - 1)) + n.name,
            n.units,
            n.equipment,
            f"{n.open_hazards.get('major', 0)}/{n.open_hazards.get('general', 0)}",
            n.overdue_inspections,
            "/".join(str(n.credit_classes.get(c, 0)) for c in "ABCD"),
            "/".join(str(n.risk_levels.get(k, 0)) for k in ("1", "2", "3", "4", statistics.UNASSESSED)),
        ]
        for n in nodes
    ]
    _table(
        f"监管统计 {region}（按 {group_by.value}）",
        ["分组", "名称", "单位", "设备", "隐患 重大/一般", "逾期未检", "信用 A/B/C/D", "风险 1/2/3/4/未评估"],
        rows,
    )


def register(app: typer.Typer) -> None:
    credit_app.add_typer(blacklist_app, name="blacklist")
    app.add_typer(credit_app, name="credit")
    app.add_typer(supervision_app, name="supervision")
    app.command("stats")(stats_command)
