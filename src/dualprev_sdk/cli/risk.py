"""``dualprev risk …`` and ``dualprev duty …``: control lists, checklists, cards, maps; plans, tasks, missed
duties, weekly reports and monthly minutes.

Every command takes ``--db`` (default ``$DUALPREV_DATABASE_URL`` or ``./dualprev.sqlite``). Output files are
chosen by suffix: ``.xlsx``/``.csv`` for lists, ``.svg``/``.png`` for cards and maps (PNG needs the ``render``
extra), ``.md``/``.html`` for reports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dualprev_sdk.cli.common import DbOption, JsonOption, open_sdk, parse_date, required_date

if TYPE_CHECKING:
    from dualprev_sdk.reports.svg import SvgDocument

ActorOption = Annotated[str, typer.Option("--actor", help="Who makes the change (recorded in the history).")]


def _write_svg(doc: SvgDocument, out: Path) -> None:
    from dualprev_sdk.reports.svg import svg_to_png

    if out.suffix.lower() == ".png":
        svg_to_png(doc.to_string(), out)
    else:
        doc.save(out)
    typer.echo(str(out))


def register(app: typer.Typer) -> None:
    risk = typer.Typer(
        help="风险分级管控：辨识、管控清单、排查清单、告知卡、四色图 (risk control).", no_args_is_help=True
    )
    duty = typer.Typer(help="日管控/周排查/月调度与排查计划 (Order 74 duties and schedules).", no_args_is_help=True)
    app.add_typer(risk, name="risk")
    app.add_typer(duty, name="duty")

    @risk.command("identify")
    def identify(
        unit: str,
        actor: ActorOption,
        method: Annotated[str, typer.Option(help="lec or ls (the templates' suggested factors).")] = "lec",
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Generate and grade the unit's risk points from its equipment classes' templates."""
        from dualprev_sdk.services import risk as svc

        with open_sdk(db) as sdk:
            result = svc.identify_unit_risks(sdk, unit, actor=actor, method=method)
        data = {
            "created": len(result.created),
            "existing": len(result.existing),
            "unclassified_equipment": list(result.unclassified),
        }
        typer.echo(
            json.dumps(data, ensure_ascii=False)
            if as_json
            else f"新增风险点 {data['created']} 项，已有 {data['existing']} 项"
        )

    @risk.command("export")
    def export(
        unit: str,
        out: Annotated[Path, typer.Option("--out", help="control list .xlsx or .csv")],
        equipment_class: Annotated[str | None, typer.Option("--class", help="one equipment class key")] = None,
        db: DbOption = None,
    ) -> None:
        """Export the 风险管控清单."""
        from dualprev_sdk.reports.control_list import write_control_list_csv, write_control_list_xlsx
        from dualprev_sdk.services import risk as svc

        with open_sdk(db) as sdk:
            control_list = svc.build_control_list(sdk, unit, equipment_class=equipment_class)
        writer = write_control_list_csv if out.suffix.lower() == ".csv" else write_control_list_xlsx
        typer.echo(str(writer(control_list, out)))

    @risk.command("import")
    def import_(  # noqa: PLR0917 - typer reads the parameters
        unit: str,
        path: Path,
        actor: ActorOption,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = False,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Apply an edited control list (all rows or none). Exit 1 when any row is rejected."""
        from dualprev_sdk.services import risk as svc

        with open_sdk(db) as sdk:
            report = svc.import_control_list(sdk, path, unit_uscc=unit, actor=actor, dry_run=dry_run)
        if as_json:
            data = report.summary() | {"errors": [{**_row_error(e)} for e in report.errors]}
            typer.echo(json.dumps(data, ensure_ascii=False, default=str))
        else:
            for error in report.errors:
                typer.echo(str(error), err=True)
            typer.echo(
                f"读取 {report.rows_read} 行，拒绝 {report.rows_rejected} 行；新增 {report.points_created}，"
                f"修改 {report.points_updated}，删除 {report.points_removed}，未变 {report.points_unchanged}"
                + ("（试运行，未写入）" if dry_run else "")
            )
        if report.error_count:
            raise typer.Exit(1)

    @risk.command("checklist")
    def checklist(unit: str, out: Annotated[Path, typer.Option("--out")], db: DbOption = None) -> None:
        """Export the 隐患排查清单 (.xlsx)."""
        from dualprev_sdk.reports.checklist import write_checklist_xlsx
        from dualprev_sdk.services import risk as svc

        with open_sdk(db) as sdk:
            typer.echo(str(write_checklist_xlsx(svc.build_investigation_checklist(sdk, unit), out)))

    @risk.command("card")
    def card(
        equipment: str,
        out: Annotated[Path, typer.Option("--out", help=".svg or .png")],
        point: Annotated[str | None, typer.Option("--point", help="one risk point only")] = None,
        db: DbOption = None,
    ) -> None:
        """Draw the 风险告知卡 of a piece of equipment (or of one risk point)."""
        from dualprev_sdk.services import risk as svc

        with open_sdk(db) as sdk:
            _write_svg(svc.notification_card(sdk, equipment, point_id=point), out)

    @risk.command("map")
    def map_(unit: str, out: Annotated[Path, typer.Option("--out", help=".svg or .png")], db: DbOption = None) -> None:
        """Draw the unit's 四色分布图."""
        from dualprev_sdk.services import risk as svc

        with open_sdk(db) as sdk:
            _write_svg(svc.risk_map(sdk, unit), out)

    @risk.command("review")
    def review(  # noqa: PLR0917 - typer reads the parameters
        unit: str,
        trigger: Annotated[str, typer.Option(help="accident, major_repair, alteration, major_hazard, relocation")],
        actor: ActorOption,
        equipment: Annotated[str | None, typer.Option(help="only this equipment's points")] = None,
        detail: str = "",
        db: DbOption = None,
    ) -> None:
        """Mark risk points for re-assessment after a trigger learnt outside the SDK (events recorded with
        ``dualprev equipment accident|repair|alter|relocate`` mark them already)."""
        from dualprev_sdk.domain.risk import ReviewTrigger
        from dualprev_sdk.errors import InvalidArgument
        from dualprev_sdk.services import risk as svc

        try:
            which = ReviewTrigger(trigger)
        except ValueError:
            allowed = ", ".join(t.value for t in ReviewTrigger)
            raise InvalidArgument.single("trigger", trigger, "risk.trigger", f"one of {allowed}") from None
        with open_sdk(db) as sdk:
            marked = svc.mark_for_review(
                sdk, unit_uscc=unit, trigger=which, actor=actor, equipment_id=equipment, detail=detail
            )
        typer.echo(f"待复评风险点 {len(marked)} 项")

    @duty.command("order74")
    def order74(
        unit: str,
        actor: ActorOption,
        kind: Annotated[str | None, typer.Option(help="equipment kind code, e.g. 3000 (default: all kinds)")] = None,
        start: Annotated[str | None, typer.Option("--from", help="first day (default today)")] = None,
        db: DbOption = None,
    ) -> None:
        """Create the daily / weekly / monthly Order 74 plans of a unit."""
        from dualprev_sdk import timeutil
        from dualprev_sdk.reports.weekly_report import kind_label
        from dualprev_sdk.services import duties as svc

        with open_sdk(db) as sdk:
            for plan in svc.order74_plans(
                unit,
                equipment_kind=kind,
                starts_on=parse_date(start, "--from") or timeutil.today(),
                kind_zh=kind_label(kind),
            ):
                typer.echo(svc.create_plan(sdk, plan, actor=actor).id)

    @duty.command("generate")
    def generate(
        start: Annotated[str, typer.Option("--from")],
        end: Annotated[str, typer.Option("--to")],
        unit: Annotated[str | None, typer.Option()] = None,
        db: DbOption = None,
    ) -> None:
        """Generate the tasks active plans owe in a date range (idempotent)."""
        from dualprev_sdk.services import duties as svc

        with open_sdk(db) as sdk:
            result = svc.generate_tasks(sdk, required_date(start, "--from"), required_date(end, "--to"), unit_uscc=unit)
        for warning in result.warnings:
            typer.echo(f"warning: {warning}", err=True)
        typer.echo(f"新建任务 {result.created} 项（范围内共 {result.total} 项）")

    @duty.command("missed")
    def missed(
        unit: Annotated[str | None, typer.Option()] = None,
        region: Annotated[str | None, typer.Option(help="region code prefix, e.g. 4101")] = None,
        as_of: Annotated[str | None, typer.Option("--as-of")] = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Missed daily checks, weekly reports and monthly minutes."""
        from dualprev_sdk.services import duties as svc

        with open_sdk(db) as sdk:
            report = svc.missed_duties(sdk, as_of=parse_date(as_of, "--as-of"), unit_uscc=unit, region_prefix=region)
        if as_json:
            rows = [
                {
                    "unit_uscc": m.unit_uscc,
                    "region_code": m.region_code,
                    "kind": m.kind.value,
                    "period_key": m.period_key,
                    "due_on": m.due_on.isoformat(),
                    "assignee": m.assignee,
                    "plan_id": m.plan_id,
                }
                for m in report.items
            ]
            typer.echo(json.dumps(rows, ensure_ascii=False))
            return
        for m in report.items:
            typer.echo(
                f"{m.unit_uscc}\t{m.kind.name_zh}\t{m.period_key}\t应于 {m.due_on.isoformat()}\t"
                f"{m.assignee or '未指派'}"
            )
        typer.echo(f"共 {len(report.items)} 项未履行")

    @duty.command("weekly-report")
    def weekly_report(
        unit: str,
        week: Annotated[str, typer.Argument(help="ISO week, e.g. 2026-W48")],
        out: Annotated[Path, typer.Option("--out", help=".md or .html")],
        kind: Annotated[str | None, typer.Option(help="equipment kind code")] = None,
        db: DbOption = None,
    ) -> None:
        """Generate 《每周XX安全排查治理报告》 from the records."""
        from dualprev_sdk.reports import weekly_report as doc

        with open_sdk(db) as sdk:
            report = doc.build_weekly_report(sdk, unit, week, equipment_kind=kind)
        typer.echo(str(doc.write_document(doc.render_markdown(report), report.title, out)))

    @duty.command("monthly-minutes")
    def monthly_minutes(
        unit: str,
        month: Annotated[str, typer.Argument(help="e.g. 2026-11")],
        out: Annotated[Path, typer.Option("--out", help=".md or .html")],
        kind: Annotated[str | None, typer.Option(help="equipment kind code")] = None,
        db: DbOption = None,
    ) -> None:
        """Generate 《每月XX安全调度会议纪要》 from the records."""
        from dualprev_sdk.reports import monthly_minutes as doc
        from dualprev_sdk.reports.weekly_report import write_document

        with open_sdk(db) as sdk:
            minutes = doc.build_monthly_minutes(sdk, unit, month, equipment_kind=kind)
        typer.echo(str(write_document(doc.render_markdown(minutes), minutes.title, out)))


def _row_error(error: object) -> dict[str, object]:
    import attrs

    return attrs.asdict(error)  # type: ignore[arg-type]
