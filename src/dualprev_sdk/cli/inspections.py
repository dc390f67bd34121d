"""``dualprev inspections …`` and ``dualprev personnel …``: overdue listing and sweep, reminders, and the
personnel compliance check. Tables are in Chinese; ``--json`` gives the same data for scripts.

Exit status: 0 when nothing is wrong, 1 when the listing or check found something (overdue equipment,
violations), so the commands fit a cron job that alerts on failure.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dualprev_sdk.cli.common import DbOption, JsonOption, parse_date, print_json

inspections_app = typer.Typer(name="inspections", help="检验与逾期未检 — inspections and overdue detection.")
personnel_app = typer.Typer(name="personnel", help="人员与持证 — personnel and certificate compliance.")
console = Console()

TodayOption = Annotated[
    str | None, typer.Option("--today", help="As-of date YYYY-MM-DD (default: today in Asia/Shanghai).")
]


@inspections_app.command("overdue")
def overdue_command(  # noqa: PLR0917 - one parameter per option
    region: Annotated[str | None, typer.Option("--region", help="GB/T 2260 prefix, e.g. 4101 (郑州市).")] = None,
    catalog: Annotated[str | None, typer.Option("--class", help="Catalogue prefix, e.g. 3 (电梯) or 4110.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit (USCC).")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows to list (counts always cover all).")] = 200,
    today: TodayOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List equipment in use past its next inspection date (逾期未检), with counts by region, unit and kind."""
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.services.inspections import list_overdue

    with Dualprev.open(db) as sdk:
        listing = list_overdue(
            sdk, today=parse_date(today), region_prefix=region, catalog_prefix=catalog, unit_uscc=unit, limit=limit
        )
    if as_json:
        print_json(
            {
                "as_of": listing.as_of.isoformat(),
                "total": listing.total,
                "by_region": listing.by_region,
                "by_unit": listing.by_unit,
                "by_kind": listing.by_kind,
                "items": [
                    {
                        "equipment_id": i.equipment_id,
                        "unit_uscc": i.unit_uscc,
                        "region_code": i.region_code,
                        "catalog_code": i.catalog_code,
                        "next_inspection_due": i.next_inspection_due.isoformat(),
                        "days_overdue": (listing.as_of - i.next_inspection_due).days,
                        "stopped": i.stopped,
                    }
                    for i in listing.items
                ],
            }
        )
    else:
        table = Table(title=f"逾期未检设备（截至 {listing.as_of.isoformat()}，共 {listing.total} 台）")
        for column in ("行政区划", "使用单位", "设备", "目录代码", "下次检验日期", "逾期天数", "已停用"):
            table.add_column(column)
        for i in listing.items:
            table.add_row(
                i.region_code,
                i.unit_uscc,
                i.equipment_id,
                i.catalog_code,
                i.next_inspection_due.isoformat(),
                str((listing.as_of - i.next_inspection_due).days),
                "是" if i.stopped else "",
            )
        console.print(table)
        console.print("按地区：" + "，".join(f"{k} {v}台" for k, v in listing.by_region.items()))
        console.print("按种类：" + "，".join(f"{k} {v}台" for k, v in listing.by_kind.items()))
    if listing.total:
        raise typer.Exit(1)


@inspections_app.command("sweep")
def sweep_command(
    region: Annotated[str | None, typer.Option("--region", help="Only this GB/T 2260 prefix.")] = None,
    today: TodayOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the overdue sweep: cases, regulator notices and hazards for newly overdue equipment (idempotent)."""
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.services.inspections import sweep_overdue_inspections

    with Dualprev.open(db) as sdk:
        result = sweep_overdue_inspections(sdk, today=parse_date(today), region_prefix=region)
    data = {
        "detected": [
            {"equipment_id": c.equipment_id, "due_on": c.due_on.isoformat(), "region_code": c.region_code}
            for c in result.detected
        ],
        "hazards": [
            {"hazard_id": o.hazard_id, "level": o.level.value if o.level else None, "criteria": list(o.criteria)}
            for o in result.opened
        ],
        "failed": [{"case": c, "reason": r} for c, r in result.failed],
    }
    if as_json:
        print_json(data)
    else:
        major = sum(1 for o in result.opened if o.level is not None and o.level.value == "major")
        console.print(
            f"新发现逾期未检 {len(result.detected)} 台；开立隐患 {len(result.opened)} 条（重大 {major} 条）；"
            f"失败 {len(result.failed)} 条"
        )
        for case, reason in result.failed:
            console.print(f"[red]{case}[/red] {reason}")
    if result.failed:
        raise typer.Exit(1)


@inspections_app.command("reminders")
def reminders_command(
    unit: Annotated[str | None, typer.Option("--unit", help="USCC (adds registration and certificates).")] = None,
    region: Annotated[str | None, typer.Option("--region", help="GB/T 2260 prefix.")] = None,
    today: TodayOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What must be done soon: apply for inspections, register use, review certificates."""
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.services.inspections import inspection_reminders

    with Dualprev.open(db) as sdk:
        reminders = inspection_reminders(sdk, today=parse_date(today), unit_uscc=unit, region_prefix=region)
    if as_json:
        print_json(
            [
                {
                    "kind": r.kind.value,
                    "unit_uscc": r.unit_uscc,
                    "subject_id": r.subject_id,
                    "act_by": r.act_by.isoformat(),
                    "due": r.due.isoformat(),
                    "late": r.late,
                    "source": str(r.source),
                    "detail": r.detail,
                }
                for r in reminders
            ]
        )
        return
    table = Table(title="提醒事项")
    for column in ("事项", "单位", "对象", "办理期限", "已逾期", "说明", "依据"):
        table.add_column(column)
    for r in reminders:
        table.add_row(
            r.kind.name_zh, r.unit_uscc, r.subject_id, r.act_by.isoformat(), "是" if r.late else "", r.detail,
            str(r.source),
        )  # fmt: skip
    console.print(table)


@personnel_app.command("check")
def personnel_check_command(
    uscc: Annotated[str, typer.Argument(help="The unit's USCC.", show_default=False)],
    today: TodayOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a unit's personnel: certified operators, expired certificates, Order 74 roles, TSG 08 staffing,
    training before work. Exit 1 when any violation is found."""
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.services.personnel import check_personnel

    with Dualprev.open(db) as sdk:
        report = check_personnel(sdk, uscc, today=parse_date(today))
    if as_json:
        print_json(
            {
                "unit_uscc": report.unit_uscc,
                "as_of": report.as_of.isoformat(),
                "compliant": report.compliant,
                "findings": [
                    {
                        "code": f.code,
                        "severity": f.severity.value,
                        "subject": f.subject,
                        "message": f.message_zh,
                        "source": str(f.source) if f.source else None,
                    }
                    for f in report.findings
                ],
            }
        )
    else:
        table = Table(title=f"人员合规检查 {report.unit_uscc}（截至 {report.as_of.isoformat()}）")
        for column in ("结果", "对象", "问题", "依据"):
            table.add_column(column)
        for f in report.findings:
            table.add_row(f.severity.name_zh, f.subject, f.message_zh, str(f.source) if f.source else "")
        console.print(table)
        console.print("合规" if report.compliant else "[red]不合规[/red]")
    if not report.compliant:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(inspections_app, name="inspections")
    app.add_typer(personnel_app, name="personnel")
