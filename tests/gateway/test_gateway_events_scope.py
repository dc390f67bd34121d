"""WatchEvents is scoped: every principal receives exactly the events of its scope, over a real loopback server.

The expected sets come from an oracle written here from what the test itself created (which unit and which
equipment each resource belongs to), not from the outbox's own scope columns, so a wrong placement fails.
Two units in two regions: UNIT_A (郑州 410102, lift ``ea1`` inspected by agency AG1, every seeded hazard) and
UNIT_B (开封 410202, lift ``eb1``); plus a cylinder event no unit owns (data centre only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs
import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import events_pb2, events_pb2_grpc
from dualprev_gateway.config import GatewayConfig
from dualprev_gateway.server import build_gateway
from gateway_support import AGENCY, UNIT_A, UNIT_B, bearer, outsider_tokens

from dualprev_sdk import access
from dualprev_sdk.access import PrincipalKind, issue_api_key
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.hazard import HazardSource
from dualprev_sdk.services import hazards as hazard_use_cases
from dualprev_sdk.services.bootstrap import Dualprev

REGION = {UNIT_A: "410102", UNIT_B: "410202"}


@attrs.frozen
class Owner:
    uscc: str | None
    equipment: str | None = None


def _owner(resource: str, equipment_units: dict[str, str], hazard_equipment: dict[str, str]) -> Owner:
    kind, _, key = resource.partition("/")
    if kind == "units":
        return Owner(key)
    if kind == "equipment":
        return Owner(equipment_units[key], key)
    if kind == "hazards":
        equipment = hazard_equipment.get(key, "ea1")  # every seeded hazard is on ea1
        return Owner(equipment_units[equipment], equipment)
    if kind == "cylinders":
        return Owner(None)
    raise AssertionError(f"the oracle does not know {resource}: extend it when the seed grows")


@pytest.fixture
def stub(sdk: Dualprev) -> Iterator[events_pb2_grpc.EventServiceStub]:
    """A server with batches of 3, so every catch-up crosses pages that mix scopes."""
    config = GatewayConfig(address="127.0.0.1:0", max_workers=4, events_poll_seconds=0.05, events_batch=3)
    gateway = build_gateway(config, sdk=sdk)
    gateway.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{gateway.port}") as channel:
            yield events_pb2_grpc.EventServiceStub(channel)
    finally:
        gateway.stop(None).wait()


def _issue(sdk: Dualprev, kind: PrincipalKind, scope: str) -> str:
    issued = issue_api_key(kind, scope, label=f"scope test {kind.value} {scope}")
    with sdk.uow() as uow:
        uow.api_keys.add(issued.key)
        uow.commit()
    return issued.token


def _write_mixed_events(sdk: Dualprev) -> tuple[dict[str, str], dict[str, str]]:
    """Interleaved changes of both units and one unowned event; returns (equipment → unit, hazard → equipment)."""
    equipment_units = {"ea1": UNIT_A, "eb1": UNIT_B}
    for i in range(4):
        for uscc, tag in ((UNIT_A, "a"), (UNIT_B, "b")):
            sdk.ledger.create_equipment(Equipment(id=f"{tag}{i}", unit_uscc=uscc, catalog_code="3110"))
            equipment_units[f"{tag}{i}"] = uscc
    hazard_use_cases.report_hazard(
        sdk,
        unit_uscc=UNIT_B,
        equipment_id="eb1",
        source=HazardSource.DAILY_CHECK,
        source_reference="日检-B",
        description="扶梯梳齿板断齿",
        found_on=dt.date(2026, 3, 2),
        finder="王五",
        actor="test",
        hazard_id="hz-b",
    )
    with sdk.uow() as uow:
        uow.emit("cylinder.filled", "cylinders/T-1", {"station_uscc": UNIT_A})
        uow.commit()
    return equipment_units, {"hz-b": "eb1"}


def _watch(stub: events_pb2_grpc.EventServiceStub, token: str, cursor: str = "") -> list[events_pb2.Event]:
    return list(stub.WatchEvents(events_pb2.WatchEventsRequest(cursor=cursor), metadata=bearer(token), timeout=10))


def test_every_principal_receives_exactly_the_events_of_its_scope(
    stub: events_pb2_grpc.EventServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    equipment_units, hazard_equipment = _write_mixed_events(sdk)
    outsiders = outsider_tokens(sdk)
    everything = _watch(stub, tokens[PrincipalKind.DATACENTER])
    assert [e.cursor for e in everything] == [
        e.cursor for e in _watch(stub, _issue(sdk, PrincipalKind.DATACENTER, "*"))
    ]
    owners = {e.cursor: _owner(e.subject, equipment_units, hazard_equipment) for e in everything}
    assert len(everything) == len(sdk.read_events(limit=10_000)), "the data centre receives every event"

    def expected(keep: object) -> list[str]:
        assert callable(keep)
        return [e.cursor for e in everything if keep(owners[e.cursor])]

    inspected_by_ag1 = {"ea1"}  # the seed's only inspection record: insp-1 by AG1 on ea1
    cases = {
        "enterprise A": (tokens[PrincipalKind.ENTERPRISE], expected(lambda o: o.uscc == UNIT_A)),
        "enterprise B": (outsiders["enterprise-B"], expected(lambda o: o.uscc == UNIT_B)),
        "regulator 4101 (郑州)": (tokens[PrincipalKind.REGULATOR], expected(lambda o: o.uscc == UNIT_A)),
        "regulator 4102 (开封)": (outsiders["regulator-4102"], expected(lambda o: o.uscc == UNIT_B)),
        "regulator 41 (河南)": (_issue(sdk, PrincipalKind.REGULATOR, "41"), expected(lambda o: o.uscc is not None)),
        "regulator 4201 (武汉)": (_issue(sdk, PrincipalKind.REGULATOR, "4201"), []),
        f"agency {AGENCY}": (tokens[PrincipalKind.AGENCY], expected(lambda o: o.equipment in inspected_by_ag1)),
        "agency AG2 (inspects nothing)": (_issue(sdk, PrincipalKind.AGENCY, "AG2"), []),
    }
    for label, (token, cursors) in cases.items():
        received = [e.cursor for e in _watch(stub, token)]
        assert received == cursors, label
    # the cases are not vacuous: each non-empty scope has events, and none of them has everything
    for label, (_, cursors) in cases.items():
        assert len(cursors) < len(everything), label
    assert all(cases[label][1] for label in ("enterprise A", "enterprise B", f"agency {AGENCY}"))
    assert {e.type for e in everything if owners[e.cursor].uscc is None} == {"cylinder.filled"}


def test_a_scoped_consumer_that_reconnects_from_its_last_cursor_misses_nothing_and_sees_nothing_twice(
    stub: events_pb2_grpc.EventServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    token = tokens[PrincipalKind.REGULATOR]  # 郑州: UNIT_A's events only
    _write_mixed_events(sdk)
    first_part: list[events_pb2.Event] = []
    stream = stub.WatchEvents(events_pb2.WatchEventsRequest(follow=True), metadata=bearer(token), timeout=10)
    for event in stream:
        first_part.append(event)
        if len(first_part) == 4:
            stream.cancel()  # the connection drops mid-stream
            break
    for i in range(3):  # written while the consumer was away, both regions
        sdk.ledger.create_equipment(Equipment(id=f"late-b{i}", unit_uscc=UNIT_B, catalog_code="3110"))
        sdk.ledger.create_equipment(Equipment(id=f"late-a{i}", unit_uscc=UNIT_A, catalog_code="3110"))
    resumed = _watch(stub, token, cursor=first_part[-1].cursor)

    seen = [e.cursor for e in (*first_part, *resumed)]
    assert len(seen) == len(set(seen)), "no duplicates"
    assert seen == [e.cursor for e in _watch(stub, token)], "no gaps"
    assert [e.subject for e in resumed[-3:]] == [f"equipment/late-a{i}" for i in range(3)]
    assert not any(e.subject.startswith("equipment/late-b") for e in resumed)


def test_a_following_scoped_stream_delivers_only_new_events_of_its_scope(
    stub: events_pb2_grpc.EventServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    token = tokens[PrincipalKind.ENTERPRISE]
    last = _watch(stub, token)[-1].cursor
    stream = stub.WatchEvents(
        events_pb2.WatchEventsRequest(cursor=last, follow=True), metadata=bearer(token), timeout=10
    )
    for i in range(5):  # the other unit is busy first: the stream must pass its rows without delivering them
        sdk.ledger.create_equipment(Equipment(id=f"busy-b{i}", unit_uscc=UNIT_B, catalog_code="3110"))
    sdk.ledger.create_equipment(Equipment(id="mine", unit_uscc=UNIT_A, catalog_code="3110"))
    first = next(stream)
    stream.cancel()
    assert (first.type, first.subject) == ("equipment.created", "equipment/mine")


def test_a_kind_taken_out_of_the_event_policy_is_refused(
    stub: events_pb2_grpc.EventServiceStub, tokens: dict[PrincipalKind, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """EVENT_WATCHERS is the policy as data: removing a kind shuts it out with PERMISSION_DENIED."""
    monkeypatch.setattr(access, "EVENT_WATCHERS", frozenset(PrincipalKind) - {PrincipalKind.AGENCY})
    with pytest.raises(grpc.RpcError) as denied:
        _watch(stub, tokens[PrincipalKind.AGENCY])
    assert denied.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert _watch(stub, tokens[PrincipalKind.ENTERPRISE])
