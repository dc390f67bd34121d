"""The dossier HTML is rendered from the data alone (no database): text is escaped, every equipment row and QR
code is present, and levels and validity carry their print classes."""

from __future__ import annotations

import datetime as dt

import attrs

from dualprev_sdk import Equipment, RoleAssignment, SafetyRole, UseUnit
from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.inspection import InspectionValidity, ValidityStatus
from dualprev_sdk.reports.dossier import Dossier, DossierEquipment, equipment_uri, render_dossier_html, unit_uri

USCC = "914101000000050123"


def dossier(name: str = "郑州某机械厂") -> Dossier:
    unit = UseUnit(
        uscc=USCC,
        name=name,
        region_code="410105",
        roles=(RoleAssignment(role=SafetyRole.PRINCIPAL, name="王五", phone="13800000003"),),
    )
    rows = tuple(
        DossierEquipment(
            equipment=Equipment(
                id=f"E{n}",
                unit_uscc=USCC,
                catalog_code="5110",
                name=f"{n}号叉车",
                equipment_code=f"51101001220180000{n}",
            ),
            class_name_zh="场（厂）内专用机动车辆",
            uri=equipment_uri(f"E{n}"),
            validity=InspectionValidity(
                equipment_id=f"E{n}",
                status=ValidityStatus.OVERDUE if n == 1 else ValidityStatus.VALID,
                next_due=dt.date(2025, 11, 1),
                days_left=-30 if n == 1 else 100,
            ),
            highest_risk=RiskLevel.SIGNIFICANT,
            risk_points=3,
            open_hazards=0,
        )
        for n in (1, 2)
    )
    return Dossier(
        unit=unit,
        region_name="河南省/郑州市/金水区",
        unit_uri=unit_uri(USCC),
        generated_on=dt.date(2025, 12, 1),
        equipment=rows,
        people=(),
        risk_points=(),
        open_hazards=(),
    )


def test_every_equipment_row_its_code_and_its_qr_code_are_in_the_page() -> None:
    html = render_dossier_html(dossier())
    assert html.count('class="equipment-code"') == 2
    assert "511010012201800001" in html
    assert html.count("data:image/svg+xml") == 3  # the unit's code and one per item
    assert 'class="status-overdue"' in html
    assert "level level-2" in html
    assert f"dualprev://units/{USCC}" in html


def test_text_from_the_records_is_escaped() -> None:
    html = render_dossier_html(dossier(name="<script>alert(1)</script>有限公司"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_an_expired_operator_certificate_is_marked() -> None:
    from dualprev_sdk.domain.personnel import Certificate, Person

    people = (
        Person(
            id="P1",
            unit_uscc=USCC,
            name="叉车司机甲",
            certificates=(Certificate(number="TS-1", category_code="N1", expires_on=dt.date(2025, 6, 30)),),
        ),
        Person(
            id="P2",
            unit_uscc=USCC,
            name="叉车司机乙",
            certificates=(Certificate(number="TS-2", category_code="N1", expires_on=dt.date(2027, 6, 30)),),
        ),
    )
    html = render_dossier_html(attrs.evolve(dossier(), people=people))
    assert html.count("（已过期）") == 1
    assert "2025-06-30（已过期）" in html
