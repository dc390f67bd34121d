"""What an equipment-class plugin contributes, as types the core understands.

A plugin subclasses :class:`EquipmentClass` and registers an instance through
``dualprev_register_equipment_classes(registry)``. The core then asks the class — never the plugin module —
for parameter schemas, scope checks, due dates, risk templates, checklist items, major-hazard criteria and
certificate requirements. Every regulatory value returned carries a :class:`~dualprev_sdk.domain.common.Source`.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

import attrs

from dualprev_sdk.domain.common import ControlLevel, Frequency, RiskLevel, SafetyRole, Source
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.risk import ControlMeasures
from dualprev_sdk.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound

__all__ = [
    "CertificateRequirement",
    "ChecklistItem",
    "DueDate",
    "EquipmentClass",
    "EquipmentClassRegistry",
    "EquipmentState",
    "InspectionFacts",
    "MajorHazardCriterion",
    "ManagementThreshold",
    "RiskTemplate",
    "ScopeCheck",
    "any_finding",
    "code_under",
    "parameter",
    "parameter_schema",
    "validate_parameters",
]


_GB45067 = Source(document="GB 45067-2024")
_TSG08 = Source(document="TSG 08-2017")
_TSGZ6001 = Source(document="TSG Z6001-2019")


# ---------------------------------------------------------------------------------------------------------------
# parameter schemas
# ---------------------------------------------------------------------------------------------------------------

#: attrs field metadata keys used by :func:`parameter`.
UNIT = "unit"
LABEL_ZH = "label_zh"


def parameter(
    *,
    label_zh: str,
    unit: str = "",
    default: Any = attrs.NOTHING,
    validator: Any = None,
    converter: Any = None,
    factory: Any = None,
) -> Any:
    """An attrs field of an equipment-class parameter type, carrying its Chinese label and unit as metadata.

    Units also go in the field name (``rated_pressure_mpa``) so that a row in a spreadsheet is unambiguous; the
    metadata is what ``dualprev due --set`` help, exports and the conformance kit read.
    """
    kwargs: dict[str, Any] = {"metadata": {LABEL_ZH: label_zh, UNIT: unit}, "validator": validator}
    if converter is not None:
        kwargs["converter"] = converter
    if factory is not None:
        kwargs["factory"] = factory
    elif default is not attrs.NOTHING:
        kwargs["default"] = default
    return attrs.field(**kwargs)


def parameter_schema(parameters_type: type) -> list[dict[str, Any]]:
    """The fields of a parameter type as plain rows: name, type, unit, Chinese label, required."""
    rows: list[dict[str, Any]] = []
    for field in attrs.fields(parameters_type):
        rows.append(
            {
                "name": field.name,
                "type": getattr(field.type, "__name__", None) or str(field.type),
                "unit": field.metadata.get(UNIT, ""),
                "label_zh": field.metadata.get(LABEL_ZH, ""),
                "required": field.default is attrs.NOTHING,
            }
        )
    return rows


def validate_parameters(instance: Any, *, path: str = "") -> list[FieldViolation]:
    """Every attrs validator of a parameters object, field by field, all violations named (rule
    ``parameters.<field>``); see :func:`dualprev_sdk.serialization.validator_violations`."""
    from dualprev_sdk import serialization

    return serialization.validator_violations(instance, path=path, rule_prefix="parameters")


def code_under(code: str, own: str) -> bool:
    """Whether catalogue code ``code`` lies under ``own`` (``3110`` under ``3000`` and ``3100``; ``""`` = all).

    A code is a prefix with its trailing zeros as wildcards, so ``2100`` covers ``2130`` and ``21`` does too.
    """
    stem = own.rstrip("0")
    return code.startswith(stem) if stem else True


def _applies(applies_to: tuple[str, ...], catalog_code: str) -> bool:
    return not applies_to or any(code_under(catalog_code, own) for own in applies_to)


@attrs.frozen(kw_only=True)
class ScopeCheck:
    """Whether an item is special equipment under the catalogue's thresholds (Part C §1.4), and why not."""

    in_scope: bool
    reasons: tuple[str, ...] = ()
    source: Source | None = None


