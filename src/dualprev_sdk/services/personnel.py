"""Personnel use cases: people and certificates, training records, the unit's safety setup, and the
compliance check a regulator or the unit runs over them (``dualprev personnel check USCC``).

The check reads everything about one unit in one transaction and reports every finding at once, each with the
rule it comes from:

* operators — every in-use item's posts (``EquipmentClass.certificate_requirements``) need someone with a
  valid certificate of a qualifying TSG Z6001-2019 category: the people assigned to the item, or, when nobody
  is assigned, anyone at the unit; legacy 2011 certificates count through the conversion table only when it
  needs no review (or a person confirmed it);
* certificates — expired ones, unknown codes, legacy items that need review or have no 2019 item;
* SAMR Order No. 74 roles — a principal, a safety director and a safety officer for every equipment kind in
  use, and a named safety officer on every item;
* TSG 08-2017 2.3 / 2.4.2 — a safety management organisation and a full-time safety manager where the class
  thresholds (``EquipmentClass.management_thresholds``) or the unit-wide counts (≥50 / ≥20 units, gas
  cylinders excluded) require them;
* "先培训后上岗" (the seed) — nobody operates equipment before a recorded training.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from dualprev_sdk import ids, timeutil
from dualprev_sdk.domain.common import SafetyRole, Source, SourceStatus
from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
from dualprev_sdk.domain.personnel import (
    CATEGORIES_2011,
    CATEGORIES_2019,
    SCHEME_2011,
    SCHEME_2019,
    ComplianceFinding,
    ComplianceReport,
    FindingSeverity,
    Person,
    TrainingRecord,
    UnitSafetySetup,
    effective_categories,
)
from dualprev_sdk.equipment_classes import CertificateRequirement
from dualprev_sdk.errors import FieldViolation, InvalidArgument
from dualprev_sdk.store.uow import UnitOfWork

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "PersonnelPolicy",
    "add_person",
    "check_personnel",
    "people_of",
    "person_resource",
    "record_training",
    "set_safety_setup",
    "update_person",
]

_TSG08_23 = Source(document="TSG 08-2017", clause="2.3(5)", status=SourceStatus.VERIFIED, note="≥50台（气瓶除外）")
_TSG08_242 = Source(document="TSG 08-2017", clause="2.4.2", status=SourceStatus.VERIFIED)
_ORDER74 = Source(document="总局令第74号", clause="主要负责人、安全总监、安全员", status=SourceStatus.VERIFIED)
_ORDER74_EACH = Source(document="总局令第74号", clause="逐台明确安全员", status=SourceStatus.VERIFIED)
_Z6001 = Source(document="TSG Z6001-2019", clause="证书有效期4年", status=SourceStatus.SECONDARY)
_SEED = Source(document="豫市监办〔2021〕55号", clause="二（一）先培训后上岗", status=SourceStatus.VERIFIED)


@attrs.frozen(kw_only=True)
class PersonnelPolicy:
    """The unit-wide TSG 08-2017 counts (data, [V] per Part C §4) and which catalogue prefixes they exclude."""

    organisation_min_units: int = 50
    organisation_source: Source = _TSG08_23
    full_time_manager_min_units: int = 20
    full_time_manager_source: Source = attrs.field(
        factory=lambda: Source(document="TSG 08-2017", clause="2.4.2(6)", status=SourceStatus.VERIFIED)
    )
    excluded_prefixes: tuple[str, ...] = ("23",)  # 气瓶 (gas cylinders) do not count
    certificate_validity_years: int = 4


def person_resource(person_id: str) -> str:
    return f"people/{person_id}"


def _person_violations(person: Person, today: dt.date) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    for name, value in (("id", person.id), ("unit_uscc", person.unit_uscc), ("name", person.name)):
        if not value.strip():
            out.append(FieldViolation(field=name, value=value, rule="required", message="不能为空"))
    if person.id_number:
        try:
            ids.validate_id_number(person.id_number, today=today)
        except InvalidArgument as exc:
            out.extend(exc.violations)
    for i, cert in enumerate(person.certificates):
        field = f"certificates[{i}]"
        if cert.scheme_version not in (SCHEME_2019, SCHEME_2011):
            out.append(
                FieldViolation(
                    field=f"{field}.scheme_version",
                    value=cert.scheme_version,
                    rule="certificate.scheme",
                    message="作业项目代码体系须为 2019（TSG Z6001-2019）或 2011",
                )
            )
        elif not cert.known:
            catalogue = CATEGORIES_2019 if cert.scheme_version == SCHEME_2019 else CATEGORIES_2011
            out.append(
                FieldViolation(
                    field=f"{field}.category_code",
                    value=cert.category_code,
                    rule="certificate.category",
                    message=f"{cert.scheme_version}年目录中无此作业项目代码；可用：{'、'.join(catalogue)}",
                )
            )
        if cert.issued_on and cert.expires_on and cert.expires_on < cert.issued_on:
            out.append(
                FieldViolation(
                    field=f"{field}.expires_on",
                    value=cert.expires_on.isoformat(),
                    rule="certificate.dates",
                    message="有效期截止日期早于发证日期",
                )
            )
        if not cert.number.strip():
            out.append(FieldViolation(field=f"{field}.number", value=cert.number, rule="required", message="证书编号"))
    return out


def _with_expiry(person: Person, policy: PersonnelPolicy) -> Person:
    """A 2019 certificate given only its issue date expires after the 4-year validity (TSG Z6001-2019)."""
    certificates = tuple(
        attrs.evolve(c, expires_on=timeutil.add_years(c.issued_on, policy.certificate_validity_years))
        if c.expires_on is None and c.issued_on is not None and c.scheme_version == SCHEME_2019
        else c
        for c in person.certificates
    )
    return attrs.evolve(person, certificates=certificates)


def _payload(person: Person) -> dict[str, object]:
    return {
        "person_id": person.id,
        "unit_uscc": person.unit_uscc,
        "name": person.name,
        "certificates": [
            {
                "number": c.number,
                "category_code": c.category_code,
                "scheme_version": c.scheme_version,
                "expires_on": c.expires_on.isoformat() if c.expires_on else None,
            }
            for c in person.certificates
        ],
        "operates": list(person.operates),
    }


def _check_operates(uow: UnitOfWork, person: Person) -> None:
    violations = []
    found = uow.equipment.find_many(person.operates)
    for i, equipment_id in enumerate(person.operates):
        equipment = found.get(equipment_id)
        if equipment is None or equipment.unit_uscc != person.unit_uscc:
            violations.append(
                FieldViolation(
                    field=f"operates[{i}]",
                    value=equipment_id,
                    rule="person.operates.unit",
                    message="设备不存在或不属于该人员所在单位",
                )
            )
    if violations:
        raise InvalidArgument(violations)


def add_person(
    sdk: Dualprev, person: Person, *, today: dt.date | None = None, policy: PersonnelPolicy | None = None
) -> Person:
    """Add a person with their certificates (ID number and certificate codes validated, all errors at once)."""
    violations = _person_violations(person, today or timeutil.today())
    if violations:
        raise InvalidArgument(violations)
    person = _with_expiry(person, policy or PersonnelPolicy())
    with sdk.uow() as uow:
        uow.units.get(person.unit_uscc)
        _check_operates(uow, person)
        stored = uow.people.add(person)
        uow.emit("person.created", person_resource(stored.id), _payload(stored))
        uow.commit()
    return stored


def update_person(
    sdk: Dualprev, person: Person, *, today: dt.date | None = None, policy: PersonnelPolicy | None = None
) -> Person:
    """Replace a person's record (compare-and-swap on ``person.version``)."""
    violations = _person_violations(person, today or timeutil.today())
    if violations:
        raise InvalidArgument(violations)
    person = _with_expiry(person, policy or PersonnelPolicy())
    with sdk.uow() as uow:
        _check_operates(uow, person)
        stored = uow.people.update(person)
        uow.emit("person.updated", person_resource(stored.id), _payload(stored))
        uow.commit()
    return stored


