"""Translation helpers shared by the servicers: region and simple resource names, instants from requests, the
actor string written into records, text lengths and paging (dates, timestamps and enums by name come from
:mod:`dualprev_gateway.convert` and are re-exported here).

Pure translation, like :mod:`dualprev_gateway.convert`. Every problem is collected into a
:class:`~dualprev_gateway.convert.Violations` so one INVALID_ARGUMENT lists every bad field.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from google.protobuf import struct_pb2, timestamp_pb2

from dualprev_gateway.convert import (  # re-exported: the servicers' shared primitives live in convert
    Violations,
    enum_from_proto,
    enum_to_proto,
    iso,
    page_size,
    parse_date,
    timestamp,
)
from dualprev_sdk.access import Principal
from dualprev_sdk.errors import InvalidArgument

__all__ = [
    "actor",
    "date_or_none",
    "decode_key_token",
    "decode_page_token",
    "encode_page_token",
    "enum_from_proto",
    "enum_to_proto",
    "iso",
    "key_date",
    "key_datetime",
    "key_parts",
    "keyset_page",
    "max_length",
    "paginate",
    "parse_date",
    "parse_region",
    "parse_simple_name",
    "struct_of",
    "timestamp",
    "to_datetime",
]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

_REGION = re.compile(r"^\d{2}(\d{2}){0,2}$")


#: The store's column for who acted holds 200 characters; a long key label is shortened, the key id kept.
ACTOR_MAX = 200


def actor(principal: Principal) -> str:
    """Who the records name as acting: kind, scope, label and the key (so an audit finds the credential)."""
    key = f" (key {principal.key_id or '-'})"
    head = f"{principal.kind.value}:{principal.scope}" + (f" {principal.label}" if principal.label else "")
    if len(head) + len(key) > ACTOR_MAX:
        head = head[: ACTOR_MAX - len(key) - 1] + "…"
    return head + key


def max_length(problems: Violations, field: str, value: str, limit: int) -> None:
    """Text longer than the store's column: PostgreSQL would refuse it mid-transaction, so refuse it up front
    (SQLite does not enforce lengths, which is why the check lives here and not only in the database)."""
    if len(value) > limit:
        problems.add(field, value, "max_length", f"at most {limit} characters (got {len(value)})")


def date_or_none(text: str, field: str) -> dt.date | None:
    """A single optional date, raising at once (for requests with one date field)."""
    problems = Violations()
    value = parse_date(problems, field, text)
    problems.raise_if_any()
    return value


def to_datetime(
    problems: Violations, field: str, stamp: timestamp_pb2.Timestamp, present: bool, *, required: bool = True
) -> dt.datetime | None:
    """An aware UTC datetime from a Timestamp field (``present`` = ``HasField``); out-of-range values are a
    violation, not a crash."""
    if not present:
        if required:
            problems.add(field, None, "required", "a timestamp is required")
        return None
    try:
        return stamp.ToDatetime(tzinfo=dt.UTC)
    except (ValueError, OverflowError, OSError):
        problems.add(field, f"{stamp.seconds}s {stamp.nanos}ns", "timestamp.range", "outside the supported range")
        return None


def parse_region(text: str, field: str) -> str:
    """A GB/T 2260 region code or prefix of 2, 4 or 6 digits (``regions/{code}`` accepted too)."""
    code = text.removeprefix("regions/")
    if not _REGION.match(code):
        raise InvalidArgument.single(field, text, "region.prefix", "a GB/T 2260 region code of 2, 4 or 6 digits")
    return code


def parse_simple_name(name: str, collection: str, field: str = "name") -> str:
    """The id of ``{collection}/{id}`` (one segment, no slashes)."""
    head, sep, rest = name.partition("/")
    if head != collection or not sep or not rest or "/" in rest or rest == "-":
        raise InvalidArgument.single(field, name, f"resource_name.{collection}", f"expected `{collection}/{{id}}`")
    return rest


def struct_of(data: Mapping[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(json.loads(json.dumps(dict(data), default=str)))
    return message


# -- paging (AIP-158): one token format and one keyset helper for every list ---------------------------------------


def _bad_token(
    token: str, rule: str = "page_token.format", message: str = "not a page token from this listing"
) -> InvalidArgument:
    return InvalidArgument.single("page_token", token, rule, message)


def _query_hash(*query: str) -> str:
    return hashlib.sha256("\x1f".join(query).encode()).hexdigest()[:16]


def encode_page_token(after: str | Sequence[str], *query: str) -> str:
    """Opaque: the last key of the page (a string, or a tuple of strings) and a hash of the query (parent and
    filters) it belongs to."""
    key = after if isinstance(after, str) else list(after)
    raw = json.dumps({"after": key, "q": _query_hash(*query)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _token_key(token: str, *query: str) -> object:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        after, query_hash = data["after"], data["q"]
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise _bad_token(token) from None
    if query_hash != _query_hash(*query):
        raise _bad_token(token, "page_token.query", "belongs to a listing with a different parent or filter")
    return after


def decode_page_token(token: str, *query: str) -> str | None:
    """The key a token issued by :func:`encode_page_token` for the same ``query`` resumes after; None for the
    first page. Anything else is INVALID_ARGUMENT naming ``page_token``."""
    if not token:
        return None
    after = _token_key(token, *query)
    if not isinstance(after, str):
        raise _bad_token(token)
    return after


def decode_key_token(token: str, parts: int, *query: str) -> list[str] | None:
    """Like :func:`decode_page_token`, for a key of ``parts`` strings."""
    if not token:
        return None
    after = _token_key(token, *query)
    if not (isinstance(after, list) and len(after) == parts and all(isinstance(p, str) for p in after)):
        raise _bad_token(token)
    return after


def paginate(
    items: Sequence[T], key: Callable[[T], str], requested_size: int, token: str, *query: str
) -> tuple[list[T], str]:
    """One page of ``items`` in ``key`` order (AIP-158): keyset paging on the key, so a page is stable under
    concurrent inserts; the opaque token is bound to ``query`` (the parent and filters it was issued for).

    For lists that are small by nature only: the whole list is read for every page. A list that can grow
    without bound pages in the SDK's query instead (:func:`keyset_page`)."""
    size = page_size(requested_size)
    after = decode_page_token(token, *query)
    keyed = sorted(((key(item), item) for item in items), key=lambda pair: pair[0])
    if after is not None:
        keyed = [pair for pair in keyed if pair[0] > after]
    page = keyed[:size]
    next_token = encode_page_token(page[-1][0], *query) if len(keyed) > size else ""
    return [item for _, item in page], next_token


def keyset_page(
    fetch: Callable[[str | None, int], Sequence[T]],
    key: Callable[[T], str],
    requested_size: int,
    token: str,
    *query: str,
) -> tuple[list[T], str]:
    """One page read by the SDK itself: ``fetch(after, limit)`` returns the items whose key sorts above
    ``after`` (the last key of the previous page, None for the first), in key order, at most ``limit``. One
    more than the page is asked for, to know whether another page follows. Tokens are those of
    :func:`paginate`, so a list moved from one to the other keeps its clients' tokens."""
    size = page_size(requested_size)
    after = decode_page_token(token, *query)
    items = list(fetch(after, size + 1))
    page = items[:size]
    next_token = encode_page_token(key(page[-1]), *query) if len(items) > size else ""
    return page, next_token


def key_parts(token: str, after: str, count: int) -> list[str]:
    """The ``|``-separated parts of a page key taken from a token; a key of another shape is a bad token."""
    parts = after.split("|", count - 1)
    if len(parts) != count or not all(parts):
        raise _bad_token(token)
    return parts


def key_date(token: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _bad_token(token) from None


def key_datetime(token: str, text: str) -> dt.datetime:
    """An aware instant written into a page key with ``isoformat()``."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise _bad_token(token)
    return value
