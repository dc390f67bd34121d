"""The "五有" self-assessment scores a unit from its own records and shows the evidence for each score; the
weights are data, marked as product defaults."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from dualprev_sdk import Equipment, RoleAssignment, SafetyRole, UseUnit
from dualprev_sdk.domain.emergency import EmergencyPlan
from dualprev_sdk.services import duties, emergency, five_standards, risk
from dualprev_sdk.services.bootstrap import Dualprev

TODAY = dt.date(2025, 12, 1)


@pytest.fixture
def bare_unit(sdk: Dualprev, make_uscc: Callable[[int], str]) -> str:
    uscc = make_uscc(931)
    sdk.ledger.create_unit(
        UseUnit(
            uscc=uscc,
            name="郑州某小厂",
            region_code="410105",
            roles=(RoleAssignment(role=SafetyRole.PRINCIPAL, name="王五"),),
        )
    )
    sdk.ledger.create_equipment(Equipment(id="FS-1", unit_uscc=uscc, catalog_code="5110", name="1号叉车"))
    return uscc


def test_the_weights_are_data_marked_as_product_defaults_and_add_up_to_one() -> None:
    model = five_standards.DEFAULT_MODEL
    assert model.product_default
    assert "product defaults" in model.source.note
    assert sum(s.weight for s in model.standards) == pytest.approx(1.0)
    assert [s.name_zh for s in model.standards] == [
        "完善的工作推进机制",
        "全面覆盖的风险辨识分级管控机制",
        "责任明确的隐患排查治理机制",
        "线上线下的智能化信息平台",
        "奖惩分明的激励约束机制",
    ]


def test_a_unit_with_only_a_ledger_scores_low_and_the_evidence_says_what_is_missing(
    sdk: Dualprev, bare_unit: str
) -> None:
    assessment = five_standards.assess_unit(sdk, bare_unit, today=TODAY)
    mechanism = assessment.score("mechanism")
    assert mechanism.score < 50
    assert any("安全总监" in e.text_zh and "安全员" in e.text_zh for e in mechanism.evidence)
    assert assessment.score("risk_control").score == 0
    assert not assessment.passed


def test_identifying_risks_and_planning_duties_raise_the_matching_standards(sdk: Dualprev, bare_unit: str) -> None:
    before = five_standards.assess_unit(sdk, bare_unit, today=TODAY)
    unit = sdk.ledger.get_unit(bare_unit)
    sdk.ledger.update_unit(
        attrs.evolve(
            unit,
            roles=(
                *unit.roles,
                RoleAssignment(role=SafetyRole.SAFETY_DIRECTOR, name="李四"),
                RoleAssignment(role=SafetyRole.SAFETY_OFFICER, name="张三"),
            ),
        )
    )
    risk.identify_unit_risks(sdk, bare_unit, actor="张三")
    for plan in duties.order74_plans(bare_unit, equipment_kind=None, starts_on=dt.date(2025, 11, 1)):
        duties.create_plan(sdk, plan, actor="李四")
    middle = five_standards.assess_unit(sdk, bare_unit, today=TODAY)
    assert any(e.check == "emergency_plans" and e.found == 0 for e in middle.score("mechanism").evidence)
    emergency.add_plan(
        sdk,
        EmergencyPlan(
            id="EP-1",
            unit_uscc=bare_unit,
            title="场（厂）内专用机动车辆事故应急专项预案",
            equipment_kind="5000",
            approved_on=dt.date(2025, 6, 1),
        ),
    )
    after = five_standards.assess_unit(sdk, bare_unit, today=TODAY)
    assert after.score("mechanism").score == 100
    assert after.score("risk_control").score == 100
    assert after.total > before.total


def test_the_assessment_is_written_as_json_with_scores_weights_and_evidence(
    sdk: Dualprev, bare_unit: str, tmp_path: Path
) -> None:
    assessment = five_standards.assess_unit(sdk, bare_unit, today=TODAY)
    document = json.loads(five_standards.write_assessment_json(assessment, tmp_path / "a.json").read_text("utf-8"))
    assert document["total"] == assessment.total
    assert document["model"]["product_default"] is True
    assert len(document["standards"]) == 5
    assert all(s["evidence"] for s in document["standards"])
    assert document["total"] == pytest.approx(sum(s["score"] * s["weight"] for s in document["standards"]), abs=0.1)


def test_the_five_standards_command_prints_the_scores_with_their_evidence(db_url: str, bare_unit: str) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dualprev_sdk.cli.main import main; main()",
            "five-standards",
            bare_unit,
            "--db",
            db_url,
            "--as-of",
            TODAY.isoformat(),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    document = json.loads(completed.stdout)
    assert document["unit_uscc"] == bare_unit
    assert [s["key"] for s in document["standards"]] == [s.key for s in five_standards.DEFAULT_MODEL.standards]
