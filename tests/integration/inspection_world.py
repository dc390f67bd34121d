"""A realistic small ledger for the inspection, personnel, emergency and equipment-risk tests.

Two units with the installed (built-in) equipment-class plugins:

* 郑州某商场 (金水区 410105): four passenger lifts — one valid, one overdue and in use, one overdue but
  suspended (停用, so not 逾期在用), one overdue with a 不合格 last report;
* 洛阳某机械厂 (涧西区 410305): a bridge crane never inspected and overdue, a bridge crane overdue with a
  passed history, an overdue forklift, a boiler within validity.

"Today" is fixed (2026-11-20) and every command runs at a fixed instant, so the expected results are exact.
"""

from __future__ import annotations

import datetime as dt

from dualprev_sdk import Equipment, RoleAssignment, SafetyRole, UseUnit, ids
from dualprev_sdk.domain.common import CrowdedPlaceType
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.domain.inspection import InspectionConclusion, InspectionKind, InspectionRecord
from dualprev_sdk.services.bootstrap import Dualprev

TODAY = dt.date(2026, 11, 20)
AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ZHENGZHOU = "410105"
LUOYANG = "410305"


def uscc(number: int) -> str:
    org = f"{number:08d}"
    first17 = "91410100" + org + ids.organization_code_check_character(org)
    return first17 + ids.uscc_check_character(first17)


MALL = uscc(101)
FACTORY = uscc(202)


def _lift(n: int, due: dt.date, **kw: object) -> Equipment:
    return Equipment(
        id=f"L{n}",
        unit_uscc=MALL,
        catalog_code="3110",
        name=f"{n}号客梯",
        commissioned_on=dt.date(2014, 5, 10),
        registered_on=dt.date(2014, 5, 20),
        design_life_years=15,
        next_inspection_due=due,
        crowded_place=CrowdedPlaceType.MALL,
        safety_officer="李安全",
        **kw,  # type: ignore[arg-type]
    )


def build(sdk: Dualprev) -> None:
    sdk.ledger.create_unit(
        UseUnit(
            uscc=MALL,
            name="郑州某商场有限公司",
            region_code=ZHENGZHOU,
            roles=(
                RoleAssignment(role=SafetyRole.PRINCIPAL, name="赵总"),
                RoleAssignment(role=SafetyRole.SAFETY_DIRECTOR, name="钱总监", equipment_kind="3000"),
                RoleAssignment(role=SafetyRole.SAFETY_OFFICER, name="李安全", equipment_kind="3000"),
            ),
        )
    )
    sdk.ledger.create_unit(
        UseUnit(
            uscc=FACTORY,
            name="洛阳某机械制造有限公司",
            region_code=LUOYANG,
            roles=(RoleAssignment(role=SafetyRole.PRINCIPAL, name="孙厂长"),),
        )
    )
    for equipment in (
        _lift(1, dt.date(2027, 5, 1)),
        _lift(2, dt.date(2026, 10, 1)),
        _lift(3, dt.date(2026, 9, 1), status=EquipmentStatus.SUSPENDED),
        _lift(4, dt.date(2026, 11, 1)),
        Equipment(
            id="C1",
            unit_uscc=FACTORY,
            catalog_code="4110",
            name="新装桥式起重机",
            commissioned_on=dt.date(2026, 3, 1),
            next_inspection_due=dt.date(2026, 11, 1),
            safety_officer="周安全",
        ),
        Equipment(
            id="C2",
            unit_uscc=FACTORY,
            catalog_code="4110",
            name="2号桥式起重机",
            commissioned_on=dt.date(2012, 3, 1),
            design_life_years=20,
            next_inspection_due=dt.date(2026, 8, 15),
        ),
        Equipment(
            id="F1",
            unit_uscc=FACTORY,
            catalog_code="5110",
            name="1号叉车",
            commissioned_on=dt.date(2019, 6, 1),
            next_inspection_due=dt.date(2026, 6, 30),
            safety_officer="周安全",
        ),
        Equipment(
            id="B1",
            unit_uscc=FACTORY,
            catalog_code="1100",
            name="蒸汽锅炉",
            commissioned_on=dt.date(2018, 1, 1),
            next_inspection_due=dt.date(2027, 3, 1),
            safety_officer="周安全",
        ),
    ):
        sdk.ledger.create_equipment(equipment)
    with sdk.uow() as uow:
        uow.inspections.add_many(
            [
                InspectionRecord(
                    id="R-L2-2025",
                    equipment_id="L2",
                    kind=InspectionKind.PERIODIC,
                    inspected_on=dt.date(2025, 10, 1),
                    conclusion=InspectionConclusion.PASSED,
                    agency="河南省特种设备检验技术研究院",
                    report_number="DT2025-0001",
                ),
                InspectionRecord(
                    id="R-L4-2025",
                    equipment_id="L4",
                    kind=InspectionKind.PERIODIC,
                    inspected_on=dt.date(2025, 11, 1),
                    conclusion=InspectionConclusion.FAILED,
                    agency="河南省特种设备检验技术研究院",
                    report_number="DT2025-0002",
                ),
                InspectionRecord(
                    id="R-C2-2024",
                    equipment_id="C2",
                    kind=InspectionKind.PERIODIC,
                    inspected_on=dt.date(2024, 8, 15),
                    conclusion=InspectionConclusion.PASSED,
                    agency="洛阳市特种设备检验所",
                    report_number="QZ2024-0099",
                ),
            ]
        )
        uow.commit()
