"""CreditService: credit records, classification, the blacklist and its publication over
``dualprev_sdk.services.credit``.

Thin: parse, authorise with ``access.require_capability`` (policy as data in ``access.CAPABILITY_ACTORS``), call
the SDK, translate back. Regulators record facts, issue classes, sweep and decide repairs in their region; a unit
reads its own records and class and applies for repair of its own entry; the publication list is public to any
authenticated caller. Unit names decide scope before existence; entry names do not carry the unit, so a missing
entry looks like an out-of-scope one (PERMISSION_DENIED) to everyone but the data centre (AIP-211).
"""

from __future__ import annotations

import datetime as dt

import attrs
import grpc

from dualprev_gateway import capability_convert as cc
from dualprev_gateway import convert
from dualprev_gateway._generated.dualprev.v1 import credit_pb2, credit_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.resource_scope import ScopeLookups, hidden_absence
from dualprev_sdk import timeutil
from dualprev_sdk.access import Capability, Principal, PrincipalKind, may_use, require_capability
from dualprev_sdk.domain.credit import (
    BlacklistEntry,
    BlacklistStatus,
    CreditClass,
    CreditClassification,
    CreditRecord,
    CreditRecordKind,
    RepairApplication,
    Severity,
)
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.services import credit as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["CreditServicer"]

_CLASS = (credit_pb2.CreditClass, CreditClass, "CREDIT_CLASS_")
_KIND = (credit_pb2.CreditRecordKind, CreditRecordKind, "CREDIT_RECORD_KIND_")
_SEVERITY = (credit_pb2.CreditSeverity, Severity, "CREDIT_SEVERITY_")
_STATUS = (credit_pb2.BlacklistStatus, BlacklistStatus, "BLACKLIST_STATUS_")


def entry_name(entry_id: str) -> str:
    return f"blacklistEntries/{entry_id}"


def _entry_key(entry: BlacklistEntry) -> str:
    """Oldest listing first, as published."""
    return f"{entry.listed_on.isoformat()}|{entry.unit_uscc}|{entry.id}"


def _entry_after(token: str, after: str | None) -> tuple[dt.date, str, str] | None:
    """The (listing date, USCC, id) a page resumes after, from the key :func:`_entry_key` put in the token."""
    if after is None:
        return None
    listed_on, uscc, entry_id = cc.key_parts(token, after, 3)
    return cc.key_date(token, listed_on), uscc, entry_id


def _record_name(uscc: str, record_id: str) -> str:
    return f"units/{uscc}/creditRecords/{record_id}"


def _severity_to_proto(severity: str) -> int:
    return 0 if not severity else cc.enum_to_proto(Severity(severity), credit_pb2.CreditSeverity, "CREDIT_SEVERITY_")


def record_to_proto(record: CreditRecord) -> credit_pb2.CreditRecord:
    return credit_pb2.CreditRecord(
        name=_record_name(record.unit_uscc, record.id),
        kind=cc.enum_to_proto(record.kind, credit_pb2.CreditRecordKind, "CREDIT_RECORD_KIND_"),  # type: ignore[arg-type]
        occurred_on=record.occurred_on.isoformat(),
        source=record.source,
        evidence=record.evidence,
        severity=_severity_to_proto(record.severity),  # type: ignore[arg-type]
        note=record.note,
    )


def _class(value: CreditClass) -> int:
    return cc.enum_to_proto(value, credit_pb2.CreditClass, "CREDIT_CLASS_")


def classification_to_proto(found: CreditClassification) -> credit_pb2.CreditClassification:
    message = credit_pb2.CreditClassification(
        unit=convert.unit_name(found.unit_uscc),
        credit_class=_class(found.credit_class),  # type: ignore[arg-type]
        computed_class=_class(found.computed_class),  # type: ignore[arg-type]
        score=found.score,
        contributions=[
            credit_pb2.CreditContribution(record=record_to_proto(r), points=p) for r, p in found.contributions
        ],
        issued_by_regulator=found.issued_by_regulator,
        regulator_note=found.regulator_note,
        explanation=found.explain(),
        model_source=convert.source_to_proto(found.model_source),
    )
    if found.forced_by is not None:
        message.forced_by.CopyFrom(record_to_proto(found.forced_by))
    return message


