"""A unit with equipment of several classes for the risk and duty integration tests: a Zhengzhou factory with a
passenger lift, a bridge crane and a gas-fired boiler, the three Order 74 roles appointed, using the installed
equipment-class plugins (their templates and checklist items are what the tests exercise)."""

from __future__ import annotations

import datetime as dt

from dualprev_sdk import Equipment, RoleAssignment, SafetyRole, UseUnit, ids
from dualprev_sdk.domain.common import Location
from dualprev_sdk.services.bootstrap import Dualprev

CST = dt.timezone(dt.timedelta(hours=8))
REGION = "410105"  # 郑州市金水区
OTHER_REGION = "410305"  # 洛阳市涧西区


def uscc(number: int) -> str:
    org = f"{number:08d}"
    first17 = "91410100" + org + ids.organization_code_check_character(org)
    return first17 + ids.uscc_check_character(first17)


UNIT = uscc(501)
LIFT, CRANE, BOILER = "E-LIFT-1", "E-CRANE-1", "E-BOILER-1"


def make_unit(
    sdk: Dualprev, unit_uscc: str = UNIT, *, region: str = REGION, name: str = "郑州某机械制造有限公司"
) -> str:
    sdk.ledger.create_unit(
        UseUnit(
            uscc=unit_uscc,
            name=name,
            region_code=region,
            roles=(
                RoleAssignment(role=SafetyRole.PRINCIPAL, name="总经理王五", phone="13800000003"),
                RoleAssignment(role=SafetyRole.SAFETY_DIRECTOR, name="安全总监李四", phone="13800000002"),
                RoleAssignment(role=SafetyRole.SAFETY_OFFICER, name="安全员张三", phone="13800000001"),
            ),
        )
    )
    return unit_uscc


def make_equipment(sdk: Dualprev, unit_uscc: str = UNIT, *, prefix: str = "") -> list[str]:
    items = [
        Equipment(
            id=prefix + LIFT,
            unit_uscc=unit_uscc,
            catalog_code="3110",
            name="1号客梯",
            rescue_code="235274",
            location=Location(building="办公楼", floor="1F", area="电梯厅"),
        ),
        Equipment(
            id=prefix + CRANE,
            unit_uscc=unit_uscc,
            catalog_code="4110",
            name="10t桥式起重机",
            location=Location(building="一号车间", floor="1F", area="装配区"),
        ),
        Equipment(
            id=prefix + BOILER,
            unit_uscc=unit_uscc,
            catalog_code="1210",
            name="4t燃气蒸汽锅炉",
            location=Location(building="锅炉房", floor="1F", area="锅炉间"),
        ),
    ]
    for item in items:
        sdk.ledger.create_equipment(item)
    return [e.id for e in items]


def world(sdk: Dualprev) -> str:
    make_unit(sdk)
    make_equipment(sdk)
    return UNIT


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=CST)
