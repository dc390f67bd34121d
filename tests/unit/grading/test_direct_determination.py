"""Direct determination (直接判定): rules force 重大 whatever the score and cite the rule that fired."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualprev_sdk.domain.common import SourceStatus
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.grading import (
    DirectFacts,
    RiskLevel,
    apply_direct_rules,
    default_direct_rules,
    determine,
    grade_lec,
    load_direct_rules,
)
from dualprev_sdk.grading.api import data_path


def test_an_open_major_accident_hazard_makes_a_low_lec_score_major_and_cites_gb_45067() -> None:
    scored = grade_lec(1, 2, 7)  # D = 14, 稍有危险
    result = apply_direct_rules(scored, DirectFacts(open_major_hazards=("H-17 GB 45067-2024 4.6 d)",)))
    assert result.level is RiskLevel.MAJOR
    assert result.scored_level is RiskLevel.LOW
    assert result.score == 14  # the score is kept; only the level is forced
    [finding] = result.findings
    assert finding.rule == "open_major_accident_hazard"
    assert finding.source.document == "GB 45067-2024"
    assert finding.source.status is SourceStatus.GENERAL_KNOWLEDGE
    assert "H-17" in finding.detail
    assert result.color == "red"
    assert result.to_dict()["direct_determination"][0]["source_status"] == "GK"


@pytest.mark.parametrize(
    ("facts", "rule"),
    [
        (DirectFacts(serious_accidents_conditions_unchanged=1), "accident_conditions_unchanged"),
        (DirectFacts(minor_accidents_conditions_unchanged=3), "accident_conditions_unchanged"),
        (DirectFacts(mandatory_rule_violations=("TSG 08-2017 2.4",)), "mandatory_rule_violation"),
        (DirectFacts(major_hazard_installation=True), "major_hazard_installation"),
        (DirectFacts(hazardous_place_headcount=10), "crowded_hazardous_workplace"),
    ],
)
def test_each_listed_condition_forces_major(facts: DirectFacts, rule: str) -> None:
    result = apply_direct_rules(grade_lec(1, 1, 1), facts)
    assert result.level is RiskLevel.MAJOR
    assert [f.rule for f in result.findings] == [rule]


def test_below_the_thresholds_nothing_fires_and_the_grade_is_unchanged() -> None:
    facts = DirectFacts(minor_accidents_conditions_unchanged=2, hazardous_place_headcount=9)
    scored = grade_lec(3, 3, 7)
    assert determine(facts) == ()
    assert apply_direct_rules(scored, facts) is scored


def test_every_default_rule_cites_a_source_with_its_status() -> None:
    rules = default_direct_rules()
    assert len(rules) == 5
    for rule in rules:
        assert rule.source.document
        assert rule.source.status is SourceStatus.GENERAL_KNOWLEDGE
    accident = next(r for r in rules if r.code == "accident_conditions_unchanged")
    assert "3 次及以上" in accident.text_zh


def test_a_province_can_change_a_threshold_and_disable_a_rule(tmp_path: Path) -> None:
    text = data_path("direct_rules.toml").read_text(encoding="utf-8")
    text = text.replace("headcount_threshold = 10", "headcount_threshold = 5")
    text = text.replace('code = "major_hazard_installation"', 'code = "major_hazard_installation"\nenabled = false')
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    rules = load_direct_rules(path)
    assert "major_hazard_installation" not in {r.code for r in rules}
    [finding] = determine(DirectFacts(hazardous_place_headcount=6, major_hazard_installation=True), rules)
    assert finding.rule == "crowded_hazardous_workplace"
    assert "5 人及以上" in finding.text_zh


def test_a_rule_code_without_a_builtin_check_is_refused() -> None:
    with pytest.raises(InvalidArgument) as caught:
        load_direct_rules({"rules": [{"code": "made_up", "text_zh": "x", "source": {"document": "d"}}]})
    assert caught.value.violations[0].field == "rules[0].code"