def entry_to_proto(
    entry: BlacklistEntry, history: list[use_cases.BlacklistHistoryItem] | None = None, *, public: bool = False
) -> credit_pb2.BlacklistEntry:
    message = credit_pb2.BlacklistEntry(
        name=entry_name(entry.id),
        unit=convert.unit_name(entry.unit_uscc),
        region_code=entry.region_code,
        listed_on=entry.listed_on.isoformat(),
        reason=entry.reason,
        trigger_records=[] if public else [_record_name(entry.unit_uscc, r) for r in entry.trigger_record_ids],
        publication_text=entry.publication_text,
        status=cc.enum_to_proto(entry.status, credit_pb2.BlacklistStatus, "BLACKLIST_STATUS_"),  # type: ignore[arg-type]
        removed_on=cc.iso(entry.removed_on),
        expires_on=entry.expires_on.isoformat(),
        etag=convert.etag_of(entry.version),
    )
    if public:
        return message
    for repair in entry.repairs:
        item = credit_pb2.CreditRepair(
            applied_on=repair.applied_on.isoformat(),
            penalty_fulfilled=repair.penalty_fulfilled,
            harm_removed=repair.harm_removed,
            no_new_heavy_penalty=repair.no_new_heavy_penalty,
            statement=repair.statement,
            decided_on=cc.iso(repair.decided_on),
            decided_by=repair.decided_by,
            decision_note=repair.decision_note,
        )
        if repair.approved is not None:
            item.approved = repair.approved
        message.repairs.append(item)
    for step in history or ():
        message.history.append(
            credit_pb2.BlacklistHistoryItem(
                day=step.day.isoformat(), action=step.action, actor=step.actor, detail=step.detail
            )
        )
    return message