@attrs.frozen(kw_only=True)
class InspectionFacts:
    """What a due-date rule may look at.

    ``overrides`` carries configuration (``{"interval_years": 1}``) so a province can shorten an interval
    without a new plugin release.
    """

    catalog_code: str
    parameters: Any = None
    commissioned_on: dt.date | None = None
    manufactured_on: dt.date | None = None
    last_inspection_on: dt.date | None = None
    last_safety_grade: int | None = None
    last_conclusion: str | None = None
    overrides: Mapping[str, Any] = attrs.field(factory=dict)
    #: Last date per due-date kind when they differ (``{"internal_inspection": …, "safety_valve": …}``); a kind
    #: not listed counts from ``last_inspection_on`` (or commissioning).
    last_inspections: Mapping[str, dt.date] = attrs.field(factory=dict)

    def last_for(self, kind: str) -> dt.date | None:
        """The last date relevant to ``kind``: its own entry, else the last periodic inspection."""
        return self.last_inspections.get(kind) or self.last_inspection_on

    def override(self, key: str, default: Any = None) -> Any:
        """The configured value for ``key`` (a rule's documented override key), or ``default``."""
        return self.overrides.get(key, default)


@attrs.frozen(kw_only=True)
class DueDate:
    """A computed due date with the rule that produced it. ``kind`` is ``periodic_inspection``, ``self_test``,
    ``annual_check``, ``safety_valve`` … so a class can return several."""

    kind: str
    next_due: dt.date
    rule: str
    source: Source
    #: False when the rule says the item must not be used at all (e.g. a pressure vessel of safety grade 5):
    #: ``next_due`` is then the date the verdict was reached, so overdue checks fire at once.
    use_allowed: bool = True
    #: How the date was obtained when it is not the plain rule (``"overridden by configuration key …"``).
    note: str = ""


@attrs.frozen(kw_only=True)
class RiskTemplate:
    """A typical risk point of the class (风险辨识模板), with suggested factors for LEC and LS."""

    code: str
    component: str
    hazard_factor: str
    accident_types: tuple[str, ...]
    suggested_lec: tuple[float, float, float] | None = None
    suggested_ls: tuple[int, int] | None = None
    measures: ControlMeasures = attrs.field(factory=ControlMeasures)
    control_level: ControlLevel = ControlLevel.TEAM
    responsible_role: SafetyRole = SafetyRole.SAFETY_OFFICER
    check_frequency: Frequency = Frequency.DAILY
    applies_to: tuple[str, ...] = ()  # catalogue-code prefixes; empty = the whole class
    source: Source | None = None

    def applies(self, catalog_code: str) -> bool:
        return _applies(self.applies_to, catalog_code)


@attrs.frozen(kw_only=True)
class ChecklistItem:
    """An investigation checklist item (隐患排查项): what to check, the standard to meet, how often, by whom."""

    code: str
    subject: str
    standard: str
    frequency: Frequency
    responsible_role: SafetyRole
    applies_to: tuple[str, ...] = ()
    source: Source | None = None
    #: The finding code recorded when the item fails, linking the checklist to the class's GB 45067 criteria.
    finding_code: str | None = None

    def applies(self, catalog_code: str) -> bool:
        return _applies(self.applies_to, catalog_code)


@attrs.frozen(kw_only=True)
class EquipmentState:
    """The facts a major-hazard criterion is checked against.

    ``findings`` are finding codes the class defines (``door_lock_circuit_shorted``); ``in_use`` matters because
    most GB 45067 items read "…仍继续使用".
    """

    equipment: Equipment
    in_use: bool
    findings: frozenset[str] = frozenset()
    last_conclusion: str | None = None
    last_safety_grade: int | None = None
    inspection_overdue: bool = False


@attrs.frozen(kw_only=True)
class MajorHazardCriterion:
    """One lettered item of GB 45067-2024 (clauses 4.1–4.10) as a machine-checkable rule.

    ``text`` is the item's wording from the domain reference; ``predicate`` decides it over an
    :class:`EquipmentState`. A clause whose text is not available (4.10) is represented by the class returning
    no criterion for it and documenting the empty slot — never by invented text.
    """

    clause: str  # "4.6"
    item: str  # "d"
    text: str
    applies_to: tuple[str, ...]  # catalogue-code prefixes
    predicate: Callable[[EquipmentState], bool] = attrs.field(eq=False, repr=False)
    requires_continued_use: bool = True
    finding_codes: tuple[str, ...] = ()
    source: Source = _GB45067

    @property
    def citation(self) -> str:
        return f"GB 45067-2024 {self.clause} {self.item})"

    @property
    def code(self) -> str:
        """``"4.3c"``: clause and item, unique within a class."""
        return f"{self.clause}{self.item}"

    def applies(self, catalog_code: str) -> bool:
        """Whether the item applies to this catalogue code (codes or prefixes; trailing zeros are wildcards)."""
        return _applies(self.applies_to, catalog_code)

    def matches(self, state: EquipmentState) -> bool:
        if self.requires_continued_use and not state.in_use:
            return False
        if not self.applies(state.equipment.catalog_code):
            return False
        return bool(self.predicate(state))


