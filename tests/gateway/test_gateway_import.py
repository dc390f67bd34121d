"""LedgerService.ImportLedger over a real channel: a client-streamed csv, row errors in the answer, dry runs,
all-or-nothing, and the unit scope of every row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import ledger_pb2, ledger_pb2_grpc
from dualprev_gateway.client import error_details
from gateway_support import UNIT_A, UNIT_B, bearer

from dualprev_sdk.access import PrincipalKind
from dualprev_sdk.services.bootstrap import Dualprev

HEADINGS = (
    "使用单位名称", "统一社会信用代码", "所在地区(行政区划代码)", "设备品种(代码)", "设备代码", "使用登记证编号",
    "单位内编号", "设备名称", "投用日期", "下次检验日期",
)  # fmt: skip


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _lift(number: str, *, uscc: str = UNIT_A, catalog: str = "3110", commissioned: str = "2019-04-01") -> list[str]:
    return ["郑州示例电梯使用单位", uscc, "410102", catalog, "-", "", f"DT-{number}", f"{number}号客梯", commissioned,
            "2026-10-01"]  # fmt: skip


def _upload(
    data: bytes, *, chunk: int = 64, dry_run: bool = False, skip_invalid: bool = False
) -> Iterator[ledger_pb2.ImportLedgerRequest]:
    yield ledger_pb2.ImportLedgerRequest(
        parent=f"units/{UNIT_A}", filename="台账.csv", chunk=data[:chunk], dry_run=dry_run, skip_invalid=skip_invalid
    )
    for start in range(chunk, len(data), chunk):
        yield ledger_pb2.ImportLedgerRequest(chunk=data[start : start + chunk])


@pytest.fixture
def ledger(channel: grpc.Channel) -> ledger_pb2_grpc.LedgerServiceStub:
    return ledger_pb2_grpc.LedgerServiceStub(channel)


def _units_equipment(sdk: Dualprev) -> list[str]:
    return sorted(e.unit_internal_number for e in sdk.ledger.list_equipment(unit_uscc=UNIT_A, page_size=100).items)


def test_a_csv_streamed_in_small_chunks_is_imported_into_the_unit(
    ledger: ledger_pb2_grpc.LedgerServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    reply = ledger.ImportLedger(
        _upload(_csv([_lift("7"), _lift("8")])), metadata=bearer(tokens[PrincipalKind.ENTERPRISE]), timeout=30
    )
    assert (reply.committed, reply.format, reply.rows_read, reply.rows_valid) == (True, "csv", 2, 2)
    assert reply.equipment_created == 2
    assert reply.error_count == 0
    assert {"DT-7", "DT-8"} <= set(_units_equipment(sdk))


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(
    ledger: ledger_pb2_grpc.LedgerServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    before = _units_equipment(sdk)
    reply = ledger.ImportLedger(
        _upload(_csv([_lift("7")]), dry_run=True), metadata=bearer(tokens[PrincipalKind.ENTERPRISE]), timeout=30
    )
    assert reply.dry_run
    assert not reply.committed
    assert (reply.rows_valid, reply.equipment_created) == (1, 1)
    assert _units_equipment(sdk) == before


def test_every_bad_row_comes_back_located_in_the_file_and_nothing_is_written(
    ledger: ledger_pb2_grpc.LedgerServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    before = _units_equipment(sdk)
    rows = [_lift("7"), _lift("8", catalog="9999"), _lift("9", commissioned="2019-02-30")]
    reply = ledger.ImportLedger(_upload(_csv(rows)), metadata=bearer(tokens[PrincipalKind.ENTERPRISE]), timeout=30)
    assert not reply.committed
    assert reply.rows_rejected == 2
    assert reply.error_count == len(reply.errors) >= 2
    located = {(e.row, e.column) for e in reply.errors}
    assert (3, "设备品种(代码)") in located, "row 3 of the file (after the heading row) has the unknown code"
    assert (4, "投用日期") in located
    assert all(e.rule and e.reason for e in reply.errors)
    assert _units_equipment(sdk) == before


def test_skip_invalid_imports_the_good_rows_and_lists_the_others(
    ledger: ledger_pb2_grpc.LedgerServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    rows = [_lift("7"), _lift("8", commissioned="2019-02-30")]
    reply = ledger.ImportLedger(
        _upload(_csv(rows), skip_invalid=True), metadata=bearer(tokens[PrincipalKind.ENTERPRISE]), timeout=30
    )
    assert reply.committed
    assert reply.rows_valid == 1
    assert reply.rows_rejected == 1
    assert [e.row for e in reply.errors] == [3]
    assert "DT-7" in _units_equipment(sdk)
    assert "DT-8" not in _units_equipment(sdk)


def test_a_file_with_another_units_rows_is_refused_whole(
    ledger: ledger_pb2_grpc.LedgerServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    before = _units_equipment(sdk)
    with pytest.raises(grpc.RpcError) as refused:
        ledger.ImportLedger(
            _upload(_csv([_lift("7"), _lift("8", uscc=UNIT_B)])),
            metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
            timeout=30,
        )
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert UNIT_B in (refused.value.details() or "")
    assert _units_equipment(sdk) == before


@pytest.mark.parametrize("kind", [PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER])
def test_only_the_unit_itself_imports_its_ledger(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str], kind: PrincipalKind
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        ledger.ImportLedger(_upload(_csv([_lift("7")]), dry_run=True), metadata=bearer(tokens[kind]), timeout=30)
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize(
    ("requests", "field"),
    [
        ([ledger_pb2.ImportLedgerRequest(parent=f"units/{UNIT_A}", filename="台账.xls", chunk=b"x")], "filename"),
        ([ledger_pb2.ImportLedgerRequest(parent=f"units/{UNIT_A}", chunk=b"x")], "filename"),
        ([ledger_pb2.ImportLedgerRequest(parent="units/", filename="a.csv")], "parent"),
        (
            [
                ledger_pb2.ImportLedgerRequest(parent=f"units/{UNIT_A}", filename="a.csv", chunk=b"a"),
                ledger_pb2.ImportLedgerRequest(dry_run=True, chunk=b"b"),
            ],
            "requests[1].dry_run",
        ),
        ([ledger_pb2.ImportLedgerRequest(parent=f"units/{UNIT_A}", filename="a.csv", chunk="名称\n".encode())], None),
    ],
    ids=["xls", "no filename", "bad parent", "options after the first message", "no heading row"],
)
def test_an_upload_that_cannot_be_read_is_invalid_argument_naming_the_field(
    ledger: ledger_pb2_grpc.LedgerServiceStub,
    tokens: dict[PrincipalKind, str],
    requests: list[ledger_pb2.ImportLedgerRequest],
    field: str | None,
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        ledger.ImportLedger(iter(requests), metadata=bearer(tokens[PrincipalKind.ENTERPRISE]), timeout=30)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    if field is not None:
        assert field in [name for name, _ in error_details(refused.value).field_violations]


def test_an_empty_upload_is_invalid_argument(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        ledger.ImportLedger(iter(()), metadata=bearer(tokens[PrincipalKind.ENTERPRISE]), timeout=30)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
