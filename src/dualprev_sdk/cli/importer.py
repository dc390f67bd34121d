"""``dualprev import ledger FILE``: import an equipment ledger (设备台账, csv or xlsx).

Exit status: 0 when the import was committed (or a dry run found no bad row), 1 when any row was bad and
nothing was written (the default all-or-nothing mode, or a dry run that found problems), 2 for usage errors.
With ``--skip-invalid`` the good rows are committed and the exit status is 0 even when rows were rejected; the
summary and the rejected-rows file say which.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from collections.abc import Callable

    from dualprev_sdk.importing.report import ImportReport
    from dualprev_sdk.services.ledger_import import ImportProgress

import_app = typer.Typer(
    name="import",
    help="Import data into the SDK's database (导入).",
    no_args_is_help=True,
)
console = Console()
err_console = Console(stderr=True)

#: Bad rows listed on screen; the rest are counted (and all are in the rejected-rows file).
SHOWN_ERRORS = 200
#: Show a progress bar for files larger than this (bytes).
PROGRESS_THRESHOLD = 2_000_000


@import_app.command("ledger")
def ledger_command(  # noqa: PLR0917 - a typer command: one parameter per option
    file: Annotated[Path, typer.Argument(help="The ledger: .csv (UTF-8 or GB18030) or .xlsx", show_default=False)],
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL (default: $DUALPREV_DATABASE_URL, else ./dualprev.sqlite)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report what would change; write nothing.")
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the good rows, reject the bad ones (default: all or nothing)."),
    ] = False,
    rejected: Annotated[
        Path | None,
        typer.Option(
            "--rejected",
            help="Write bad rows here, same format as the input plus 原行号 and 错误原因 columns "
            "(default with --skip-invalid: <FILE>.rejected.<ext>).",
        ),
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="xlsx: the sheet to read (default: the first).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    show_progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Progress bar (default: for large files).")
    ] = None,
) -> None:
    """Import an equipment ledger (设备台账): units by USCC, equipment by code / registration number /
    单位内编号. Re-importing the same file updates, never duplicates. See docs/ledger-import.md."""
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.services.ledger_import import import_ledger

    if skip_invalid and rejected is None:
        rejected = file.with_name(f"{file.stem}.rejected{file.suffix}")
    if show_progress is None:
        show_progress = not as_json and file.is_file() and file.stat().st_size > PROGRESS_THRESHOLD
    with Dualprev.open(db) as sdk:
        if show_progress:
            report = _with_progress(lambda progress: import_ledger(
                sdk, file, dry_run=dry_run, skip_invalid=skip_invalid, rejected_path=rejected,
                progress=progress, sheet=sheet,
            ))  # fmt: skip
        else:
            report = import_ledger(
                sdk, file, dry_run=dry_run, skip_invalid=skip_invalid, rejected_path=rejected, sheet=sheet
            )
    if as_json:
        document = report.summary()
        document["errors"] = [_plain(e) for e in report.errors]
        document["flags"] = [_plain(f) for f in report.flags]
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    else:
        _print_report(report)
    failed = report.rows_rejected > 0 and not skip_invalid
    header_failed = report.error_count > 0 and report.rows_read == 0
    if failed or header_failed:
        raise typer.Exit(1)


def _plain(item: object) -> dict[str, object]:
    import attrs

    return attrs.asdict(item)  # type: ignore[arg-type]


def _with_progress(run: Callable[[ImportProgress], ImportReport]) -> ImportReport:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]导入台账[/bold]"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[rows]:,} 行"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as bar:
        task = bar.add_task("import", total=None, rows=0)

        def progress(rows_read: int, position: int, total: int | None) -> None:
            bar.update(task, completed=position, total=total, rows=rows_read)

        return run(progress)


def _print_report(report: ImportReport) -> None:
    if report.errors:
        title = f"有问题的行（共 {report.error_count} 处，{report.rows_rejected} 行）"
        shown = report.errors[:SHOWN_ERRORS]
        if console.is_terminal:
            table = Table(title=title, show_lines=False)
            for column in ("行", "列", "值", "原因", "规则"):
                table.add_column(column, overflow="fold")
            for error in shown:
                value = "" if error.value is None else str(error.value)
                table.add_row(str(error.row) if error.row else "表头", error.column, value, error.reason, error.rule)
            console.print(table)
        else:  # piped or redirected: one unwrapped line per problem, easy to grep
            console.print(title, soft_wrap=True)
            for error in shown:
                console.print(str(error), soft_wrap=True, markup=False, highlight=False)
        if report.error_count > SHOWN_ERRORS:
            more = report.error_count - SHOWN_ERRORS
            console.print(f"… 另有 {more} 处问题未显示；用 --rejected FILE 或 --json 取得全部。")
    if report.flags:
        console.print(f"[yellow]需人工复核的行: {report.flag_count}[/yellow]（目录外代码、旧版目录代码换算等）")
        for flag in report.flags[:20]:
            line = f"  第{flag.row}行 [{flag.column}] {flag.value}: {flag.note}"
            console.print(line, soft_wrap=True, markup=False, highlight=False)
    summary = Table(title="导入结果" + ("（试运行，未写入）" if report.dry_run else ""), show_header=False)
    summary.add_column("item")
    summary.add_column("value", justify="right")
    would = "将" if report.dry_run else ""
    rows = [
        ("读取行数 rows read", report.rows_read),
        ("合格行 valid", report.rows_valid),
        ("拒绝行 rejected", report.rows_rejected),
        (f"{would}新建单位 units created", report.units_created),
        (f"{would}更新单位 units updated", report.units_updated),
        (f"{would}新建设备 equipment created", report.equipment_created),
        (f"{would}更新设备 equipment updated", report.equipment_updated),
        ("未变设备 equipment unchanged", report.equipment_unchanged),
        ("事件 events", report.events_emitted),
    ]
    for label, count in rows:
        summary.add_row(label, f"{count:,}")
    summary.add_row("耗时 seconds", f"{report.seconds:.1f}")
    console.print(summary)
    if report.rejected_path and report.rows_rejected:
        console.print(f"被拒绝的行已写入 {report.rejected_path}")
    if report.committed:
        console.print("[green]已提交 committed[/green]")
    elif report.dry_run:
        console.print("试运行：没有写入任何数据 (dry run: nothing written)")
    else:
        console.print("[red]未写入任何数据 (nothing written)[/red]：修正上述行，或用 --skip-invalid 只导入合格行")


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
