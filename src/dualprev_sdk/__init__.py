"""dualprev-sdk: China's dual prevention system for special equipment (特种设备双重预防体系) as a library.

The public API is re-exported here; everything not in ``__all__`` is internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dualprev_sdk.domain.common import (
    ControlLevel,
    CrowdedPlaceType,
    Frequency,
    Location,
    RiskLevel,
    SafetyRole,
    Source,
    SourceStatus,
)
from dualprev_sdk.domain.duty import (
    CheckResult,
    DutyKind,
    DutyPlan,
    DutyRecord,
    DutyTask,
    ItemResult,
    evidence_sha256,
)
from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
from dualprev_sdk.domain.hazard import (
    AcceptanceRecord,
    EscalationPolicy,
    Evidence,
    Hazard,
    HazardLevel,
    HazardSource,
    HazardState,
    RectificationPlan,
    ensure_in_use,
)
from dualprev_sdk.domain.risk import ControlMeasures, ReviewTrigger, RiskPoint
from dualprev_sdk.domain.unit import RoleAssignment, SizeClass, UseUnit
from dualprev_sdk.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    DualprevError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from dualprev_sdk.grading import (
    DirectFacts,
    DirectRule,
    EquipmentRiskInput,
    Grade,
    GradingMethod,
    GradingMethodRegistry,
    grade_equipment,
    grade_lec,
    grade_ls,
    grade_many,
    grade_mes,
    grade_unit,
    load_method,
)
from dualprev_sdk.hookspecs import hookimpl

if TYPE_CHECKING:
    from dualprev_sdk.importing.report import ImportReport
    from dualprev_sdk.services.bootstrap import Dualprev, open_sdk
    from dualprev_sdk.services.ledger_import import import_ledger

__version__ = "0.1.0.dev0"

__all__ = [
    "AcceptanceRecord",
    "AlreadyExists",
    "CheckResult",
    "ConcurrencyConflict",
    "ControlLevel",
    "ControlMeasures",
    "CrowdedPlaceType",
    "DirectFacts",
    "DirectRule",
    "Dualprev",
    "DualprevError",
    "DutyKind",
    "DutyPlan",
    "DutyRecord",
    "DutyTask",
    "Equipment",
    "EquipmentRiskInput",
    "EquipmentStatus",
    "EscalationPolicy",
    "Evidence",
    "FailedPrecondition",
    "FieldViolation",
    "Frequency",
    "Grade",
    "GradingMethod",
    "GradingMethodRegistry",
    "Hazard",
    "HazardLevel",
    "HazardSource",
    "HazardState",
    "ImportReport",
    "InvalidArgument",
    "ItemResult",
    "Location",
    "NotFound",
    "PermissionDenied",
    "RectificationPlan",
    "ReviewTrigger",
    "RiskLevel",
    "RiskPoint",
    "RoleAssignment",
    "SafetyRole",
    "SizeClass",
    "Source",
    "SourceStatus",
    "UseUnit",
    "__version__",
    "ensure_in_use",
    "evidence_sha256",
    "grade_equipment",
    "grade_lec",
    "grade_ls",
    "grade_many",
    "grade_mes",
    "grade_unit",
    "hookimpl",
    "import_ledger",
    "load_method",
    "open_sdk",
]


def __getattr__(name: str) -> Any:
    # The SDK entry points pull in SQLAlchemy and Alembic; load them on first use so that plugins and the
    # domain layer (which import this package) stay light.
    if name in ("Dualprev", "open_sdk"):
        from dualprev_sdk.services import bootstrap

        return getattr(bootstrap, name)
    if name == "import_ledger":
        from dualprev_sdk.services.ledger_import import import_ledger

        return import_ledger
    if name == "ImportReport":
        from dualprev_sdk.importing.report import ImportReport

        return ImportReport
    raise AttributeError(f"module 'dualprev_sdk' has no attribute {name!r}")
