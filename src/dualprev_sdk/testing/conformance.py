"""The conformance suite every equipment-class plugin runs (built-in and third-party alike).

Subclass :class:`EquipmentClassConformance`, set ``equipment_class`` and — where the class has parameters —
``sample_parameters`` / ``bad_parameters``. Each ``test_*`` method checks one promise of the
:class:`~dualprev_sdk.equipment_classes.EquipmentClass` contract; the names say which.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualprev_sdk import serialization
from dualprev_sdk.domain.common import ControlLevel, Frequency, RiskLevel, SafetyRole, SourceStatus
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.equipment_classes import (
    CertificateRequirement,
    DueDate,
    EquipmentClass,
    EquipmentState,
    InspectionFacts,
    ScopeCheck,
    code_under,
)
from dualprev_sdk.errors import InvalidArgument

__all__ = [
    "GB6441_ACCIDENT_TYPES",
    "LEC_C",
    "LEC_E",
    "LEC_L",
    "LS_VALUES",
    "TSG_Z6001_2019_CATEGORIES",
    "EquipmentClassConformance",
    "make_equipment",
    "make_state",
]

#: Factor values of the LEC method (domain reference Part C §7.1, [V]).
LEC_L = frozenset({10, 6, 3, 1, 0.5, 0.2, 0.1})
LEC_E = frozenset({10, 6, 3, 2, 1, 0.5})
LEC_C = frozenset({100, 40, 15, 7, 3, 1})
#: Likelihood and severity of the LS matrix (Part C §7.2, [V]).
LS_VALUES = frozenset({1, 2, 3, 4, 5})

#: The 20 accident types of GB 6441-1986《企业职工伤亡事故分类》 ([GK]: the standard list).
GB6441_ACCIDENT_TYPES = frozenset(
    {
        "物体打击",
        "车辆伤害",
        "机械伤害",
        "起重伤害",
        "触电",
        "淹溺",
        "灼烫",
        "火灾",
        "高处坠落",
        "坍塌",
        "冒顶片帮",
        "透水",
        "放炮",
        "火药爆炸",
        "瓦斯爆炸",
        "锅炉爆炸",
        "容器爆炸",
        "其他爆炸",
        "中毒和窒息",
        "其他伤害",
    }
)

#: TSG Z6001-2019 categories (Part C §5); the 2011 letters mean other things and are not accepted here.
TSG_Z6001_2019_CATEGORIES = frozenset(
    {"A", "G1", "G2", "G3", "R1", "R2", "R3", "P", "T", "Q1", "Q2", "S1", "S2", "Y1", "Y2", "N1", "N2", "F"}
)

#: Codes the catalogue lists under another kind than their digits say (Part C §1.2: 安全阀 keeps its 7000-series
#: code 7310 but is published under 安全附件 F000).
CROSS_PARENT_CODES = frozenset({("7310", "F000")})

MANAGEMENT_REQUIREMENTS = frozenset({"safety_management_organisation", "full_time_safety_manager"})
_CATALOGUE_CODE = re.compile(r"^[0-9A-Z][0-9A-Z]{3}$")
_CLAUSE = re.compile(r"^4\.([1-9]|10)$")
_ITEM = re.compile(r"^[a-z]$")


def make_equipment(catalog_code: str, parameters: Any = None, **fields: Any) -> Equipment:
    """An :class:`Equipment` with placeholder identity, for criteria and threshold checks."""
    fields.setdefault("id", f"conformance-{catalog_code}")
    fields.setdefault("unit_uscc", "91410100000000000X")
    return Equipment(catalog_code=catalog_code, parameters=parameters, **fields)


def make_state(equipment: Equipment, *findings: str, in_use: bool = True, **fields: Any) -> EquipmentState:
    return EquipmentState(equipment=equipment, in_use=in_use, findings=frozenset(findings), **fields)


def _full_code(prefix: str) -> str:
    """``"21"`` → ``"2100"``: a concrete code for a catalogue prefix."""
    return (prefix + "0000")[:4]


class EquipmentClassConformance:
    """Base test class; pytest collects subclasses named ``Test…``.

    Class attributes:

    * ``equipment_class`` — the instance under test (required);
    * ``sample_parameters`` — a realistic payload (defaults to ``equipment_class.example_parameters()``);
    * ``bad_parameters`` / ``bad_parameter_fields`` — a payload that must fail, and the fields it must name;
    * ``due_catalog_codes`` — codes whose due-date rules are exercised with the sample (default: the first
      claimed code);
    * ``min_risk_templates`` / ``min_checklist_items`` — lower bounds (0 for a minimal plugin);
    * ``require_order74_cadence`` — daily/weekly/monthly items for the three Order No. 74 roles.
    """

    equipment_class: ClassVar[EquipmentClass]
    sample_parameters: ClassVar[Mapping[str, Any] | None] = None
    bad_parameters: ClassVar[Mapping[str, Any] | None] = None
    bad_parameter_fields: ClassVar[tuple[str, ...]] = ()
    due_catalog_codes: ClassVar[tuple[str, ...]] = ()
    min_risk_templates: ClassVar[int] = 0
    min_checklist_items: ClassVar[int] = 0
    require_order74_cadence: ClassVar[bool] = True

    # -- helpers ---------------------------------------------------------------------------------------------

    @classmethod
    def _sample(cls) -> Mapping[str, Any] | None:
        if cls.sample_parameters is not None:
            return cls.sample_parameters
        return cls.equipment_class.example_parameters()

    @classmethod
    def _sample_object(cls) -> Any:
        ec = cls.equipment_class
        if ec.parameters_type is None:
            return None
        return ec.structure_parameters(dict(cls._sample() or {}))

    @classmethod
    def _due_codes(cls) -> tuple[str, ...]:
        return cls.due_catalog_codes or (cls.equipment_class.catalog_codes[0],)

    # -- identity --------------------------------------------------------------------------------------------

    def test_identity_is_complete(self) -> None:
        ec = self.equipment_class
        assert re.fullmatch(r"[a-z][a-z0-9_]*", ec.key or ""), f"key {ec.key!r} must be snake_case"
        assert ec.name_zh
        assert ec.name_en
        assert ec.catalog_codes, "a class claims at least one catalogue code"
        for code in ec.catalog_codes:
            assert _CATALOGUE_CODE.match(code), f"catalogue code {code!r} is 4 characters (strings, not integers)"
            assert code[0] == ec.kind_code[0] or (code, ec.kind_code) in CROSS_PARENT_CODES, (
                f"{code} is not under kind {ec.kind_code}"
            )
        assert len(set(ec.catalog_codes)) == len(ec.catalog_codes), "duplicate catalogue codes"
        assert isinstance(ec.inherent_risk, RiskLevel)

    # -- parameters ------------------------------------------------------------------------------------------

    def test_parameter_fields_carry_chinese_labels_and_units(self) -> None:
        ptype = self.equipment_class.parameters_type
        if ptype is None:
            pytest.skip("the class takes no parameters")
        assert attrs.has(ptype), "parameter types are attrs classes"
        hints = typing.get_type_hints(ptype)
        for field in attrs.fields(ptype):
            assert field.metadata.get("label_zh"), f"{field.name} has no Chinese label (use parameter(label_zh=…))"
            numeric = {int, float} & set(typing.get_args(hints[field.name]) or (hints[field.name],))
            if numeric and not field.name.endswith(("_count", "_grade", "grade", "_years", "_class")):
                assert field.metadata.get("unit"), f"numeric field {field.name} needs a unit in its metadata"

    def test_sample_parameters_round_trip_through_the_sdk_converter(self) -> None:
        ec = self.equipment_class
        if ec.parameters_type is None:
            pytest.skip("the class takes no parameters")
        obj = self._sample_object()
        assert isinstance(obj, ec.parameters_type)
        plain = ec.unstructure_parameters(obj)
        assert serialization.structure(plain, ec.parameters_type) == obj
        assert ec.structure_parameters(plain) == obj

    def test_bad_parameters_are_rejected_naming_every_bad_field(self) -> None:
        if self.bad_parameters is None:
            pytest.skip("no bad_parameters given")
        with pytest.raises(InvalidArgument) as caught:
            self.equipment_class.structure_parameters(dict(self.bad_parameters))
        named = {v.field for v in caught.value.violations}
        for field in self.bad_parameter_fields:
            assert f"parameters.{field}" in named, f"{field} not named in {named}"

    def test_unknown_and_mistyped_parameters_are_rejected_with_their_names(self) -> None:
        ec = self.equipment_class
        ptype = ec.parameters_type
        if ptype is None:
            pytest.skip("the class takes no parameters")
        base = dict(ec.unstructure_parameters(self._sample_object()))
        with pytest.raises(InvalidArgument) as caught:
            ec.structure_parameters({**base, "no_such_field_xyz": 1})
        assert "no_such_field_xyz" in str(caught.value)
        hints = typing.get_type_hints(ptype)
        for field in attrs.fields(ptype):
            kinds = set(typing.get_args(hints[field.name]) or (hints[field.name],))
            if kinds & {int, float} and not kinds & {str}:
                with pytest.raises(InvalidArgument) as caught:
                    ec.structure_parameters({**base, field.name: "not a number"})
                assert f"parameters.{field.name}" in {v.field for v in caught.value.violations}

    # -- scope -----------------------------------------------------------------------------------------------

    def test_the_sample_is_special_equipment(self) -> None:
        ec = self.equipment_class
        for code in self._due_codes():
            check = ec.check_scope(code, self._sample_object())
            assert isinstance(check, ScopeCheck)
            assert check.in_scope, f"sample for {code} is out of scope: {check.reasons}"
            if not check.in_scope:
                assert check.reasons
                assert check.source is not None

    # -- due dates -------------------------------------------------------------------------------------------

    @settings(
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    @given(
        commissioned=st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2035, 12, 31)),
        gap_days=st.integers(min_value=0, max_value=20 * 365),
        with_last=st.booleans(),
    )
    def test_due_dates_cite_a_source_and_never_precede_the_last_inspection(
        self, commissioned: dt.date, gap_days: int, with_last: bool
    ) -> None:
        ec = self.equipment_class
        params = self._sample_object()
        last = commissioned + dt.timedelta(days=gap_days) if with_last else None
        for code in self._due_codes():
            facts = InspectionFacts(
                catalog_code=code,
                parameters=params,
                commissioned_on=commissioned,
                manufactured_on=commissioned - dt.timedelta(days=90),
                last_inspection_on=last,
            )
            dues = ec.next_due(facts)
            assert dues, f"{code}: no due date"
            # Without an inspection a rule may count from manufacture (gas cylinders do), never earlier.
            floor = last or min(commissioned, facts.manufactured_on or commissioned)
            for due in dues:
                assert isinstance(due, DueDate)
                assert due.kind, due
                assert due.rule, due
                assert due.source.document, f"{due.kind}: rule without a source"
                assert isinstance(due.source.status, SourceStatus)
                assert due.next_due >= floor, f"{due.kind} due {due.next_due} before {floor}"

    def test_a_configured_interval_replaces_the_rule_and_cites_the_configuration(self) -> None:
        ec = self.equipment_class
        facts = InspectionFacts(
            catalog_code=self._due_codes()[0],
            parameters=self._sample_object(),
            commissioned_on=dt.date(2020, 1, 1),
            last_inspection_on=dt.date(2023, 3, 15),
            overrides={"interval_years": 1},
        )
        dues = [d for d in ec.next_due(facts) if d.kind == "periodic_inspection"]
        if not dues:
            pytest.skip("no periodic_inspection due date to override")
        assert dues[0].next_due == dt.date(2024, 3, 15)
        assert dues[0].source.status is SourceStatus.USER

    # -- risk templates --------------------------------------------------------------------------------------

    def _all_templates(self) -> list[Any]:
        ec = self.equipment_class
        seen: dict[str, Any] = {}
        for code in ec.catalog_codes:
            for template in ec.risk_templates(code):
                seen.setdefault(template.code, template)
        return list(seen.values())

    def test_risk_templates_are_well_formed(self) -> None:
        ec = self.equipment_class
        for code in ec.catalog_codes:
            templates = list(ec.risk_templates(code))
            assert len(templates) >= self.min_risk_templates, f"{code}: {len(templates)} templates"
            codes = [t.code for t in templates]
            assert len(codes) == len(set(codes)), f"duplicate template codes for {code}"
        for t in self._all_templates():
            where = f"template {t.code}"
            assert t.component, where
            assert t.hazard_factor, where
            assert t.accident_types, f"{where}: no accident type"
            for accident in t.accident_types:
                assert accident in GB6441_ACCIDENT_TYPES, f"{where}: {accident!r} is not a GB 6441 accident type"
            assert t.suggested_lec or t.suggested_ls, f"{where}: no suggested factors"
            if t.suggested_lec:
                likelihood, exposure, consequence = t.suggested_lec
                assert likelihood in LEC_L, f"{where}: L={likelihood}"
                assert exposure in LEC_E, f"{where}: E={exposure}"
                assert consequence in LEC_C, f"{where}: C={consequence}"
            if t.suggested_ls:
                assert set(t.suggested_ls) <= LS_VALUES, f"{where}: {t.suggested_ls}"
            m = t.measures
            for category in ("engineering", "management", "training", "ppe", "emergency"):
                assert getattr(m, category), f"{where}: no {category} measure"
            assert isinstance(t.control_level, ControlLevel)
            assert isinstance(t.responsible_role, SafetyRole)
            assert isinstance(t.check_frequency, Frequency)
            for prefix in t.applies_to:
                assert any(code_under(_full_code(prefix), own) for own in ec.catalog_codes), where

    # -- checklist -------------------------------------------------------------------------------------------

    def test_checklist_items_have_frequency_role_and_standard(self) -> None:
        ec = self.equipment_class
        known_findings = set(ec.findings())
        for code in ec.catalog_codes:
            items = list(ec.checklist_items(code))
            assert len(items) >= self.min_checklist_items, f"{code}: {len(items)} items"
            codes = [i.code for i in items]
            assert len(codes) == len(set(codes)), f"duplicate checklist codes for {code}"
            for item in items:
                assert item.subject, item.code
                assert item.standard, item.code
                assert isinstance(item.frequency, Frequency)
                assert isinstance(item.responsible_role, SafetyRole)
                if item.finding_code is not None:
                    assert item.finding_code in known_findings, f"{item.code}: unknown finding {item.finding_code}"
            if self.require_order74_cadence:
                cadence = {(i.frequency, i.responsible_role) for i in items}
                for needed in (
                    (Frequency.DAILY, SafetyRole.SAFETY_OFFICER),
                    (Frequency.WEEKLY, SafetyRole.SAFETY_DIRECTOR),
                    (Frequency.MONTHLY, SafetyRole.PRINCIPAL),
                ):
                    assert needed in cadence, f"{code}: no {needed[0].value} item for {needed[1].value} (74号令)"

    # -- GB 45067 criteria -----------------------------------------------------------------------------------

    def test_criteria_cite_clause_and_item_without_duplicates(self) -> None:
        ec = self.equipment_class
        criteria = list(ec.major_hazard_criteria())
        keys = [(c.clause, c.item) for c in criteria]
        assert len(keys) == len(set(keys)), "duplicate GB 45067 clause/item"
        for c in criteria:
            assert _CLAUSE.match(c.clause), f"clause {c.clause!r} is not 4.1–4.10"
            assert _ITEM.match(c.item), f"item {c.item!r} is not a letter"
            assert c.text, c.code
            assert c.source.document.startswith("GB 45067"), c.code
            assert c.applies_to, f"{c.code}: applies_to is empty"
            for prefix in c.applies_to:
                assert any(code_under(_full_code(prefix), own) for own in ec.catalog_codes), f"{c.code}: {prefix}"

    def test_criteria_fire_for_their_findings_only_and_only_while_in_use(self) -> None:
        ec = self.equipment_class
        params = self._sample_object()
        criteria = list(ec.major_hazard_criteria())
        for c in criteria:
            equipment = make_equipment(_full_code(c.applies_to[0]), params)
            clean = make_state(equipment, last_conclusion="合格", last_safety_grade=1)
            assert not c.matches(clean), f"{c.code} fires on a clean state"
            for finding in c.finding_codes:
                assert c.matches(make_state(equipment, finding)), f"{c.code} ignores {finding}"
                if c.requires_continued_use:
                    assert not c.matches(make_state(equipment, finding, in_use=False)), c.code
                others = [o for o in criteria if o is not c and o.matches(make_state(equipment, finding))]
                assert not others, f"finding {finding} also fires {[o.code for o in others]}"

    # -- certificates and thresholds -------------------------------------------------------------------------

    def test_certificate_categories_are_tsg_z6001_2019_codes(self) -> None:
        ec = self.equipment_class
        params = self._sample_object()
        for code in ec.catalog_codes:
            for category in ec.required_certificates(code):
                assert category in TSG_Z6001_2019_CATEGORIES, f"{code}: {category}"
            for requirement in ec.certificate_requirements(code, params):
                assert isinstance(requirement, CertificateRequirement)
                assert requirement.post_zh
                assert requirement.categories
                assert set(requirement.categories) <= TSG_Z6001_2019_CATEGORIES, requirement

    def test_management_thresholds_cite_tsg_08_and_need_nothing_for_an_empty_unit(self) -> None:
        thresholds = list(self.equipment_class.management_thresholds())
        codes = [t.code for t in thresholds if t.code]
        assert len(codes) == len(set(codes)), "duplicate threshold codes"
        for t in thresholds:
            assert t.requirement in MANAGEMENT_REQUIREMENTS, t.requirement
            assert t.text, t
            assert t.source.document.startswith("TSG 08"), t
            assert t.applies([]) is False, f"{t.code or t.text}: fires for a unit without equipment"
