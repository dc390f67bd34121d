"""AIP-155 ``request_id``: a retried Create returns what the first attempt created instead of ALREADY_EXISTS.

Remembered per API key, method and request id, in memory, bounded (oldest forgotten first). This covers the
common case, a client retrying after a lost response while the same server process is up. It does not survive a
restart or span several gateway processes; persisting the ids in the store is the follow-up (see docs/grpc.md).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from dualprev_sdk.errors import InvalidArgument

__all__ = ["IdempotencyCache", "check_request_id"]

_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def check_request_id(request_id: str, field: str = "request_id") -> str:
    """AIP-155 asks for a UUID; anything else is INVALID_ARGUMENT (a typo would silently defeat the retry)."""
    if request_id and not _UUID.match(request_id):
        raise InvalidArgument.single(field, request_id, "request_id.uuid", "must be a UUID (AIP-155)")
    return request_id.lower().replace("-", "")


class IdempotencyCache:
    """``(key id, method, request id) → resource name`` of what the first successful call created."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._items: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key_id: str, method: str, request_id: str) -> str | None:
        if not request_id:
            return None
        with self._lock:
            return self._items.get((key_id, method, request_id))

    def put(self, key_id: str, method: str, request_id: str, resource_name: str) -> None:
        if not request_id:
            return
        with self._lock:
            self._items[(key_id, method, request_id)] = resource_name
            self._items.move_to_end((key_id, method, request_id))
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
