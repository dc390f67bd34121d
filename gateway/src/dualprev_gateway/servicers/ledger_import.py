"""LedgerService.ImportLedger: a client-streamed file → ``dualprev_sdk.services.ledger_import.import_ledger``.

Why client streaming of bytes rather than a server-side path: the caller (an enterprise's ERP) has the file and
the gateway may run elsewhere with no shared disk; chunks keep every message under gRPC's 4 MB default. The
chunks are spooled to a temporary file because the SDK's readers (csv sniffing, openpyxl) want a seekable file.

Row problems are the import's *answer*, not a failure: they come back in the response, located in the caller's
own file. Only a file that cannot be read at all is INVALID_ARGUMENT (raised by the SDK).

Access: every row must belong to the unit named in ``parent`` and the caller may import into that unit
(``Capability.IMPORT_LEDGER``). The rows' units are read from the file before the import runs, so a file with
another unit's rows is refused whole, before anything is validated or written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import attrs

from dualprev_gateway import convert
from dualprev_gateway._generated.dualprev.v1 import ledger_pb2
from dualprev_gateway.auth import current_principal
from dualprev_sdk import access
from dualprev_sdk.access import Capability, Principal
from dualprev_sdk.errors import InvalidArgument, PermissionDenied
from dualprev_sdk.importing.readers import detect_format, open_ledger
from dualprev_sdk.importing.report import ImportReport
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.services.ledger_import import import_ledger

__all__ = ["MAX_IMPORT_BYTES", "MAX_LISTED", "import_ledger_call"]

#: Largest file accepted (the bench's 100k-row ledgers are ~25 MB as csv).
MAX_IMPORT_BYTES = 512 * 1024 * 1024
#: Row errors and flags listed in the response (the counts are always complete); keeps it under 4 MB.
MAX_LISTED = 5_000

_HEADER_FIELDS = ("parent", "filename", "dry_run", "skip_invalid", "sheet")


def _spool(
    principal: Principal, requests: Iterator[ledger_pb2.ImportLedgerRequest], directory: Path
) -> tuple[ledger_pb2.ImportLedgerRequest, Path]:
    """Write the chunks to ``directory``; return the first message (the header) and the file's path. Access to
    the named unit is checked on the first message, before anything else is received."""
    first: ledger_pb2.ImportLedgerRequest | None = None
    path: Path | None = None
    size = 0
    handle = None
    try:
        for index, message in enumerate(requests):
            if first is None:
                first = message
                uscc = convert.parse_unit_name(message.parent, "parent")
                access.require_capability(principal, Capability.IMPORT_LEDGER, convert.unit_name(uscc), uscc=uscc)
                name = Path(message.filename.replace("\\", "/")).name
                if not name or name in (".", "..") or "\x00" in name or len(name) > 200:
                    raise InvalidArgument.single(
                        "filename", message.filename, "filename.plain", "name the file (.csv or .xlsx)"
                    )
                path = directory / name
                try:
                    detect_format(path)  # an unknown extension is refused before any byte is spooled
                except InvalidArgument as exc:
                    raise convert.in_proto_terms(exc, "", {"filename": "path"}) from None
                handle = path.open("wb")
            else:
                for field in _HEADER_FIELDS:
                    if getattr(message, field):
                        raise InvalidArgument.single(
                            f"requests[{index}].{field}",
                            getattr(message, field),
                            "import.header.first_message",
                            "only the first message names the unit, file and options",
                        )
            size += len(message.chunk)
            if size > MAX_IMPORT_BYTES:
                raise InvalidArgument.single(
                    "chunk", size, "import.size", f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB"
                )
            assert handle is not None
            handle.write(message.chunk)
    finally:
        if handle is not None:
            handle.close()
    if first is None or path is None:
        raise InvalidArgument.single("requests", 0, "required", "send at least one message naming the unit and file")
    return first, path


def _require_rows_in_scope(principal: Principal, uscc: str, path: Path, sheet: str | None) -> None:
    """Every row names ``uscc`` (rows with no USCC are left to the import's own row checks)."""
    with open_ledger(path, sheet=sheet) as reader:
        position = reader.mapping.columns.get("unit_uscc")
        if position is None:
            return  # the import reports the missing column
        others: set[str] = set()
        for _row, cells in reader.rows():
            value = cells[position] if position < len(cells) else None
            text = "" if value is None else str(value).strip().upper()
            if text and text != uscc:
                others.add(text)
                if len(others) >= 5:
                    break
    if others:
        raise PermissionDenied(
            f"{principal} may not import rows of other units into units/{uscc}: {', '.join(sorted(others))}",
            metadata={"principal_kind": principal.kind.value, "action": Capability.IMPORT_LEDGER.value,
                      "resource": convert.unit_name(uscc)},
        )


def _without_server_paths(exc: InvalidArgument, path: Path) -> InvalidArgument:
    """The spool file's server path replaced by the client's file name in every violation value."""
    shown = [
        attrs.evolve(v, value=path.name) if isinstance(v.value, str) and str(path) in v.value else v
        for v in exc.violations
    ]
    return InvalidArgument(shown, reason=exc.reason, metadata=exc.metadata)


def report_to_proto(report: ImportReport) -> ledger_pb2.ImportLedgerResponse:
    return ledger_pb2.ImportLedgerResponse(
        format=report.format,
        dry_run=report.dry_run,
        skip_invalid=report.skip_invalid,
        committed=report.committed,
        header_row=report.header_row,
        rows_read=report.rows_read,
        rows_valid=report.rows_valid,
        rows_rejected=report.rows_rejected,
        units_created=report.units_created,
        units_updated=report.units_updated,
        units_unchanged=report.units_unchanged,
        equipment_created=report.equipment_created,
        equipment_updated=report.equipment_updated,
        equipment_unchanged=report.equipment_unchanged,
        events_emitted=report.events_emitted,
        parameter_columns=list(report.parameter_columns),
        errors=[
            ledger_pb2.ImportRowError(
                row=e.row, column=e.column, value="" if e.value is None else str(e.value), rule=e.rule, reason=e.reason
            )
            for e in report.errors[:MAX_LISTED]
        ],
        error_count=max(report.error_count, len(report.errors)),
        flags=[
            ledger_pb2.ImportRowFlag(
                row=f.row, column=f.column, value="" if f.value is None else str(f.value), flag=f.flag, note=f.note
            )
            for f in report.flags[:MAX_LISTED]
        ],
        flag_count=max(report.flag_count, len(report.flags)),
        seconds=report.seconds,
    )


def import_ledger_call(
    sdk: Dualprev, requests: Iterator[ledger_pb2.ImportLedgerRequest]
) -> ledger_pb2.ImportLedgerResponse:
    principal = current_principal()
    with tempfile.TemporaryDirectory(prefix="dualprev-import-") as directory:
        header, path = _spool(principal, requests, Path(directory))
        uscc = convert.parse_unit_name(header.parent, "parent")
        sheet = header.sheet or None
        try:
            _require_rows_in_scope(principal, uscc, path, sheet)
            report = import_ledger(sdk, path, dry_run=header.dry_run, skip_invalid=header.skip_invalid, sheet=sheet)
        except InvalidArgument as exc:  # file-level problems name the SDK's `path`; the client sent `filename`
            raise _without_server_paths(convert.in_proto_terms(exc, "", {"filename": "path"}), path) from None
    return report_to_proto(report)
