"""Server interceptors: request ids (+ access log + error mapping) here, authentication in :mod:`auth`.

grpcio's server interceptor API hands us the method's handler; to run code *around* the call (and around every
item of a response stream) we rebuild the handler with a wrapped behaviour. :func:`wrap_handler` does that for
all four call shapes so each interceptor only writes the wrapper once.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, cast

import grpc

from dualprev_gateway.status import REQUEST_ID_KEY, status_for_exception

__all__ = ["RequestIdInterceptor", "annotate_call", "current_request_id", "metadata_value", "wrap_handler"]

log = logging.getLogger("dualprev_gateway.access")

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("dualprev_request_id", default="")
_call_fields: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "dualprev_call_fields", default=None
)
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

Behavior = Callable[[Any, grpc.ServicerContext], Any]
Wrapper = Callable[[Behavior, bool], Behavior]


def annotate_call(**fields: Any) -> None:
    """Add fields to the current call's access-log line (the auth interceptor records who called)."""
    current = _call_fields.get()
    if current is not None:
        current.update(fields)


def current_request_id() -> str:
    """The id of the request being handled on this thread ("" outside a call)."""
    return _request_id.get()


def metadata_value(metadata: Any, key: str) -> str | None:
    for item in metadata or ():
        if item[0] == key:
            value = item[1]
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def wrap_handler(handler: grpc.RpcMethodHandler[Any, Any], wrapper: Wrapper) -> grpc.RpcMethodHandler[Any, Any]:
    """The same handler with its behaviour replaced by ``wrapper(behaviour, response_streaming)``."""
    if handler.unary_unary is not None:
        factory: Any = grpc.unary_unary_rpc_method_handler
        behavior = wrapper(handler.unary_unary, False)
    elif handler.unary_stream is not None:
        factory = grpc.unary_stream_rpc_method_handler
        behavior = wrapper(handler.unary_stream, True)
    elif handler.stream_unary is not None:
        factory = grpc.stream_unary_rpc_method_handler
        behavior = wrapper(cast(Behavior, handler.stream_unary), False)
    else:
        factory = grpc.stream_stream_rpc_method_handler
        behavior = wrapper(cast(Behavior, handler.stream_stream), True)
    return factory(  # type: ignore[no-any-return]
        behavior, request_deserializer=handler.request_deserializer, response_serializer=handler.response_serializer
    )


class RequestIdInterceptor(grpc.ServerInterceptor):
    """Outermost interceptor: a request id for every call, one access-log line, and error mapping.

    The id comes from the client's ``x-request-id`` metadata when it is sane (1–128 of ``A-Za-z0-9._:-``),
    else a fresh UUID; it is echoed in the trailing metadata on success and failure alike, and appears in
    every log line and in the ``ErrorInfo`` of failures, so a support request can quote it.
    """

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[Any, Any] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        given = metadata_value(handler_call_details.invocation_metadata, REQUEST_ID_KEY)
        request_id = given if given is not None and _VALID_REQUEST_ID.match(given) else uuid.uuid4().hex

        def wrapper(behavior: Behavior, streaming: bool) -> Behavior:
            if streaming:

                def stream(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                    token = _request_id.set(request_id)
                    fields: dict[str, Any] = {}
                    fields_token = _call_fields.set(fields)
                    started = time.perf_counter()
                    sent = 0
                    context.set_trailing_metadata(((REQUEST_ID_KEY, request_id),))
                    try:
                        for item in behavior(request, context):
                            sent += 1
                            yield item
                    except Exception as exc:
                        _fail(context, exc, request_id, method, started, extra=fields)
                    else:
                        _done(request_id, method, started, sent, fields)
                    finally:
                        _call_fields.reset(fields_token)
                        _request_id.reset(token)

                return stream

            def unary(request: Any, context: grpc.ServicerContext) -> Any:
                token = _request_id.set(request_id)
                fields: dict[str, Any] = {}
                fields_token = _call_fields.set(fields)
                started = time.perf_counter()
                context.set_trailing_metadata(((REQUEST_ID_KEY, request_id),))
                try:
                    response = behavior(request, context)
                except Exception as exc:
                    _fail(context, exc, request_id, method, started, extra=fields)
                    return None
                else:
                    _done(request_id, method, started, None, fields)
                    return response
                finally:
                    _call_fields.reset(fields_token)
                    _request_id.reset(token)

            return unary

        return wrap_handler(handler, wrapper)


def _already_aborted(context: grpc.ServicerContext) -> bool:
    code = context.code()  # type: ignore[attr-defined]
    return code is not None and code != grpc.StatusCode.OK


def _fail(
    context: grpc.ServicerContext,
    exc: Exception,
    request_id: str,
    method: str,
    started: float,
    *,
    extra: dict[str, Any],
) -> None:
    if _already_aborted(context):  # a handler (e.g. grpc's own reflection) aborted on purpose
        raise exc
    status = status_for_exception(exc, request_id=request_id, method=method)
    fields: dict[str, Any] = {
        "request_id": request_id,
        "method": method,
        "code": status.code.name,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        **extra,
    }
    log.info("call", extra={"fields": fields})
    context.abort_with_status(status)


def _done(request_id: str, method: str, started: float, sent: int | None, extra: dict[str, Any]) -> None:
    fields: dict[str, Any] = {
        "request_id": request_id,
        "method": method,
        "code": "OK",
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        **extra,
    }
    if sent is not None:
        fields["messages_sent"] = sent
    log.info("call", extra={"fields": fields})
