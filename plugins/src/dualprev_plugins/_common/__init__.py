"""Small helpers shared by the built-in equipment-class plugins (and usable by third-party ones).

Everything here is data or a pure function over the public SDK API, so a plugin's rules stay data:

* :mod:`.applicability` — which templates and checklist items concern a code, down and up the catalogue tree;
* :mod:`.catalogue` — what the catalogue says about a code before thresholds (out of catalogue, local sub-variety);
* :mod:`.intervals` — due-date rules as data (:class:`IntervalRule`) with configuration overrides;
* :mod:`.gb45067` — the GB 45067-2024 clause 4.1 items every class shares, and the conclusion predicate;
* :mod:`.rows` — builders for the rows of risk-template and daily-checklist tables, and the shared template source;
* :mod:`.scope` — catalogue scope thresholds (Part C §1.4) as data;
* :mod:`.tabled` — :class:`TabledEquipmentClass`, whose content methods read the class's tables;
* :mod:`.management` — which of a unit's equipment still counts towards the TSG 08 staffing thresholds;
* :mod:`.order74` — the weekly and monthly SAMR Order No. 74 items every class repeats;
* :mod:`.validators` — attrs validators that report in the SDK's terms.
"""

from __future__ import annotations

from dualprev_plugins._common.applicability import relevant, relevant_to
from dualprev_plugins._common.catalogue import catalogue_gate, national_code
from dualprev_plugins._common.gb45067 import (
    FAILED_CONCLUSIONS,
    conclusion_failed,
    gb45067_source,
    general_criteria,
)
from dualprev_plugins._common.intervals import (
    IntervalRule,
    base_date,
    due_from,
    require_base,
)
from dualprev_plugins._common.order74 import weekly_and_monthly_items
from dualprev_plugins._common.scope import Threshold, check_thresholds
from dualprev_plugins._common.tabled import TabledEquipmentClass
from dualprev_plugins._common.validators import in_range, non_negative, positive

__all__ = [
    "FAILED_CONCLUSIONS",
    "IntervalRule",
    "TabledEquipmentClass",
    "Threshold",
    "base_date",
    "catalogue_gate",
    "check_thresholds",
    "conclusion_failed",
    "due_from",
    "gb45067_source",
    "general_criteria",
    "in_range",
    "national_code",
    "non_negative",
    "positive",
    "relevant",
    "relevant_to",
    "require_base",
    "weekly_and_monthly_items",
]