def record_training(sdk: Dualprev, record: TrainingRecord) -> TrainingRecord:
    """Store a training session; every participant must be a person of the unit."""
    violations: list[FieldViolation] = []
    if not record.topic.strip():
        violations.append(FieldViolation(field="topic", value=record.topic, rule="required", message="培训内容"))
    if record.hours <= 0:
        violations.append(
            FieldViolation(field="hours", value=record.hours, rule="training.hours", message="学时须大于0")
        )
    with sdk.uow() as uow:
        uow.units.get(record.unit_uscc)
        for i, person_id in enumerate(record.participants):
            found = uow.people.find(person_id)
            if found is None or found.unit_uscc != record.unit_uscc:
                violations.append(
                    FieldViolation(
                        field=f"participants[{i}]",
                        value=person_id,
                        rule="training.participant.unit",
                        message="参训人员不存在或不属于该单位",
                    )
                )
        if violations:
            raise InvalidArgument(violations)
        stored = uow.people.add_training(record)
        uow.emit(
            "training.recorded",
            f"units/{record.unit_uscc}/trainings/{record.id}",
            {
                "training_id": record.id,
                "unit_uscc": record.unit_uscc,
                "topic": record.topic,
                "held_on": record.held_on.isoformat(),
                "hours": record.hours,
                "trainer": record.trainer,
                "participants": list(record.participants),
            },
        )
        uow.commit()
    return stored


