"""A generated province with known answers for the regulator-side tests (credit, supervision, statistics).

Three prefectures of 河南 (郑州 4101, 开封 4102, 洛阳 4103) with three counties each. County number ``c`` (0, 1, 2)
holds ``1 + c`` units, so 6 units per prefecture and 18 in the province. Every unit has a lift (3110) and a
crane (4110). In every county:

- the first unit's lift stands in a crowded place and is overdue for inspection (due 2026-03-01, in use);
- the first unit's lift has an open general hazard;
- in 洛阳 (4103) the first unit's crane also has an open major hazard (deadline 2026-05-01, so overdue);
- in 中原区 (410102) one more hazard was cancelled (never counted).

Risk points: the k-th unit of a county has one risk point at level k (1 = 重大), except in 开封 (4102), where no
unit is assessed. Credit: the second unit of 顺河回族区 (410203) has class C issued by the regulator; the first unit
of 西工区 (410303) had a 较大 accident (forced to D). Everyone else has no record (class A).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from dualprev_sdk import Equipment, UseUnit
from dualprev_sdk.domain.common import CrowdedPlaceType, RiskLevel
from dualprev_sdk.domain.credit import CreditClass, CreditRecordKind, Severity
from dualprev_sdk.domain.hazard import HazardLevel, HazardSource, RectificationPlan
from dualprev_sdk.domain.risk import RiskPoint
from dualprev_sdk.services import credit as credit_cases
from dualprev_sdk.services import hazards as hz
from dualprev_sdk.services.bootstrap import Dualprev

TODAY = dt.date(2026, 6, 1)
FOUND = dt.date(2026, 4, 1)
AT = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
MAJOR_DEADLINE = dt.date(2026, 5, 1)
GENERAL_DEADLINE = dt.date(2026, 7, 1)

PREFECTURES = {
    "410100": ("410102", "410103", "410105"),
    "410200": ("410202", "410203", "410204"),
    "410300": ("410302", "410303", "410304"),
}
COUNTIES = [c for counties in PREFECTURES.values() for c in counties]


@attrs.frozen(kw_only=True)
class World:
    units: dict[str, list[str]]  # county → USCCs in order
    crowded_lifts: dict[str, str]  # county → lift id

    def unit(self, county: str, k: int = 1) -> str:
        return self.units[county][k - 1]


def _plan(deadline: dt.date, major: bool) -> RectificationPlan:
    import decimal

    return RectificationPlan(
        measures="更换失效部件",
        responsible_person="设备科长",
        funds_yuan=decimal.Decimal("5000") if major else None,
        deadline=deadline,
        contingency_plan="停用并设置警示" if major else "",
    )


def hazard(
    sdk: Dualprev,
    hazard_id: str,
    *,
    unit: str,
    equipment_id: str,
    level: HazardLevel,
    deadline: dt.date,
    description: str = "安全保护装置失效",
    found_on: dt.date = FOUND,
) -> None:
    """Report → register → grade by person → plan: an open hazard with a deadline."""
    at = dt.datetime.combine(found_on, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    hz.report_hazard(
        sdk,
        hazard_id=hazard_id,
        unit_uscc=unit,
        equipment_id=equipment_id,
        source=HazardSource.REGULATOR_INSPECTION,
        source_reference="JC-2026",
        description=description,
        found_on=found_on,
        finder="监察员",
        actor="监察员",
        at=at,
    )
    hz.register_hazard(sdk, hazard_id, actor="安全员", at=at)
    hz.grade_hazard_by_person(sdk, hazard_id, level=level, reason="现场判定", actor="安全总监", at=at)
    hz.plan_rectification(sdk, hazard_id, plan=_plan(deadline, level is HazardLevel.MAJOR), actor="安全总监", at=at)


def build_province(sdk: Dualprev, make_uscc: Callable[[int], str]) -> World:
    units: dict[str, list[str]] = {}
    unit_rows: list[UseUnit] = []
    equipment: list[Equipment] = []
    points: list[RiskPoint] = []
    n = 0
    for p, (prefecture, counties) in enumerate(PREFECTURES.items()):
        for c, county in enumerate(counties):
            for k in range(1, c + 2):
                n += 1
                uscc = make_uscc(1000 + n)
                units.setdefault(county, []).append(uscc)
                unit_rows.append(
                    UseUnit(
                        uscc=uscc,
                        name=f"{county}第{k}单位",
                        region_code=county,
                        industry=("C2614" if p == 0 else "H6110"),
                        grid_cell=f"G-{prefecture[:4]}-{c}",
                    )
                )
                first = k == 1
                equipment.append(
                    Equipment(
                        id=f"L-{uscc}",
                        unit_uscc=uscc,
                        catalog_code="3110",
                        crowded_place=CrowdedPlaceType.MALL if first else None,
                        next_inspection_due=dt.date(2026, 3, 1) if first else dt.date(2027, 3, 1),
                    )
                )
                equipment.append(
                    Equipment(
                        id=f"C-{uscc}", unit_uscc=uscc, catalog_code="4110", next_inspection_due=dt.date(2027, 1, 1)
                    )
                )
                if prefecture != "410200":
                    points.append(
                        RiskPoint(
                            id=f"RP-{uscc}",
                            unit_uscc=uscc,
                            equipment_id=f"L-{uscc}",
                            component="曳引机",
                            hazard_factor="制动器失效",
                            level=RiskLevel(k),
                        )
                    )
    with sdk.uow() as uow:
        uow.units.add_many(unit_rows)
        uow.equipment.add_many(equipment)
        uow.risk_points.add_many(points)
        uow.commit()
    world = World(units=units, crowded_lifts={c: f"L-{us[0]}" for c, us in units.items()})
    for county in COUNTIES:
        head = world.unit(county)
        hazard(
            sdk,
            f"HG-{county}",
            unit=head,
            equipment_id=f"L-{head}",
            level=HazardLevel.GENERAL,
            deadline=GENERAL_DEADLINE,
        )
        if county.startswith("4103"):
            hazard(
                sdk,
                f"HM-{county}",
                unit=head,
                equipment_id=f"C-{head}",
                level=HazardLevel.MAJOR,
                deadline=MAJOR_DEADLINE,
            )
    hz.report_hazard(
        sdk,
        hazard_id="HX-410102",
        unit_uscc=world.unit("410102"),
        equipment_id=None,
        source=HazardSource.SELF_REPORT,
        source_reference="SELF",
        description="误报",
        found_on=FOUND,
        finder="安全员",
        actor="安全员",
        at=AT,
    )
    hz.cancel_hazard(sdk, "HX-410102", reason="误报", actor="安全员", at=AT)
    credit_cases.issue_credit_class(
        sdk,
        unit_uscc=world.unit("410203", 2),
        credit_class=CreditClass.C,
        issued_on=dt.date(2026, 1, 10),
        authority="开封市市场监督管理局",
        actor="开封市市场监督管理局",
    )
    credit_cases.record_credit_event(
        sdk,
        unit_uscc=world.unit("410303"),
        kind=CreditRecordKind.ACCIDENT,
        severity=Severity.SERIOUS.value,
        occurred_on=dt.date(2026, 2, 1),
        source="洛阳市市场监督管理局",
        actor="洛阳市市场监督管理局",
        evidence="事故调查报告 LY-2026-01",
        record_id="CR-ACC-LY-1",
    )
    return world
