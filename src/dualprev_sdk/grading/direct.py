"""Direct determination (直接判定): rules that make a risk 重大 whatever its score.

Provincial guides list conditions under which a risk is graded 重大 without scoring (domain reference Part C
§7.4, [GK]); for special equipment the recommended rule of thumb is that an open GB 45067 重大事故隐患 keeps
the equipment red until it is closed. The rules' wording, level, thresholds and citations are data
(``data/direct_rules.toml``); what each rule *checks* is code keyed by the rule's ``code``. Plugins add rules
through the list-returning hook ``dualprev_direct_determination_rules()``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs

from dualprev_sdk.domain.common import RiskLevel, Source
from dualprev_sdk.errors import AlreadyExists, FieldViolation, InvalidArgument
from dualprev_sdk.grading.results import DirectFinding, Grade

if TYPE_CHECKING:
    from dualprev_sdk.plugins import PluginHost

__all__ = [
    "DirectFacts",
    "DirectRule",
    "apply_direct_rules",
    "collect_direct_rules",
    "default_direct_rules",
    "determine",
    "load_direct_rules",
]


@attrs.frozen(kw_only=True)
class DirectFacts:
    """What the direct-determination rules look at, for one risk point, piece of equipment or unit.

    ``open_major_hazards`` holds an identifier or citation per open 重大事故隐患 (``"H-17 GB 45067-2024 4.6 d)"``)
    so the finding can say which one. ``flags`` carries facts that only a plugin's rules understand.
    """

    open_major_hazards: tuple[str, ...] = ()
    serious_accidents_conditions_unchanged: int = 0  # fatal / serious-injury / major-loss accidents
    minor_accidents_conditions_unchanged: int = 0  # minor-injury / ordinary-loss accidents
    mandatory_rule_violations: tuple[str, ...] = ()
    major_hazard_installation: bool = False
    hazardous_place_headcount: int = 0  # people working at once in a place with poisoning/explosion/fire hazards
    flags: frozenset[str] = frozenset()

    def merged(self, other: DirectFacts) -> DirectFacts:
        """The facts of two sources together (a unit's own facts plus those of its equipment)."""
        return DirectFacts(
            open_major_hazards=self.open_major_hazards + other.open_major_hazards,
            serious_accidents_conditions_unchanged=self.serious_accidents_conditions_unchanged
            + other.serious_accidents_conditions_unchanged,
            minor_accidents_conditions_unchanged=self.minor_accidents_conditions_unchanged
            + other.minor_accidents_conditions_unchanged,
            mandatory_rule_violations=self.mandatory_rule_violations + other.mandatory_rule_violations,
            major_hazard_installation=self.major_hazard_installation or other.major_hazard_installation,
            hazardous_place_headcount=max(self.hazardous_place_headcount, other.hazardous_place_headcount),
            flags=self.flags | other.flags,
        )


Check = Callable[[DirectFacts], str | None]
"""A rule's test: the detail to report when it fires (``"H-17, H-20"``), ``None`` when it does not."""


@attrs.frozen(kw_only=True)
class DirectRule:
    """One direct-determination rule: a test over :class:`DirectFacts` and the level it forces, with its source.

    A plugin builds its own with any ``check``; the SDK's defaults are built from data by
    :func:`load_direct_rules`.
    """

    code: str
    text_zh: str
    text_en: str = ""
    level: RiskLevel = RiskLevel.MAJOR
    source: Source
    check: Check = attrs.field(eq=False, repr=False)
    plugin: str = ""

    def evaluate(self, facts: DirectFacts) -> DirectFinding | None:
        detail = self.check(facts)
        if detail is None:
            return None
        return DirectFinding(
            rule=self.code,
            text_zh=self.text_zh,
            text_en=self.text_en,
            level=self.level,
            source=self.source,
            detail=detail,
            plugin=self.plugin,
        )


# -- the built-in checks, by rule code ---------------------------------------------------------------------------


def _open_major_hazard(_: Mapping[str, Any]) -> Check:
    return lambda f: ", ".join(f.open_major_hazards) if f.open_major_hazards else None


def _accident(params: Mapping[str, Any]) -> Check:
    threshold = int(params.get("minor_accident_threshold", 3))

    def check(f: DirectFacts) -> str | None:
        if f.serious_accidents_conditions_unchanged > 0:
            return f"死亡/重伤/重大损失事故 {f.serious_accidents_conditions_unchanged} 起，条件仍存在"
        if f.minor_accidents_conditions_unchanged >= threshold:
            return f"轻伤/一般损失事故 {f.minor_accidents_conditions_unchanged} 起（≥ {threshold}），条件仍存在"
        return None

    return check


def _mandatory(_: Mapping[str, Any]) -> Check:
    return lambda f: "; ".join(f.mandatory_rule_violations) if f.mandatory_rule_violations else None


def _installation(_: Mapping[str, Any]) -> Check:
    return lambda f: "涉及重大危险源" if f.major_hazard_installation else None


def _crowded(params: Mapping[str, Any]) -> Check:
    threshold = int(params.get("headcount_threshold", 10))

    def check(f: DirectFacts) -> str | None:
        if f.hazardous_place_headcount >= threshold:
            return f"同时作业 {f.hazardous_place_headcount} 人（≥ {threshold}）"
        return None

    return check


BUILTIN_CHECKS: Mapping[str, Callable[[Mapping[str, Any]], Check]] = {
    "open_major_accident_hazard": _open_major_hazard,
    "accident_conditions_unchanged": _accident,
    "mandatory_rule_violation": _mandatory,
    "major_hazard_installation": _installation,
    "crowded_hazardous_workplace": _crowded,
}


@attrs.frozen(kw_only=True)
class _RuleSpec:
    code: str
    text_zh: str
    text_en: str = ""
    level: RiskLevel = RiskLevel.MAJOR
    enabled: bool = True
    params: dict[str, float] = attrs.Factory(dict)
    source: Source


@attrs.frozen(kw_only=True)
class _RulesDocument:
    version: str = ""
    rules: tuple[_RuleSpec, ...] = ()


def load_direct_rules(data: Mapping[str, Any] | str | Path | None = None) -> tuple[DirectRule, ...]:
    """Build the built-in rules from a rules document (TOML/JSON file or parsed data; default: the shipped one).

    Only codes with a built-in check are accepted; a plugin contributes other rules as :class:`DirectRule`
    objects through the hook.
    """
    from dualprev_sdk.grading.api import data_path
    from dualprev_sdk.grading.methods import read_document
    from dualprev_sdk.serialization import structure

    if data is None:
        data = read_document(data_path("direct_rules.toml"))
    elif isinstance(data, (str, Path)):
        data = read_document(data)
    document = structure(dict(data), _RulesDocument)
    violations = [
        FieldViolation(
            field=f"rules[{i}].code",
            value=spec.code,
            rule="direct_rule.code",
            message=f"no built-in check for {spec.code!r}; known: {', '.join(BUILTIN_CHECKS)}",
        )
        for i, spec in enumerate(document.rules)
        if spec.code not in BUILTIN_CHECKS
    ]
    if violations:
        raise InvalidArgument(violations)
    rules = []
    for spec in document.rules:
        if not spec.enabled:
            continue
        params = {key: _plain(value) for key, value in spec.params.items()}
        rules.append(
            DirectRule(
                code=spec.code,
                text_zh=spec.text_zh.format(**params),
                text_en=spec.text_en.format(**params),
                level=spec.level,
                source=spec.source,
                check=BUILTIN_CHECKS[spec.code](params),
            )
        )
    return tuple(rules)


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


@functools.cache
def default_direct_rules() -> tuple[DirectRule, ...]:
    """The shipped rules (loaded once)."""
    return load_direct_rules()


def collect_direct_rules(host: PluginHost | None = None) -> tuple[DirectRule, ...]:
    """Every plugin's rules through ``dualprev_direct_determination_rules()``, each stamped with its plugin.

    Two plugins contributing the same rule code is an error naming both.
    """
    from dualprev_sdk.plugins import PluginLoadError, default_host

    host = host or default_host()
    host.load()
    owners: dict[str, str] = {}
    out: list[DirectRule] = []
    for impl in host.pm.hook.dualprev_direct_determination_rules.get_hookimpls():  # registration order
        try:
            contributed = cast("Iterable[Any]", impl.function() or [])
        except Exception as exc:
            raise PluginLoadError(
                impl.plugin_name, f"dualprev_direct_determination_rules raised {type(exc).__name__}: {exc}"
            ) from exc
        for rule in contributed:
            if not isinstance(rule, DirectRule):
                raise PluginLoadError(impl.plugin_name, f"returned {rule!r}, not a DirectRule")
            if rule.code in owners:
                raise AlreadyExists(
                    "direct-determination rule",
                    rule.code,
                    f"direct-determination rule {rule.code!r} contributed twice: by plugin {owners[rule.code]!r} "
                    f"and by plugin {impl.plugin_name!r}",
                )
            owners[rule.code] = impl.plugin_name
            out.append(attrs.evolve(rule, plugin=impl.plugin_name))
    return tuple(out)


def determine(facts: DirectFacts, rules: Iterable[DirectRule] | None = None) -> tuple[DirectFinding, ...]:
    """Every rule that fires on ``facts`` (default rules: the shipped ones)."""
    chosen = default_direct_rules() if rules is None else rules
    return tuple(f for f in (r.evaluate(facts) for r in chosen) if f is not None)


def forced_level(level: RiskLevel, findings: Sequence[DirectFinding]) -> RiskLevel:
    """The most severe of the scored level and the levels the findings force (a rule never lowers a risk)."""
    return RiskLevel(min([int(level), *(int(f.level) for f in findings)]))


def apply_direct_rules(grade: Grade, facts: DirectFacts, rules: Iterable[DirectRule] | None = None) -> Grade:
    """The grade after direct determination: raised to the forced level, citing every rule that fired."""
    findings = determine(facts, rules)
    if not findings:
        return grade
    return attrs.evolve(
        grade,
        level=forced_level(grade.level, findings),
        scored_level=grade.scored_level or grade.level,
        findings=grade.findings + findings,
    )
