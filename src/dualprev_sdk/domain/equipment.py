"""A piece of special equipment in a unit's ledger (台账)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs

from dualprev_sdk.domain.common import CrowdedPlaceType, Location

__all__ = ["Equipment", "EquipmentStatus"]


class EquipmentStatus(enum.StrEnum):
    """Registration status of the equipment (TSG 08-2017 use, suspension, scrapping, transfer)."""

    IN_USE = "in_use"  # 在用
    SUSPENDED = "suspended"  # 停用
    SCRAPPED = "scrapped"  # 报废
    TRANSFERRED = "transferred"  # 移装/过户

    @property
    def name_zh(self) -> str:
        return {"in_use": "在用", "suspended": "停用", "scrapped": "报废", "transferred": "已过户"}[self.value]


@attrs.define(kw_only=True)
class Equipment:
    """One piece of special equipment.

    ``catalog_code`` is the 2014 catalogue code (a string: ``"3110"``, ``"23T0"``); ``equipment_code`` the
    18-character TSG 08-2017 code (or a 20-character legacy registration code, or ``"-"`` when unknown).
    ``parameters`` is the class-specific payload, an attrs instance of the type its equipment-class plugin
    declares (``ElevatorParameters``…), or ``None`` when not given.
    ``stop_use_order`` is set while a major accident hazard keeps the equipment out of use (GB 45067), on top of
    its registration status.
    """

    id: str
    unit_uscc: str
    catalog_code: str
    equipment_code: str = "-"
    registration_number: str = ""
    unit_internal_number: str = ""  # 单位内编号
    name: str = ""
    model: str = ""
    manufacturer: str = ""
    location: Location = attrs.field(factory=Location)
    crowded_place: CrowdedPlaceType | None = None
    status: EquipmentStatus = EquipmentStatus.IN_USE
    status_since: dt.date | None = None
    manufactured_on: dt.date | None = None
    commissioned_on: dt.date | None = None
    registered_on: dt.date | None = None
    design_life_years: int | None = None
    next_inspection_due: dt.date | None = None
    safety_officer: str = ""
    rescue_code: str | None = None  # 96333 code, elevators only
    parameters: Any = None
    out_of_catalog: bool = False
    catalog_review: bool = False  # legacy code mapped by inference; a person should confirm
    stop_use_order: str | None = None  # id of the major hazard that stopped it
    version: int = 0

    @property
    def kind_code(self) -> str:
        """The catalogue kind (种类) this equipment belongs to: first character + ``000``."""
        return self.catalog_code[0] + "000"

    @property
    def in_use(self) -> bool:
        """Actually usable now: registered as in use and not stopped by a major hazard."""
        return self.status is EquipmentStatus.IN_USE and self.stop_use_order is None
