"""What grading returns: a :class:`Grade` and the direct-determination findings that may have raised it."""

from __future__ import annotations

from typing import Any

import attrs

from dualprev_sdk.domain.common import RiskLevel, Source
from dualprev_sdk.grading.bands import Band

__all__ = ["DirectFinding", "Grade"]


@attrs.frozen(kw_only=True)
class DirectFinding:
    """A direct-determination rule (直接判定) that fired, with the rule's citation and the level it forces."""

    rule: str
    text_zh: str
    text_en: str = ""
    level: RiskLevel
    source: Source
    detail: str = ""
    plugin: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "level": int(self.level),
            "level_name": self.level.name_zh,
            "source": str(self.source),
            "source_status": str(self.source.status),
            "detail": self.detail,
            "plugin": self.plugin,
        }


@attrs.frozen(kw_only=True)
class Grade:
    """One graded risk: the method, the score, the four-level grade and the method's own band.

    ``level`` is what the control list uses (1 重大 … 4 低). ``band`` is the method's own wording and interval
    (LEC keeps its five bands 极其危险 … 稍有危险 even though two of them map to the same level). When a
    direct-determination rule raised the level, ``scored_level`` keeps what the score alone gave and
    ``findings`` cite the rules, so nobody has to guess why a score of 18 is red.
    """

    method: str
    score: float | None
    level: RiskLevel
    band: Band
    factors: tuple[tuple[str, float], ...] = ()
    scored_level: RiskLevel | None = None
    findings: tuple[DirectFinding, ...] = ()

    @property
    def level_name(self) -> str:
        return self.level.name_zh

    @property
    def color(self) -> str:
        """The band's colour when the level came from the score; the level's colour when a rule forced it."""
        if self.scored_level is not None and self.scored_level is not self.level:
            return self.level.color
        return self.band.display_color

    @property
    def directly_determined(self) -> bool:
        return bool(self.findings)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's ``--json`` and the gateway use it)."""
        return {
            "method": self.method,
            "score": self.score,
            "level": int(self.level),
            "level_name": self.level.name_zh,
            "level_key": self.level.name,
            "color": self.color,
            "band": self.band.label_zh,
            "band_key": self.band.key,
            "band_en": self.band.label_en,
            "band_interval": self.band.interval(),
            "factors": dict(self.factors),
            "scored_level": int(self.scored_level) if self.scored_level is not None else int(self.level),
            "direct_determination": [f.to_dict() for f in self.findings],
        }
