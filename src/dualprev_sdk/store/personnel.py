"""People and their certificates: the ``people`` and ``person_certificates`` tables and :class:`PersonRepository`.

Certificates get their own table (not JSON on the person) because the expiry sweep — "which operators'
certificates lapse in the next 90 days" — must be an index range scan over ``expires_on``.
The person aggregate is written as a whole: updating a person replaces their certificate rows.
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
from dualprev_sdk.domain.personnel import Certificate, Person
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.store.base import UTCDateTime, compare_and_swap, delete_versioned, table_of

__all__ = [
    "CERTIFICATES",
    "PEOPLE",
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

    id: str = Field(sa_type=sa.String(64), primary_key=True)
    unit_uscc: str = Field(sa_type=sa.String(18), foreign_key="units.uscc", ondelete="RESTRICT")
    name: str = Field(sa_type=sa.String(100))
    id_number: str | None = Field(default=None, sa_type=sa.String(18))
    phone: str = Field(default="", sa_type=sa.String(32))
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
    person_id: str = Field(sa_type=sa.String(64), foreign_key="people.id", ondelete="CASCADE")
    position: int = Field(default=0)  # keeps the aggregate's certificate order
    number: str = Field(sa_type=sa.String(64))
    category_code: str = Field(sa_type=sa.String(16))
    scheme_version: str = Field(default="2019", sa_type=sa.String(8))
    issued_on: dt.date | None = Field(default=None)
    expires_on: dt.date | None = Field(default=None)
    authority: str = Field(default="", sa_type=sa.String(200))
    limitation: str = Field(default="", sa_type=sa.String(200))


PEOPLE = table_of(PersonRow)
CERTIFICATES = table_of(PersonCertificateRow)


def person_to_row(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "unit_uscc": person.unit_uscc,
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
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
    )


def person_from_rows(row: Mapping[Any, Any], certificates: Sequence[Mapping[Any, Any]]) -> Person:
    return Person(
        id=row["id"],
        unit_uscc=row["unit_uscc"],
        name=row["name"],
        id_number=row["id_number"],
        phone=row["phone"],
        certificates=tuple(_certificate_from_row(c) for c in sorted(certificates, key=lambda c: c["position"])),
        version=row["version"],
    )


class PersonRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _write_certificates(self, person: Person) -> None:
        rows = [certificate_to_row(person.id, i, c) for i, c in enumerate(person.certificates)]
        if rows:
            self.session.execute(sa.insert(CERTIFICATES), rows)

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
        if ids:
            for c in self.session.execute(sa.select(CERTIFICATES).where(CERTIFICATES.c.person_id.in_(ids))).mappings():
                certs[c["person_id"]].append(c)
        return [person_from_rows(r, certs[r["id"]]) for r in rows]

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
        self._write_certificates(person)
        return attrs.evolve(person, version=version)

    def delete(self, person_id: str, *, expected_version: int | None = None) -> None:
        # certificates first: SQLite honours ON DELETE CASCADE only with foreign_keys=ON, and being explicit
        # keeps the behaviour identical on every backend
        current = self.session.execute(sa.select(PEOPLE.c.version).where(PEOPLE.c.id == person_id)).scalar()
        if current is not None and (expected_version is None or current == expected_version):
            self.session.execute(sa.delete(CERTIFICATES).where(CERTIFICATES.c.person_id == person_id))
        delete_versioned(self.session, PEOPLE, {"id": person_id}, expected_version, kind=KIND)
