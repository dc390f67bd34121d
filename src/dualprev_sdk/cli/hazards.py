"""``dualprev hazards …``: the hazard commands a scheduler or an auditor runs — the overdue sweep, chain
verification, a hazard's history export, and statistics.

The sweep and the chain check are meant for cron (``dualprev hazards sweep`` every morning); both exit 1 when
they find something a person must look at (a broken chain), so a scheduler can alert on the status.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dualprev_sdk.cli.common import DbOption, JsonOption, parse_date, print_json

hazards_app = typer.Typer(
    name="hazards", help="隐患排查治理 — sweep, chain check, history, statistics.", no_args_is_help=True
)
console = Console()


@hazards_app.command("sweep")
def sweep_command(
    today: Annotated[
        str | None, typer.Option("--today", help="As-of date YYYY-MM-DD (default: today, Shanghai).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Escalate overdue rectifications (principal, then the regulator for major hazards). Idempotent."""
    from dualprev_sdk.services import hazards
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        result = hazards.sweep_overdue(sdk, parse_date(today))
    escalations = [{"hazard_id": h, "target": str(t)} for h, t in result.escalations]
    if as_json:
        print_json({"overdue": list(result.overdue), "escalations": escalations})
        return
    console.print(f"逾期未整改隐患 overdue: {len(result.overdue)}；本次升级 escalations: {len(escalations)}")
    for item in escalations:
        console.print(f"  {item['hazard_id']} → {item['target']}")


@hazards_app.command("verify-chain")
def verify_chain_command(
    hazard_id: Annotated[str | None, typer.Argument(help="One hazard id; default: every hazard.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the hash-chained records (篡改检测). Exit 1 when any chain is broken, naming where."""
    from dualprev_sdk.services import hazards
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        report = hazards.verify_hazard_chain(sdk, hazard_id)
    breaks: list[dict[str, str]] = [
        {
            "hazard_id": b.hazard_id,
            "sequence": str(b.sequence),
            "problem": b.problem,
            "expected": b.expected,
            "actual": b.actual,
        }
        for b in report.breaks
    ]
    if as_json:
        print_json(
            {"ok": report.ok, "hazards": report.hazards_checked, "events": report.events_checked, "breaks": breaks}
        )
    elif report.ok:
        console.print(
            f"[green]OK[/green] {report.hazards_checked} hazards, {report.events_checked} events: every chain verifies"
        )
    else:
        table = Table(title=f"{len(breaks)} chain breaks")
        for column in ("hazard", "sequence", "problem", "expected", "actual"):
            table.add_column(column)
        for b in breaks:
            table.add_row(b["hazard_id"], b["sequence"], b["problem"], b["expected"][:16], b["actual"][:16])
        console.print(table)
    if not report.ok:
        raise typer.Exit(1)


@hazards_app.command("history")
def history_command(
    hazard_id: Annotated[str, typer.Argument(help="The hazard id.")],
    out: Annotated[Path, typer.Option("--out", help="Write FILE.json or FILE.xlsx.")],
    db: DbOption = None,
) -> None:
    """Export one hazard's full, verified record (JSON or xlsx)."""
    from dualprev_sdk.reports.hazard_history import write_history_json, write_history_xlsx
    from dualprev_sdk.services import hazards
    from dualprev_sdk.services.bootstrap import Dualprev

    if out.suffix.lower() not in (".json", ".xlsx"):
        raise typer.BadParameter(f"{out.name}: the file must end in .json or .xlsx", param_hint="--out")
    with Dualprev.open(db) as sdk:
        history = hazards.hazard_history(sdk, hazard_id)
    written = write_history_json(history, out) if out.suffix.lower() == ".json" else write_history_xlsx(history, out)
    console.print(f"wrote {written}")


@hazards_app.command("stats")
def stats_command(
    region: Annotated[str | None, typer.Option("--region", help="GB/T 2260 prefix, e.g. 4101.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="One unit's USCC.")] = None,
    today: Annotated[str | None, typer.Option("--today", help="As-of date YYYY-MM-DD.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Counts by state, level, class, unit and region; rectification rate, on-time rate, mean days to close."""
    import attrs

    from dualprev_sdk.services import hazards
    from dualprev_sdk.services.bootstrap import Dualprev

    with Dualprev.open(db) as sdk:
        stats = hazards.hazard_statistics(sdk, today=parse_date(today), unit_uscc=unit, region_prefix=region)
    data = attrs.asdict(stats)
    if as_json:
        print_json(data)
        return
    table = Table(title="隐患统计 hazard statistics")
    table.add_column("指标 measure")
    table.add_column("值 value")
    for key, value in data.items():
        table.add_row(
            key, json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, dict) else str(value)
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(hazards_app)
