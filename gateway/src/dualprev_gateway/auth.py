"""Authentication: ``authorization: Bearer <api key>`` → :class:`dualprev_sdk.access.Principal`.

The interceptor only answers "who is calling"; what that caller may do is decided by
``dualprev_sdk.access.require_*`` inside the servicers, because it depends on the resource (its region, its
inspecting agency) which only the SDK can look up. Health checking and reflection are public so load balancers
and tools like grpcurl work without a key.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Collection, Iterator
from typing import Any

import grpc
from cachetools import TTLCache

from dualprev_gateway.interceptors import Behavior, annotate_call, metadata_value, wrap_handler
from dualprev_gateway.status import Unauthenticated
from dualprev_sdk.access import ApiKey, ApiKeySource, Principal, authenticate

__all__ = ["PUBLIC_SERVICES", "AuthInterceptor", "CachedApiKeys", "current_principal"]

#: Services callable without a key.
PUBLIC_SERVICES: frozenset[str] = frozenset(
    {
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
        "grpc.reflection.v1.ServerReflection",
    }
)

_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("dualprev_principal", default=None)


def current_principal() -> Principal:
    """The authenticated caller of the current call; servicers call this first."""
    principal = _principal.get()
    if principal is None:  # only reachable if a business service were registered as public by mistake
        raise Unauthenticated("this call needs an API key: send metadata `authorization: Bearer <key>`")
    return principal


class CachedApiKeys:
    """An :class:`ApiKeySource` that remembers found keys for ``ttl`` seconds.

    Every call authenticates, and a store lookup (a unit of work and a query) cost as much as the business read
    itself under load (bench/bench_gateway_load.py). Only the stored *record* is cached, never the decision: the
    secret is still hashed and compared on every call, so a wrong secret for a cached key id fails as before.
    Unknown ids are not cached (a key issued a moment ago works at once); a revoked key stops working within
    ``ttl`` seconds. Bounded: the least recently used ids are forgotten first.
    """

    def __init__(self, keys: ApiKeySource, *, ttl: float = 5.0, capacity: int = 10_000) -> None:
        self._keys = keys
        self._items: TTLCache[str, ApiKey] = TTLCache(capacity, ttl)
        self._lock = threading.Lock()  # cachetools caches are not thread-safe; reads reorder the LRU

    def find(self, key_id: str) -> ApiKey | None:
        with self._lock:
            cached = self._items.get(key_id)
        if cached is not None:
            return cached
        key = self._keys.find(key_id)
        with self._lock:
            if key is None:
                self._items.pop(key_id, None)
            else:
                self._items[key_id] = key
        return key


def _service_of(method: str) -> str:
    """``/dualprev.v1.LedgerService/GetUnit`` → ``dualprev.v1.LedgerService``."""
    return method.lstrip("/").split("/", 1)[0]


class AuthInterceptor(grpc.ServerInterceptor):
    """Resolve the bearer key of every non-public call; reject the call (UNAUTHENTICATED) when it fails."""

    def __init__(self, keys: ApiKeySource, *, public_services: Collection[str] = PUBLIC_SERVICES) -> None:
        self._keys = keys
        self._public = frozenset(public_services)

    def _principal_for(self, metadata: Any) -> Principal:
        header = metadata_value(metadata, "authorization")
        if header is None:
            raise Unauthenticated("missing `authorization: Bearer <api key>` metadata")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("the authorization metadata must be `Bearer <api key>`")
        principal = authenticate(token.strip(), self._keys)
        if principal is None:
            raise Unauthenticated("the API key is not valid (unknown, revoked or mistyped)")
        annotate_call(principal=str(principal), key_id=principal.key_id)  # who did it, in the access log
        return principal

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[Any, Any] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = continuation(handler_call_details)
        if handler is None or _service_of(handler_call_details.method) in self._public:
            return handler
        metadata = handler_call_details.invocation_metadata

        def wrapper(behavior: Behavior, streaming: bool) -> Behavior:
            # Authentication runs inside the call (not here) so its failure goes through the one error mapping.
            if streaming:

                def stream(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                    token = _principal.set(self._principal_for(metadata))
                    try:
                        yield from behavior(request, context)
                    finally:
                        _principal.reset(token)

                return stream

            def unary(request: Any, context: grpc.ServicerContext) -> Any:
                token = _principal.set(self._principal_for(metadata))
                try:
                    return behavior(request, context)
                finally:
                    _principal.reset(token)

            return unary

        return wrap_handler(handler, wrapper)
