"""Authorization matrix rows of the ledger import, risk, inspection, duty and personnel RPCs.

``test_gateway_authorization_matrix`` adds these to its MATRIX (every RPC × every principal kind); kept apart
from ``gateway_support`` so the services added at the same time do not edit one table. A client-streaming RPC
is called with one message, which is what a unary call puts on the wire.
"""

from __future__ import annotations

from collections.abc import Callable

import grpc
from dualprev_gateway._generated.dualprev.v1 import ledger_pb2
from gateway_support import UNIT_A
from google.protobuf import message

from dualprev_sdk.access import PrincipalKind

OK, DENIED = grpc.StatusCode.OK, grpc.StatusCode.PERMISSION_DENIED
E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
UNIT = f"units/{UNIT_A}"
LIFT = f"{UNIT}/equipment/ea1"

_LEDGER_CSV = (
    "使用单位名称,统一社会信用代码,所在地区(行政区划代码),设备品种(代码),单位内编号,设备名称\n"
    f"郑州示例电梯使用单位,{UNIT_A},410102,3110,DT-9,9号客梯\n"
).encode()

OPERATIONS_MATRIX: dict[str, tuple[Callable[[], message.Message], dict[PrincipalKind, grpc.StatusCode]]] = {
    "/dualprev.v1.LedgerService/ImportLedger": (
        lambda: ledger_pb2.ImportLedgerRequest(parent=UNIT, filename="台账.csv", dry_run=True, chunk=_LEDGER_CSV),
        {E: OK, R: DENIED, A: DENIED, D: DENIED},
    ),
}
