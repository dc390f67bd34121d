"""People, certificates, training and the unit's safety setup: the ``people``, ``person_certificates``,
``person_equipment``, ``training_records``, ``training_participants`` and ``unit_safety_setups`` tables and
:class:`PersonRepository`.

Certificates get their own table (not JSON on the person) because the expiry sweep — "which operators'
certificates lapse in the next 90 days" — must be an index range scan over ``expires_on``.
The person aggregate is written as a whole: updating a person replaces their certificate and equipment rows.
Training records and the unit's safety setup are small aggregates of their own, reached through the same
repository (``uow.people``) because every question about them is a personnel question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.personnel import Certificate, Person, TrainingRecord, UnitSafetySetup
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.store.base import UTCDateTime, compare_and_swap, delete_versioned, key_string, table_of

__all__ = [
    "CERTIFICATES",
    "PEOPLE",
    "PERSON_EQUIPMENT",
    "SAFETY_SETUPS",
    "TRAINING",
    "TRAINING_PARTICIPANTS",
    "PersonCertificateRow",
    "PersonRepository",
    "PersonRow",
    "certificate_to_row",
    "person_from_rows",
    "person_to_row",
]

KIND = "person"


class PersonRow(SQLModel, table=True):
    __tablename__ = "people"
    __table_args__ = (sa.Index("ix_people_unit_uscc", "unit_uscc"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    name: str = Field(sa_type=sa.String(100))
    id_number: str | None = Field(default=None, sa_type=key_string(18))
    phone: str = Field(default="", sa_type=sa.String(32))
    works_since: dt.date | None = Field(default=None)
    full_time_safety_manager: bool = Field(default=False)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class PersonCertificateRow(SQLModel, table=True):
    __tablename__ = "person_certificates"
    __table_args__ = (
        sa.Index("ix_person_certificates_person_id", "person_id"),
        sa.Index("ix_person_certificates_expires_on", "expires_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(sa_type=key_string(64), foreign_key="people.id", ondelete="CASCADE")
    position: int = Field(default=0)  # keeps the aggregate's certificate order
    number: str = Field(sa_type=key_string(64))
    category_code: str = Field(sa_type=key_string(16))
    scheme_version: str = Field(default="2019", sa_type=key_string(8))
    issued_on: dt.date | None = Field(default=None)
    expires_on: dt.date | None = Field(default=None)
    authority: str = Field(default="", sa_type=sa.String(200))
    limitation: str = Field(default="", sa_type=sa.String(200))
    confirmed_as: str = Field(default="", sa_type=key_string(64))  # comma-separated 2019 codes


class PersonEquipmentRow(SQLModel, table=True):
    """Who operates which equipment; indexed both ways ("who operates this crane", "what does she operate")."""

    __tablename__ = "person_equipment"
    __table_args__ = (sa.Index("ix_person_equipment_equipment_id", "equipment_id"),)

    person_id: str = Field(sa_type=key_string(64), foreign_key="people.id", ondelete="CASCADE", primary_key=True)
    equipment_id: str = Field(sa_type=key_string(64), foreign_key="equipment.id", ondelete="CASCADE", primary_key=True)


class TrainingRow(SQLModel, table=True):
    __tablename__ = "training_records"
    __table_args__ = (sa.Index("ix_training_records_unit_held", "unit_uscc", "held_on"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    topic: str = Field(sa_type=sa.String(500))
    held_on: dt.date
    hours: float = Field(default=0)
    trainer: str = Field(default="", sa_type=sa.String(200))
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class TrainingParticipantRow(SQLModel, table=True):
    __tablename__ = "training_participants"
    __table_args__ = (sa.Index("ix_training_participants_person_id", "person_id"),)

    training_id: str = Field(
        sa_type=key_string(64), foreign_key="training_records.id", ondelete="CASCADE", primary_key=True
    )
    person_id: str = Field(sa_type=key_string(64), primary_key=True)


class UnitSafetySetupRow(SQLModel, table=True):
    __tablename__ = "unit_safety_setups"

    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT", primary_key=True)
    has_organisation: bool = Field(default=False)
    organisation_name: str = Field(default="", sa_type=sa.String(200))
    activities: str = Field(default="", sa_type=key_string(500))  # comma-separated activity keys
    version: int = Field(default=1)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


PEOPLE = table_of(PersonRow)
CERTIFICATES = table_of(PersonCertificateRow)
PERSON_EQUIPMENT = table_of(PersonEquipmentRow)
TRAINING = table_of(TrainingRow)
TRAINING_PARTICIPANTS = table_of(TrainingParticipantRow)
SAFETY_SETUPS = table_of(UnitSafetySetupRow)


def person_to_row(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "unit_uscc": person.unit_uscc,
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "works_since": person.works_since,
        "full_time_safety_manager": person.full_time_safety_manager,
    }


def certificate_to_row(person_id: str, position: int, cert: Certificate) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "position": position,
        "number": cert.number,
        "category_code": cert.category_code,
        "scheme_version": cert.scheme_version,
        "issued_on": cert.issued_on,
        "expires_on": cert.expires_on,
        "authority": cert.authority,
        "limitation": cert.limitation,
        "confirmed_as": ",".join(cert.confirmed_as),
    }


def _certificate_from_row(row: Mapping[Any, Any]) -> Certificate:
    return Certificate(
        number=row["number"],
        category_code=row["category_code"],
        scheme_version=row["scheme_version"],
        issued_on=row["issued_on"],
        expires_on=row["expires_on"],
        authority=row["authority"],
        limitation=row["limitation"],
        confirmed_as=tuple(c for c in (row["confirmed_as"] or "").split(",") if c),
    )


def person_from_rows(
    row: Mapping[Any, Any], certificates: Sequence[Mapping[Any, Any]], operates: Sequence[str] = ()
) -> Person:
    return Person(
        id=row["id"],
        unit_uscc=row["unit_uscc"],
        name=row["name"],
        id_number=row["id_number"],
        phone=row["phone"],
        certificates=tuple(_certificate_from_row(c) for c in sorted(certificates, key=lambda c: c["position"])),
        operates=tuple(sorted(operates)),
        works_since=row["works_since"],
        full_time_safety_manager=bool(row["full_time_safety_manager"]),
        version=row["version"],
    )


class PersonRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _write_certificates(self, person: Person) -> None:
        rows = [certificate_to_row(person.id, i, c) for i, c in enumerate(person.certificates)]
        if rows:
            self.session.execute(sa.insert(CERTIFICATES), rows)
        links = [{"person_id": person.id, "equipment_id": e} for e in sorted(set(person.operates))]
        if links:
            self.session.execute(sa.insert(PERSON_EQUIPMENT), links)

    def add(self, person: Person) -> Person:
        if self.session.execute(sa.select(PEOPLE.c.id).where(PEOPLE.c.id == person.id)).first():
            raise AlreadyExists(KIND, person.id)
        now = timeutil.now()
        self.session.execute(
            sa.insert(PEOPLE).values(**person_to_row(person), version=1, created_at=now, updated_at=now)
        )
        self._write_certificates(person)
        return attrs.evolve(person, version=1)

    def _load(self, rows: Sequence[Mapping[Any, Any]]) -> list[Person]:
        ids = [r["id"] for r in rows]
        certs: dict[str, list[Mapping[Any, Any]]] = {i: [] for i in ids}
        operates: dict[str, list[str]] = {i: [] for i in ids}
        if ids:
            for c in self.session.execute(sa.select(CERTIFICATES).where(CERTIFICATES.c.person_id.in_(ids))).mappings():
                certs[c["person_id"]].append(c)
            links = sa.select(PERSON_EQUIPMENT).where(PERSON_EQUIPMENT.c.person_id.in_(ids))
            for link in self.session.execute(links).mappings():
                operates[link["person_id"]].append(link["equipment_id"])
        return [person_from_rows(r, certs[r["id"]], operates[r["id"]]) for r in rows]

    def find(self, person_id: str) -> Person | None:
        rows = self.session.execute(sa.select(PEOPLE).where(PEOPLE.c.id == person_id)).mappings().all()
        found = self._load(rows)
        return found[0] if found else None

    def get(self, person_id: str) -> Person:
        found = self.find(person_id)
        if found is None:
            raise NotFound(KIND, person_id)
        return found

    def list(self, *, unit_uscc: str | None = None, after: str | None = None, limit: int = 100) -> Sequence[Person]:
        stmt = sa.select(PEOPLE).order_by(PEOPLE.c.id).limit(limit)
        if unit_uscc is not None:
            stmt = stmt.where(PEOPLE.c.unit_uscc == unit_uscc)
        if after is not None:
            stmt = stmt.where(PEOPLE.c.id > after)
        return self._load(self.session.execute(stmt).mappings().all())

    def certificates_expiring(
        self, before: dt.date, *, unit_uscc: str | None = None
    ) -> Sequence[tuple[str, Certificate]]:
        """(person id, certificate) pairs whose certificate expires before ``before``, soonest first."""
        stmt = (
            sa.select(CERTIFICATES)
            .where(CERTIFICATES.c.expires_on < before)
            .order_by(CERTIFICATES.c.expires_on, CERTIFICATES.c.id)
        )
        if unit_uscc is not None:
            stmt = stmt.join(PEOPLE, PEOPLE.c.id == CERTIFICATES.c.person_id).where(PEOPLE.c.unit_uscc == unit_uscc)
        return [(r["person_id"], _certificate_from_row(r)) for r in self.session.execute(stmt).mappings()]

    def update(self, person: Person) -> Person:
        values = person_to_row(person)
        del values["id"]
        version = compare_and_swap(
            self.session, PEOPLE, {"id": person.id}, person.version, {**values, "updated_at": timeutil.now()}, kind=KIND
        )
        self.session.execute(sa.delete(CERTIFICATES).where(CERTIFICATES.c.person_id == person.id))
        self.session.execute(sa.delete(PERSON_EQUIPMENT).where(PERSON_EQUIPMENT.c.person_id == person.id))
        self._write_certificates(person)
        return attrs.evolve(person, version=version)

    def delete(self, person_id: str, *, expected_version: int | None = None) -> None:
        # certificates first: SQLite honours ON DELETE CASCADE only with foreign_keys=ON, and being explicit
        # keeps the behaviour identical on every backend
        current = self.session.execute(sa.select(PEOPLE.c.version).where(PEOPLE.c.id == person_id)).scalar()
        if current is not None and (expected_version is None or current == expected_version):
            self.session.execute(sa.delete(CERTIFICATES).where(CERTIFICATES.c.person_id == person_id))
            self.session.execute(sa.delete(PERSON_EQUIPMENT).where(PERSON_EQUIPMENT.c.person_id == person_id))
        delete_versioned(self.session, PEOPLE, {"id": person_id}, expected_version, kind=KIND)

    def for_unit(self, unit_uscc: str) -> Sequence[Person]:
        """Every person of a unit (compliance checks read the whole staff at once)."""
        stmt = sa.select(PEOPLE).where(PEOPLE.c.unit_uscc == unit_uscc).order_by(PEOPLE.c.id)
        return self._load(self.session.execute(stmt).mappings().all())

    # -- training --------------------------------------------------------------------------------------------

    def add_training(self, record: TrainingRecord) -> TrainingRecord:
        if self.session.execute(sa.select(TRAINING.c.id).where(TRAINING.c.id == record.id)).first():
            raise AlreadyExists("training record", record.id)
        now = timeutil.now()
        self.session.execute(
            sa.insert(TRAINING).values(
                id=record.id,
                unit_uscc=record.unit_uscc,
                topic=record.topic,
                held_on=record.held_on,
                hours=record.hours,
                trainer=record.trainer,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        participants = [{"training_id": record.id, "person_id": p} for p in sorted(set(record.participants))]
        if participants:
            self.session.execute(sa.insert(TRAINING_PARTICIPANTS), participants)
        return attrs.evolve(record, version=1)

    def trainings(self, unit_uscc: str) -> Sequence[TrainingRecord]:
        rows = (
            self.session.execute(
                sa.select(TRAINING).where(TRAINING.c.unit_uscc == unit_uscc).order_by(TRAINING.c.held_on, TRAINING.c.id)
            )
            .mappings()
            .all()
        )
        ids = [r["id"] for r in rows]
        people: dict[str, set[str]] = {i: set() for i in ids}
        if ids:
            stmt = sa.select(TRAINING_PARTICIPANTS).where(TRAINING_PARTICIPANTS.c.training_id.in_(ids))
            for p in self.session.execute(stmt).mappings():
                people[p["training_id"]].add(p["person_id"])
        return [
            TrainingRecord(
                id=r["id"],
                unit_uscc=r["unit_uscc"],
                topic=r["topic"],
                held_on=r["held_on"],
                hours=float(r["hours"]),
                trainer=r["trainer"],
                participants=tuple(sorted(people[r["id"]])),
                version=r["version"],
            )
            for r in rows
        ]

    def first_training_of(self, unit_uscc: str) -> dict[str, dt.date]:
        """Person id → the day of their first recorded training at the unit (one GROUP BY)."""
        stmt = (
            sa.select(TRAINING_PARTICIPANTS.c.person_id, sa.func.min(TRAINING.c.held_on))
            .join(TRAINING, TRAINING.c.id == TRAINING_PARTICIPANTS.c.training_id)
            .where(TRAINING.c.unit_uscc == unit_uscc)
            .group_by(TRAINING_PARTICIPANTS.c.person_id)
        )
        return {str(pid): day for pid, day in self.session.execute(stmt)}

    # -- the unit's safety setup ------------------------------------------------------------------------------

    def safety_setup(self, unit_uscc: str) -> UnitSafetySetup | None:
        row = (
            self.session.execute(sa.select(SAFETY_SETUPS).where(SAFETY_SETUPS.c.unit_uscc == unit_uscc))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return UnitSafetySetup(
            unit_uscc=row["unit_uscc"],
            has_organisation=bool(row["has_organisation"]),
            organisation_name=row["organisation_name"],
            activities=tuple(a for a in row["activities"].split(",") if a),
            version=row["version"],
        )

    def put_safety_setup(self, setup: UnitSafetySetup) -> UnitSafetySetup:
        """Insert (version 0) or compare-and-swap update the unit's setup."""
        values = {
            "has_organisation": setup.has_organisation,
            "organisation_name": setup.organisation_name,
            "activities": ",".join(setup.activities),
            "updated_at": timeutil.now(),
        }
        if setup.version == 0:
            if self.safety_setup(setup.unit_uscc) is not None:
                raise AlreadyExists("unit safety setup", setup.unit_uscc)
            self.session.execute(sa.insert(SAFETY_SETUPS).values(unit_uscc=setup.unit_uscc, version=1, **values))
            return attrs.evolve(setup, version=1)
        version = compare_and_swap(
            self.session, SAFETY_SETUPS, {"unit_uscc": setup.unit_uscc}, setup.version, values, kind="unit safety setup"
        )
        return attrs.evolve(setup, version=version)