class CreditServicer(credit_pb2_grpc.CreditServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    # -- helpers ----------------------------------------------------------------------------------------------------

    def _entry(self, principal: Principal, capability: Capability, name: str) -> BlacklistEntry:
        entry_id = cc.parse_simple_name(name, "blacklistEntries")
        with self._sdk.uow() as uow:
            entry = uow.credit.find_blacklist_entry(entry_id)
        if entry is None:
            raise hidden_absence(principal, name) or NotFound("blacklist entry", entry_id)
        require_capability(principal, capability, name, uscc=entry.unit_uscc, region_code=entry.region_code)
        return entry

    # -- records and classes ----------------------------------------------------------------------------------------

    def CreateCreditRecord(
        self, request: credit_pb2.CreateCreditRecordRequest, context: grpc.ServicerContext
    ) -> credit_pb2.CreditRecord:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.RECORD_CREDIT_EVENT, "parent")
        record = request.record
        problems = convert.Violations()
        kind = cc.enum_from_proto(problems, "record.kind", record.kind, _KIND, required=True)
        severity = cc.enum_from_proto(problems, "record.severity", record.severity, _SEVERITY, required=False)
        occurred_on = cc.parse_date(problems, "record.occurred_on", record.occurred_on, required=True)
        if request.record_id and not convert.EQUIPMENT_ID.match(request.record_id):
            problems.add("record_id", request.record_id, "id.format", "1-63 of a-z 0-9 -, starting alphanumeric")
        for field, limit in (("source", 200), ("evidence", 1000), ("note", 1000)):
            cc.max_length(problems, f"record.{field}", getattr(record, field), limit)
        problems.raise_if_any()
        assert kind is not None
        assert occurred_on is not None
        try:
            stored = use_cases.record_credit_event(
                self._sdk,
                unit_uscc=uscc,
                kind=kind,
                occurred_on=occurred_on,
                source=record.source,
                actor=cc.actor(principal),
                evidence=record.evidence,
                severity=severity.value if severity is not None else "",
                note=record.note,
                record_id=request.record_id or None,
            )
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "record", {}) from None
        return record_to_proto(stored)

    def ListCreditRecords(
        self, request: credit_pb2.ListCreditRecordsRequest, context: grpc.ServicerContext
    ) -> credit_pb2.ListCreditRecordsResponse:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_CREDIT, "parent")
        token_in = request.page_token

        def fetch(after: str | None, limit: int) -> list[CreditRecord]:
            key = None
            if after is not None:
                day, record_id = cc.key_parts(token_in, after, 2)
                key = (cc.key_date(token_in, day), record_id)
            return use_cases.list_credit_records(self._sdk, uscc, after=key, limit=limit)

        page, token = cc.keyset_page(
            fetch, lambda r: f"{r.occurred_on.isoformat()}|{r.id}", request.page_size, request.page_token, uscc
        )
        return credit_pb2.ListCreditRecordsResponse(records=[record_to_proto(r) for r in page], next_page_token=token)

    def ClassifyUnit(
        self, request: credit_pb2.ClassifyUnitRequest, context: grpc.ServicerContext
    ) -> credit_pb2.CreditClassification:
        principal = current_principal()
        day = cc.date_or_none(request.day, "day")
        uscc = self._scope.unit(principal, request.name, Capability.READ_CREDIT, "name")
        return classification_to_proto(use_cases.classify_unit(self._sdk, uscc, day=day))

    def IssueCreditClass(
        self, request: credit_pb2.IssueCreditClassRequest, context: grpc.ServicerContext
    ) -> credit_pb2.IssuedCreditClass:
        principal = current_principal()
        problems = convert.Violations()
        credit_class = cc.enum_from_proto(problems, "credit_class", request.credit_class, _CLASS, required=True)
        issued_on = cc.parse_date(problems, "issued_on", request.issued_on, required=True)
        if not request.authority.strip():
            problems.add("authority", request.authority, "required", "the issuing authority is required")
        cc.max_length(problems, "authority", request.authority, 200)
        cc.max_length(problems, "note", request.note, 1000)
        problems.raise_if_any()
        assert credit_class is not None
        assert issued_on is not None
        uscc = self._scope.unit(principal, request.name, Capability.ISSUE_CREDIT_CLASS, "name")
        issued = use_cases.issue_credit_class(
            self._sdk,
            unit_uscc=uscc,
            credit_class=credit_class,
            issued_on=issued_on,
            authority=request.authority.strip(),
            actor=cc.actor(principal),
            note=request.note,
        )
        return credit_pb2.IssuedCreditClass(
            unit=convert.unit_name(uscc),
            credit_class=_class(issued.credit_class),  # type: ignore[arg-type]
            issued_on=issued.issued_on.isoformat(),
            authority=issued.authority,
            note=issued.note,
        )

    def DeriveCreditRecords(
        self, request: credit_pb2.DeriveCreditRecordsRequest, context: grpc.ServicerContext
    ) -> credit_pb2.DeriveCreditRecordsResponse:
        principal = current_principal()
        day = cc.date_or_none(request.day, "day")
        region = self._scope.region_wide(principal, request.region_code, Capability.SWEEP_CREDIT, "region_code")
        result = use_cases.derive_credit_records(self._sdk, today=day, region_prefix=region)
        return credit_pb2.DeriveCreditRecordsResponse(
            added=[record_to_proto(r) for r in result.added], already_recorded_count=result.already_recorded
        )

    # -- blacklist --------------------------------------------------------------------------------------------------

    def SweepBlacklist(
        self, request: credit_pb2.SweepBlacklistRequest, context: grpc.ServicerContext
    ) -> credit_pb2.SweepBlacklistResponse:
        principal = current_principal()
        day = cc.date_or_none(request.day, "day")
        if day is not None and day > timeutil.today():
            raise InvalidArgument.single("day", request.day, "not_future", "a sweep cannot run in the future")
        region = self._scope.region_wide(principal, request.region_code, Capability.SWEEP_CREDIT, "region_code")
        result = use_cases.sweep_blacklist(
            self._sdk, today=day, region_prefix=region, authority=request.authority, actor=cc.actor(principal)
        )
        return credit_pb2.SweepBlacklistResponse(
            listed=[entry_to_proto(e) for e in result.listed], expired=[entry_to_proto(e) for e in result.expired]
        )

    def GetBlacklistEntry(
        self, request: credit_pb2.GetBlacklistEntryRequest, context: grpc.ServicerContext
    ) -> credit_pb2.BlacklistEntry:
        principal = current_principal()
        entry = self._entry(principal, Capability.READ_BLACKLIST, request.name)
        return entry_to_proto(entry, use_cases.blacklist_history(self._sdk, entry.id))

    def ListBlacklistEntries(
        self, request: credit_pb2.ListBlacklistEntriesRequest, context: grpc.ServicerContext
    ) -> credit_pb2.ListBlacklistEntriesResponse:
        principal = current_principal()
        parent = convert.parse_unit_name(request.parent, "parent", allow_wildcard=True)
        problems = convert.Violations()
        status = cc.enum_from_proto(problems, "status", request.status, _STATUS, required=False)
        problems.raise_if_any()
        if parent != "-":
            self._scope.require(principal, Capability.READ_BLACKLIST, parent)
            scope: dict[str, str] | None = {"unit_uscc": parent}
        elif not may_use(principal, Capability.READ_BLACKLIST, uscc=principal.scope, region_code=principal.scope):
            scope = None  # lists are filtered to the scope silently; an agency's scope holds no entries
        else:
            scope = {
                PrincipalKind.ENTERPRISE: {"unit_uscc": principal.scope},
                PrincipalKind.REGULATOR: {"region_prefix": principal.scope},
            }.get(principal.kind, {})
        token_in = request.page_token

        def fetch(after: str | None, limit: int) -> list[BlacklistEntry]:
            if scope is None:
                return []
            return use_cases.list_blacklist(
                self._sdk, status=status, after=_entry_after(token_in, after), limit=limit, **scope
            )

        page, token = cc.keyset_page(
            fetch, _entry_key, request.page_size, request.page_token, parent, str(request.status)
        )
        return credit_pb2.ListBlacklistEntriesResponse(entries=[entry_to_proto(e) for e in page], next_page_token=token)

    def ApplyForCreditRepair(
        self, request: credit_pb2.ApplyForCreditRepairRequest, context: grpc.ServicerContext
    ) -> credit_pb2.BlacklistEntry:
        principal = current_principal()
        applied_on = cc.date_or_none(request.applied_on, "applied_on") or timeutil.today()
        entry = self._entry(principal, Capability.APPLY_FOR_CREDIT_REPAIR, request.name)
        application = RepairApplication(
            applied_on=applied_on,
            penalty_fulfilled=request.penalty_fulfilled,
            harm_removed=request.harm_removed,
            no_new_heavy_penalty=request.no_new_heavy_penalty,
            statement=request.statement,
        )
        try:
            updated = use_cases.apply_for_credit_repair(self._sdk, entry.id, application, actor=cc.actor(principal))
        except InvalidArgument as exc:  # the domain names `application.penalty_fulfilled`; the request is flat
            flat = [attrs.evolve(v, field=v.field.removeprefix("application.")) for v in exc.violations]
            raise InvalidArgument(flat, reason=exc.reason, metadata=exc.metadata) from None
        return entry_to_proto(updated, use_cases.blacklist_history(self._sdk, entry.id))

    def DecideCreditRepair(
        self, request: credit_pb2.DecideCreditRepairRequest, context: grpc.ServicerContext
    ) -> credit_pb2.BlacklistEntry:
        principal = current_principal()
        day = cc.date_or_none(request.decided_on, "decided_on") or timeutil.today()
        if len(request.decided_by) > cc.ACTOR_MAX:
            raise InvalidArgument.single(
                "decided_by", request.decided_by, "max_length", f"at most {cc.ACTOR_MAX} characters"
            )
        entry = self._entry(principal, Capability.DECIDE_CREDIT_REPAIR, request.name)
        updated = use_cases.decide_credit_repair(
            self._sdk,
            entry.id,
            approved=request.approved,
            day=day,
            decided_by=request.decided_by.strip() or cc.actor(principal),
            note=request.note,
        )
        return entry_to_proto(updated, use_cases.blacklist_history(self._sdk, entry.id))

    def ListBlacklistPublication(
        self, request: credit_pb2.ListBlacklistPublicationRequest, context: grpc.ServicerContext
    ) -> credit_pb2.ListBlacklistPublicationResponse:
        principal = current_principal()
        day = cc.date_or_none(request.day, "day")
        region = self._scope.region_wide(principal, request.region_code, Capability.READ_PUBLICATION, "region_code")
        token_in = request.page_token

        def fetch(after: str | None, limit: int) -> list[BlacklistEntry]:
            return use_cases.blacklist_publication(
                self._sdk, region_prefix=region, day=day, after=_entry_after(token_in, after), limit=limit
            )

        page, token = cc.keyset_page(
            fetch, _entry_key, request.page_size, request.page_token, region, request.day or "today"
        )
        return credit_pb2.ListBlacklistPublicationResponse(
            entries=[entry_to_proto(e, public=True) for e in page], next_page_token=token
        )