def any_finding(*codes: str) -> Callable[[EquipmentState], bool]:
    """A predicate true when the state carries any of the finding codes (the usual shape of a GB 45067 item)."""
    wanted = frozenset(codes)

    def predicate(state: EquipmentState) -> bool:
        return bool(wanted & state.findings)

    predicate.__name__ = f"any_finding({', '.join(sorted(wanted))})"
    return predicate


@attrs.frozen(kw_only=True)
class ManagementThreshold:
    """A TSG 08-2017 staffing rule: when a unit needs a safety management organisation (2.3) or a full-time
    safety manager (2.4.2). ``test`` receives the unit's equipment list."""

    requirement: str  # "safety_management_organisation" | "full_time_safety_manager"
    text: str
    test: Callable[[Sequence[Equipment]], bool] = attrs.field(eq=False, repr=False)
    source: Source = _TSG08
    code: str = ""  # "tsg08.2.4.2(1)"; unique within a class
    #: Unit activities (``"cylinder_filling"``, ``"mobile_pv_filling"``) that trigger the rule whatever the
    #: equipment list says: filling is an activity, not a piece of equipment in the ledger.
    activities: tuple[str, ...] = ()

    def applies(self, equipment: Sequence[Equipment], activities: Iterable[str] = ()) -> bool:
        if self.activities and set(self.activities) & set(activities):
            return True
        return bool(self.test(equipment))


@attrs.frozen(kw_only=True)
class CertificateRequirement:
    """A post (岗位) around the item and the TSG Z6001-2019 categories that qualify for it (any one suffices)."""

    post_zh: str  # "锅炉司炉"
    categories: tuple[str, ...]  # ("G1",)
    source: Source = _TSGZ6001


