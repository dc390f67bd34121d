"""An equipment class whose content is tables: templates, checklist, criteria, findings and staffing rules.

Nine classes answered ``risk_templates``, ``checklist_items``, ``major_hazard_criteria``, ``findings`` and
``management_thresholds`` with the same five one-line methods over their own module-level tables, and three of
them filtered templates and checklist items by a different rule than the other six (8000 piping lost its buried
pipeline items). :class:`TabledEquipmentClass` answers all five from class attributes, so a class declares its
tables and every class picks items for a catalogue code by :func:`~.applicability.relevant_to` and adds the
GB 45067 4.1 finding codes the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from dualprev_plugins._common.applicability import relevant_to
from dualprev_plugins._common.gb45067 import GENERAL_FINDINGS
from dualprev_sdk.equipment_classes import (
    ChecklistItem,
    EquipmentClass,
    MajorHazardCriterion,
    ManagementThreshold,
    RiskTemplate,
)

__all__ = ["TabledEquipmentClass"]


class TabledEquipmentClass(EquipmentClass):
    """:class:`EquipmentClass` whose content methods read the class's tables (empty unless set)."""

    #: Risk-template and checklist rows; a row's ``applies_to`` limits it (see :func:`.applicability.relevant`).
    risk_template_table: ClassVar[Sequence[RiskTemplate]] = ()
    checklist_table: ClassVar[Sequence[ChecklistItem]] = ()
    #: GB 45067-2024 items the class checks (4.1 from :func:`.gb45067.general_criteria` plus its own clause).
    criteria: ClassVar[Sequence[MajorHazardCriterion]] = ()
    #: The class's own finding codes → Chinese label; the 4.1 codes every class shares are added.
    class_findings: ClassVar[Mapping[str, str]] = {}
    #: TSG 08-2017 staffing rules.
    thresholds: ClassVar[Sequence[ManagementThreshold]] = ()

    def risk_templates(self, catalog_code: str) -> Sequence[RiskTemplate]:
        """Templates for a variety; for a kind or category code (``3000``, ``3300``) those of every variety
        under it."""
        return relevant_to(self.risk_template_table, catalog_code)

    def checklist_items(self, catalog_code: str) -> Sequence[ChecklistItem]:
        return relevant_to(self.checklist_table, catalog_code)

    def major_hazard_criteria(self) -> Sequence[MajorHazardCriterion]:
        return self.criteria

    def findings(self) -> Mapping[str, str]:
        return {**GENERAL_FINDINGS, **self.class_findings}

    def management_thresholds(self) -> Sequence[ManagementThreshold]:
        return self.thresholds
