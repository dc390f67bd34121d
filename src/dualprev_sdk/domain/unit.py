"""The use unit (使用单位): the organisation that uses special equipment and answers for it."""

from __future__ import annotations

import enum

import attrs

from dualprev_sdk.domain.common import SafetyRole

__all__ = ["RoleAssignment", "SizeClass", "UseUnit"]


class SizeClass(enum.StrEnum):
    """Enterprise size (大型/中型/小型/微型); small and micro units get the simplified mode (一企一档一码)."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"

    @property
    def name_zh(self) -> str:
        return {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}[self.value]

    @property
    def is_small_or_micro(self) -> bool:
        return self in (SizeClass.SMALL, SizeClass.MICRO)


@attrs.frozen(kw_only=True)
class RoleAssignment:
    """A person appointed to a SAMR Order No. 74 role, optionally for one equipment kind (电梯安全员…)."""

    role: SafetyRole
    name: str
    phone: str = ""
    person_id: str | None = None
    equipment_kind: str | None = None  # catalogue kind code ("3000"); None = all kinds


@attrs.define(kw_only=True)
class UseUnit:
    """A use unit, keyed by its USCC (统一社会信用代码).

    ``industry`` is a GB/T 4754 code: a section letter ("C") optionally followed by the division digits ("C26").
    ``version`` is the optimistic-concurrency counter the store maintains; callers pass back what they read.
    """

    uscc: str
    name: str
    region_code: str
    industry: str = ""
    size_class: SizeClass = SizeClass.MEDIUM
    park: str | None = None
    grid_cell: str | None = None
    address: str = ""
    roles: tuple[RoleAssignment, ...] = ()
    demonstration: bool = False  # 示范企业
    version: int = 0

    def holders_of(self, role: SafetyRole, equipment_kind: str | None = None) -> list[RoleAssignment]:
        """The people holding ``role`` (for ``equipment_kind``, or for all kinds)."""
        return [
            r
            for r in self.roles
            if r.role is role and (equipment_kind is None or r.equipment_kind in (None, equipment_kind))
        ]
