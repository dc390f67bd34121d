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
from dualprev_sdk.errors import AlreadyExists, NotFound

__all__ = [
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
]


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


@attrs.frozen(kw_only=True)
class DueDate:
    """A computed due date with the rule that produced it. ``kind`` is ``periodic_inspection``, ``self_test``,
    ``annual_check``, ``safety_valve`` … so a class can return several."""

    kind: str
    next_due: dt.date
    rule: str
    source: Source


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
    source: Source = Source(document="GB 45067-2024")

    @property
    def citation(self) -> str:
        return f"GB 45067-2024 {self.clause} {self.item})"

    def matches(self, state: EquipmentState) -> bool:
        if self.requires_continued_use and not state.in_use:
            return False
        if not any(state.equipment.catalog_code.startswith(p) for p in self.applies_to or ("",)):
            return False
        return bool(self.predicate(state))


@attrs.frozen(kw_only=True)
class ManagementThreshold:
    """A TSG 08-2017 staffing rule: when a unit needs a safety management organisation (2.3) or a full-time
    safety manager (2.4.2). ``test`` receives the unit's equipment list."""

    requirement: str  # "safety_management_organisation" | "full_time_safety_manager"
    text: str
    test: Callable[[Sequence[Equipment]], bool] = attrs.field(eq=False, repr=False)
    source: Source = Source(document="TSG 08-2017")


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

    plugin_name: str = ""  # set by the plugin host on registration

    def claims(self, catalog_code: str) -> bool:
        """True when ``catalog_code`` falls under one of this class's codes (by catalogue prefix)."""
        return any(_code_under(catalog_code, own) for own in self.catalog_codes)

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        """Whether the item is special equipment at all; override to apply the catalogue thresholds."""
        return ScopeCheck(in_scope=True)

    @abc.abstractmethod
    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        """Every due date the class knows for the item (periodic inspection first). Never earlier than the last
        inspection."""

    def risk_templates(self, catalog_code: str) -> Sequence[RiskTemplate]:
        return ()

    def checklist_items(self, catalog_code: str) -> Sequence[ChecklistItem]:
        return ()

    def major_hazard_criteria(self) -> Sequence[MajorHazardCriterion]:
        return ()

    def required_certificates(self, catalog_code: str) -> tuple[str, ...]:
        """TSG Z6001-2019 category codes an operator of this item must hold (any one suffices)."""
        return ()

    def management_thresholds(self) -> Sequence[ManagementThreshold]:
        return ()


def _code_under(code: str, own: str) -> bool:
    """Whether catalogue code ``code`` lies under ``own`` (``3110`` under ``3000`` and ``3100``)."""
    stem = own.rstrip("0")
    return code.startswith(stem) if stem else True


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
            if _code_under(catalog_code, own):
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
