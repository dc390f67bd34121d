"""The transactional outbox: every data change writes its event in the same transaction as the change.

Consumers (the NATS publisher, the regulator data-centre feed, the gateway's event stream) read the outbox in
``id`` order and remember the last ``id`` they handled: that integer is the cursor. For the cursor to be safe
the ids must become visible in id order. SQLite has one writer at a time, so that holds by construction; on
PostgreSQL sequence values are handed out at insert time but become visible at commit time, so a reader could
see id 11 before id 10 commits and skip 10 forever. :func:`write_events` therefore runs at the very end of a
unit of work, immediately before ``COMMIT``, under a transaction-scoped advisory lock: ids are assigned and
committed in the same order, and the lock is held only for the insert and the commit.

Scoped feeds. Each row also records whom it concerns — ``unit_uscc``, ``region_code`` and ``equipment_id`` —
so an enterprise, a regulator or an inspection agency can follow the feed of its own scope (see
:func:`read_scoped`). Services name the unit explicitly (``uow.emit(..., unit_uscc=...)``) or, far more often,
leave it to :func:`write_events`, which derives it from the resource name with one query per resource kind
present in the commit (:data:`SCOPED_KINDS`). Rows it cannot place stay NULL: only the data centre sees them.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.serialization import converter
from dualprev_sdk.store.base import JSON_TYPE, UTCDateTime, chunked, key_string, starts_with, table_of
from dualprev_sdk.store.credit import BLACKLIST_ENTRIES
from dualprev_sdk.store.duties import DUTY_TASKS
from dualprev_sdk.store.elevator_emergency import RESCUE_INCIDENTS
from dualprev_sdk.store.equipment import EQUIPMENT
from dualprev_sdk.store.hazards import HAZARDS
from dualprev_sdk.store.inspections import equipment_inspected_by
from dualprev_sdk.store.personnel import PEOPLE
from dualprev_sdk.store.risk_points import RISK_POINTS
from dualprev_sdk.store.supervision import INSPECTORS, SAMPLING_DRAWS, SUPERVISION_PLANS
from dualprev_sdk.store.units import UNITS

__all__ = [
    "OUTBOX",
    "SCOPED_KINDS",
    "OutboxEvent",
    "OutboxRepository",
    "OutboxRow",
    "new_event",
    "read_after",
    "read_scoped",
    "scope_of_units",
    "write_events",
]

#: The resource kinds whose events :func:`write_events` places in a unit, region and (where there is one)
#: equipment by reading the store; any other kind stays unscoped (data centre only) unless the service passes
#: the scope to ``emit``. ``units/{uscc}/...`` covers every sub-resource named under a unit (``.../equipment/{id}``
#: also names the equipment).
SCOPED_KINDS: tuple[str, ...] = (
    "units",
    "equipment",
    "hazards",
    "riskPoints",
    "people",
    "dutyTasks",
    "rescueIncidents",
    "blacklistEntries",
    "supervisionPlans",
    "inspectors",
    "samplingDraws",
)
#: Where the owner of each looked-up kind is stored: ``kind → (table, owner columns)``; a kind that records only
#: its equipment gets the unit and region from the equipment row.
_OWNER_COLUMNS: dict[str, tuple[sa.Table, tuple[str, ...]]] = {
    "hazards": (HAZARDS, ("unit_uscc", "region_code", "equipment_id")),
    "riskPoints": (RISK_POINTS, ("unit_uscc", "equipment_id")),
    "people": (PEOPLE, ("unit_uscc",)),
    "dutyTasks": (DUTY_TASKS, ("unit_uscc",)),
    "rescueIncidents": (RESCUE_INCIDENTS, ("equipment_id",)),  # its region is the 96333 platform's, not the unit's
    "blacklistEntries": (BLACKLIST_ENTRIES, ("unit_uscc", "region_code")),
    # a regulator's own records: its region's regulators (and those above) see them, never the units — a 双随机
    # draw must not warn the units it picked before the inspectors arrive
    "supervisionPlans": (SUPERVISION_PLANS, ("region_code",)),
    "inspectors": (INSPECTORS, ("region_code",)),
    "samplingDraws": (SAMPLING_DRAWS, ("region_code",)),
}
#: Kinds an inspection agency does not read (``CAPABILITY_ACTORS``: 96333 incidents are the unit's, the
#: regulator's and the data centre's), so their events record no equipment and agencies' feeds never match them.
_UNIT_ONLY_KINDS = frozenset({"rescueIncidents"})
_LOOKUP_CHUNK = 500
_USCC_LENGTH, _REGION_LENGTH, _EQUIPMENT_ID_LENGTH = 18, 12, 64  # the scope columns' sizes

#: Key of the PostgreSQL advisory lock that orders outbox commits (an arbitrary constant: "dualprev" in ASCII).
OUTBOX_LOCK_KEY = 0x6475616C70726576


class OutboxRow(SQLModel, table=True):
    """``sqlite_autoincrement``: without it SQLite reuses the highest id after rows are pruned, and a consumer's
    cursor would then skip the new events."""

    __tablename__ = "outbox"
    # Scoped readers filter on one of these and walk ``id``: each index serves "this scope, after the cursor".
    __table_args__ = (
        sa.Index("ix_outbox_unit_uscc_id", "unit_uscc", "id"),
        sa.Index("ix_outbox_region_code_id", "region_code", "id"),
        sa.Index("ix_outbox_equipment_id_id", "equipment_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(
        default=None,
        primary_key=True,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),  # SQLite rowid needs INTEGER
    )
    event_id: str = Field(sa_type=key_string(36), unique=True)
    type: str = Field(sa_type=key_string(100))
    resource: str = Field(sa_type=key_string(300))
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    occurred_at: dt.datetime = Field(sa_type=UTCDateTime)
    unit_uscc: str | None = Field(default=None, sa_type=key_string(_USCC_LENGTH))
    region_code: str | None = Field(default=None, sa_type=key_string(_REGION_LENGTH))
    equipment_id: str | None = Field(default=None, sa_type=key_string(_EQUIPMENT_ID_LENGTH))


OUTBOX = table_of(OutboxRow)


@attrs.frozen(kw_only=True)
class OutboxEvent:
    """One recorded event. ``cursor`` (the row id) is 0 until the event is written.

    ``type`` is dotted and past tense (``unit.created``, ``equipment.updated``); ``resource`` is the AIP-122
    resource name of the thing that changed (``units/91410100MA00000000``). ``unit_uscc``, ``region_code`` and
    ``equipment_id`` say whom the event concerns (None: unknown, so only the data centre's feed carries it).
    """

    event_id: str
    type: str
    resource: str
    payload: dict[str, Any]
    occurred_at: dt.datetime
    cursor: int = 0
    unit_uscc: str | None = None
    region_code: str | None = None
    equipment_id: str | None = None


def new_event(
    event_type: str,
    resource: str,
    payload: dict[str, Any],
    *,
    unit_uscc: str | None = None,
    region_code: str | None = None,
    equipment_id: str | None = None,
) -> OutboxEvent:
    """An event ready to write. The payload goes through the SDK's converter (dates → ISO text, enums → values,
    attrs objects → dicts) and must then be JSON: a bad payload fails here, naming the event, rather than at
    commit time with a bare serialiser error."""
    data = converter.unstructure(payload)
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"payload of event {event_type!r} for {resource!r} is not JSON-serialisable: {exc}") from exc
    return OutboxEvent(
        event_id=str(uuid.uuid4()),
        type=event_type,
        resource=resource,
        payload=data,
        occurred_at=timeutil.now(),
        unit_uscc=unit_uscc,
        region_code=region_code,
        equipment_id=equipment_id,
    )


@attrs.define
class _Scope:
    """The scope of one event while :func:`_resolve_scopes` fills it in."""

    unit_uscc: str | None
    region_code: str | None
    equipment_id: str | None
    kind: str = ""
    key: str = ""


def _parse(event: OutboxEvent) -> _Scope:
    """What the resource name alone tells: ``units/{uscc}[/equipment/{id}...]``, ``equipment/{id}``, …"""
    scope = _Scope(event.unit_uscc, event.region_code, event.equipment_id)
    parts = event.resource.split("/")
    if len(parts) < 2 or parts[0] not in SCOPED_KINDS or not parts[1]:
        return scope
    scope.kind, scope.key = parts[0], parts[1]
    if scope.kind == "units":
        scope.unit_uscc = scope.unit_uscc or parts[1]
        if len(parts) >= 4 and parts[2] == "equipment" and parts[3]:
            scope.equipment_id = scope.equipment_id or parts[3]
    elif scope.kind == "equipment":
        scope.equipment_id = scope.equipment_id or parts[1]
    # A name that cannot be a unit or an equipment id (too long for the column) must not fail the commit of the
    # change it reports: it is simply not placed.
    if scope.unit_uscc is not None and len(scope.unit_uscc) > _USCC_LENGTH:
        scope.unit_uscc, scope.kind = None, "" if scope.kind == "units" else scope.kind
    if scope.region_code is not None and len(scope.region_code) > _REGION_LENGTH:
        scope.region_code = None
    if scope.equipment_id is not None and len(scope.equipment_id) > _EQUIPMENT_ID_LENGTH:
        scope.equipment_id, scope.kind = None, "" if scope.kind == "equipment" else scope.kind
    return scope


def scope_of_units(region_by_uscc: Mapping[str, str], *, region_only: bool = False) -> dict[str, str]:
    """The ``emit`` scope of an event about several units at once (a campaign plan, a ledger import chunk), which
    the outbox cannot place from the resource name: one unit → that unit's feed (its region follows); several →
    the smallest administrative level holding them all (``4101`` for two 郑州 districts, ``41`` for 郑州 and 洛阳),
    so the regulators of that level and above see it; none in common, or no units → the data centre only.
    ``region_only``: for a regulator's record about units (an alert), which the units themselves must not see."""
    if len(region_by_uscc) == 1 and not region_only:
        return {"unit_uscc": next(iter(region_by_uscc))}
    regions = set(region_by_uscc.values())
    # region codes nest by position (省 2, 市 4, 县 6 digits): a shared level is a shared prefix of that length
    shared = next((n for n in (6, 4, 2) if regions and len({r[:n] for r in regions}) == 1), 0)
    return {"region_code": next(iter(regions))[:shared]} if shared else {}


