"""Protobuf ↔ people, certificates, training records, the safety setup and compliance (PersonnelService).

Pure translation. Personal ID numbers go in, never out (:func:`person_to_proto` leaves the field empty).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dualprev_gateway import convert
from dualprev_gateway._generated.dualprev.v1 import personnel_pb2
from dualprev_gateway.capability_convert import iso, parse_date
from dualprev_sdk.domain.personnel import (
    SCHEME_2019,
    Certificate,
    ComplianceReport,
    Person,
    TrainingRecord,
    UnitSafetySetup,
)
from dualprev_sdk.errors import InvalidArgument

__all__ = [
    "ID",
    "PERSON_FIELDS",
    "compliance_to_proto",
    "parse_person_name",
    "person_name",
    "person_to_proto",
    "person_values",
    "setup_to_proto",
    "training_from_proto",
    "training_to_proto",
]

ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PERSON = re.compile(r"^units/([^/]+)/people/([A-Za-z0-9_-]{1,64})$")


def person_name(uscc: str, person_id: str) -> str:
    return f"units/{uscc}/people/{person_id}"


def parse_person_name(name: str, field: str = "name") -> tuple[str, str]:
    match = _PERSON.match(name)
    if match is None:
        raise InvalidArgument.single(field, name, "resource_name.person", "expected `units/{uscc}/people/{person}`")
    return match.group(1), match.group(2)


def _certificate_to_proto(cert: Certificate) -> personnel_pb2.Certificate:
    return personnel_pb2.Certificate(
        number=cert.number,
        category_code=cert.category_code,
        scheme_version=cert.scheme_version,
        issued_on=iso(cert.issued_on),
        expires_on=iso(cert.expires_on),
        authority=cert.authority,
        limitation=cert.limitation,
        confirmed_as=list(cert.confirmed_as),
    )


def person_to_proto(person: Person) -> personnel_pb2.Person:
    return personnel_pb2.Person(
        name=person_name(person.unit_uscc, person.id),
        display_name=person.name,
        phone=person.phone,
        certificates=[_certificate_to_proto(c) for c in person.certificates],
        operates=[convert.equipment_name(person.unit_uscc, e) for e in person.operates],
        works_since=iso(person.works_since),
        full_time_safety_manager=person.full_time_safety_manager,
        etag=convert.etag_of(person.version),
    )


#: Proto field → Person attribute, for the fields a client may set (and name in an update mask).
PERSON_FIELDS: Mapping[str, str] = {
    "display_name": "name",
    "id_number": "id_number",
    "phone": "phone",
    "certificates": "certificates",
    "operates": "operates",
    "works_since": "works_since",
    "full_time_safety_manager": "full_time_safety_manager",
}


def person_values(
    message: personnel_pb2.Person, uscc: str, prefix: str, problems: convert.Violations
) -> dict[str, Any]:
    certificates = []
    for i, c in enumerate(message.certificates):
        field = f"{prefix}.certificates[{i}]"
        certificates.append(
            Certificate(
                number=c.number.strip(),
                category_code=c.category_code.strip(),
                scheme_version=c.scheme_version.strip() or SCHEME_2019,
                issued_on=parse_date(problems, f"{field}.issued_on", c.issued_on),
                expires_on=parse_date(problems, f"{field}.expires_on", c.expires_on),
                authority=c.authority,
                limitation=c.limitation,
                confirmed_as=tuple(c.confirmed_as),
            )
        )
    operates = []
    for i, name in enumerate(message.operates):
        try:
            equipment_uscc, equipment_id = convert.parse_equipment_name(name, f"{prefix}.operates[{i}]")
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
            continue
        if equipment_uscc != uscc:
            problems.add(f"{prefix}.operates[{i}]", name, "person.operates.unit", "equipment of the person's unit")
        operates.append(equipment_id)
    return {
        "name": message.display_name.strip(),
        "id_number": message.id_number.strip() or None,
        "phone": message.phone.strip(),
        "certificates": tuple(certificates),
        "operates": tuple(operates),
        "works_since": parse_date(problems, f"{prefix}.works_since", message.works_since),
        "full_time_safety_manager": message.full_time_safety_manager,
    }


def training_to_proto(record: TrainingRecord) -> personnel_pb2.TrainingRecord:
    return personnel_pb2.TrainingRecord(
        name=f"units/{record.unit_uscc}/trainingRecords/{record.id}",
        topic=record.topic,
        held_on=record.held_on.isoformat(),
        hours=record.hours,
        trainer=record.trainer,
        participants=[person_name(record.unit_uscc, p) for p in record.participants],
    )


def training_from_proto(message: personnel_pb2.TrainingRecord, *, record_id: str, uscc: str) -> TrainingRecord:
    problems = convert.Violations()
    held_on = parse_date(problems, "training_record.held_on", message.held_on, required=True)
    participants = []
    for i, name in enumerate(message.participants):
        try:
            person_uscc, person_id = parse_person_name(name, f"training_record.participants[{i}]")
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
            continue
        if person_uscc != uscc:
            problems.add(f"training_record.participants[{i}]", name, "training.participant.unit", "not of the unit")
        participants.append(person_id)
    if message.hours != message.hours:  # NaN
        problems.add("training_record.hours", "NaN", "training.hours", "学时须大于0")
    problems.raise_if_any()
    assert held_on is not None
    return TrainingRecord(
        id=record_id,
        unit_uscc=uscc,
        topic=message.topic.strip(),
        held_on=held_on,
        hours=message.hours,
        trainer=message.trainer.strip(),
        participants=tuple(participants),
    )


def setup_to_proto(setup: UnitSafetySetup) -> personnel_pb2.SafetySetup:
    return personnel_pb2.SafetySetup(
        name=f"units/{setup.unit_uscc}/safetySetup",
        has_organisation=setup.has_organisation,
        organisation_name=setup.organisation_name,
        activities=list(setup.activities),
        etag=convert.etag_of(setup.version),
    )


def compliance_to_proto(report: ComplianceReport) -> personnel_pb2.ComplianceReport:
    return personnel_pb2.ComplianceReport(
        unit=convert.unit_name(report.unit_uscc),
        as_of=report.as_of.isoformat(),
        compliant=report.compliant,
        findings=[
            personnel_pb2.ComplianceFinding(
                code=f.code,
                severity=f.severity.value,
                subject=f.subject,
                message=f.message_zh,
                source=convert.source_to_proto(f.source) if f.source is not None else None,
            )
            for f in report.findings
        ],
    )
