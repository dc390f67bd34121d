"""``dualprev demo``: the project's main job — a synthetic Henan city through the whole dual prevention cycle."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from dualprev_sdk.demo.cycle import StepOutcome


class _RichProgress:
    """One progress bar per step, ticked by the cycle; finished steps stay on screen with their status."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def begin(self, key: str, title: str, total: int | None) -> None:
        self.task = self.progress.add_task(title, total=total)

    def set_total(self, total: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, total=total)

    def advance(self, amount: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def end(self, outcome: StepOutcome) -> None:
        if self.task is None:
            return
        mark = {"done": "[green]✓[/green]", "skipped": "[yellow]–[/yellow]", "failed": "[red]✗[/red]"}[outcome.status]
        total = self.progress.tasks[self.task].total
        self.progress.update(
            self.task, description=f"{mark} {outcome.title_zh}", completed=total or 1, total=total or 1
        )
        self.task = None


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_command(
        out: Annotated[Path, typer.Option("--out", help="Directory for the reports and manifest.json.")] = Path(
            "demo-out"
        ),
        db: Annotated[
            str | None,
            typer.Option("--db", help="Database URL (default: OUT/demo.sqlite, created fresh). Must hold no units."),
        ] = None,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic city (same seed, same city).")] = 2021,
        size: Annotated[str, typer.Option("--size", help="small (12 units) or medium (48 units).")] = "medium",
        city: Annotated[
            str, typer.Option("--city", help="Prefecture code: 410100 郑州市 (default) or 410300 洛阳市.")
        ] = "410100",
    ) -> None:
        """Run the whole cycle on a synthetic city (演示：生成 → 导入 → 分级 → 清单与四色图 → 日管控 → 隐患闭环 →
        信用与监管 → 一企一档一码 → 园区 → 五有自评) and write every report plus OUT/manifest.json."""
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.table import Table

        from dualprev_sdk.demo.city import CITIES
        from dualprev_sdk.demo.cycle import run_demo

        if size not in ("small", "medium"):
            raise typer.BadParameter("size must be small or medium", param_hint="--size")
        if city not in CITIES:
            raise typer.BadParameter(f"city must be one of {', '.join(sorted(CITIES))}", param_hint="--city")
        console = Console()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            result = run_demo(
                out, database_url=db, seed=seed, size=size, city_code=city, progress=_RichProgress(progress)
            )
        table = Table(title=f"dualprev demo — {result.city.name_zh}（种子 {seed}，{size}）")
        table.add_column("步骤")
        table.add_column("状态")
        table.add_column("结果")
        table.add_column("秒", justify="right")
        styles = {"done": "green", "skipped": "yellow", "failed": "red"}
        for step in result.steps:
            table.add_row(step.title_zh, f"[{styles[step.status]}]{step.status}[/]", step.detail, f"{step.seconds:.1f}")
        console.print(table)
        console.print(f"manifest: {result.manifest_path}  ({result.seconds:.1f} s)")
        console.print(f"database: {result.database_url}")
        console.print(f"serve it: dualprev gateway serve --db {result.database_url}")
        console.print(
            f"events:   outbox at #{result.outbox_last_event} — "
            f"dualprev events relay --once --db {result.database_url} delivers them to the installed connectors"
        )
        if any(s.status == "failed" for s in result.steps):
            raise typer.Exit(1)