def _lookup(
    session: Session, table: sa.Table, key: sa.Column[Any], columns: Sequence[str], keys: Iterable[str]
) -> dict[str, sa.Row[Any]]:
    """``key → row`` for ``keys`` (chunked: SQLite caps bound parameters)."""
    found: dict[str, sa.Row[Any]] = {}
    for chunk in chunked(sorted(set(keys)), _LOOKUP_CHUNK):
        stmt = sa.select(key, *(table.c[c] for c in columns)).where(key.in_(chunk))
        found.update({row[0]: row for row in session.execute(stmt)})
    return found


def _last_known(session: Session, scope: _Scope) -> None:
    """A deleted unit or equipment can no longer be looked up: take the scope its earlier events recorded
    (one indexed ``LIMIT 1`` per such event; deletions are rare)."""
    if scope.equipment_id is not None and scope.unit_uscc is None:
        where: sa.ColumnElement[bool] = OUTBOX.c.equipment_id == scope.equipment_id
    elif scope.unit_uscc is not None and scope.region_code is None:
        where = OUTBOX.c.unit_uscc == scope.unit_uscc
    else:
        return
    stmt = (
        sa.select(OUTBOX.c.unit_uscc, OUTBOX.c.region_code)
        .where(where, OUTBOX.c.unit_uscc.is_not(None), OUTBOX.c.region_code.is_not(None))
        .order_by(OUTBOX.c.id.desc())
        .limit(1)
    )
    row = session.execute(stmt).first()
    if row is not None:
        scope.unit_uscc = scope.unit_uscc or row.unit_uscc
        scope.region_code = scope.region_code or row.region_code


