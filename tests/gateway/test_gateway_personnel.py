"""PersonnelService over a real channel: people with certificates (ID numbers in, never out), pages, conditional
updates, training, the safety setup, the compliance check with sources, and who may see what."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import personnel_pb2 as pb
from dualprev_gateway._generated.dualprev.v1 import personnel_pb2_grpc
from dualprev_gateway.client import error_details
from gateway_support import UNIT_A, UNIT_B, bearer
from google.protobuf import field_mask_pb2

from dualprev_sdk import timeutil
from dualprev_sdk.access import PrincipalKind

E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
UNIT = f"units/{UNIT_A}"
LIFT = f"{UNIT}/equipment/ea1"
ISSUED = (timeutil.today() - dt.timedelta(days=400)).isoformat()


@pytest.fixture
def personnel(channel: grpc.Channel) -> personnel_pb2_grpc.PersonnelServiceStub:
    return personnel_pb2_grpc.PersonnelServiceStub(channel)


def _create(
    personnel: personnel_pb2_grpc.PersonnelServiceStub, token: str, person_id: str, **fields: object
) -> pb.Person:
    values: dict[str, object] = {
        "display_name": "王安全",
        "phone": "13800000000",
        "certificates": [pb.Certificate(number="TS-A-001", category_code="A", issued_on=ISSUED)],
    }
    values.update(fields)
    return personnel.CreatePerson(
        pb.CreatePersonRequest(parent=UNIT, person_id=person_id, person=pb.Person(**values)),  # type: ignore[arg-type]
        metadata=bearer(token),
        timeout=10,
    )


def test_a_person_is_stored_with_certificates_and_the_id_number_is_never_returned(
    personnel: personnel_pb2_grpc.PersonnelServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    created = _create(
        personnel,
        tokens[E],
        "p-1",
        certificates=[pb.Certificate(number="TS-T-001", category_code="T", issued_on=ISSUED)],
        operates=[LIFT],
    )
    assert created.name == f"{UNIT}/people/p-1"
    assert created.certificates[0].expires_on, "a 2019 certificate without an expiry gets the 4-year validity"
    assert list(created.operates) == [LIFT]
    read = personnel.GetPerson(pb.GetPersonRequest(name=created.name), metadata=bearer(tokens[R]), timeout=10)
    assert read.display_name == "王安全"
    assert read.id_number == ""


def test_a_person_with_problems_is_refused_naming_every_field(
    personnel: personnel_pb2_grpc.PersonnelServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        _create(
            personnel,
            tokens[E],
            "p-bad",
            display_name="",
            certificates=[pb.Certificate(number="", category_code="ZZ", issued_on="2026-02-30")],
            operates=[f"units/{UNIT_B}/equipment/eb1"],
        )
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    fields = {f for f, _ in error_details(refused.value).field_violations}
    assert {"person.certificates[0].issued_on", "person.operates[0]"} <= fields


def test_people_are_listed_a_page_at_a_time(
    personnel: personnel_pb2_grpc.PersonnelServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    for n in range(3):
        _create(personnel, tokens[E], f"p-{n}")
    names: list[str] = []
    token = ""
    for _ in range(4):
        page = personnel.ListPeople(
            pb.ListPeopleRequest(parent=UNIT, page_size=2, page_token=token), metadata=bearer(tokens[D]), timeout=10
        )
        names.extend(p.name for p in page.people)
        token = page.next_page_token
        if not token:
            break
    assert names == [f"{UNIT}/people/p-{n}" for n in range(3)]


def test_an_update_changes_only_the_masked_fields_and_is_conditional_on_the_etag(
    personnel: personnel_pb2_grpc.PersonnelServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    created = _create(personnel, tokens[E], "p-1")
    updated = personnel.UpdatePerson(
        pb.UpdatePersonRequest(
            person=pb.Person(name=created.name, phone="13900000000", display_name="忽略", etag=created.etag),
            update_mask=field_mask_pb2.FieldMask(paths=["phone"]),
        ),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert (updated.phone, updated.display_name) == ("13900000000", "王安全")
    with pytest.raises(grpc.RpcError) as stale:
        personnel.UpdatePerson(
            pb.UpdatePersonRequest(
                person=pb.Person(name=created.name, phone="13700000000", etag=created.etag),
                update_mask=field_mask_pb2.FieldMask(paths=["phone"]),
            ),
            metadata=bearer(tokens[E]),
        )
    assert stale.value.code() is grpc.StatusCode.ABORTED


def test_training_names_people_of_the_unit_and_is_listed(
    personnel: personnel_pb2_grpc.PersonnelServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    person = _create(personnel, tokens[E], "p-1")
    recorded = personnel.RecordTraining(
        pb.RecordTrainingRequest(
            parent=UNIT,
            training_record=pb.TrainingRecord(
                topic="电梯困人应急救援", held_on=ISSUED, hours=4, trainer="张教员", participants=[person.name]
            ),
        ),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert list(recorded.participants) == [person.name]
    listed = personnel.ListTrainingRecords(pb.ListTrainingRecordsRequest(parent=UNIT), metadata=bearer(tokens[R]))
    assert [t.topic for t in listed.training_records] == ["电梯困人应急救援"]
    with pytest.raises(grpc.RpcError) as stranger:
        personnel.RecordTraining(
            pb.RecordTrainingRequest(
                parent=UNIT,
                training_record=pb.TrainingRecord(
                    topic="x", held_on=ISSUED, hours=1, participants=[f"{UNIT}/people/nobody"]
                ),
            ),
            metadata=bearer(tokens[E]),
        )
    assert stranger.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_the_safety_setup_is_set_and_changed_conditionally(
    personnel: personnel_pb2_grpc.PersonnelServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    name = f"{UNIT}/safetySetup"
    first = personnel.SetSafetySetup(
        pb.SetSafetySetupRequest(
            safety_setup=pb.SafetySetup(name=name, has_organisation=True, organisation_name="安委会")
        ),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert first.has_organisation
    second = personnel.SetSafetySetup(
        pb.SetSafetySetupRequest(safety_setup=pb.SafetySetup(name=name, organisation_name="安全部", etag=first.etag)),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert second.etag != first.etag
    with pytest.raises(grpc.RpcError) as stale:
        personnel.SetSafetySetup(
            pb.SetSafetySetupRequest(safety_setup=pb.SafetySetup(name=name, etag=first.etag)),
            metadata=bearer(tokens[E]),
        )
    assert stale.value.code() is grpc.StatusCode.ABORTED


def test_the_compliance_check_reports_findings_with_their_sources(
    personnel: personnel_pb2_grpc.PersonnelServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    report = personnel.CheckPersonnelCompliance(
        pb.CheckPersonnelComplianceRequest(parent=UNIT), metadata=bearer(tokens[R]), timeout=30
    )
    assert report.unit == UNIT
    assert report.findings, "the seed unit names no safety roles: the check must say so"
    assert not report.compliant
    assert any(f.source.document for f in report.findings)


@pytest.mark.parametrize("kind", [R, A, D])
def test_only_the_unit_keeps_its_staff_records(
    personnel: personnel_pb2_grpc.PersonnelServiceStub, tokens: dict[PrincipalKind, str], kind: PrincipalKind
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        _create(personnel, tokens[kind], "p-9")
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_agencies_and_other_units_read_no_staff_records(
    personnel: personnel_pb2_grpc.PersonnelServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    person = _create(personnel, tokens[E], "p-1")
    with pytest.raises(grpc.RpcError) as agency:
        personnel.GetPerson(pb.GetPersonRequest(name=person.name), metadata=bearer(tokens[A]))
    assert agency.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as other:
        personnel.ListPeople(pb.ListPeopleRequest(parent=f"units/{UNIT_B}"), metadata=bearer(tokens[E]))
    assert other.value.code() is grpc.StatusCode.PERMISSION_DENIED
