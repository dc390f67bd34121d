"""Hypothesis fuzzing of every RPC: whatever a client sends, the answer is a deliberate status, never INTERNAL.

Requests are drawn from each method's descriptor (strings including unusual text, out-of-range enum numbers,
nested messages, repeated fields, arbitrary Struct payloads and field masks), and sent by a principal of every
kind over a real channel. UNKNOWN or INTERNAL would mean an input reached code that did not expect it.
"""

from __future__ import annotations

import string
from typing import Any

import grpc
import pytest
from gateway_support import CONTRACT, UNIT_A, bearer
from google.protobuf import descriptor, message, message_factory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualprev_sdk.access import PrincipalKind

FieldDescriptor = descriptor.FieldDescriptor

#: Text that looks like what the API expects, mixed with noise.
_NAMES = st.sampled_from(
    [
        f"units/{UNIT_A}",
        "units/-",
        f"units/{UNIT_A}/equipment/ea1",
        f"units/{UNIT_A}/equipment/nope",
        "hazards/hz-reported",
        "hazards/hz-major",
        "units/",
        "units//equipment/",
        "hazards/",
        "",
    ]
)
_TEXT = st.one_of(
    _NAMES,
    st.text(max_size=30),
    st.text(alphabet=string.digits + "-*", max_size=12),
    st.sampled_from(
        ['region_code = "41*"', 'status = "in_use"', 'state = "graded"', "x = 1 AND", 'W/"1"', "2026-02-30"]
    ),
)
_ENUM_NUMBERS = st.integers(min_value=-2, max_value=12)


def _value(field: FieldDescriptor, depth: int) -> st.SearchStrategy[Any]:
    match field.type:
        case FieldDescriptor.TYPE_STRING:
            return _TEXT
        case FieldDescriptor.TYPE_BYTES:
            return st.binary(max_size=16)
        case FieldDescriptor.TYPE_BOOL:
            return st.booleans()
        case FieldDescriptor.TYPE_ENUM:
            return _ENUM_NUMBERS
        case FieldDescriptor.TYPE_DOUBLE | FieldDescriptor.TYPE_FLOAT:
            return st.floats(allow_nan=False, allow_infinity=False, width=32)
        case FieldDescriptor.TYPE_INT32 | FieldDescriptor.TYPE_SINT32 | FieldDescriptor.TYPE_SFIXED32:
            return st.integers(min_value=-(2**31), max_value=2**31 - 1)
        case FieldDescriptor.TYPE_INT64 | FieldDescriptor.TYPE_SINT64 | FieldDescriptor.TYPE_SFIXED64:
            return st.integers(min_value=-(2**63), max_value=2**63 - 1)
        case FieldDescriptor.TYPE_UINT32 | FieldDescriptor.TYPE_FIXED32:
            return st.integers(min_value=0, max_value=2**32 - 1)
        case FieldDescriptor.TYPE_UINT64 | FieldDescriptor.TYPE_FIXED64:
            return st.integers(min_value=0, max_value=2**64 - 1)
        case FieldDescriptor.TYPE_MESSAGE:
            return _message(field.message_type, depth + 1)
    raise AssertionError(f"unhandled field type {field.type}")


_JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _message(desc: descriptor.Descriptor, depth: int = 0) -> st.SearchStrategy[message.Message]:
    cls = message_factory.GetMessageClass(desc)
    if desc.full_name == "google.protobuf.Struct":
        return st.dictionaries(st.text(max_size=8), _JSON, max_size=4).map(lambda d: _struct(cls, d))
    if desc.full_name == "google.protobuf.FieldMask":
        paths = st.lists(st.sampled_from(["display_name", "region_code", "status", "*", "nope", "parameters"]))
        return paths.map(lambda p: cls(paths=p))
    if depth > 3:
        return st.just(cls())
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in desc.fields:
        if _is_map(field):
            entry = field.message_type.fields_by_name  # type: ignore[union-attr]  # a map field has an entry type
            fields[field.name] = st.dictionaries(
                _value(entry["key"], depth), _value(entry["value"], depth), max_size=3
            )
            continue
        value = _value(field, depth)
        if field.is_repeated:
            fields[field.name] = st.lists(value, max_size=2)
        else:
            fields[field.name] = value
    return st.fixed_dictionaries({}, optional=fields).map(lambda values: _build(cls, values))


def _struct(cls: type[message.Message], data: dict[str, Any]) -> message.Message:
    built = cls()
    built.update(data)  # type: ignore[attr-defined]
    return built


def _is_map(field: Any) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def _build(cls: type[message.Message], values: dict[str, Any]) -> message.Message:
    built = cls()
    for name, value in values.items():
        field = built.DESCRIPTOR.fields_by_name[name]
        if _is_map(field):
            entries = getattr(built, name)
            for key, item in value.items():
                if isinstance(item, message.Message):
                    entries[key].CopyFrom(item)
                else:
                    entries[key] = item
        elif field.is_repeated:
            target = getattr(built, name)
            if field.type == FieldDescriptor.TYPE_MESSAGE:
                for item in value:
                    target.add().CopyFrom(item)
            else:
                target.extend(value)
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            getattr(built, name).CopyFrom(value)
        else:
            try:
                setattr(built, name, value)
            except ValueError:  # an enum number proto3 refuses locally; the wire accepts it, keep it simple
                continue
    return built


@pytest.mark.parametrize("path", sorted(CONTRACT))
def test_no_request_a_client_can_send_makes_the_server_fail_unexpectedly(
    path: str, channel: grpc.Channel, tokens: dict[PrincipalKind, str]
) -> None:
    request_type, response_type, streaming = CONTRACT[path]
    factory = channel.unary_stream if streaming else channel.unary_unary
    call = factory(
        path, request_serializer=request_type.SerializeToString, response_deserializer=response_type.FromString
    )

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(request=_message(request_type.DESCRIPTOR), kind=st.sampled_from(list(PrincipalKind)))
    def probe(request: message.Message, kind: PrincipalKind) -> None:
        if streaming and hasattr(request, "follow"):
            request.follow = False  # type: ignore[attr-defined]  # a following stream would wait for its deadline
        code, details = grpc.StatusCode.OK, ""
        try:
            result = call(request, metadata=bearer(tokens[kind]), timeout=10)
            if streaming:
                for _ in result:
                    pass
        except grpc.RpcError as error:
            code, details = error.code(), error.details()
        assert code not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN), (
            f"{kind.value} → {path} with {request!r}: {code} {details}"
        )

    probe()