class EquipmentClass(abc.ABC):
    """Base class of an equipment-class plugin's contribution.

    Subclasses set the class attributes and implement the abstract methods. The defaults of the optional
    methods return "nothing to add", so a minimal third-party class only has to describe itself.
    """

    key: ClassVar[str]  # "elevator"
    kind_code: ClassVar[str]  # "3000"
    catalog_codes: ClassVar[tuple[str, ...]]  # the catalogue codes the class claims ("3000" or "2100", "2200"…)
    name_zh: ClassVar[str]
    name_en: ClassVar[str]
    parameters_type: ClassVar[type | None] = None
    inherent_risk: ClassVar[RiskLevel] = RiskLevel.GENERAL
    #: Why the class has that inherent risk (a design choice, [GK] unless a guide is cited).
    inherent_risk_source: ClassVar[Source | None] = None

    plugin_name: str = ""  # set by the plugin host on registration

    def claims(self, catalog_code: str) -> bool:
        """True when ``catalog_code`` falls under one of this class's codes (by catalogue prefix)."""
        return any(code_under(catalog_code, own) for own in self.catalog_codes)

    def example_parameters(self) -> Mapping[str, Any] | None:
        """A realistic parameter payload (plain data) for docs, ``dualprev due`` and the conformance kit.

        ``None`` (the default) means "the parameter type's defaults", or no parameters at all.
        """
        return None

    def structure_parameters(self, data: Any, *, path: str = "parameters") -> Any:
        """Plain data (a dict from a ledger row or JSON) → the class's parameter object.

        Goes through the SDK's one converter; every bad field — wrong type, unknown key, a validator's rule —
        comes back in one :class:`InvalidArgument` with ``parameters.<field>`` paths.
        """
        from dualprev_sdk import serialization

        if self.parameters_type is None:
            if data in (None, {}):
                return None
            raise InvalidArgument.single(path, data, "parameters.none", f"{self.name_en} takes no parameters")
        if isinstance(data, self.parameters_type):
            instance = data
        else:
            # a validator failing inside __init__ is reported field by field by structure() itself
            instance = serialization.structure(
                data, self.parameters_type, path=path, validator_rule_prefix="parameters"
            )
        violations = validate_parameters(instance, path=path)
        if violations:
            raise InvalidArgument(violations)
        return instance

    def unstructure_parameters(self, parameters: Any) -> Any:
        from dualprev_sdk import serialization

        return None if parameters is None else serialization.unstructure(parameters)

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        """Whether the item is special equipment at all; override to apply the catalogue thresholds."""
        return ScopeCheck(in_scope=True)

    @abc.abstractmethod
    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        """Every due date the class knows for the item (periodic inspection first). Never earlier than the last
        inspection.

        An empty list means the class ships no periodic rule for this item (the reference gives none — e.g. oxygen
        chambers) and no interval was configured: callers keep the date printed on the inspection report rather
        than get an invented one. Raises :class:`InvalidArgument` when neither a last inspection nor a
        commissioning date is given."""

    def risk_templates(self, catalog_code: str) -> Sequence[RiskTemplate]:
        return ()

    def checklist_items(self, catalog_code: str) -> Sequence[ChecklistItem]:
        return ()

    def major_hazard_criteria(self) -> Sequence[MajorHazardCriterion]:
        return ()

    def required_certificates(self, catalog_code: str) -> tuple[str, ...]:
        """TSG Z6001-2019 category codes an operator of this item must hold (any one suffices)."""
        return ()

    def certificate_requirements(self, catalog_code: str, parameters: Any = None) -> Sequence[CertificateRequirement]:
        """Posts around the item and the categories qualifying for each (a boiler needs a 司炉 *and* a water
        treatment operator). Defaults to one post built from :meth:`required_certificates`."""
        codes = self.required_certificates(catalog_code)
        return (CertificateRequirement(post_zh=f"{self.name_zh}作业", categories=codes),) if codes else ()

    def management_thresholds(self) -> Sequence[ManagementThreshold]:
        return ()

    def findings(self) -> Mapping[str, str]:
        """Finding codes the class understands → Chinese label. Defaults to the codes its criteria name."""
        return {code: code for c in self.major_hazard_criteria() for code in c.finding_codes}


class EquipmentClassRegistry:
    """The core-owned registry that ``dualprev_register_equipment_classes`` fills.

    Registering a catalogue code that another plugin already claims is an error naming both plugins.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, EquipmentClass] = {}
        self._by_code: dict[str, EquipmentClass] = {}

    def register(self, equipment_class: EquipmentClass, *, plugin_name: str = "") -> None:
        if plugin_name:
            equipment_class.plugin_name = plugin_name
        owner = equipment_class.plugin_name or type(equipment_class).__module__
        if equipment_class.key in self._by_key:
            other = self._by_key[equipment_class.key]
            raise AlreadyExists(
                "equipment class",
                equipment_class.key,
                f"equipment class {equipment_class.key!r} registered twice: by plugin {other.plugin_name!r} "
                f"and by plugin {owner!r}",
            )
        for code in equipment_class.catalog_codes:
            if code in self._by_code:
                other = self._by_code[code]
                raise AlreadyExists(
                    "catalogue code",
                    code,
                    f"catalogue code {code!r} claimed by two equipment-class plugins: {other.plugin_name!r} "
                    f"({other.key}) and {owner!r} ({equipment_class.key})",
                )
        self._by_key[equipment_class.key] = equipment_class
        for code in equipment_class.catalog_codes:
            self._by_code[code] = equipment_class

    def __iter__(self) -> Iterator[EquipmentClass]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, key: str) -> EquipmentClass:
        try:
            return self._by_key[key]
        except KeyError:
            raise NotFound("equipment class", key) from None

    def for_code(self, catalog_code: str) -> EquipmentClass | None:
        """The class owning ``catalog_code``: the most specific claimed prefix wins (2200 before 2000)."""
        best: tuple[int, EquipmentClass] | None = None
        for own, cls in self._by_code.items():
            if code_under(catalog_code, own):
                depth = len(own.rstrip("0"))
                if best is None or depth > best[0]:
                    best = (depth, cls)
        return best[1] if best else None

    def require_for_code(self, catalog_code: str) -> EquipmentClass:
        found = self.for_code(catalog_code)
        if found is None:
            raise NotFound("equipment class for catalogue code", catalog_code)
        return found

    def codes(self) -> Iterable[str]:
        return self._by_code.keys()
