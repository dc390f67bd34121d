"""Authorization matrix rows of the equipment-event RPCs (LedgerService's lifecycle custom methods).

``test_gateway_authorization_matrix`` adds these to its MATRIX (every RPC × every principal kind), kept apart like
``operations_matrix`` so services added at the same time do not edit one table. The seed's ``ea1`` is in use and
inspected by the agency: only the unit records its events; everyone who may read the equipment (the agency
included) lists them and asks whether it is usable. An expected code other than PERMISSION_DENIED for the unit
(FAILED_PRECONDITION, NOT_FOUND) proves the call got past authorization and was refused by the domain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import grpc
from dualprev_gateway._generated.dualprev.v1 import common_pb2, ledger_pb2
from gateway_support import UNIT_A
from google.protobuf import message, timestamp_pb2

from dualprev_sdk.access import PrincipalKind

OK, DENIED = grpc.StatusCode.OK, grpc.StatusCode.PERMISSION_DENIED
E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
LIFT = f"units/{UNIT_A}/equipment/ea1"
NO_EVENT = f"{LIFT}/events/EE-not-in-the-seed"
ONLY_THE_UNIT = {E: OK, R: DENIED, A: DENIED, D: DENIED}
EQUIPMENT_READERS = {E: OK, R: OK, A: OK, D: OK}  # the agency inspects ea1


def _an_hour_ago() -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    return stamp


LIFECYCLE_MATRIX: dict[str, tuple[Callable[[], message.Message], dict[PrincipalKind, grpc.StatusCode]]] = {
    "/dualprev.v1.LedgerService/RecordAccident": (
        lambda: ledger_pb2.RecordAccidentRequest(
            name=LIFT,
            accident=ledger_pb2.EquipmentAccident(
                occurred_at=_an_hour_ago(),
                severity=ledger_pb2.ACCIDENT_SEVERITY_GENERAL,
                description="轿厢困人",
            ),
            actor="安全员张三",
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.LedgerService/RecordMajorRepair": (
        lambda: ledger_pb2.RecordMajorRepairRequest(
            name=LIFT, work=ledger_pb2.EquipmentWork(contractor="某电梯维修公司")
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.LedgerService/RecordAlteration": (
        lambda: ledger_pb2.RecordAlterationRequest(
            name=LIFT, work=ledger_pb2.EquipmentWork(contractor="某电梯改造公司")
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.LedgerService/RelocateEquipment": (
        lambda: ledger_pb2.RelocateEquipmentRequest(
            name=LIFT,
            relocation=ledger_pb2.EquipmentRelocation(to_location=common_pb2.Location(building="二号楼")),
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.LedgerService/SuspendEquipment": (
        lambda: ledger_pb2.SuspendEquipmentRequest(
            name=LIFT, suspension=ledger_pb2.EquipmentSuspension(reason="停产检修")
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.LedgerService/RestartEquipment": (
        lambda: ledger_pb2.RestartEquipmentRequest(
            name=LIFT, restart=ledger_pb2.EquipmentRestart(self_check_done=True)
        ),
        # ea1 is in use: the unit gets past authorization and the status machine refuses
        {E: grpc.StatusCode.FAILED_PRECONDITION, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.LedgerService/ScrapEquipment": (
        lambda: ledger_pb2.ScrapEquipmentRequest(
            name=LIFT, scrapping=ledger_pb2.EquipmentScrapping(reason="超过设计使用年限")
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.LedgerService/TransferEquipment": (
        lambda: ledger_pb2.TransferEquipmentRequest(
            name=LIFT, transfer=ledger_pb2.EquipmentTransfer(to_unit_name="郑州某物业公司")
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.LedgerService/RectifyAccident": (
        lambda: ledger_pb2.RectifyAccidentRequest(name=NO_EVENT),
        {E: grpc.StatusCode.NOT_FOUND, R: DENIED, A: DENIED, D: DENIED},  # decided from the name first
    ),
    "/dualprev.v1.LedgerService/RecordChangeRegistration": (
        lambda: ledger_pb2.RecordChangeRegistrationRequest(name=NO_EVENT),
        {E: grpc.StatusCode.NOT_FOUND, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.LedgerService/ListEquipmentEvents": (
        lambda: ledger_pb2.ListEquipmentEventsRequest(parent=LIFT),
        EQUIPMENT_READERS,
    ),
    "/dualprev.v1.LedgerService/GetEquipmentUsability": (
        lambda: ledger_pb2.GetEquipmentUsabilityRequest(name=f"{LIFT}/usability"),
        EQUIPMENT_READERS,
    ),
}
