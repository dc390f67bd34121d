"""SupervisionService over a real channel: a yearly plan with key units, a 双随机 draw that anyone with read access
can reproduce and verify, its results published for everyone, and statistics by region — for regulators within
their region and the data centre."""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import supervision_pb2 as pb
from dualprev_gateway._generated.dualprev.v1 import supervision_pb2_grpc
from gateway_support import OUTSIDERS, UNIT_A, bearer, outsider_tokens

from dualprev_sdk.access import PrincipalKind
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.services.bootstrap import Dualprev

#: More 郑州 units (USCCs with valid check characters), so the city's pool has something to draw from.
MORE_UNITS = {"91410105MA90000034": "410105", "91410102MA9000011K": "410102"}


@pytest.fixture
def supervision(channel: grpc.Channel) -> supervision_pb2_grpc.SupervisionServiceStub:
    return supervision_pb2_grpc.SupervisionServiceStub(channel)


@pytest.fixture
def city(sdk: Dualprev) -> list[str]:
    """郑州 (4101): the seed's UNIT_A plus two more units with a lift each."""
    for n, (uscc, region) in enumerate(MORE_UNITS.items()):
        sdk.ledger.create_unit(UseUnit(uscc=uscc, name=f"郑州示例单位{n}", region_code=region))
        sdk.ledger.create_equipment(Equipment(id=f"lift-{n}", unit_uscc=uscc, catalog_code="3110", name="客梯"))
    return [UNIT_A, *MORE_UNITS]


def _roster(supervision: supervision_pb2_grpc.SupervisionServiceStub, token: str) -> None:
    for n, person in enumerate(["执法员甲", "执法员乙", "执法员丙"]):
        supervision.AddInspector(
            pb.AddInspectorRequest(
                region_code="4101",
                inspector_id=f"insp-{n}",
                inspector=pb.Inspector(display_name=person, conflicts=[f"units/{UNIT_A}"] if n == 0 else []),
            ),
            metadata=bearer(token),
        )


def test_a_draw_is_reproduced_and_verified_and_its_published_results_are_public(
    supervision: supervision_pb2_grpc.SupervisionServiceStub, tokens: dict[PrincipalKind, str], city: list[str]
) -> None:
    regulator = tokens[PrincipalKind.REGULATOR]
    _roster(supervision, regulator)
    drawn = supervision.DrawInspections(
        pb.DrawInspectionsRequest(region_code="4101", seed=20260301, title="2026年第一季度双随机抽查", draw_id="dr-q1"),
        metadata=bearer(regulator),
    )
    assert drawn.name == "samplingDraws/dr-q1"
    assert len(drawn.inputs_sha256) == 64
    assert drawn.targets
    assert {t.unit for t in drawn.targets} <= {f"units/{u}" for u in city}
    for target in drawn.targets:
        assert len(target.inspectors) == 2
        if target.unit == f"units/{UNIT_A}":
            assert "inspectors/insp-0" not in target.inspectors  # the declared conflict is respected

    again = supervision.DrawInspections(
        pb.DrawInspectionsRequest(region_code="4101", seed=20260301, draw_id="dr-q1-again"), metadata=bearer(regulator)
    )
    assert again.inputs_sha256 == drawn.inputs_sha256
    assert [(t.unit, t.stratum, list(t.inspectors)) for t in again.targets] == [
        (t.unit, t.stratum, list(t.inspectors)) for t in drawn.targets
    ]
    for kind in (PrincipalKind.REGULATOR, PrincipalKind.DATACENTER):
        verified = supervision.VerifySamplingDraw(
            pb.VerifySamplingDrawRequest(name=drawn.name), metadata=bearer(tokens[kind])
        )
        assert verified.reproduced
        assert verified.snapshot_sha256 == verified.stored_sha256 == drawn.inputs_sha256
        assert list(verified.problems) == []

    first = drawn.targets[0].unit
    supervision.RecordDrawResult(
        pb.RecordDrawResultRequest(
            name=drawn.name,
            result=pb.DrawResult(unit=first, outcome=pb.INSPECTION_OUTCOME_NO_PROBLEM, inspected_on="2026-03-20"),
        ),
        metadata=bearer(regulator),
    )
    published = supervision.PublishSamplingDraw(
        pb.PublishSamplingDrawRequest(name=drawn.name, published_on="2026-03-31"), metadata=bearer(regulator)
    )
    assert published.published_on == "2026-03-31"
    for kind in PrincipalKind:
        public = supervision.ListPublishedResults(
            pb.ListPublishedResultsRequest(region_code="41"), metadata=bearer(tokens[kind])
        )
        assert [(r.draw, r.unit, r.outcome) for r in public.results] == [
            (drawn.name, first, pb.INSPECTION_OUTCOME_NO_PROBLEM)
        ]


