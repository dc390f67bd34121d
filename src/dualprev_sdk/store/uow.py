"""The unit of work: one transaction, the repositories that work inside it, and the events it emits.

Use it as a context manager; nothing is kept unless :meth:`UnitOfWork.commit` is called, so an exception
anywhere in a use case leaves the database as it was (nothing half-written). Events passed to
:meth:`UnitOfWork.emit` are written to the outbox in the same transaction, at commit.

Adding an aggregate: create ``store/<aggregate>.py`` with its table, mappers and repository, import it in
``store/schema.py``, and add one line to :meth:`UnitOfWork._open_repositories`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from sqlalchemy.orm import Session, sessionmaker

from dualprev_sdk.store.api_keys import ApiKeyRepository
from dualprev_sdk.store.connector_cursors import ConnectorCursorRepository
from dualprev_sdk.store.credit import CreditRepository
from dualprev_sdk.store.duties import DutyRepository
from dualprev_sdk.store.elevator_emergency import ElevatorEmergencyRepository
from dualprev_sdk.store.emergency import EmergencyRepository
from dualprev_sdk.store.equipment import EquipmentRepository, ParametersCodec, PlainParametersCodec
from dualprev_sdk.store.equipment_events import EquipmentEventRepository
from dualprev_sdk.store.hazards import HazardRepository
from dualprev_sdk.store.inspections import InspectionRepository
from dualprev_sdk.store.outbox import OutboxEvent, OutboxRepository, new_event, write_events
from dualprev_sdk.store.personnel import PersonRepository
from dualprev_sdk.store.request_ids import RequestIdRepository
from dualprev_sdk.store.risk_points import RiskPointRepository
from dualprev_sdk.store.supervision import SupervisionRepository
from dualprev_sdk.store.traceability import CylinderRepository
from dualprev_sdk.store.units import UnitRepository

__all__ = ["UnitOfWork", "UnitOfWorkFactory"]

UnitOfWorkFactory = Callable[[], "UnitOfWork"]


class UnitOfWork:
    """``with sdk.uow() as uow: uow.units.add(unit); uow.emit("unit.created", ...); uow.commit()``."""

    units: UnitRepository
    equipment: EquipmentRepository
    equipment_events: EquipmentEventRepository
    hazards: HazardRepository
    risk_points: RiskPointRepository
    supervision: SupervisionRepository
    inspections: InspectionRepository
    people: PersonRepository
    emergency: EmergencyRepository
    credit: CreditRepository
    duties: DutyRepository
    cylinders: CylinderRepository
    rescue: ElevatorEmergencyRepository
    outbox: OutboxRepository
    api_keys: ApiKeyRepository
    connector_cursors: ConnectorCursorRepository
    request_ids: RequestIdRepository

    def __init__(self, session_factory: sessionmaker[Session], *, parameters_codec: ParametersCodec | None = None):
        self._session_factory = session_factory
        self.parameters_codec: ParametersCodec = parameters_codec or PlainParametersCodec()
        self._session: Session | None = None
        self._pending: list[OutboxEvent] = []
        self.committed_events: list[OutboxEvent] = []

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use it as `with sdk.uow() as uow:`")
        return self._session

    def _open_repositories(self, session: Session) -> None:
        self.units = UnitRepository(session)
        self.equipment = EquipmentRepository(session, codec=self.parameters_codec)
        self.equipment_events = EquipmentEventRepository(session)
        self.hazards = HazardRepository(session)
        self.risk_points = RiskPointRepository(session)
        self.supervision = SupervisionRepository(session)
        self.inspections = InspectionRepository(session)
        self.people = PersonRepository(session)
        self.emergency = EmergencyRepository(session)
        self.credit = CreditRepository(session)
        self.duties = DutyRepository(session)
        self.cylinders = CylinderRepository(session)
        self.rescue = ElevatorEmergencyRepository(session)
        self.outbox = OutboxRepository(session)
        self.api_keys = ApiKeyRepository(session)
        self.connector_cursors = ConnectorCursorRepository(session)
        self.request_ids = RequestIdRepository(session)

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work cannot be entered twice")
        self._session = self._session_factory()
        self._pending = []
        self._open_repositories(self._session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.rollback()
        finally:
            session, self._session = self._session, None
            if session is not None:
                session.close()

    def emit(
        self,
        event_type: str,
        resource: str,
        payload: dict[str, Any],
        *,
        unit_uscc: str | None = None,
        region_code: str | None = None,
        equipment_id: str | None = None,
    ) -> OutboxEvent:
        """Record an event; it is written to the outbox by :meth:`commit`, or dropped by rollback. The scope
        (whose feed carries it) is derived from ``resource`` at commit for the kinds in ``SCOPED_KINDS``; pass it
        for any other resource that belongs to one unit, or it reaches the data centre only."""
        event = new_event(
            event_type, resource, payload, unit_uscc=unit_uscc, region_code=region_code, equipment_id=equipment_id
        )
        self._pending.append(event)
        return event

    def flush(self) -> None:
        """Send pending statements (not events) to the database, e.g. to surface constraint errors early."""
        self.session.flush()

    def commit(self) -> None:
        """Write the pending events to the outbox and commit everything in one transaction."""
        session = self.session
        events, self._pending = self._pending, []
        try:
            written = write_events(session, events)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        self.committed_events.extend(written)

    def rollback(self) -> None:
        """Discard everything since the last commit, events included."""
        self._pending = []
        if self._session is not None:
            self._session.rollback()
