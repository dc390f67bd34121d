"""Run every benchmark (bench/bench_*.py), print a table and write bench/results.json.

Each benchmark module exposes ``run() -> dict`` with at least ``name, seconds, baseline_seconds, ratio, target,
passed`` (and usually ``rows_per_s``, ``peak_rss_mb``). Every benchmark measures its own baseline in the same
run, on the same machine, so the ratio means something even on a loaded CI runner where absolute seconds do
not. Each module runs in its own subprocess so memory figures do not leak from one benchmark into the next.

Targets are reported (PASS/FAIL), not asserted: the exit status is non-zero only when a benchmark crashed.

Usage: ``python bench/run.py [-k NAME] [--json-only]``; ``DUALPREV_BENCH_ROWS=20000`` for a CI-sized run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from harness import child_process, child_result

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"


def discover(selected: str | None = None) -> list[Path]:
    return sorted(p for p in HERE.glob("bench_*.py") if selected is None or selected in p.stem)


def run_one(path: Path) -> dict[str, Any]:
    """Run one benchmark module's ``run()`` in a fresh interpreter; a crash becomes a result with ``error``."""
    started = time.perf_counter()
    proc = child_process(path)
    result = child_result(proc)
    if result is not None:
        result.setdefault("wall_seconds", round(time.perf_counter() - started, 1))
        return result
    return {
        "name": path.stem.removeprefix("bench_"),
        "error": (proc.stderr or proc.stdout).strip().splitlines()[-20:],
        "returncode": proc.returncode,
        "passed": False,
    }


def _number(value: Any, pattern: str) -> str:
    """A figure for the table; benchmarks that do not report it (or report text) show it as given or "-"."""
    if isinstance(value, int | float):
        return pattern.format(value)
    return "-" if value is None else str(value)


def _print_table(results: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="dualprev-sdk benchmarks")
    columns = (
        "benchmark",
        "seconds",
        "baseline s",
        "CPU s (baseline)",
        "ratio",
        "rows/s",
        "peak RSS MB",
        "target",
        "result",
    )
    for column in columns:
        table.add_column(column, justify="right" if column not in ("benchmark", "target", "result") else "left")
    for r in results:
        if "error" in r:
            table.add_row(r["name"], "-", "-", "-", "-", "-", "-", "-", "[red]CRASH[/red]")
            continue
        targets = r.get("targets") or {r.get("target", "target"): r.get("passed")}
        verdicts = "\n".join(f"{'[green]PASS' if ok else '[red]FAIL'}[/] {name}" for name, ok in targets.items())
        table.add_row(
            str(r.get("name", "?")),
            _number(r.get("seconds"), "{:.2f}"),
            _number(r.get("baseline_seconds"), "{:.2f}"),
            f"{r['cpu_seconds']:.2f} ({r['baseline_cpu_seconds']:.2f})" if "baseline_cpu_seconds" in r else "-",
            _number(r.get("ratio"), "{:.2f}×"),
            _number(r.get("rows_per_s"), "{:,.0f}"),
            _number(r.get("peak_rss_mb"), "{:.0f}"),
            str(r.get("target", "")),
            verdicts,
        )
    Console(width=max(140, Console().width)).print(table)
    for r in results:
        if "error" in r:
            Console(stderr=True).print(f"[red]{r['name']} crashed:[/red]\n" + "\n".join(r["error"]))


def _merged(path: Path, fresh: list[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        previous = json.loads(path.read_text(encoding="utf-8")).get("results", [])
    except (OSError, ValueError):
        previous = []
    names = {r["name"] for r in fresh}
    return [r for r in previous if r.get("name") not in names] + fresh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the dualprev-sdk benchmarks.")
    parser.add_argument("-k", dest="selected", help="only benchmarks whose name contains this")
    parser.add_argument("--json-only", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    paths = discover(args.selected)
    results = [run_one(p) for p in paths]
    if args.selected is not None:  # a partial run keeps the other benchmarks' last results
        results = _merged(args.out, results)
    document = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "rows_override": os.environ.get("DUALPREV_BENCH_ROWS"),
        "load_average": os.getloadavg()[0],
        "results": results,
    }
    args.out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json_only:
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_table(results)
        print(f"results written to {args.out}")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
