"""``dualprev simplified``: set up a small or micro enterprise from its basic data and a few pieces of equipment
(小微企业简易模式, 一企一档一码)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from dualprev_sdk.cli.common import DbOption, JsonOption, parse_date

_EQUIPMENT_HELP = (
    "One piece of equipment as CATALOGUE_CODE:NAME[:EQUIPMENT_CODE[:COMMISSIONED_ON]], e.g. 5110:1号叉车 or "
    "2150:储气罐:215010001201800012:2018-06-01. Repeat for each item."
)


def _parse_equipment(text: str, index: int) -> dict[str, str]:
    from dualprev_sdk.errors import InvalidArgument

    parts = text.split(":")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise InvalidArgument.single(
            f"--equipment[{index}]", text, "simplified.equipment.format", "格式：目录代码:名称[:设备代码[:投用日期]]"
        )
    return {
        "catalog_code": parts[0],
        "name": parts[1],
        "equipment_code": parts[2] if len(parts) > 2 and parts[2] else "-",
        "commissioned_on": parts[3] if len(parts) > 3 else "",
    }


def register(app: typer.Typer) -> None:
    @app.command("simplified")
    def simplified_command(  # noqa: PLR0917 - a typer command: one parameter per option
        name: Annotated[str, typer.Option("--name", help="Unit name (使用单位名称).")],
        uscc: Annotated[str, typer.Option("--uscc", help="统一社会信用代码.")],
        region: Annotated[str, typer.Option("--region", help="GB/T 2260 county code, e.g. 410105.")],
        principal: Annotated[str, typer.Option("--principal", help="主要负责人 (name).")],
        equipment: Annotated[list[str], typer.Option("--equipment", "-e", help=_EQUIPMENT_HELP)],
        phone: Annotated[str, typer.Option("--phone", help="Principal's phone.")] = "",
        safety_officer: Annotated[
            str, typer.Option("--safety-officer", help="安全员 (default: the principal, noted).")
        ] = "",
        address: Annotated[str, typer.Option("--address", help="Unit address.")] = "",
        industry: Annotated[str, typer.Option("--industry", help="GB/T 4754 code, e.g. C34.")] = "",
        size: Annotated[str, typer.Option("--size", help="small or micro.")] = "micro",
        month: Annotated[
            str | None, typer.Option("--month", help="Month of duty tasks, YYYY-MM (default: this month).")
        ] = None,
        out: Annotated[Path, typer.Option("--out", help="Directory for the files.")] = Path("simplified-out"),
        base_url: Annotated[
            str | None, typer.Option("--base-url", help="https base URL for QR codes (default dualprev://).")
        ] = None,
        db: DbOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable summary.")] = False,
    ) -> None:
        """小微企业简易模式：一条命令生成风险分级、管控清单、排查清单、一个月的日管控/周排查/月调度任务、告知卡与一企一档一码."""
        from dualprev_sdk.domain.common import SafetyRole
        from dualprev_sdk.domain.equipment import Equipment
        from dualprev_sdk.domain.unit import RoleAssignment, SizeClass, UseUnit
        from dualprev_sdk.errors import InvalidArgument
        from dualprev_sdk.services.bootstrap import Dualprev
        from dualprev_sdk.services.simplified import set_up_small_unit

        if size not in ("small", "micro"):
            raise InvalidArgument.single(
                "--size", size, "simplified.size", "简易模式适用于小型或微型企业 (small/micro)"
            )
        roles = [RoleAssignment(role=SafetyRole.PRINCIPAL, name=principal, phone=phone)]
        if safety_officer:
            roles.append(RoleAssignment(role=SafetyRole.SAFETY_OFFICER, name=safety_officer))
        unit = UseUnit(
            uscc=uscc.strip().upper(),
            name=name,
            region_code=region,
            industry=industry,
            size_class=SizeClass(size),
            address=address,
            roles=tuple(roles),
        )
        items = []
        for index, text in enumerate(equipment):
            fields = _parse_equipment(text, index)
            commissioned = parse_date(fields["commissioned_on"], "--equipment")
            items.append(
                Equipment(
                    id="",
                    unit_uscc=unit.uscc,
                    catalog_code=fields["catalog_code"],
                    name=fields["name"],
                    equipment_code=fields["equipment_code"],
                    unit_internal_number=f"SB-{index + 1:02d}",
                    commissioned_on=commissioned,
                )
            )
        month_day = parse_date(f"{month}-01", "--month") if month else None
        with Dualprev.open(db) as sdk:
            package = set_up_small_unit(sdk, unit, items, month=month_day, out=out, base_url=base_url)
        summary = {
            "unit": package.unit.uscc,
            "equipment": [e.id for e in package.equipment],
            "risk_points": len(package.risk_points),
            "levels": {lvl.name_zh: n for lvl, n in package.control_list.level_counts().items()},
            "checklist_items": len(package.checklist.entries),
            "duty_plans": len(package.plans),
            "duty_tasks": len(package.tasks),
            "notes": list(package.notes),
            "files": [{"path": str(f.path), "kind": f.kind, "equipment_id": f.equipment_id} for f in package.files],
        }
        if as_json:
            typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        typer.echo(f"{package.unit.name}（{package.unit.uscc}）: {len(package.equipment)} 台设备")
        typer.echo(
            f"风险点 {summary['risk_points']} 个 — " + ", ".join(f"{k} {v}" for k, v in summary["levels"].items())  # type: ignore[attr-defined]
        )
        typer.echo(
            f"排查清单 {summary['checklist_items']} 项; 任务 {summary['duty_tasks']} 项（{len(package.plans)} 个计划）"
        )
        for note in package.notes:
            typer.echo(f"注意: {note}")
        typer.echo(f"{len(package.files)} 个文件写入 {out}")

    @app.command("dossier")
    def dossier_command(
        uscc: Annotated[str, typer.Argument(help="The unit's 统一社会信用代码.")],
        out: Annotated[Path, typer.Option("--out", help="Directory for the dossier and QR codes.")] = Path("dossier"),
        base_url: Annotated[
            str | None, typer.Option("--base-url", help="https base URL for QR codes (default dualprev://).")
        ] = None,
        db: DbOption = None,
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="Date of the dossier, YYYY-MM-DD (default today).")
        ] = None,
    ) -> None:
        """一企一档一码：regenerate a unit's dossier (HTML + xlsx) and QR codes from the current records."""
        from dualprev_sdk.reports import dossier
        from dualprev_sdk.services.bootstrap import Dualprev

        with Dualprev.open(db) as sdk:
            data = dossier.build_dossier(
                sdk, uscc.strip().upper(), base_url=base_url, today=parse_date(as_of, "--as-of")
            )
        written = [
            dossier.write_dossier_html(data, out / "一企一档.html"),
            dossier.write_dossier_xlsx(data, out / "一企一档.xlsx"),
            dossier.write_qr_png(data.unit_uri, out / "一企一码.png"),
        ]
        for row in data.equipment:
            label = row.equipment.unit_internal_number or row.equipment.id
            written.append(dossier.write_qr_png(row.uri, out / f"设备码-{label}.png"))
        typer.echo(f"{data.unit.name}: {len(data.equipment)} 台设备, 未销号隐患 {len(data.open_hazards)} 条")
        for path in written:
            typer.echo(str(path))

    @app.command("five-standards")
    def five_standards_command(
        uscc: Annotated[str, typer.Argument(help="The unit's 统一社会信用代码.")],
        db: DbOption = None,
        as_json: JsonOption = False,
        as_of: Annotated[str | None, typer.Option("--as-of", help="Assess as of YYYY-MM-DD (default today).")] = None,
    ) -> None:
        """“五有”自评：score a unit against the five standards from its records, with the evidence."""
        from dualprev_sdk.services.bootstrap import Dualprev
        from dualprev_sdk.services.five_standards import assess_unit, assessment_document

        with Dualprev.open(db) as sdk:
            assessment = assess_unit(sdk, uscc.strip().upper(), today=parse_date(as_of, "--as-of"))
        if as_json:
            typer.echo(json.dumps(assessment_document(assessment), ensure_ascii=False, indent=2))
            return
        verdict = "达标" if assessment.passed else "未达标"
        typer.echo(f"{assessment.unit_name}: {assessment.total} 分（{verdict}，及格线 {assessment.model.pass_mark}）")
        for score in assessment.scores:
            typer.echo(f"  {score.standard.name_zh} {score.score:.0f} × {score.standard.weight}")
            for evidence in score.evidence:
                typer.echo(f"    - {evidence.text_zh}")
        typer.echo("  （权重与评分方法为产品默认值，可配置 — product defaults）")
