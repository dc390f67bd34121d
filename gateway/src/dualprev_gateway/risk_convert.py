"""Protobuf ↔ risk points, their versions and control lists; resource names and page tokens of RiskService.

Pure translation (like :mod:`dualprev_gateway.convert`): every problem is collected so one INVALID_ARGUMENT
names every bad field in the client's terms.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from dualprev_gateway import convert
from dualprev_gateway._generated.dualprev.v1 import common_pb2, ledger_pb2, risk_pb2
from dualprev_sdk.domain.common import ControlLevel, Frequency, RiskLevel, SafetyRole
from dualprev_sdk.domain.risk import ControlMeasures, RiskPoint, RiskPointVersion
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.reports.control_list import ControlList
from dualprev_sdk.services.risk import ControlListKey

__all__ = [
    "RISK_POINT_FIELDS",
    "control_list_to_proto",
    "decode_page_token",
    "encode_page_token",
    "factors_from_proto",
    "level_from_filter",
    "level_to_proto",
    "parse_risk_point_name",
    "risk_point_name",
    "risk_point_to_proto",
    "risk_point_values",
    "version_to_proto",
]

_NAME = re.compile(r"^riskPoints/([A-Za-z0-9_-]{1,64})$")
POINT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

_LEVEL = (common_pb2.RiskLevel, RiskLevel, "RISK_LEVEL_")


def level_to_proto(level: RiskLevel | None) -> Any:
    return convert.enum_to_proto(level, common_pb2.RiskLevel, "RISK_LEVEL_")


def risk_point_name(point_id: str) -> str:
    return f"riskPoints/{point_id}"


def parse_risk_point_name(name: str, field: str = "name") -> str:
    match = _NAME.match(name)
    if match is None:
        raise InvalidArgument.single(field, name, "resource_name.risk_point", "expected `riskPoints/{risk_point}`")
    return match.group(1)


def risk_point_to_proto(point: RiskPoint) -> risk_pb2.RiskPoint:
    measures = point.measures
    message = risk_pb2.RiskPoint(
        name=risk_point_name(point.id),
        unit=convert.unit_name(point.unit_uscc),
        equipment=convert.equipment_name(point.unit_uscc, point.equipment_id) if point.equipment_id else "",
        template_code=point.template_code,
        component=point.component,
        hazard_factor=point.hazard_factor,
        accident_types=list(point.accident_types),
        method=point.method,
        factors=dict(point.factors),
        level=level_to_proto(point.level),
        measures=risk_pb2.ControlMeasures(
            engineering=list(measures.engineering),
            management=list(measures.management),
            training=list(measures.training),
            ppe=list(measures.ppe),
            emergency=list(measures.emergency),
        ),
        control_level=convert.enum_to_proto(point.control_level, risk_pb2.ControlLevel, "CONTROL_LEVEL_"),  # type: ignore[arg-type]
        responsible_role=convert.enum_to_proto(point.responsible_role, ledger_pb2.SafetyRole, "SAFETY_ROLE_"),  # type: ignore[arg-type]
        responsible_person=point.responsible_person,
        check_frequency=convert.enum_to_proto(point.check_frequency, risk_pb2.CheckFrequency, "CHECK_FREQUENCY_"),  # type: ignore[arg-type]
        needs_review=point.needs_review,
        review_reason=point.review_reason,
        etag=convert.etag_of(point.version),
    )
    if point.score is not None:
        message.score = point.score
    return message


#: Proto field → RiskPoint attribute, for the fields a client may set (and name in an update mask).
RISK_POINT_FIELDS: Mapping[str, str] = {
    "component": "component",
    "hazard_factor": "hazard_factor",
    "accident_types": "accident_types",
    "method": "method",
    "factors": "factors",
    "level": "level",
    "measures": "measures",
    "control_level": "control_level",
    "responsible_role": "responsible_role",
    "responsible_person": "responsible_person",
    "check_frequency": "check_frequency",
}


def factors_from_proto(problems: convert.Violations, field: str, factors: Mapping[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in factors.items():
        if not math.isfinite(value):
            problems.add(f"{field}[{key}]", value, "factor.finite", "factors are finite numbers")
        else:
            out[key] = float(value)
    return out


def risk_point_values(message: risk_pb2.RiskPoint, prefix: str, problems: convert.Violations) -> dict[str, Any]:
    """Every settable attribute; enums left at 0 become None (the caller keeps the current or default value)."""
    measures = message.measures
    return {
        "component": message.component.strip(),
        "hazard_factor": message.hazard_factor.strip(),
        "accident_types": tuple(t.strip() for t in message.accident_types if t.strip()),
        "method": message.method.strip().lower(),
        "factors": factors_from_proto(problems, f"{prefix}.factors", message.factors),
        "level": convert.enum_from_proto(problems, f"{prefix}.level", message.level, _LEVEL, required=False),
        "measures": ControlMeasures(
            engineering=tuple(measures.engineering),
            management=tuple(measures.management),
            training=tuple(measures.training),
            ppe=tuple(measures.ppe),
            emergency=tuple(measures.emergency),
        ),
        "control_level": convert.enum_from_proto(
            problems,
            f"{prefix}.control_level",
            message.control_level,
            (risk_pb2.ControlLevel, ControlLevel, "CONTROL_LEVEL_"),
            required=False,
        ),
        "responsible_role": convert.enum_from_proto(
            problems,
            f"{prefix}.responsible_role",
            message.responsible_role,
            (ledger_pb2.SafetyRole, SafetyRole, "SAFETY_ROLE_"),
            required=False,
        ),
        "responsible_person": message.responsible_person.strip(),
        "check_frequency": convert.enum_from_proto(
            problems,
            f"{prefix}.check_frequency",
            message.check_frequency,
            (risk_pb2.CheckFrequency, Frequency, "CHECK_FREQUENCY_"),
            required=False,
        ),
    }


def level_from_filter(text: str) -> RiskLevel:
    try:
        return RiskLevel[text.strip().upper()]
    except KeyError:
        allowed = ", ".join(level.name.lower() for level in RiskLevel)
        raise InvalidArgument.single("filter", text, "filter.level", f"level is one of {allowed}") from None


def version_to_proto(entry: RiskPointVersion) -> risk_pb2.RiskPointVersion:
    message = risk_pb2.RiskPointVersion(
        version=entry.version,
        change=entry.change.value,
        reason=entry.reason,
        actor=entry.actor,
        snapshot=risk_point_to_proto(entry.snapshot),
    )
    message.change_time.FromDatetime(entry.at)
    return message


def control_list_to_proto(control_list: ControlList) -> risk_pb2.ControlList:
    return risk_pb2.ControlList(
        unit=convert.unit_name(control_list.unit.uscc),
        generated_on=control_list.generated_on.isoformat(),
        rows=[
            risk_pb2.ControlListRow(
                risk_point=risk_point_to_proto(row.point),
                equipment_display_name=row.equipment.name if row.equipment is not None else "",
                equipment_class_name=row.class_name_zh,
            )
            for row in control_list.rows
        ],
        level_counts=[
            risk_pb2.RiskLevelCount(level=level_to_proto(level), count=count)
            for level, count in sorted(control_list.level_counts().items())
        ],
    )


# -- page tokens: a control-list key bound to the query it came from ----------------------------------------------


def _query_digest(*query: str) -> str:
    return hashlib.sha256("\x1f".join(query).encode()).hexdigest()[:12]


def encode_page_token(after: ControlListKey, *query: str) -> str:
    """Opaque (AIP-158): the last row's control-list key (class label, equipment id, level, point id) and a
    digest of the query (parent and filter) it belongs to."""
    raw = json.dumps({"v": 2, "after": list(after), "q": _query_digest(*query)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _refused(token: str) -> InvalidArgument:
    return InvalidArgument.single(
        "page_token", token, "page_token.opaque", "not a page token this server issued for this query"
    )


def decode_page_token(token: str, *query: str) -> ControlListKey | int | None:
    """The key after which the next page starts (None for the first page); for a token issued before keyset
    paging (``v1``), the offset it holds, an offset into the same order. A token of another query, or not one
    this server issued, is INVALID_ARGUMENT naming ``page_token``."""
    if not token:
        return None
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _refused(token) from None
    if text.startswith("v1:"):
        version, offset, digest = text.split(":") if text.count(":") == 2 else ("", "", "")
        if version == "v1" and digest == _query_digest(*query) and offset.isdigit():
            return int(offset)
        raise _refused(token)
    try:
        data = json.loads(text)
        after, digest = data["after"], data["q"]
    except (ValueError, KeyError, TypeError):
        raise _refused(token) from None
    if data.get("v") != 2 or digest != _query_digest(*query) or not _is_key(after):
        raise _refused(token)
    return ControlListKey(after[0], after[1], after[2], after[3])


def _is_key(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 4
        and isinstance(value[0], str)
        and isinstance(value[1], str)
        and type(value[2]) is int
        and isinstance(value[3], str)
    )
