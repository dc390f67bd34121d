"""AIP-155 ``request_id`` at the gateway edge: check its shape and normalise it; the SDK does the rest.

A retried Create returns what the first attempt created instead of ALREADY_EXISTS. The request ids are stored
by the SDK in the database, in the same transaction as the resource they guard
(:mod:`dualprev_sdk.services.idempotency`), together with the calling API key and a fingerprint of the
request; so a retry is answered the same whichever gateway process it reaches, after a restart too, and a
reused id with a different request or from a different key is INVALID_ARGUMENT. There is deliberately no
in-process cache in front of the store: it would save one indexed read on a rare path and could disagree with
the store (a create rolled back after being cached, another process's answer).
"""

from __future__ import annotations

import re

from dualprev_sdk.errors import InvalidArgument

__all__ = ["check_request_id"]

_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def check_request_id(request_id: str, field: str = "request_id") -> str:
    """AIP-155 asks for a UUID; anything else is INVALID_ARGUMENT (a typo would silently defeat the retry).

    The canonical form (32 lower-case hex digits) is what the store keys on, so a client that retries with
    the same UUID written differently (upper case, without dashes) is still recognised. Empty means none."""
    if request_id and not _UUID.match(request_id):
        raise InvalidArgument.single(field, request_id, "request_id.uuid", "must be a UUID (AIP-155)")
    return request_id.lower().replace("-", "")
