"""Who may see and change what: principals, their scopes, API keys, and the authorisation checks.

This is domain logic, not transport: the gRPC gateway authenticates a caller to a :class:`Principal` and then
calls the ``require_*`` functions here before each SDK call, and any other front end (a REST bridge, a batch
job acting for a regulator) can reuse exactly the same rules. Nothing here imports grpc.

The four kinds of principal and their scopes:

============  ==================================  ===============================================================
kind          scope                               may
============  ==================================  ===============================================================
enterprise    its USCC (18 characters)            read and change its own unit, equipment and hazards
regulator     a GB/T 2260 region-code prefix      read everything in its region; regulator actions (grading
              (2, 4 or 6 digits)                  hazards, verifying rectification, closing out)
agency        the inspection agency's id          read the equipment it inspects; submit findings on it
datacenter    ``*``                               read everything (the provincial data centre); no writes
============  ==================================  ===============================================================

Reads outside the scope raise :class:`PermissionDenied`, checked *before* existence wherever the scope can be
decided from the resource name (AIP-211), so an answer never tells a caller whether a resource outside its
scope exists. Lists are filtered silently to the scope instead.

API keys: ``dpk_<key id>_<secret>``. The secret is 256 random bits (``secrets.token_urlsafe(32)``) and only its
SHA-256 digest is stored. A slow password hash (scrypt, PBKDF2) exists to make guessing *low-entropy* human
passwords from a stolen table expensive; a 256-bit random secret cannot be guessed at any hash speed, so a
plain SHA-256 gives the same protection while keeping per-request verification in microseconds (every gRPC
call verifies a key). The key id is public and is the lookup key; the digest is compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Collection, Mapping
from typing import Protocol

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.hazard import HazardCommand
from dualprev_sdk.errors import InvalidArgument, PermissionDenied

__all__ = [
    "CAPABILITY_ACTORS",
    "EVENT_WATCHERS",
    "HAZARD_COMMAND_ACTORS",
    "KEY_PREFIX",
    "PUBLIC_CAPABILITIES",
    "ApiKey",
    "ApiKeySource",
    "Capability",
    "InMemoryApiKeys",
    "IssuedApiKey",
    "Principal",
    "PrincipalKind",
    "UnitScope",
    "authenticate",
    "can_read_unit",
    "event_scope",
    "hash_secret",
    "issue_api_key",
    "may_use",
    "parse_api_key",
    "require_capability",
    "require_datacenter",
    "require_equipment_read",
    "require_finding_submission",
    "require_hazard_command",
    "require_hazard_read",
    "require_regulator_action",
    "require_unit_read",
    "require_unit_write",
    "unit_scope",
]

KEY_PREFIX = "dpk"
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_REGION_PREFIX = re.compile(r"^\d{2}(\d{2}){0,2}$")
_AGENCY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KEY = re.compile(rf"^{KEY_PREFIX}_([0-9a-f]{{16}})_([A-Za-z0-9_-]{{43}})$")


class PrincipalKind(enum.StrEnum):
    """The kinds of caller the system knows."""

    ENTERPRISE = "enterprise"  # 使用单位
    REGULATOR = "regulator"  # 市场监管部门
    AGENCY = "agency"  # 检验机构
    DATACENTER = "datacenter"  # 省特种设备数据中心

    @property
    def name_zh(self) -> str:
        return {
            "enterprise": "使用单位",
            "regulator": "监管部门",
            "agency": "检验机构",
            "datacenter": "数据中心",
        }[self.value]


_SCOPE_RULES: dict[PrincipalKind, tuple[re.Pattern[str], str]] = {
    PrincipalKind.ENTERPRISE: (_USCC, "an enterprise's scope is its 18-character USCC"),
    PrincipalKind.REGULATOR: (_REGION_PREFIX, "a regulator's scope is a region-code prefix of 2, 4 or 6 digits"),
    PrincipalKind.AGENCY: (_AGENCY, "an agency's scope is its id: 1-64 of A-Z a-z 0-9 . _ -"),
    PrincipalKind.DATACENTER: (re.compile(r"^\*$"), "a data centre's scope is '*' (everything)"),
}


def _validate_scope(instance: Principal, _attribute: object, scope: str) -> None:
    pattern, rule = _SCOPE_RULES[instance.kind]
    if not pattern.match(scope):
        raise InvalidArgument.single("scope", scope, f"principal.scope.{instance.kind.value}", rule)


@attrs.frozen(kw_only=True)
class Principal:
    """An authenticated caller: what kind it is and the part of the world it may see."""

    kind: PrincipalKind = attrs.field(converter=PrincipalKind)
    scope: str = attrs.field(validator=_validate_scope)
    key_id: str = ""  # the API key that authenticated it ("" for in-process callers)
    label: str = ""

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.scope}"


@attrs.frozen(kw_only=True)
class UnitScope:
    """The slice of units a principal may list: one USCC, a region prefix, nothing, or everything.

    Repositories take it as filters: ``uscc`` → ``unit_uscc=``, ``region_prefix`` → ``region_prefix=``.
    ``agency`` lists go through the equipment the agency inspects instead.
    """

    uscc: str | None = None
    region_prefix: str | None = None
    agency: str | None = None
    everything: bool = False


def unit_scope(principal: Principal) -> UnitScope:
    """What a List call returns for this principal (filters to combine with the caller's own filter)."""
    match principal.kind:
        case PrincipalKind.ENTERPRISE:
            return UnitScope(uscc=principal.scope)
        case PrincipalKind.REGULATOR:
            return UnitScope(region_prefix=principal.scope)
        case PrincipalKind.AGENCY:
            return UnitScope(agency=principal.scope)
        case PrincipalKind.DATACENTER:
            return UnitScope(everything=True)


def _deny(principal: Principal, action: str, resource: str) -> PermissionDenied:
    return PermissionDenied(
        f"{principal} may not {action} {resource}",
        metadata={"principal_kind": principal.kind.value, "action": action, "resource": resource},
    )


def _in_region(principal: Principal, region_code: str | None) -> bool:
    """Whether ``region_code`` lies in the principal's scope read as a region prefix (None: unknown, never)."""
    return region_code is not None and region_code.startswith(principal.scope)


def can_read_unit(principal: Principal, uscc: str, region_code: str | None) -> bool:
    """Whether ``principal`` may read unit ``uscc`` located in ``region_code`` (None: unknown / missing)."""
    match principal.kind:
        case PrincipalKind.ENTERPRISE:
            return uscc == principal.scope
        case PrincipalKind.REGULATOR:
            return _in_region(principal, region_code)
        case PrincipalKind.DATACENTER:
            return True
        case PrincipalKind.AGENCY:
            return False


def require_unit_read(principal: Principal, uscc: str, region_code: str | None) -> None:
    """Raise PermissionDenied unless ``principal`` may read the unit (pass ``region_code=None`` when missing)."""
    if not can_read_unit(principal, uscc, region_code):
        raise _deny(principal, "read", f"units/{uscc}")


def require_unit_write(principal: Principal, uscc: str) -> None:
    """Only the enterprise itself changes its ledger; decidable from the name alone, so checked first."""
    if not (principal.kind is PrincipalKind.ENTERPRISE and principal.scope == uscc):
        raise _deny(principal, "change", f"units/{uscc}")


def require_unit_designations_kept(principal: Principal, before: bool, after: bool, uscc: str) -> None:
    """A unit writes its own ledger record, but 示范企业 (``demonstration``) is a designation the regulator makes
    (``SetDemonstration``, capability DESIGNATE_PARKS), not a fact the unit declares: creating or updating a unit
    may not change it. ``before``/``after`` are the flag as stored (False for a new unit) and as requested."""
    if before != after:
        raise PermissionDenied(
            f"{principal} may not change demonstration of units/{uscc}: 示范企业 is designated by the regulator "
            "(EnterpriseService.SetDemonstration)",
            metadata={"principal_kind": principal.kind.value, "action": "designate", "field": "demonstration"},
        )


def require_equipment_read(
    principal: Principal,
    uscc: str,
    region_code: str | None,
    equipment_id: str,
    *,
    inspecting_agencies: Callable[[], Collection[str]] = frozenset,
) -> None:
    """Read access to one piece of equipment; agencies see what they inspect (``inspecting_agencies()`` is only
    called for agency principals, so callers can pass a lazy store lookup)."""
    if principal.kind is PrincipalKind.AGENCY:
        if principal.scope in inspecting_agencies():
            return
        raise _deny(principal, "read", f"units/{uscc}/equipment/{equipment_id}")
    if not can_read_unit(principal, uscc, region_code):
        raise _deny(principal, "read", f"units/{uscc}/equipment/{equipment_id}")


def require_finding_submission(
    principal: Principal, uscc: str, equipment_id: str, *, inspecting_agencies: Callable[[], Collection[str]]
) -> None:
    """Findings (hazards found during inspection) come from the unit itself or from an agency inspecting it."""
    if principal.kind is PrincipalKind.ENTERPRISE and principal.scope == uscc:
        return
    if principal.kind is PrincipalKind.AGENCY and principal.scope in inspecting_agencies():
        return
    raise _deny(principal, "submit findings on", f"units/{uscc}/equipment/{equipment_id}")


def require_regulator_action(principal: Principal, uscc: str, region_code: str | None, action: str) -> None:
    """Regulator actions (grading a hazard, verifying, closing out) need a regulator whose region holds the unit."""
    if principal.kind is PrincipalKind.REGULATOR and _in_region(principal, region_code):
        return
    raise _deny(principal, action, f"units/{uscc}")


#: Who may issue each hazard command. This is the project's access policy (not a regulatory value): the unit runs
#: its own loop (自查自报、自纠); the regulator grades, verifies, closes out and supervises in its region;
#: an inspection agency reports what it finds on equipment it inspects; the data centre only reads.
HAZARD_COMMAND_ACTORS: Mapping[HazardCommand, frozenset[PrincipalKind]] = {
    HazardCommand.REPORT: frozenset({PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY}),
    HazardCommand.REGISTER: frozenset({PrincipalKind.ENTERPRISE}),
    HazardCommand.GRADE_BY_RULES: frozenset({PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR}),
    HazardCommand.GRADE_BY_PERSON: frozenset({PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR}),
    HazardCommand.PLAN_RECTIFICATION: frozenset({PrincipalKind.ENTERPRISE}),
    HazardCommand.START_RECTIFICATION: frozenset({PrincipalKind.ENTERPRISE}),
    HazardCommand.COMPLETE_RECTIFICATION: frozenset({PrincipalKind.ENTERPRISE}),
    HazardCommand.FIX_ON_THE_SPOT: frozenset({PrincipalKind.ENTERPRISE}),
    HazardCommand.VERIFY: frozenset({PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR}),
    HazardCommand.REJECT_VERIFICATION: frozenset({PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR}),
    HazardCommand.CLOSE_OUT: frozenset({PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR}),
    HazardCommand.CANCEL: frozenset({PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR}),
    HazardCommand.LIST_FOR_SUPERVISION: frozenset({PrincipalKind.REGULATOR}),
    HazardCommand.LIFT_SUPERVISION: frozenset({PrincipalKind.REGULATOR}),
    HazardCommand.ESCALATE_OVERDUE: frozenset(),  # the scheduled sweep, never a remote caller
    HazardCommand.ADD_NOTE: frozenset({PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR}),
}


def require_hazard_command(
    principal: Principal,
    command: HazardCommand,
    uscc: str,
    region_code: str | None,
    *,
    equipment_id: str | None = None,
    inspecting_agencies: Callable[[], Collection[str]] = frozenset,
) -> None:
    """Whether ``principal`` may issue ``command`` on a hazard of unit ``uscc`` (in ``region_code``): its kind
    must be in :data:`HAZARD_COMMAND_ACTORS`, and the hazard inside its scope (an agency: only reports on
    equipment it inspects)."""
    action = f"{command.value} a hazard of"
    if principal.kind in HAZARD_COMMAND_ACTORS.get(command, frozenset()):
        match principal.kind:
            case PrincipalKind.ENTERPRISE if principal.scope == uscc:
                return
            case PrincipalKind.REGULATOR if _in_region(principal, region_code):
                return
            case PrincipalKind.AGENCY if equipment_id is not None and principal.scope in inspecting_agencies():
                return
            case _:
                pass
    raise _deny(principal, action, f"units/{uscc}")


def require_hazard_read(
    principal: Principal,
    uscc: str,
    region_code: str | None,
    *,
    equipment_id: str | None = None,
    inspecting_agencies: Callable[[], Collection[str]] = frozenset,
) -> None:
    """Hazards are read like the unit they belong to; an agency reads those on equipment it inspects."""
    if principal.kind is PrincipalKind.AGENCY and equipment_id is not None:
        require_equipment_read(principal, uscc, region_code, equipment_id, inspecting_agencies=inspecting_agencies)
        return
    if not can_read_unit(principal, uscc, region_code):
        raise _deny(principal, "read hazards of", f"units/{uscc}")


def require_datacenter(principal: Principal, action: str) -> None:
    """Operations over everything (verifying every hazard chain) are for the data centre only."""
    if principal.kind is not PrincipalKind.DATACENTER:
        raise _deny(principal, action, "*")


#: Who may follow the event feed (the project's access policy, not a regulatory value). Each kind receives only
#: the events of its :func:`unit_scope` — its own unit, its region, the equipment it inspects, or everything for
#: the data centre; events the store cannot place in a unit (cylinders, credit entries, plans) reach the data
#: centre only. Remove a kind here to shut it out of the feed entirely.
EVENT_WATCHERS: frozenset[PrincipalKind] = frozenset(PrincipalKind)


def event_scope(principal: Principal) -> UnitScope:
    """The slice of the event feed ``principal`` receives; PermissionDenied if its kind may not watch at all."""
    if principal.kind not in EVENT_WATCHERS:
        raise _deny(principal, "watch events of", "*")
    return unit_scope(principal)


# -- traceability, 96333, credit and supervision (capability policy) -------------------------------------------


class Capability(enum.StrEnum):
    """Commands and reads of the traceability, elevator-emergency, credit, supervision, ledger-import, risk and
    inspection services."""

    # traceability (气瓶/移动式压力容器追溯)
    REGISTER_CYLINDERS = "register cylinders of"
    READ_CYLINDER = "read cylinders of"
    RECORD_FILL = "record fills at"
    RECORD_CYLINDER_FLOW = "record the flow of cylinders of"
    RECORD_CYLINDER_INSPECTION = "record inspections of cylinders of"
    SCRAP_CYLINDER = "scrap cylinders of"
    READ_CYLINDER_WARNINGS = "read cylinder warnings of"
    RECORD_LOADING = "record mobile-vessel loadings at"
    # elevator 96333 (电梯应急处置)
    REGISTER_RESCUE_CODE = "register rescue codes of"
    OPEN_RESCUE_INCIDENT = "open 96333 incidents in"
    RECORD_RESCUE_PROGRESS = "record rescue progress in"
    READ_RESCUE_INCIDENT = "read 96333 incidents of"
    READ_RESCUE_KPIS = "read 96333 figures of"
    SWEEP_RESCUE = "sweep 96333 incidents of"
    RECORD_MAINTENANCE = "record lift maintenance of"
    READ_FAULT_COUNTS = "read lift fault counts of"
    # credit (信用监管)
    RECORD_CREDIT_EVENT = "record credit facts of"
    READ_CREDIT = "read credit of"
    ISSUE_CREDIT_CLASS = "issue credit classes to"
    SWEEP_CREDIT = "sweep credit records and the blacklist of"
    READ_BLACKLIST = "read blacklist entries of"
    APPLY_FOR_CREDIT_REPAIR = "apply for credit repair for"
    DECIDE_CREDIT_REPAIR = "decide credit repair of"
    READ_PUBLICATION = "read the public lists of"
    # supervision (差异化监管、双随机、一公开、统计)
    PLAN_SUPERVISION = "plan supervision of"
    READ_SUPERVISION = "read supervision plans and draws of"
    MANAGE_INSPECTORS = "manage the inspectors of"
    DRAW_INSPECTIONS = "draw inspections in"
    RECORD_DRAW_RESULT = "record and publish draw results in"
    DETECT_WIDESPREAD = "detect widespread hazards in"
    READ_STATISTICS = "read statistics of"
    # ledger import, risk control, inspections (台账导入、风险分级管控、检验)
    IMPORT_LEDGER = "import a ledger into"
    CHANGE_RISK_POINTS = "identify, edit and grade the risk points of"
    READ_RISK_POINTS = "read the risk points of"
    RECORD_INSPECTION = "record inspections of"
    READ_INSPECTIONS = "read inspections and due dates of"
    LIST_OVERDUE_INSPECTIONS = "list overdue inspections of"
    SWEEP_OVERDUE_INSPECTIONS = "sweep overdue inspections of"
    SUBMIT_AGENCY_FINDINGS = "submit inspection findings on"
    READ_REGULATOR_NOTICES = "read regulator notices of"
    # investigation duties and personnel (隐患排查、人员管理)
    MANAGE_DUTIES = "plan and generate the investigation duties of"
    RECORD_DUTY = "record investigation duties of"
    READ_DUTIES = "read the investigation duties of"
    MANAGE_PERSONNEL = "manage the people, certificates and training of"
    READ_PERSONNEL = "read the people, certificates and compliance of"
    MANAGE_EMERGENCY = "keep the emergency plans and drills of"
    READ_EMERGENCY = "read the emergency plans, drills and findings of"
    # small units, dossiers, the five standards, parks, equipment risk (简易模式、一企一档一码、五有、一园一策)
    SET_UP_SMALL_UNIT = "set up in simplified mode"
    READ_DOSSIER = "read the dossier and five-standards assessment of"
    READ_PARKS = "read the parks and demonstration coverage of"
    DESIGNATE_PARKS = "designate parks and demonstration enterprises in"
    READ_EQUIPMENT_RISK = "read the equipment risk grades of"


_E, _R, _A, _D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER

#: Who may use each capability, as data (the project's access policy, not a regulatory value). The scope test is
#: the same for all: an enterprise acts on its own unit (a filling station on the cylinders it owns or is
#: contracted for), a regulator on what lies in its region, an agency on what it inspected, the data centre reads.
#: Regulators record penalties and accidents, issue classes, decide repairs, plan, draw, sweep and read figures;
#: the 96333 platform is run by the regulator's region, so it opens incidents and records their progress.
CAPABILITY_ACTORS: Mapping[Capability, frozenset[PrincipalKind]] = {
    Capability.REGISTER_CYLINDERS: frozenset({_E}),
    Capability.READ_CYLINDER: frozenset({_E, _R, _A, _D}),
    Capability.RECORD_FILL: frozenset({_E}),
    Capability.RECORD_CYLINDER_FLOW: frozenset({_E}),
    Capability.RECORD_CYLINDER_INSPECTION: frozenset({_A}),
    Capability.SCRAP_CYLINDER: frozenset({_E}),
    Capability.READ_CYLINDER_WARNINGS: frozenset({_E, _R, _D}),
    Capability.RECORD_LOADING: frozenset({_E}),
    Capability.REGISTER_RESCUE_CODE: frozenset({_E, _R}),
    Capability.OPEN_RESCUE_INCIDENT: frozenset({_R}),
    Capability.RECORD_RESCUE_PROGRESS: frozenset({_R}),
    Capability.READ_RESCUE_INCIDENT: frozenset({_E, _R, _D}),
    Capability.READ_RESCUE_KPIS: frozenset({_R, _D}),
    Capability.SWEEP_RESCUE: frozenset({_R}),
    Capability.RECORD_MAINTENANCE: frozenset({_E}),
    Capability.READ_FAULT_COUNTS: frozenset({_E, _R, _A, _D}),
    Capability.RECORD_CREDIT_EVENT: frozenset({_R}),
    Capability.READ_CREDIT: frozenset({_E, _R, _D}),
    Capability.ISSUE_CREDIT_CLASS: frozenset({_R}),
    Capability.SWEEP_CREDIT: frozenset({_R}),
    Capability.READ_BLACKLIST: frozenset({_E, _R, _D}),
    Capability.APPLY_FOR_CREDIT_REPAIR: frozenset({_E}),
    Capability.DECIDE_CREDIT_REPAIR: frozenset({_R}),
    Capability.READ_PUBLICATION: frozenset({_E, _R, _A, _D}),
    Capability.PLAN_SUPERVISION: frozenset({_R}),
    Capability.READ_SUPERVISION: frozenset({_R, _D}),
    Capability.MANAGE_INSPECTORS: frozenset({_R}),
    Capability.DRAW_INSPECTIONS: frozenset({_R}),
    Capability.RECORD_DRAW_RESULT: frozenset({_R}),
    Capability.DETECT_WIDESPREAD: frozenset({_R}),
    Capability.READ_STATISTICS: frozenset({_R, _D}),
    # A unit imports and keeps its own ledger and risk points (自辨自控); an agency records inspections of, and
    # submits findings on, equipment it inspects (and reads their risk points); regulators list and sweep
    # overdue inspections in their region and read its notices.
    Capability.IMPORT_LEDGER: frozenset({_E}),
    Capability.CHANGE_RISK_POINTS: frozenset({_E}),
    Capability.READ_RISK_POINTS: frozenset({_E, _R, _A, _D}),
    Capability.RECORD_INSPECTION: frozenset({_E, _A}),
    Capability.READ_INSPECTIONS: frozenset({_E, _R, _A, _D}),
    Capability.LIST_OVERDUE_INSPECTIONS: frozenset({_E, _R, _D}),
    Capability.SWEEP_OVERDUE_INSPECTIONS: frozenset({_R}),
    Capability.SUBMIT_AGENCY_FINDINGS: frozenset({_A}),
    Capability.READ_REGULATOR_NOTICES: frozenset({_R, _D}),
    # The unit plans, does and records its own checks and keeps its own staff records; regulators read them
    # (missed duties across their region, a unit's personnel compliance).
    Capability.MANAGE_DUTIES: frozenset({_E}),
    Capability.RECORD_DUTY: frozenset({_E}),
    Capability.READ_DUTIES: frozenset({_E, _R, _D}),
    Capability.MANAGE_PERSONNEL: frozenset({_E}),
    Capability.READ_PERSONNEL: frozenset({_E, _R, _D}),
    Capability.MANAGE_EMERGENCY: frozenset({_E}),
    Capability.READ_EMERGENCY: frozenset({_E, _R, _D}),
    # A small unit sets itself up (as it creates its own ledger); its dossier and self-assessment cover the whole
    # unit (people, hazards), so they are read like the unit, not by an agency. Parks (一园一策) and demonstration
    # enterprises are the regulator's work in its region; the data centre reads them. An agency reads the risk
    # grade of equipment it inspects, as it reads that equipment's risk points.
    Capability.SET_UP_SMALL_UNIT: frozenset({_E}),
    Capability.READ_DOSSIER: frozenset({_E, _R, _D}),
    Capability.READ_PARKS: frozenset({_R, _D}),
    Capability.DESIGNATE_PARKS: frozenset({_R}),
    Capability.READ_EQUIPMENT_RISK: frozenset({_E, _R, _A, _D}),
}

#: Capabilities whose data is public once published (一公开, 黑名单公示): any authenticated caller, any region.
PUBLIC_CAPABILITIES: frozenset[Capability] = frozenset({Capability.READ_PUBLICATION})


def may_use(
    principal: Principal,
    capability: Capability,
    *,
    uscc: str = "",
    region_code: str | None = None,
    agency_involved: Callable[[], bool] = lambda: False,
) -> bool:
    """Whether ``principal`` may use ``capability`` on a resource of unit ``uscc`` in ``region_code`` (for
    region-wide commands: ``uscc=""`` and the target region). ``agency_involved()`` (called only for agencies)
    says whether the calling agency inspected the resource."""
    if principal.kind not in CAPABILITY_ACTORS.get(capability, frozenset()):
        return False
    if capability in PUBLIC_CAPABILITIES:
        return True
    match principal.kind:
        case PrincipalKind.ENTERPRISE:
            return bool(uscc) and uscc == principal.scope
        case PrincipalKind.REGULATOR:
            return _in_region(principal, region_code)
        case PrincipalKind.AGENCY:
            return agency_involved()
        case PrincipalKind.DATACENTER:
            return True


def require_capability(
    principal: Principal,
    capability: Capability,
    resource: str,
    *,
    uscc: str = "",
    region_code: str | None = None,
    agency_involved: Callable[[], bool] = lambda: False,
) -> None:
    """Raise PermissionDenied naming ``resource`` unless :func:`may_use` allows it."""
    if not may_use(principal, capability, uscc=uscc, region_code=region_code, agency_involved=agency_involved):
        raise _deny(principal, capability.value, resource)


# -- API keys -------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ApiKey:
    """A stored API key: never the secret itself, only its SHA-256 digest."""

    id: str
    kind: PrincipalKind = attrs.field(converter=PrincipalKind)
    scope: str
    secret_sha256: str
    label: str = ""
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def principal(self) -> Principal:
        return Principal(kind=self.kind, scope=self.scope, key_id=self.id, label=self.label)


@attrs.frozen(kw_only=True)
class IssuedApiKey:
    """A freshly issued key: ``token`` is shown to the user once and never stored."""

    key: ApiKey
    token: str = attrs.field(repr=False)


class ApiKeySource(Protocol):
    """Where keys are looked up by id (the store's ``ApiKeyRepository``, or :class:`InMemoryApiKeys`)."""

    def find(self, key_id: str) -> ApiKey | None: ...


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def issue_api_key(
    kind: PrincipalKind | str, scope: str, *, label: str = "", now: dt.datetime | None = None
) -> IssuedApiKey:
    """Make a new key for a principal; validates the scope for the kind (InvalidArgument listing the problem)."""
    try:
        kind = PrincipalKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in PrincipalKind)
        raise InvalidArgument.single("kind", kind, "principal.kind", f"must be one of {allowed}") from None
    Principal(kind=kind, scope=scope)  # validates the scope
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        id=key_id,
        kind=kind,
        scope=scope,
        secret_sha256=hash_secret(secret),
        label=label,
        created_at=now or timeutil.now(),
    )
    return IssuedApiKey(key=key, token=f"{KEY_PREFIX}_{key_id}_{secret}")