def _resolve_scopes(session: Session, events: Sequence[OutboxEvent]) -> list[OutboxEvent]:
    """The events with ``unit_uscc``/``region_code``/``equipment_id`` filled in from the store where the service
    did not pass them: at most one query per resource kind in the batch, plus one for the units' regions."""
    scopes = [_parse(e) for e in events]
    pending = [
        s
        for s in scopes
        if (s.kind or s.unit_uscc is not None or s.equipment_id is not None)
        and (s.unit_uscc is None or s.region_code is None)
    ]
    if not pending:
        return list(events)
    session.flush()  # rows added in this unit of work must be visible to the look-ups
    for kind, (table, columns) in _OWNER_COLUMNS.items():
        wanted = [s for s in pending if s.kind == kind and s.unit_uscc is None and s.equipment_id is None]
        if not wanted:
            continue
        rows = _lookup(session, table, table.c.id, columns, (s.key for s in wanted))
        for s in wanted:
            if (found := rows.get(s.key)) is not None:
                values = found._mapping
                s.unit_uscc = values.get("unit_uscc")
                s.region_code = s.region_code or values.get("region_code")
                s.equipment_id = values.get("equipment_id")
    equipment_ids = {s.equipment_id for s in pending if s.equipment_id is not None and s.unit_uscc is None}
    if equipment_ids:
        rows = _lookup(session, EQUIPMENT, EQUIPMENT.c.id, ("unit_uscc", "region_code"), equipment_ids)
        for s in pending:
            if s.equipment_id in rows and s.unit_uscc is None:
                equipment = rows[s.equipment_id]
                s.unit_uscc, s.region_code = equipment.unit_uscc, s.region_code or equipment.region_code
    usccs = {s.unit_uscc for s in pending if s.unit_uscc is not None and s.region_code is None}
    if usccs:
        regions = _lookup(session, UNITS, UNITS.c.uscc, ("region_code",), usccs)
        for s in pending:
            if s.unit_uscc in regions and s.region_code is None:
                s.region_code = regions[s.unit_uscc].region_code
    for s in pending:
        _last_known(session, s)
        if s.kind in _UNIT_ONLY_KINDS and s.key:
            s.equipment_id = None  # found through the equipment, but not for the agencies inspecting it
    return [
        attrs.evolve(e, unit_uscc=s.unit_uscc, region_code=s.region_code, equipment_id=s.equipment_id)
        for e, s in zip(events, scopes, strict=True)
    ]


