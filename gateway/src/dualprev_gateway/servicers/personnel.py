"""PersonnelService over ``dualprev_sdk.services.personnel``: people and certificates, training, the safety
setup and the compliance check.

Names carry the unit (``units/{uscc}/people/{person}``), so scope is checked before existence (AIP-211):
``Capability.MANAGE_PERSONNEL`` for changes (the unit itself), ``READ_PERSONNEL`` for reads.
"""

from __future__ import annotations

import uuid

import attrs
import grpc

from dualprev_gateway import convert
from dualprev_gateway import personnel_convert as pc
from dualprev_gateway._generated.dualprev.v1 import personnel_pb2, personnel_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.capability_convert import keyset_page, parse_date
from dualprev_gateway.resource_scope import ScopeLookups
from dualprev_sdk.access import Capability, Principal
from dualprev_sdk.domain.personnel import Person, UnitSafetySetup
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.services import personnel as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["PersonnelServicer"]

#: Person attribute → proto field, to restate SDK violations in the client's terms.
_PERSON_ERROR_FIELDS = {**pc.PERSON_FIELDS, "person_id": "id"}


class PersonnelServicer(personnel_pb2_grpc.PersonnelServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    def _person(self, principal: Principal, name: str, capability: Capability, field: str) -> Person:
        uscc, person_id = pc.parse_person_name(name, field)
        self._scope.require(principal, capability, uscc, resource=name)
        with self._sdk.uow() as uow:
            person = uow.people.find(person_id)
        if person is None or person.unit_uscc != uscc:
            raise NotFound("person", name)
        return person

    # -- people -----------------------------------------------------------------------------------------------

    def CreatePerson(
        self, request: personnel_pb2.CreatePersonRequest, context: grpc.ServicerContext
    ) -> personnel_pb2.Person:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.MANAGE_PERSONNEL)
        problems = convert.Violations()
        values = pc.person_values(request.person, uscc, "person", problems)
        if request.person_id and not pc.ID.match(request.person_id):
            problems.add("person_id", request.person_id, "person_id.format", "1-64 of A-Z a-z 0-9 - _")
        problems.raise_if_any()
        person = Person(id=request.person_id or f"P-{uuid.uuid4().hex[:16]}", unit_uscc=uscc, **values)
        try:
            created = use_cases.add_person(self._sdk, person)
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "person", _PERSON_ERROR_FIELDS) from None
        return pc.person_to_proto(created)

    def GetPerson(self, request: personnel_pb2.GetPersonRequest, context: grpc.ServicerContext) -> personnel_pb2.Person:
        principal = current_principal()
        return pc.person_to_proto(self._person(principal, request.name, Capability.READ_PERSONNEL, "name"))

    def ListPeople(
        self, request: personnel_pb2.ListPeopleRequest, context: grpc.ServicerContext
    ) -> personnel_pb2.ListPeopleResponse:
        principal = current_principal()
        size = convert.page_size(request.page_size)
        uscc = self._scope.unit(principal, request.parent, Capability.READ_PERSONNEL)
        with self._sdk.uow() as uow:
            people, token = keyset_page(
                lambda after, limit: list(uow.people.list(unit_uscc=uscc, after=after, limit=limit)),
                lambda p: p.id,
                size,
                request.page_token,
                uscc,
            )
        return personnel_pb2.ListPeopleResponse(people=[pc.person_to_proto(p) for p in people], next_page_token=token)

    def UpdatePerson(
        self, request: personnel_pb2.UpdatePersonRequest, context: grpc.ServicerContext
    ) -> personnel_pb2.Person:
        principal = current_principal()
        current = self._person(principal, request.person.name, Capability.MANAGE_PERSONNEL, "person.name")
        expected = convert.expected_version(request.person.etag, "person.etag")
        problems = convert.Violations()
        values = pc.person_values(request.person, current.unit_uscc, "person", problems)
        changed = convert.apply_mask(
            current, values, pc.PERSON_FIELDS, request.update_mask, conversion_problems=problems, prefix="person"
        )
        changed = attrs.evolve(changed, version=current.version if expected is None else expected)
        try:
            updated = use_cases.update_person(self._sdk, changed)
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "person", _PERSON_ERROR_FIELDS) from None
        return pc.person_to_proto(updated)

    # -- training and the safety setup ------------------------------------------------------------------------

    def RecordTraining(
        self, request: personnel_pb2.RecordTrainingRequest, context: grpc.ServicerContext
    ) -> personnel_pb2.TrainingRecord:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.MANAGE_PERSONNEL)
        if request.training_record_id and not pc.ID.match(request.training_record_id):
            raise InvalidArgument.single(
                "training_record_id", request.training_record_id, "training_record_id.format", "1-64 of A-Z a-z 0-9 - _"
            )
        record = pc.training_from_proto(
            request.training_record, record_id=request.training_record_id or f"T-{uuid.uuid4().hex[:16]}", uscc=uscc
        )
        try:
            stored = use_cases.record_training(self._sdk, record)
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "training_record", {}) from None
        return pc.training_to_proto(stored)

    def ListTrainingRecords(
        self, request: personnel_pb2.ListTrainingRecordsRequest, context: grpc.ServicerContext
    ) -> personnel_pb2.ListTrainingRecordsResponse:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_PERSONNEL)
        with self._sdk.uow() as uow:
            records = uow.people.trainings(uscc)
        return personnel_pb2.ListTrainingRecordsResponse(training_records=[pc.training_to_proto(r) for r in records])

    def SetSafetySetup(
        self, request: personnel_pb2.SetSafetySetupRequest, context: grpc.ServicerContext
    ) -> personnel_pb2.SafetySetup:
        principal = current_principal()
        name = request.safety_setup.name
        uscc = convert.parse_unit_name(name.removesuffix("/safetySetup"), "safety_setup.name")
        if not name.endswith("/safetySetup"):
            raise InvalidArgument.single(
                "safety_setup.name", name, "resource_name.safety_setup", "expected `units/{uscc}/safetySetup`"
            )
        self._scope.require(principal, Capability.MANAGE_PERSONNEL, uscc, resource=name)
        expected = convert.expected_version(request.safety_setup.etag, "safety_setup.etag")
        if expected is None:
            with self._sdk.uow() as uow:
                current = uow.people.safety_setup(uscc)
            expected = current.version if current is not None else 0
        setup = UnitSafetySetup(
            unit_uscc=uscc,
            has_organisation=request.safety_setup.has_organisation,
            organisation_name=request.safety_setup.organisation_name.strip(),
            activities=tuple(a.strip() for a in request.safety_setup.activities if a.strip()),
            version=expected,
        )
        return pc.setup_to_proto(use_cases.set_safety_setup(self._sdk, setup))

    def CheckPersonnelCompliance(
        self, request: personnel_pb2.CheckPersonnelComplianceRequest, context: grpc.ServicerContext
    ) -> personnel_pb2.ComplianceReport:
        principal = current_principal()
        problems = convert.Violations()
        as_of = parse_date(problems, "as_of", request.as_of)
        problems.raise_if_any()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_PERSONNEL)
        return pc.compliance_to_proto(use_cases.check_personnel(self._sdk, uscc, today=as_of))
