"""Benchmark: batch LEC grading of 1,000,000 items against a plain Python loop doing the same work.

The target (issue 3): ``grade_many("lec", items)`` runs at no less than half the speed of a loop that computes
D = L × E × C and looks the band up with if/elif, measured in the same run on the same items. ``run()`` returns
the figures as a dict (the ``tox -e bench`` harness imports every ``bench/bench_*.py`` and calls it);
``python bench/bench_grading.py`` prints them. ``ratio`` is SDK time / loop time like the other benchmarks;
``speed_ratio`` is its inverse, the issue's measure. ``DUALPREV_BENCH_ROWS`` shrinks the run for CI.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from dualprev_sdk.grading import builtin_method, grade_many

ITEMS = 1_000_000
REPEATS = 3
L_VALUES = (10, 6, 3, 1, 0.5, 0.2, 0.1)
E_VALUES = (10, 6, 3, 2, 1, 0.5)
C_VALUES = (100, 40, 15, 7, 3, 1)


def make_items(n: int = ITEMS, seed: int = 20261129) -> list[tuple[float, float, float]]:
    rng = random.Random(seed)
    return [(rng.choice(L_VALUES), rng.choice(E_VALUES), rng.choice(C_VALUES)) for _ in range(n)]


def baseline(items: Sequence[tuple[float, float, float]]) -> list[str]:
    """The plain loop: the formula and the default band lookup (Variant A, boundary to the lower band).

    It keeps only the band key per item (a constant string, no allocation), the least a loop can do; the SDK
    returns a full :class:`Grade` (score, level, band, factors) per item.
    """
    out = []
    append = out.append
    for l, e, c in items:  # noqa: E741
        d = l * e * c
        if d > 320:
            append("extremely_dangerous")
        elif d > 160:
            append("highly_dangerous")
        elif d > 70:
            append("notably_dangerous")
        elif d > 20:
            append("generally_dangerous")
        else:
            append("slightly_dangerous")
    return out


def sdk(items: Sequence[tuple[float, float, float]]) -> list[Any]:
    return list(grade_many(builtin_method("lec"), items))


def _best(fn: Callable[[Sequence[tuple[float, float, float]]], list[Any]], items: Sequence[Any]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn(items)
        best = min(best, time.perf_counter() - start)
    return best


def run() -> dict[str, Any]:
    items_count = int(os.environ.get("DUALPREV_BENCH_ROWS", str(ITEMS)))
    items = make_items(items_count)
    builtin_method("lec")  # load and precompute outside the timing
    # the SDK must agree with the baseline on every item before its speed means anything
    check = items[:10_000]
    for graded, band in zip(sdk(check), baseline(check), strict=True):
        assert graded.band.key == band, (graded, band)
    seconds = _best(sdk, items)
    baseline_seconds = _best(baseline, items)
    speed_ratio = baseline_seconds / seconds
    return {
        "name": "grading.lec_batch",
        "items": items_count,
        "seconds": round(seconds, 4),
        "baseline_seconds": round(baseline_seconds, 4),
        # as in the other benchmarks: SDK time / baseline time (lower is better)
        "ratio": round(seconds / baseline_seconds, 3),
        # the measure: SDK speed / loop speed (higher is better)
        "speed_ratio": round(speed_ratio, 3),
        "items_per_second": round(items_count / seconds),
        "rows_per_s": round(items_count / seconds),
        "baseline_items_per_second": round(items_count / baseline_seconds),
        "target": "speed ≥ 0.5× loop",
        "passed": speed_ratio >= 0.5,
        "repeats": REPEATS,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