def parse_api_key(token: str) -> tuple[str, str] | None:
    """``(key id, secret)`` of a well-formed token, else None."""
    match = _KEY.match(token)
    return None if match is None else (match.group(1), match.group(2))


def authenticate(token: str, keys: ApiKeySource) -> Principal | None:
    """The principal a bearer token stands for, or None (malformed, unknown, revoked or wrong secret alike:
    the caller learns nothing about which)."""
    parsed = parse_api_key(token)
    if parsed is None:
        return None
    key_id, secret = parsed
    key = keys.find(key_id)
    if key is None or not key.active:
        return None
    if not hmac.compare_digest(key.secret_sha256, hash_secret(secret)):
        return None
    return key.principal()


class InMemoryApiKeys:
    """A key source held in memory: for embedding the gateway in tests and tools without a database."""

    def __init__(self, keys: Mapping[str, ApiKey] | None = None) -> None:
        self._keys: dict[str, ApiKey] = dict(keys or {})

    def add(self, key: ApiKey) -> None:
        self._keys[key.id] = key

    def find(self, key_id: str) -> ApiKey | None:
        return self._keys.get(key_id)

    def issue(self, kind: PrincipalKind | str, scope: str, *, label: str = "") -> str:
        """Issue, remember, and return the token."""
        issued = issue_api_key(kind, scope, label=label)
        self.add(issued.key)
        return issued.token