def test_a_result_for_a_unit_that_was_not_drawn_is_invalid(
    supervision: supervision_pb2_grpc.SupervisionServiceStub, tokens: dict[PrincipalKind, str], city: list[str]
) -> None:
    regulator = tokens[PrincipalKind.REGULATOR]
    _roster(supervision, regulator)
    drawn = supervision.DrawInspections(
        pb.DrawInspectionsRequest(region_code="4101", seed=7), metadata=bearer(regulator)
    )
    outsider = next(
        f"units/{u}" for u in [*city, "91410202MA9000003X"] if f"units/{u}" not in {t.unit for t in drawn.targets}
    )
    with pytest.raises(grpc.RpcError) as caught:
        supervision.RecordDrawResult(
            pb.RecordDrawResultRequest(
                name=drawn.name,
                result=pb.DrawResult(
                    unit=outsider, outcome=pb.INSPECTION_OUTCOME_NO_PROBLEM, inspected_on="2026-03-20"
                ),
            ),
            metadata=bearer(regulator),
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_the_plan_lists_every_unit_of_the_city_and_statistics_roll_up_the_region_tree(
    supervision: supervision_pb2_grpc.SupervisionServiceStub, tokens: dict[PrincipalKind, str], city: list[str]
) -> None:
    regulator = tokens[PrincipalKind.REGULATOR]
    plan = supervision.PlanSupervision(
        pb.PlanSupervisionRequest(region_code="4101", year=2026), metadata=bearer(regulator)
    )
    assert plan.name == "regions/4101/supervisionPlans/2026"
    assert sorted(u.unit for u in plan.units) == sorted(f"units/{u}" for u in city)
    assert all(u.reasons for u in plan.units)
    read = supervision.GetSupervisionPlan(
        pb.GetSupervisionPlanRequest(name=plan.name), metadata=bearer(tokens[PrincipalKind.DATACENTER])
    )
    assert read.version == plan.version

    for kind in (PrincipalKind.REGULATOR, PrincipalKind.DATACENTER):
        stats = supervision.GetRegionalStatistics(
            pb.GetRegionalStatisticsRequest(region_code="4101"), metadata=bearer(tokens[kind])
        )
        units = {n.key: n.unit_count for n in stats.nodes}
        assert units["410100"] == 3
        assert units["410102"] == 2
        assert units["410105"] == 1
        assert "410202" not in units  # 开封 is outside the region asked for
        names = {n.key: n.display_name for n in stats.nodes}
        assert names["410100"] == "郑州市"
    province = supervision.GetRegionalStatistics(
        pb.GetRegionalStatisticsRequest(region_code="41"), metadata=bearer(tokens[PrincipalKind.DATACENTER])
    )
    assert {n.key: n.unit_count for n in province.nodes}["410000"] == 4
    by_class = supervision.GetRegionalStatistics(
        pb.GetRegionalStatisticsRequest(region_code="4101", group_by=pb.STATISTICS_GROUPING_CLASS),
        metadata=bearer(regulator),
    )
    assert {n.key: n.equipment_count for n in by_class.nodes} == {"3000": 3}


def test_a_city_regulator_gets_neither_the_province_nor_another_city(
    supervision: supervision_pb2_grpc.SupervisionServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    regulator = bearer(tokens[PrincipalKind.REGULATOR])
    calls: list[Callable[[], object]] = [
        lambda: supervision.GetRegionalStatistics(
            pb.GetRegionalStatisticsRequest(region_code="41"), metadata=regulator
        ),
        lambda: supervision.PlanSupervision(
            pb.PlanSupervisionRequest(region_code="4102", year=2026), metadata=regulator
        ),
        lambda: supervision.DrawInspections(pb.DrawInspectionsRequest(region_code="41", seed=1), metadata=regulator),
        lambda: supervision.GetSupervisionPlan(
            pb.GetSupervisionPlanRequest(name="regions/4102/supervisionPlans/2026"), metadata=regulator
        ),
    ]
    for call in calls:
        with pytest.raises(grpc.RpcError) as caught:
            call()
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


# -- who may touch a real draw and plan: every principal kind and two callers just outside the scopes -----------

OK, DENIED = grpc.StatusCode.OK, grpc.StatusCode.PERMISSION_DENIED
WHO = [k.value for k in PrincipalKind] + list(OUTSIDERS)
DRAW = "samplingDraws/dr-scope"
PLAN = "regions/4101/supervisionPlans/2026"
Call = Callable[[supervision_pb2_grpc.SupervisionServiceStub, tuple[tuple[str, str], ...], str], object]

#: rpc → (call(stub, metadata, a drawn unit), expected per caller; callers not named are denied). 郑州 (4101) has a
#: roster, a stored draw and a 2026 plan.
SCOPE: dict[str, tuple[Call, dict[str, grpc.StatusCode]]] = {
    "GetSamplingDraw": (
        lambda s, m, _: s.GetSamplingDraw(pb.GetSamplingDrawRequest(name=DRAW), metadata=m),
        {"regulator": OK, "datacenter": OK},
    ),
    "VerifySamplingDraw": (
        lambda s, m, _: s.VerifySamplingDraw(pb.VerifySamplingDrawRequest(name=DRAW), metadata=m),
        {"regulator": OK, "datacenter": OK},
    ),
    "RecordDrawResult": (
        lambda s, m, unit: s.RecordDrawResult(
            pb.RecordDrawResultRequest(
                name=DRAW,
                result=pb.DrawResult(unit=unit, outcome=pb.INSPECTION_OUTCOME_NO_PROBLEM, inspected_on="2026-03-20"),
            ),
            metadata=m,
        ),
        {"regulator": OK},
    ),
    "PublishSamplingDraw": (
        lambda s, m, _: s.PublishSamplingDraw(pb.PublishSamplingDrawRequest(name=DRAW), metadata=m),
        {"regulator": OK},
    ),
    "GetSupervisionPlan": (
        lambda s, m, _: s.GetSupervisionPlan(pb.GetSupervisionPlanRequest(name=PLAN), metadata=m),
        {"regulator": OK, "datacenter": OK},
    ),
    "ListInspectors": (
        lambda s, m, _: s.ListInspectors(pb.ListInspectorsRequest(region_code="4101"), metadata=m),
        {"regulator": OK, "datacenter": OK},
    ),
    "GetRegionalStatistics": (
        lambda s, m, _: s.GetRegionalStatistics(pb.GetRegionalStatisticsRequest(region_code="410102"), metadata=m),
        {"regulator": OK, "datacenter": OK},
    ),
    "ListPublishedResults": (
        lambda s, m, _: s.ListPublishedResults(pb.ListPublishedResultsRequest(region_code="4101"), metadata=m),
        dict.fromkeys(WHO, OK),  # 一公开: public to every authenticated caller
    ),
}


@pytest.mark.usefixtures("city")
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("rpc", sorted(SCOPE))
def test_each_caller_reaches_a_real_draw_and_plan_exactly_as_its_scope_allows(
    rpc: str,
    who: str,
    supervision: supervision_pb2_grpc.SupervisionServiceStub,
    tokens: dict[PrincipalKind, str],
    sdk: Dualprev,
) -> None:
    regulator = tokens[PrincipalKind.REGULATOR]
    _roster(supervision, regulator)
    drawn = supervision.DrawInspections(
        pb.DrawInspectionsRequest(region_code="4101", seed=11, draw_id="dr-scope"), metadata=bearer(regulator)
    )
    supervision.PlanSupervision(pb.PlanSupervisionRequest(region_code="4101", year=2026), metadata=bearer(regulator))
    token = {k.value: t for k, t in tokens.items()} | outsider_tokens(sdk)
    call, expected = SCOPE[rpc]
    try:
        call(supervision, bearer(token[who]), drawn.targets[0].unit)
        code = OK
    except grpc.RpcError as error:
        code = error.code()
    assert code is expected.get(who, DENIED), f"{who} calling {rpc}"