def set_safety_setup(sdk: Dualprev, setup: UnitSafetySetup) -> UnitSafetySetup:
    """Declare the unit's safety management organisation and filling activities (insert or CAS update)."""
    with sdk.uow() as uow:
        uow.units.get(setup.unit_uscc)
        stored = uow.people.put_safety_setup(setup)
        uow.emit(
            "unit.safety_setup_changed",
            f"units/{setup.unit_uscc}",
            {
                "unit_uscc": setup.unit_uscc,
                "has_organisation": setup.has_organisation,
                "organisation_name": setup.organisation_name,
                "activities": list(setup.activities),
            },
        )
        uow.commit()
    return stored


# ---------------------------------------------------------------------------------------------------------------
# The compliance check
# ---------------------------------------------------------------------------------------------------------------


def _all_equipment(uow: UnitOfWork, uscc: str) -> list[Equipment]:
    out: list[Equipment] = []
    after: str | None = None
    while True:
        page = uow.equipment.list(unit_uscc=uscc, after=after, limit=1000)
        out.extend(page)
        if len(page) < 1000:
            return out
        after = page[-1].id


_LIMIT = re.compile(r"限([^）)]*?)起重机")


def _limitation_fits(requirement: CertificateRequirement, limitation: str) -> bool:
    """A Q2 certificate limited to some crane types fits a post that names one of them (Part C §5)."""
    wanted = _LIMIT.search(requirement.post_zh)
    if not limitation or wanted is None:
        return True
    return wanted.group(1) in limitation


