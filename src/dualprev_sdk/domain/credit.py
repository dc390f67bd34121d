"""Credit records (信用记录): append-only facts about a unit's safety conduct."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

__all__ = ["CreditClass", "CreditRecord", "CreditRecordKind"]


class CreditClass(enum.StrEnum):
    """企业信用风险分类 A/B/C/D (国市监信发〔2022〕6号)."""

    A = "A"  # 信用风险低
    B = "B"  # 一般
    C = "C"  # 较高
    D = "D"  # 高


class CreditRecordKind(enum.StrEnum):
    ACCIDENT = "accident"
    MAJOR_HAZARD_OVERDUE = "major_hazard_overdue"
    MAJOR_HAZARD_REPEATED = "major_hazard_repeated"
    USED_WHILE_OVERDUE = "used_while_overdue"
    UNREGISTERED_EQUIPMENT = "unregistered_equipment"
    UNCERTIFIED_OPERATOR = "uncertified_operator"
    REFUSED_INSPECTION = "refused_inspection"
    ADMINISTRATIVE_PENALTY = "administrative_penalty"
    DEMONSTRATION_ENTERPRISE = "demonstration_enterprise"
    YEARS_WITHOUT_FINDINGS = "years_without_findings"

    @property
    def is_good(self) -> bool:
        return self in (CreditRecordKind.DEMONSTRATION_ENTERPRISE, CreditRecordKind.YEARS_WITHOUT_FINDINGS)


@attrs.frozen(kw_only=True)
class CreditRecord:
    id: str
    unit_uscc: str
    kind: CreditRecordKind
    occurred_on: dt.date
    source: str
    evidence: str = ""
    severity: str = ""
    note: str = ""
