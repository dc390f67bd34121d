"""THE one place where errors become gRPC statuses (AIP-193).

Every handler runs inside :func:`guarded` (installed by the request-id interceptor), so:

- an SDK error (:class:`dualprev_sdk.DualprevError`) becomes a ``google.rpc.Status`` with the canonical code
  for its kind, an ``ErrorInfo`` (reason, domain ``dualprev.dev``, metadata) and, for ``InvalidArgument``, a
  ``BadRequest`` listing every field violation; clients read it with ``grpc_status.rpc_status.from_call``;
- anything else becomes INTERNAL with only the request id in the message: the traceback goes to the log
  under that request id and never to the client.

Servicers therefore never call ``context.abort`` themselves; they raise.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import attrs
import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

from dualprev_sdk.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    DualprevError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)

__all__ = [
    "ERROR_DOMAIN",
    "REQUEST_ID_KEY",
    "ResourceExhausted",
    "Unauthenticated",
    "grpc_code_for",
    "rich_status",
    "status_for_exception",
    "to_rpc_status",
]

ERROR_DOMAIN = "dualprev.dev"
REQUEST_ID_KEY = "x-request-id"
_DETAILS_KEY = "grpc-status-details-bin"
_MAX_VALUE_CHARS = 200

log = logging.getLogger("dualprev_gateway.status")


class Unauthenticated(DualprevError):
    """No, malformed, unknown or revoked credentials (a gateway concern: the SDK has no notion of callers)."""

    reason = "UNAUTHENTICATED"


class ResourceExhausted(DualprevError):
    """A server-side limit is reached (e.g. too many following event streams); retry later with backoff."""

    reason = "RESOURCE_EXHAUSTED"


# Order matters: the first matching class wins, so subclasses come before their bases.
_CODES: Sequence[tuple[type[DualprevError], code_pb2.Code.ValueType]] = (
    (InvalidArgument, code_pb2.INVALID_ARGUMENT),
    (NotFound, code_pb2.NOT_FOUND),
    (AlreadyExists, code_pb2.ALREADY_EXISTS),
    (ConcurrencyConflict, code_pb2.ABORTED),
    (FailedPrecondition, code_pb2.FAILED_PRECONDITION),
    (PermissionDenied, code_pb2.PERMISSION_DENIED),
    (Unauthenticated, code_pb2.UNAUTHENTICATED),
    (ResourceExhausted, code_pb2.RESOURCE_EXHAUSTED),
)


def grpc_code_for(exc: DualprevError) -> code_pb2.Code.ValueType:
    """The canonical code for an SDK error kind; an unknown kind (a plugin's own subclass of the base) is
    FAILED_PRECONDITION: the request was understood but the system refused it."""
    for kind, code in _CODES:
        if isinstance(exc, kind):
            return code
    return code_pb2.FAILED_PRECONDITION


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


def to_rpc_status(exc: DualprevError, *, request_id: str = "") -> status_pb2.Status:
    """``google.rpc.Status`` for an SDK error: ErrorInfo always, BadRequest for invalid arguments."""
    metadata = {k: _shown(v) for k, v in exc.metadata.items()}
    if request_id:
        metadata["request_id"] = request_id
    details: list[any_pb2.Any] = []
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason=exc.reason, domain=ERROR_DOMAIN, metadata=metadata))
    details.append(info)
    if isinstance(exc, InvalidArgument):
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field=v.field,
                    description=f"{v.message} (value {_shown(v.value)}, rule {v.rule})",
                    reason=v.rule,
                )
                for v in exc.violations
            ]
        )
        packed = any_pb2.Any()
        packed.Pack(bad_request)
        details.append(packed)
    return status_pb2.Status(code=grpc_code_for(exc), message=exc.message, details=details)


@attrs.frozen
class _Status(grpc.Status):
    """A concrete ``grpc.Status`` (the interface has no public implementation)."""

    code: grpc.StatusCode
    details: str
    trailing_metadata: tuple[tuple[str, str | bytes], ...]


_BY_VALUE = {c.value[0]: c for c in grpc.StatusCode}


def rich_status(status: status_pb2.Status, *, request_id: str = "") -> grpc.Status:
    """A ``grpc.Status`` carrying ``status`` in ``grpc-status-details-bin`` plus the request id, which
    ``abort_with_status`` would otherwise drop from the trailers."""
    trailers: list[tuple[str, str | bytes]] = [(_DETAILS_KEY, status.SerializeToString())]
    if request_id:
        trailers.append((REQUEST_ID_KEY, request_id))
    return _Status(code=_BY_VALUE[status.code], details=status.message, trailing_metadata=tuple(trailers))


def status_for_exception(exc: BaseException, *, request_id: str, method: str) -> grpc.Status:
    """Map any exception to the status the client sees, logging what the client must not see."""
    if isinstance(exc, DualprevError):
        status = to_rpc_status(exc, request_id=request_id)
        log.info(
            "request failed",
            extra={"fields": {"request_id": request_id, "method": method, "code": _BY_VALUE[status.code].name,
                              "reason": exc.reason, "error": exc.message}},
        )
        return rich_status(status, request_id=request_id)
    log.error(
        "unexpected error",
        exc_info=exc,
        extra={"fields": {"request_id": request_id, "method": method, "code": "INTERNAL"}},
    )
    info = any_pb2.Any()
    info.Pack(
        error_details_pb2.ErrorInfo(reason="INTERNAL", domain=ERROR_DOMAIN, metadata={"request_id": request_id})
    )
    status = status_pb2.Status(
        code=code_pb2.INTERNAL,
        message=f"internal error; quote request id {request_id} to the operator",
        details=[info],
    )
    return rich_status(status, request_id=request_id)