def check_personnel(
    sdk: Dualprev, uscc: str, *, today: dt.date | None = None, policy: PersonnelPolicy | None = None
) -> ComplianceReport:
    """Every personnel finding for one unit (see the module docstring), as of ``today``."""
    today = today or timeutil.today()
    policy = policy or PersonnelPolicy()
    with sdk.uow() as uow:
        unit = uow.units.get(uscc)
        equipment = _all_equipment(uow, uscc)
        people = list(uow.people.for_unit(uscc))
        first_training = uow.people.first_training_of(uscc)
        setup = uow.people.safety_setup(uscc) or UnitSafetySetup(unit_uscc=uscc)
    findings: list[ComplianceFinding] = []
    add = findings.append
    in_use = [e for e in equipment if e.status is EquipmentStatus.IN_USE]

    # -- certificates ----------------------------------------------------------------------------------------
    valid: dict[str, list[tuple[str, str]]] = defaultdict(list)  # person → (2019 category, limitation)
    for person in people:
        for cert in person.certificates:
            label = f"{person.name} {cert.scheme_version}版 {cert.category_code}（{cert.number}）"
            if not cert.known:
                add(ComplianceFinding(
                    code="certificate.unknown_category", severity=FindingSeverity.WARNING, subject=person.id,
                    message_zh=f"{label}：作业项目代码不在{cert.scheme_version}年目录中", source=_Z6001,
                ))  # fmt: skip
                continue
            if not cert.valid_on(today):
                assert cert.expires_on is not None
                add(ComplianceFinding(
                    code="certificate.expired", severity=FindingSeverity.VIOLATION, subject=person.id,
                    message_zh=f"{label}：已于{cert.expires_on.isoformat()}过期，须重新考试取证", source=_Z6001,
                ))  # fmt: skip
                continue
            categories, conversion = effective_categories(cert)
            if conversion is not None and not categories:
                code = "certificate.legacy_no_2019_item" if not conversion.targets else "certificate.legacy_review"
                targets = "、".join(conversion.targets) or "无对应项目"
                add(ComplianceFinding(
                    code=code, severity=FindingSeverity.WARNING, subject=person.id,
                    message_zh=f"{label}：2011版代码换发对应为 {targets}，须人工核实（{conversion.note}）",
                    source=conversion.source,
                ))  # fmt: skip
            limitation = cert.limitation or (conversion.limitation if conversion else "")
            valid[person.id].extend((c, limitation) for c in categories)

    # -- operators of in-use equipment -----------------------------------------------------------------------
    registry = sdk.host.equipment_classes
    by_equipment: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        for equipment_id in person.operates:
            by_equipment[equipment_id].append(person)
    for item in in_use:
        owner = registry.for_code(item.catalog_code)
        if owner is None:
            continue
        assigned = by_equipment.get(item.id, [])
        pool = assigned or people
        for requirement in owner.certificate_requirements(item.catalog_code, item.parameters):
            holders = [
                p
                for p in pool
                if any(c in requirement.categories and _limitation_fits(requirement, lim) for c, lim in valid[p.id])
            ]
            if holders:
                continue
            who = "指定作业人员" + "、".join(p.name for p in assigned) if assigned else "本单位人员"
            add(ComplianceFinding(
                code="operator.uncertified", severity=FindingSeverity.VIOLATION, subject=item.id,
                message_zh=f"{item.name or item.id}（{item.catalog_code}）的岗位“{requirement.post_zh}”无持有效"
                f"{'/'.join(requirement.categories)}证的人员（{who}）",
                source=requirement.source,
            ))  # fmt: skip

    # -- SAMR Order No. 74 roles -----------------------------------------------------------------------------
    if not unit.holders_of(SafetyRole.PRINCIPAL):
        add(ComplianceFinding(
            code="role.principal.missing", severity=FindingSeverity.VIOLATION, subject=uscc,
            message_zh="未明确主要负责人", source=_ORDER74,
        ))  # fmt: skip
    for kind in sorted({e.kind_code for e in in_use}):
        for role in (SafetyRole.SAFETY_DIRECTOR, SafetyRole.SAFETY_OFFICER):
            if not unit.holders_of(role, kind):
                add(ComplianceFinding(
                    code=f"role.{role.value}.missing", severity=FindingSeverity.VIOLATION, subject=kind,
                    message_zh=f"设备种类{kind}未配备{role.name_zh}", source=_ORDER74,
                ))  # fmt: skip
    for item in in_use:
        if not item.safety_officer.strip():
            add(ComplianceFinding(
                code="equipment.safety_officer.missing", severity=FindingSeverity.VIOLATION, subject=item.id,
                message_zh=f"{item.name or item.id} 未逐台明确安全员", source=_ORDER74_EACH,
            ))  # fmt: skip
        elif item.safety_officer not in {r.name for r in unit.holders_of(SafetyRole.SAFETY_OFFICER, item.kind_code)}:
            add(ComplianceFinding(
                code="equipment.safety_officer.not_appointed", severity=FindingSeverity.WARNING, subject=item.id,
                message_zh=f"{item.name or item.id} 的安全员“{item.safety_officer}”"
                f"不在单位任命的{item.kind_code}安全员中",
                source=_ORDER74_EACH,
            ))  # fmt: skip

    # -- TSG 08-2017 organisation and full-time manager -----------------------------------------------------
    needed: dict[str, list[str]] = defaultdict(list)
    by_class: dict[str, list[Equipment]] = defaultdict(list)
    for item in in_use:
        owner = registry.for_code(item.catalog_code)
        if owner is not None:
            by_class[owner.key].append(item)
    for key, items in by_class.items():
        for threshold in registry.get(key).management_thresholds():
            if threshold.applies(items, setup.activities):
                needed[threshold.requirement].append(f"{threshold.source} {threshold.code}：{threshold.text}")
    counted = [e for e in in_use if not any(e.catalog_code.startswith(p) for p in policy.excluded_prefixes)]
    if len(counted) >= policy.organisation_min_units:
        needed["safety_management_organisation"].append(
            f"{policy.organisation_source}：使用特种设备{len(counted)}台（气瓶除外）≥{policy.organisation_min_units}台"
        )
    if len(counted) >= policy.full_time_manager_min_units:
        needed["full_time_safety_manager"].append(
            f"{policy.full_time_manager_source}：使用特种设备{len(counted)}台（气瓶除外）"
            f"≥{policy.full_time_manager_min_units}台"
        )
    if needed.get("safety_management_organisation"):
        needed["full_time_safety_manager"].append(f"{_TSG08_242}：设置安全管理机构的使用单位")
    if needed.get("safety_management_organisation") and not setup.has_organisation:
        add(ComplianceFinding(
            code="tsg08.organisation.missing", severity=FindingSeverity.VIOLATION, subject=uscc,
            message_zh="应设置特种设备安全管理机构：" + "；".join(needed["safety_management_organisation"]),
            source=_TSG08_23,
        ))  # fmt: skip
    managers = [p for p in people if p.full_time_safety_manager and any(c == "A" for c, _ in valid[p.id])]
    if needed.get("full_time_safety_manager") and not managers:
        add(ComplianceFinding(
            code="tsg08.full_time_manager.missing", severity=FindingSeverity.VIOLATION, subject=uscc,
            message_zh="应配备持有效A证的专职安全管理员：" + "；".join(needed["full_time_safety_manager"]),
            source=_TSG08_242,
        ))  # fmt: skip

    # -- train before work -----------------------------------------------------------------------------------
    for person in people:
        operator = bool(person.operates) or any(c.category_code != "A" for c in person.certificates)
        if not operator:
            continue
        first = first_training.get(person.id)
        if first is None:
            add(ComplianceFinding(
                code="training.none_before_work", severity=FindingSeverity.VIOLATION, subject=person.id,
                message_zh=f"{person.name} 从事特种设备作业但无培训记录（先培训后上岗）", source=_SEED,
            ))  # fmt: skip
        elif person.works_since is not None and first > person.works_since:
            add(ComplianceFinding(
                code="training.after_start", severity=FindingSeverity.VIOLATION, subject=person.id,
                message_zh=f"{person.name} 于{person.works_since.isoformat()}上岗，首次培训记录为{first.isoformat()}"
                "（先培训后上岗）",
                source=_SEED,
            ))  # fmt: skip
    return ComplianceReport(unit_uscc=uscc, as_of=today, findings=tuple(findings))


def people_of(sdk: Dualprev, uscc: str) -> Sequence[Person]:
    """Every person of a unit, with certificates and the equipment they operate."""
    with sdk.uow() as uow:
        return uow.people.for_unit(uscc)
