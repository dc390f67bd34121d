"""Equipment events (accidents, repairs, alterations, relocations, status changes): the ``equipment_events``
table, its mappers and :class:`EquipmentEventRepository`.

One table for every kind: the envelope is columns (equipment, unit, kind, the day it happened, who, the retry
key), the kind-specific details are JSON written by the SDK's one converter — the kinds share every query
("what happened to this item", "which accidents are still unrectified") and differ only in their details.
``request_id`` is unique so a retried command finds its first result instead of recording the event twice;
``pending`` is true while an event still has an open follow-up (an accident whose conditions are not rectified,
a repair or alteration without its supervisory inspection or change registration), so the risk grade reads
only the open ones. Rows change only to close a follow-up (compare-and-swap on ``version``).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk.domain.equipment_events import (
    DETAILS_TYPE,
    Accident,
    Alteration,
    EquipmentEvent,
    EquipmentEventKind,
    MajorRepair,
)
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.serialization import converter, structure
from dualprev_sdk.store.base import (
    JSON_TYPE,
    UTCDateTime,
    chunked,
    compare_and_swap,
    key_string,
    keyset_above,
    table_of,
)

__all__ = [
    "EQUIPMENT_EVENTS",
    "EquipmentEventRepository",
    "EquipmentEventRow",
    "EventKey",
    "equipment_event_from_row",
    "equipment_event_to_row",
    "is_pending",
]

KIND = "equipment event"

#: An event's place in an item's history: (day it happened, when recorded, id) — the listing's sort key.
EventKey = tuple[dt.date, dt.datetime, str]


class EquipmentEventRow(SQLModel, table=True):
    __tablename__ = "equipment_events"
    __table_args__ = (
        sa.Index("ix_equipment_events_equipment_day", "equipment_id", "happened_on"),
        sa.Index("ix_equipment_events_unit_day", "unit_uscc", "happened_on"),
    )

    id: str = Field(sa_type=key_string(64), primary_key=True)
    equipment_id: str = Field(sa_type=key_string(64), foreign_key="equipment.id", ondelete="RESTRICT")
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    kind: str = Field(sa_type=key_string(24))
    happened_on: dt.date
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    pending: bool = Field(default=False)
    actor: str = Field(sa_type=sa.String(200))
    request_id: str | None = Field(default=None, sa_type=key_string(128), unique=True)
    recorded_at: dt.datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)


EQUIPMENT_EVENTS = table_of(EquipmentEventRow)


def is_pending(event: EquipmentEvent) -> bool:
    """Does the event still have an open follow-up? (see the module docstring)"""
    d = event.details
    if isinstance(d, Accident):
        return not d.conditions_rectified
    if isinstance(d, MajorRepair | Alteration):
        return not d.supervisory_inspection_passed or d.awaits_change_registration
    return False


def equipment_event_to_row(event: EquipmentEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "equipment_id": event.equipment_id,
        "unit_uscc": event.unit_uscc,
        "kind": event.kind.value,
        "happened_on": event.day,
        "details": converter.unstructure(event.details),
        "pending": is_pending(event),
        "actor": event.actor,
        "request_id": event.request_id or None,
        "recorded_at": event.recorded_at,
        "version": event.version,
    }


def equipment_event_from_row(row: Mapping[Any, Any]) -> EquipmentEvent:
    kind = EquipmentEventKind(row["kind"])
    return EquipmentEvent(
        id=row["id"],
        equipment_id=row["equipment_id"],
        unit_uscc=row["unit_uscc"],
        details=structure(row["details"], DETAILS_TYPE[kind]),
        actor=row["actor"],
        recorded_at=row["recorded_at"],
        request_id=row["request_id"] or "",
        version=row["version"],
    )


class EquipmentEventRepository:
    """Speaks :class:`EquipmentEvent`; never commits (the unit of work does)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, event: EquipmentEvent) -> EquipmentEvent:
        same = [EQUIPMENT_EVENTS.c.id == event.id]
        if event.request_id:
            same.append(EQUIPMENT_EVENTS.c.request_id == event.request_id)
        clash = self.session.execute(sa.select(EQUIPMENT_EVENTS.c.id).where(sa.or_(*same))).first()
        if clash is not None:
            raise AlreadyExists(KIND, event.request_id or event.id)
        try:
            with self.session.begin_nested():
                self.session.execute(sa.insert(EQUIPMENT_EVENTS).values(**equipment_event_to_row(event)))
        except sa.exc.IntegrityError as exc:  # a concurrent retry with the same request id won the race
            raise AlreadyExists(KIND, event.request_id or event.id) from exc
        return event

    def update(self, event: EquipmentEvent) -> EquipmentEvent:
        """Write changed details (a follow-up closed) if still at ``event.version``."""
        values = equipment_event_to_row(event)
        for key in ("id", "version", "recorded_at", "request_id"):
            del values[key]
        version = compare_and_swap(self.session, EQUIPMENT_EVENTS, {"id": event.id}, event.version, values, kind=KIND)
        return attrs.evolve(event, version=version)

    def find(self, event_id: str) -> EquipmentEvent | None:
        row = self.session.execute(sa.select(EQUIPMENT_EVENTS).where(EQUIPMENT_EVENTS.c.id == event_id)).mappings()
        first = row.first()
        return None if first is None else equipment_event_from_row(first)

    def get(self, event_id: str) -> EquipmentEvent:
        found = self.find(event_id)
        if found is None:
            raise NotFound(KIND, event_id)
        return found

    def find_by_request(self, request_id: str) -> EquipmentEvent | None:
        if not request_id:
            return None
        stmt = sa.select(EQUIPMENT_EVENTS).where(EQUIPMENT_EVENTS.c.request_id == request_id)
        row = self.session.execute(stmt).mappings().first()
        return None if row is None else equipment_event_from_row(row)

    def for_equipment(
        self, equipment_id: str, *, kinds: Iterable[EquipmentEventKind] | None = None
    ) -> builtins.list[EquipmentEvent]:
        """The item's events, oldest first."""
        stmt = (
            sa.select(EQUIPMENT_EVENTS)
            .where(EQUIPMENT_EVENTS.c.equipment_id == equipment_id)
            .order_by(EQUIPMENT_EVENTS.c.happened_on, EQUIPMENT_EVENTS.c.recorded_at, EQUIPMENT_EVENTS.c.id)
        )
        if kinds is not None:
            stmt = stmt.where(EQUIPMENT_EVENTS.c.kind.in_([k.value for k in kinds]))
        return [equipment_event_from_row(r) for r in self.session.execute(stmt).mappings()]

    def page_for_equipment(
        self,
        equipment_id: str,
        *,
        kinds: Iterable[EquipmentEventKind] | None = None,
        after: EventKey | None = None,
        limit: int = 100,
    ) -> builtins.list[EquipmentEvent]:
        """Up to ``limit`` of the item's events in :meth:`for_equipment` order, after the event whose key is
        ``after``: keyset paging in SQL, so a page reads a page of rows (``ix_equipment_events_equipment_day``)."""
        e = EQUIPMENT_EVENTS.c
        stmt = sa.select(EQUIPMENT_EVENTS).where(e.equipment_id == equipment_id)
        if kinds is not None:
            stmt = stmt.where(e.kind.in_([k.value for k in kinds]))
        keys = (e.happened_on, e.recorded_at, e.id)
        if after is not None:
            stmt = stmt.where(keyset_above(keys, after))
        stmt = stmt.order_by(*keys).limit(limit)
        return [equipment_event_from_row(r) for r in self.session.execute(stmt).mappings()]

    def pending_for_many(
        self, equipment_ids: Sequence[str], *, kinds: Iterable[EquipmentEventKind] | None = None
    ) -> dict[str, builtins.list[EquipmentEvent]]:
        """Events with an open follow-up, per equipment id (one query per chunk of ids)."""
        out: dict[str, list[EquipmentEvent]] = {}
        wanted = None if kinds is None else [k.value for k in kinds]
        for chunk in chunked(list(equipment_ids), 500):
            stmt = sa.select(EQUIPMENT_EVENTS).where(
                EQUIPMENT_EVENTS.c.equipment_id.in_(chunk), EQUIPMENT_EVENTS.c.pending.is_(True)
            )
            if wanted is not None:
                stmt = stmt.where(EQUIPMENT_EVENTS.c.kind.in_(wanted))
            ordered = stmt.order_by(EQUIPMENT_EVENTS.c.happened_on, EQUIPMENT_EVENTS.c.id)
            for row in self.session.execute(ordered).mappings():
                event = equipment_event_from_row(row)
                out.setdefault(event.equipment_id, []).append(event)
        return out
