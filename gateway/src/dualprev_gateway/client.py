"""A small Python client: a channel that sends the API key on every call, the service stubs, and error details.

    from dualprev_gateway.client import connect, error_details

    with connect("127.0.0.1:50051", api_key) as client:
        unit = client.ledger.GetUnit(ledger_pb2.GetUnitRequest(name="units/91410102MA9000003Q"))
        try:
            client.ledger.CreateEquipment(...)
        except grpc.RpcError as error:
            details = error_details(error)      # reason, metadata, field violations

The key goes in as metadata through a client interceptor rather than call credentials, because gRPC only
allows call credentials on secure channels and the gateway may run in plaintext behind a TLS terminator.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import attrs
import grpc
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2_grpc
from grpc_status import rpc_status

from dualprev_gateway._generated.dualprev.v1 import (
    events_pb2_grpc,
    hazards_pb2_grpc,
    ledger_pb2_grpc,
    plugins_pb2_grpc,
)

__all__ = ["Client", "ErrorDetails", "connect", "error_details"]


class _CallDetails(
    collections.namedtuple(
        "_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")
    ),
    grpc.ClientCallDetails,
):
    """ClientCallDetails with the extra metadata added."""


class _Metadata(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """Adds fixed metadata (the bearer key) to every outgoing call."""

    def __init__(self, metadata: tuple[tuple[str, str], ...]) -> None:
        self._metadata = metadata

    def _details(self, details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        return _CallDetails(
            details.method,
            details.timeout,
            (*(details.metadata or ()), *self._metadata),
            details.credentials,
            getattr(details, "wait_for_ready", None),
            getattr(details, "compression", None),
        )

    def intercept_unary_unary(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
        return continuation(self._details(details), request)


class Client:
    """The gateway's services on one channel."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.channel = channel
        self.ledger = ledger_pb2_grpc.LedgerServiceStub(channel)
        self.hazards = hazards_pb2_grpc.HazardServiceStub(channel)
        self.plugins = plugins_pb2_grpc.PluginServiceStub(channel)
        self.events = events_pb2_grpc.EventServiceStub(channel)
        self.health = health_pb2_grpc.HealthStub(channel)

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def connect(
    target: str,
    api_key: str,
    *,
    root_certificates: bytes | None = None,
    private_key: bytes | None = None,
    certificate_chain: bytes | None = None,
) -> Client:
    """A client for ``target`` (``host:port``); TLS when ``root_certificates`` is given (mTLS with a key and
    chain too)."""
    if root_certificates is None:
        channel = grpc.insecure_channel(target)
    else:
        credentials = grpc.ssl_channel_credentials(root_certificates, private_key, certificate_chain)
        channel = grpc.secure_channel(target, credentials)
    authorised = grpc.intercept_channel(channel, _Metadata((("authorization", f"Bearer {api_key}"),)))
    return Client(authorised)


@attrs.frozen(kw_only=True)
class ErrorDetails:
    """What a failed call said, in the AIP-193 terms the gateway uses."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    domain: str = ""
    metadata: dict[str, str] = attrs.field(factory=dict)
    field_violations: tuple[tuple[str, str], ...] = ()  # (field, description)

    @property
    def request_id(self) -> str:
        return self.metadata.get("request_id", "")


def error_details(error: grpc.RpcError) -> ErrorDetails:
    """Unpack ``grpc-status-details-bin`` (ErrorInfo, BadRequest) of a failed call."""
    code: grpc.StatusCode = error.code()
    message: str = error.details() or ""
    status = rpc_status.from_call(error)
    if status is None:
        return ErrorDetails(code=code, message=message)
    info = error_details_pb2.ErrorInfo()
    bad = error_details_pb2.BadRequest()
    found_info = found_bad = False
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            found_info = detail.Unpack(info)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            found_bad = detail.Unpack(bad)
    return ErrorDetails(
        code=code,
        message=status.message,
        reason=info.reason if found_info else "",
        domain=info.domain if found_info else "",
        metadata=dict(info.metadata) if found_info else {},
        field_violations=tuple((v.field, v.description) for v in bad.field_violations) if found_bad else (),
    )
