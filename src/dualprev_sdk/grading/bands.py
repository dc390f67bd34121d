"""Score bands: which range of a score belongs to which risk level, as data.

Guides disagree on where the boundaries lie and whether a boundary score belongs to the upper or the lower
band (Part C §7.1: LEC D=160 is 较大 in one reading and 一般 in another). So a band is an interval whose two
ends each say whether they are inclusive, and a :class:`BandTable` refuses intervals that overlap — a score
must never have two levels.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator

import attrs

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.errors import FieldViolation, InvalidArgument

__all__ = ["Band", "BandTable"]


@attrs.frozen(kw_only=True)
class Band:
    """One band of a grading method: a score interval, its own label and the risk level it maps to.

    ``label_zh`` is the method's own wording (LEC: 显著危险); ``level`` the four-level grade it reports. A band
    may carry its own colour (a province's palette); otherwise it takes the level's colour.
    ``lower``/``upper`` of ``None`` mean unbounded.
    """

    key: str
    label_zh: str
    label_en: str = ""
    level: RiskLevel
    lower: float | None = None
    lower_inclusive: bool = False
    upper: float | None = None
    upper_inclusive: bool = True
    color: str | None = None
    advice_zh: str = ""

    @property
    def display_color(self) -> str:
        """The band's own colour, or the level's colour name when the data gives none."""
        return self.color or self.level.color

    def contains(self, score: float) -> bool:
        if self.lower is not None and (score < self.lower or (score == self.lower and not self.lower_inclusive)):
            return False
        return not (
            self.upper is not None and (score > self.upper or (score == self.upper and not self.upper_inclusive))
        )

    def interval(self) -> str:
        """The interval in mathematical notation, e.g. ``(160, 320]``."""
        left = "[" if self.lower_inclusive and self.lower is not None else "("
        right = "]" if self.upper_inclusive and self.upper is not None else ")"
        lo = "-∞" if self.lower is None else _fmt(self.lower)
        hi = "+∞" if self.upper is None else _fmt(self.upper)
        return f"{left}{lo}, {hi}{right}"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _overlap(a: Band, b: Band) -> bool:
    """Whether two intervals share at least one real number."""
    a_lo = -math.inf if a.lower is None else a.lower
    b_lo = -math.inf if b.lower is None else b.lower
    a_hi = math.inf if a.upper is None else a.upper
    b_hi = math.inf if b.upper is None else b.upper
    lo, hi = max(a_lo, b_lo), min(a_hi, b_hi)
    if lo < hi:
        return True
    if lo > hi:
        return False
    # touching at one point: shared only if both ends are inclusive there
    a_has = (a_lo < lo or (a_lo == lo and (a.lower is None or a.lower_inclusive))) and (
        a_hi > lo or (a_hi == lo and (a.upper is None or a.upper_inclusive))
    )
    b_has = (b_lo < lo or (b_lo == lo and (b.lower is None or b.lower_inclusive))) and (
        b_hi > lo or (b_hi == lo and (b.upper is None or b.upper_inclusive))
    )
    return a_has and b_has


@attrs.frozen
class BandTable:
    """An ordered, non-overlapping list of bands (highest risk first, as the guides print them)."""

    bands: tuple[Band, ...]

    def __attrs_post_init__(self) -> None:
        violations: list[FieldViolation] = []
        if not self.bands:
            violations.append(FieldViolation(field="bands", value=[], rule="bands.non_empty", message="no bands"))
        seen: dict[str, int] = {}
        for i, band in enumerate(self.bands):
            if (
                band.lower is not None
                and band.upper is not None
                and (
                    band.lower > band.upper
                    or (band.lower == band.upper and not (band.lower_inclusive and band.upper_inclusive))
                )
            ):
                violations.append(
                    FieldViolation(
                        field=f"bands[{i}]",
                        value=band.interval(),
                        rule="bands.empty_interval",
                        message=f"band {band.key!r} contains no score",
                    )
                )
            if band.key in seen:
                violations.append(
                    FieldViolation(
                        field=f"bands[{i}].key",
                        value=band.key,
                        rule="bands.unique_key",
                        message=f"band key {band.key!r} already used by bands[{seen[band.key]}]",
                    )
                )
            seen.setdefault(band.key, i)
            for j in range(i):
                other = self.bands[j]
                if _overlap(other, band):
                    violations.append(
                        FieldViolation(
                            field=f"bands[{i}]",
                            value=band.interval(),
                            rule="bands.no_overlap",
                            message=f"band {band.key!r} {band.interval()} overlaps band {other.key!r} "
                            f"{other.interval()}; a score must have exactly one band",
                        )
                    )
        if violations:
            raise InvalidArgument(violations)

    def __len__(self) -> int:
        return len(self.bands)

    def __iter__(self) -> Iterator[Band]:
        return iter(self.bands)

    def __getitem__(self, index: int) -> Band:
        return self.bands[index]

    def find(self, score: float) -> Band | None:
        for band in self.bands:
            if band.contains(score):
                return band
        return None

    def classify(self, score: float, *, field: str = "score") -> Band:
        """The band holding ``score``; a gap in the table is an :class:`InvalidArgument` naming the score."""
        band = self.find(score)
        if band is None:
            covered = ", ".join(f"{b.key} {b.interval()}" for b in self.bands)
            raise InvalidArgument.single(
                field, score, "bands.covered", f"score {_fmt(score)} falls in no band (bands: {covered})"
            )
        return band

    def by_key(self, key: str) -> Band | None:
        return next((b for b in self.bands if b.key == key), None)

    def check_covers(self, scores: Iterable[float], *, field: str = "bands") -> None:
        """Every score a method can produce must land in a band; list every one that does not."""
        missing = sorted({s for s in scores if self.find(s) is None})
        if missing:
            raise InvalidArgument(
                [
                    FieldViolation(
                        field=field,
                        value=s,
                        rule="bands.covered",
                        message=f"the method can produce score {_fmt(s)} but no band contains it",
                    )
                    for s in missing
                ]
            )

    def check_continuous(self, *, field: str = "bands") -> None:
        """Every real score must land in a band (for open-ended scores such as the equipment-risk points).

        The bands, sorted by their lower end, must start at -∞, end at +∞ and meet without a gap: where one
        ends the next begins, with the meeting point in exactly one of them (overlaps are refused already).
        """
        ordered = sorted(self.bands, key=lambda b: -math.inf if b.lower is None else b.lower)
        problems: list[str] = []
        if ordered[0].lower is not None:
            problems.append(f"scores below {_fmt(ordered[0].lower)} fall in no band")
        if all(b.upper is not None for b in ordered):
            top = max(b.upper for b in ordered if b.upper is not None)
            problems.append(f"scores above {_fmt(top)} fall in no band")
        for below, above in itertools.pairwise(ordered):
            if below.upper is None or above.lower is None:
                continue
            if below.upper < above.lower or (
                below.upper == above.lower and not (below.upper_inclusive or above.lower_inclusive)
            ):
                problems.append(f"gap between {below.key} {below.interval()} and {above.key} {above.interval()}")
        if problems:
            raise InvalidArgument(
                [FieldViolation(field=field, value=p, rule="bands.continuous", message=p) for p in problems]
            )