def write_events(session: Session, events: Sequence[OutboxEvent]) -> list[OutboxEvent]:
    """Insert ``events`` in order; call last before COMMIT (see the module docstring for why). Returns the events
    as written, with their scope filled in. The scope look-ups run before the advisory lock is taken, so the
    lock still covers only the insert and the commit."""
    if not events:
        return []
    written = _resolve_scopes(session, events)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": OUTBOX_LOCK_KEY})
    session.execute(
        sa.insert(OUTBOX),
        [
            {
                "event_id": e.event_id,
                "type": e.type,
                "resource": e.resource,
                "payload": e.payload,
                "occurred_at": e.occurred_at,
                "unit_uscc": e.unit_uscc,
                "region_code": e.region_code,
                "equipment_id": e.equipment_id,
            }
            for e in written
        ],
    )
    return written


def _event_of(r: sa.RowMapping) -> OutboxEvent:
    return OutboxEvent(
        cursor=r["id"],
        event_id=r["event_id"],
        type=r["type"],
        resource=r["resource"],
        payload=r["payload"],
        occurred_at=r["occurred_at"],
        unit_uscc=r["unit_uscc"],
        region_code=r["region_code"],
        equipment_id=r["equipment_id"],
    )


def _last_cursor(session: Session) -> int:
    """The highest cursor written so far (0 for an empty outbox)."""
    return int(session.execute(sa.select(sa.func.coalesce(sa.func.max(OUTBOX.c.id), 0))).scalar_one())


