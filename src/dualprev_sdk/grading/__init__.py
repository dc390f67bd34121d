"""Risk grading (风险分级): LEC, LS, MES and data-defined matrices; direct determination; equipment, unit and
area risk.

Methods are data (``grading/data/*.toml``) and plugins: the built-in ones register through
``dualprev_register_grading_methods`` like any plugin's, and an enterprise or a province loads its own table
with :func:`load_method`. See ``docs/grading.md``.
"""

from __future__ import annotations

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.grading.aggregate import (
    AggregationWeights,
    LevelCounts,
    RiskRecord,
    RollUp,
    UnitRiskGrade,
    aggregation_weights,
    grade_unit,
    roll_up,
    roll_up_by_equipment_class,
    roll_up_by_industry,
    roll_up_by_region,
)
from dualprev_sdk.grading.api import (
    BUILTIN_METHOD_NAMES,
    builtin_method,
    get_method,
    grade,
    grade_lec,
    grade_ls,
    grade_many,
    grade_mes,
    grading_methods,
)
from dualprev_sdk.grading.bands import Band, BandTable
from dualprev_sdk.grading.direct import (
    DirectFacts,
    DirectRule,
    apply_direct_rules,
    collect_direct_rules,
    default_direct_rules,
    determine,
    load_direct_rules,
)
from dualprev_sdk.grading.equipment_risk import (
    Contribution,
    EquipmentRiskConfig,
    EquipmentRiskGrade,
    EquipmentRiskInput,
    equipment_risk_config,
    grade_equipment,
)
from dualprev_sdk.grading.methods import (
    Factor,
    FactorValue,
    GradingMethod,
    load_method,
    method_from_data,
)
from dualprev_sdk.grading.registry import GradingMethodRegistry
from dualprev_sdk.grading.results import DirectFinding, Grade

__all__ = [
    "BUILTIN_METHOD_NAMES",
    "AggregationWeights",
    "Band",
    "BandTable",
    "Contribution",
    "DirectFacts",
    "DirectFinding",
    "DirectRule",
    "EquipmentRiskConfig",
    "EquipmentRiskGrade",
    "EquipmentRiskInput",
    "Factor",
    "FactorValue",
    "Grade",
    "GradingMethod",
    "GradingMethodRegistry",
    "LevelCounts",
    "RiskLevel",
    "RiskRecord",
    "RollUp",
    "UnitRiskGrade",
    "aggregation_weights",
    "apply_direct_rules",
    "builtin_method",
    "collect_direct_rules",
    "default_direct_rules",
    "determine",
    "equipment_risk_config",
    "get_method",
    "grade",
    "grade_equipment",
    "grade_lec",
    "grade_ls",
    "grade_many",
    "grade_mes",
    "grade_unit",
    "grading_methods",
    "load_direct_rules",
    "load_method",
    "method_from_data",
    "roll_up",
    "roll_up_by_equipment_class",
    "roll_up_by_industry",
    "roll_up_by_region",
]
