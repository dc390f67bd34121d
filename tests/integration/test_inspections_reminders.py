"""Reminders with their legal lead times: apply for inspection ≥1 month before due (特设法 art. 40), register
within 30 days of commissioning (art. 33), review a certificate ≥1 month before its 4-year expiry."""

from __future__ import annotations

import datetime as dt

from inspection_world import MALL, build

from dualprev_sdk import Equipment
from dualprev_sdk.domain.inspection import ReminderKind, ReminderPolicy
from dualprev_sdk.domain.personnel import Certificate, Person
from dualprev_sdk.services import inspections as ins
from dualprev_sdk.services import personnel as pers
from dualprev_sdk.services.bootstrap import Dualprev

DAY = dt.date(2026, 11, 20)


def _world(sdk: Dualprev) -> None:
    build(sdk)
    sdk.ledger.create_equipment(
        Equipment(id="L9", unit_uscc=MALL, catalog_code="3110", commissioned_on=dt.date(2026, 11, 1),
                  next_inspection_due=dt.date(2027, 11, 1), safety_officer="李安全")
    )  # fmt: skip
    pers.add_person(sdk, Person(
        id="T1", unit_uscc=MALL, name="维保员",
        certificates=(Certificate(number="T-1", category_code="T", issued_on=dt.date(2022, 12, 25)),),
    ), today=DAY)  # fmt: skip


def test_a_new_unregistered_lift_and_an_expiring_certificate_are_reminded(sdk: Dualprev) -> None:
    _world(sdk)
    reminders = ins.inspection_reminders(sdk, today=DAY, unit_uscc=MALL)
    assert [(r.kind, r.subject_id, r.act_by, r.late) for r in reminders] == [
        (ReminderKind.REVIEW_CERTIFICATE, "T1", dt.date(2026, 11, 25), False),
        (ReminderKind.REGISTER_USE, "L9", dt.date(2026, 12, 1), False),
    ]
    assert {r.source.status.value for r in reminders} == {"V", "V-2nd"}


def test_without_a_warning_margin_only_what_is_due_by_law_today_is_reminded(sdk: Dualprev) -> None:
    _world(sdk)
    reminders = ins.inspection_reminders(sdk, today=DAY, unit_uscc=MALL, policy=ReminderPolicy(warning_days=0))
    assert reminders == []


def test_a_missed_apply_by_date_is_late(sdk: Dualprev) -> None:
    _world(sdk)
    reminders = ins.inspection_reminders(sdk, today=dt.date(2027, 4, 15), region_prefix="4101")
    late = [(r.subject_id, r.late) for r in reminders if r.kind is ReminderKind.APPLY_FOR_INSPECTION]
    assert late == [("L1", True)]  # due 2027-05-01: apply by 2027-04-01
