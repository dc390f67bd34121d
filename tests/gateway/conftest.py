"""Fixtures for gateway tests: a real server on a loopback port over a real SQLite file, and real API keys.

Every test gets its own copy of a seeded template database (migrated and filled once per session), so tests
that write are isolated and cheap. The seed:

- unit ``UNIT_A`` (郑州 410102) with elevator ``ea1``, inspected by agency ``AG1``;
- unit ``UNIT_B`` (开封 410202) with elevator ``eb1``;
- one API key per principal kind: enterprise = UNIT_A, regulator = 4101 (郑州), agency = AG1, datacenter = *.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import grpc
import pytest
from dualprev_gateway.config import GatewayConfig
from dualprev_gateway.server import Gateway, build_gateway
from gateway_support import AGENCY, SCOPES, UNIT_A, UNIT_B

from dualprev_sdk.access import PrincipalKind, issue_api_key
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.hazard import Evidence, HazardLevel, HazardSource, RectificationPlan
from dualprev_sdk.domain.inspection import InspectionConclusion, InspectionKind, InspectionRecord
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.services import hazards as use_cases
from dualprev_sdk.services.bootstrap import Dualprev


@attrs.frozen
class Seed:
    path: Path
    tokens: dict[PrincipalKind, str]


@pytest.fixture(scope="session")
def _seed(tmp_path_factory: pytest.TempPathFactory) -> Seed:
    path = tmp_path_factory.mktemp("gateway-seed") / "seed.sqlite"
    tokens: dict[PrincipalKind, str] = {}
    with Dualprev.open(f"sqlite:///{path}") as sdk:
        sdk.ledger.create_unit(UseUnit(uscc=UNIT_A, name="郑州示例电梯使用单位", region_code="410102"))
        sdk.ledger.create_unit(UseUnit(uscc=UNIT_B, name="开封示例商场", region_code="410202"))
        sdk.ledger.create_equipment(Equipment(id="ea1", unit_uscc=UNIT_A, catalog_code="3110", name="1号客梯"))
        sdk.ledger.create_equipment(Equipment(id="eb1", unit_uscc=UNIT_B, catalog_code="3110", name="A区扶梯"))
        with sdk.uow() as uow:
            uow.inspections.add(
                InspectionRecord(
                    id="insp-1",
                    equipment_id="ea1",
                    kind=InspectionKind.PERIODIC,
                    inspected_on=dt.date(2026, 3, 1),
                    conclusion=InspectionConclusion.PASSED,
                    agency=AGENCY,
                )
            )
            uow.commit()
        _seed_hazards(sdk)
        with sdk.uow() as uow:
            for kind, scope in SCOPES.items():
                issued = issue_api_key(kind, scope, label=f"test {kind.value}")
                uow.api_keys.add(issued.key)
                tokens[kind] = issued.token
            uow.commit()
    return Seed(path=path, tokens=tokens)


def _seed_hazards(sdk: Dualprev) -> None:
    """One hazard per state the matrix needs, all on ``ea1`` of UNIT_A: ``hz-<state>``, ``hz-major``, ``hz-listed``."""
    actor = "seed"
    plan = RectificationPlan(measures="更换钢丝绳", responsible_person="张三", deadline=dt.date(2099, 12, 31))

    def report(hazard_id: str) -> None:
        use_cases.report_hazard(
            sdk,
            unit_uscc=UNIT_A,
            equipment_id="ea1",
            source=HazardSource.DAILY_CHECK,
            source_reference="日检-001",
            description="曳引钢丝绳断丝超标",
            found_on=dt.date(2026, 3, 2),
            finder="李四",
            actor=actor,
            hazard_id=hazard_id,
        )

    steps: list[Callable[[str], object]] = [
        report,
        lambda h: use_cases.register_hazard(sdk, h, actor=actor),
        lambda h: use_cases.grade_hazard_by_person(sdk, h, level=HazardLevel.GENERAL, reason="一般", actor=actor),
        lambda h: use_cases.plan_rectification(sdk, h, plan=plan, actor=actor),
        lambda h: use_cases.start_rectification(sdk, h, actor=actor),
        lambda h: use_cases.complete_rectification(
            sdk, h, measures_taken="已更换", evidence=[Evidence(kind="photo", reference="p1.jpg")], actor=actor
        ),
        lambda h: use_cases.verify_rectification(sdk, h, actor="seed verifier"),  # not the rectifier
    ]
    states = ["reported", "registered", "graded", "planned", "rectifying", "rectified", "verified"]
    for depth, state in enumerate(states):
        for step in steps[: depth + 1]:
            step(f"hz-{state}")
    for hazard_id in ("hz-major", "hz-listed"):
        report(hazard_id)
        use_cases.register_hazard(sdk, hazard_id, actor=actor)
        use_cases.grade_hazard_by_person(sdk, hazard_id, level=HazardLevel.MAJOR, reason="GB 45067 4.1", actor=actor)
    use_cases.list_for_supervision(
        sdk, "hz-listed", authority="郑州市市场监督管理局", deadline=dt.date(2099, 6, 30), actor=actor
    )


@pytest.fixture
def database_url(_seed: Seed, tmp_path: Path) -> str:
    copy = tmp_path / "gateway.sqlite"
    shutil.copyfile(_seed.path, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def tokens(_seed: Seed) -> dict[PrincipalKind, str]:
    return _seed.tokens


@pytest.fixture
def sdk(database_url: str) -> Iterator[Dualprev]:
    with Dualprev.open(database_url, migrate=False) as opened:
        yield opened


@pytest.fixture
def gateway(sdk: Dualprev) -> Iterator[Gateway]:
    built = build_gateway(GatewayConfig(address="127.0.0.1:0", max_workers=4, events_poll_seconds=0.05), sdk=sdk)
    built.start()
    try:
        yield built
    finally:
        built.stop(None).wait()


@pytest.fixture
def channel(gateway: Gateway) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{gateway.port}") as opened:
        yield opened