def read_after(session: Session, cursor: int = 0, limit: int = 100) -> list[OutboxEvent]:
    """Events with ``cursor`` greater than ``cursor``, oldest first, at most ``limit`` (the whole feed)."""
    rows = session.execute(sa.select(OUTBOX).where(OUTBOX.c.id > cursor).order_by(OUTBOX.c.id).limit(limit)).mappings()
    return [_event_of(r) for r in rows]


def read_scoped(
    session: Session,
    cursor: int = 0,
    limit: int = 100,
    *,
    unit_usccs: Collection[str] | None = None,
    region_prefix: str | None = None,
    agency: str | None = None,
    everything: bool = False,
) -> tuple[list[OutboxEvent], int]:
    """The events after ``cursor`` within a scope, oldest first, at most ``limit``, and the cursor to resume from.

    A row is in scope if its unit is one of ``unit_usccs``, or its region starts with ``region_prefix``, or its
    equipment has an inspection record by ``agency`` (decided when read, like ``GetEquipment``); ``everything``
    takes every row. No scope at all selects nothing: a caller that forgot its scope gets an empty feed, not
    the whole province.

    The returned cursor moves past rows outside the scope, so a reader whose scope is quiet does not re-read
    the others' rows on every poll: when fewer than ``limit`` events come back it is the high-water mark the
    read started from. That mark is read *first*, in its own statement: every row up to it is committed (ids
    become visible in id order, see the module docstring), so a row committed meanwhile has a higher id and is
    read next time — never skipped.
    """
    high = _last_cursor(session)
    if high <= cursor or limit <= 0:
        return [], cursor
    conditions: list[sa.ColumnElement[bool]] = []
    if unit_usccs:
        conditions.append(OUTBOX.c.unit_uscc.in_(sorted(set(unit_usccs))))
    if region_prefix:
        conditions.append(starts_with(OUTBOX.c.region_code, region_prefix))
    if agency:
        conditions.append(OUTBOX.c.equipment_id.in_(equipment_inspected_by(agency)))
    stmt = sa.select(OUTBOX).where(OUTBOX.c.id > cursor, OUTBOX.c.id <= high)
    if not everything:
        if not conditions:
            return [], high
        stmt = stmt.where(sa.or_(*conditions))
    events = [_event_of(r) for r in session.execute(stmt.order_by(OUTBOX.c.id).limit(limit)).mappings()]
    return events, (events[-1].cursor if len(events) == limit else high)


class OutboxRepository:
    """The outbox as seen from a unit of work: reading; writing goes through ``UnitOfWork.emit``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def read_after(self, cursor: int = 0, limit: int = 100) -> list[OutboxEvent]:
        return read_after(self.session, cursor, limit)

    def read_scoped(
        self,
        cursor: int = 0,
        limit: int = 100,
        *,
        unit_usccs: Collection[str] | None = None,
        region_prefix: str | None = None,
        agency: str | None = None,
        everything: bool = False,
    ) -> tuple[list[OutboxEvent], int]:
        return read_scoped(
            self.session,
            cursor,
            limit,
            unit_usccs=unit_usccs,
            region_prefix=region_prefix,
            agency=agency,
            everything=everything,
        )

    def prune(self, through: int) -> int:
        """Delete events up to and including cursor ``through`` once every consumer has passed it; the count.
        Cursors keep increasing afterwards on both backends."""
        result = self.session.execute(sa.delete(OUTBOX).where(OUTBOX.c.id <= through))
        return int(getattr(result, "rowcount", 0) or 0)

    def last_cursor(self) -> int:
        return _last_cursor(self.session)
