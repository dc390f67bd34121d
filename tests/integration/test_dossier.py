"""一企一档一码: the unit dossier is read from the store (unit, equipment with inspection validity, certified people,
risk list, open hazards), rendered to HTML that headless Chromium lays out and prints, and to xlsx; QR codes
encode stable URIs of the unit's and each equipment's record. The dossier regenerates identically from the data."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dualprev_sdk import Equipment, RoleAssignment, SafetyRole, UseUnit
from dualprev_sdk.domain.common import Location
from dualprev_sdk.domain.hazard import HazardSource
from dualprev_sdk.domain.inspection import ValidityStatus
from dualprev_sdk.domain.personnel import Certificate, Person
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.reports import dossier
from dualprev_sdk.services import hazards, personnel, risk
from dualprev_sdk.services.bootstrap import Dualprev

TODAY = dt.date(2025, 12, 1)
LIFT_CODE = "311010890201500098"
CRANE_CODE = "411010012201800007"


@pytest.fixture
def unit(sdk: Dualprev, make_uscc: Callable[[int], str]) -> str:
    uscc = make_uscc(801)
    sdk.ledger.create_unit(
        UseUnit(
            uscc=uscc,
            name="郑州金水示例机械制造有限公司",
            region_code="410105",
            industry="C34",
            address="郑州市金水区花园路1号",
            park="郑州经济技术开发区",
            roles=(
                RoleAssignment(role=SafetyRole.PRINCIPAL, name="总经理王五", phone="13800000003"),
                RoleAssignment(role=SafetyRole.SAFETY_DIRECTOR, name="安全总监李四", phone="13800000002"),
                RoleAssignment(role=SafetyRole.SAFETY_OFFICER, name="安全员张三", phone="13800000001"),
            ),
        )
    )
    items = [
        Equipment(
            id="EQ-LIFT",
            unit_uscc=uscc,
            catalog_code="3110",
            name="1号客梯",
            equipment_code=LIFT_CODE,
            registration_number="梯11豫A00098(15)",
            unit_internal_number="KT-01",
            next_inspection_due=TODAY + dt.timedelta(days=120),
            location=Location(building="办公楼", floor="1F", area="电梯厅"),
        ),
        Equipment(
            id="EQ-CRANE",
            unit_uscc=uscc,
            catalog_code="4110",
            name="10t桥式起重机",
            equipment_code=CRANE_CODE,
            unit_internal_number="QZ-01",
            next_inspection_due=TODAY - dt.timedelta(days=10),
            location=Location(building="一号车间", floor="1F", area="装配区"),
        ),
    ]
    for item in items:
        sdk.ledger.create_equipment(item)
    risk.identify_unit_risks(sdk, uscc, actor="安全员张三")
    personnel.add_person(
        sdk,
        Person(
            id="P-1",
            unit_uscc=uscc,
            name="起重司机赵六",
            certificates=(
                Certificate(
                    number="TS410100001",
                    category_code="Q2",
                    issued_on=dt.date(2023, 1, 5),
                    expires_on=dt.date(2027, 1, 4),
                ),
            ),
            operates=("EQ-CRANE",),
        ),
        today=TODAY,
    )
    hazards.report_hazard(
        sdk,
        unit_uscc=uscc,
        equipment_id="EQ-CRANE",
        source=HazardSource.SELF_REPORT,
        source_reference="自查-20251120",
        description="吊钩防脱钩装置变形",
        found_on=dt.date(2025, 11, 20),
        finder="安全员张三",
        actor="安全员张三",
        hazard_id="HZ-CRANE-1",
    )
    return uscc


def test_the_dossier_reads_equipment_validity_people_risks_and_open_hazards(sdk: Dualprev, unit: str) -> None:
    data = dossier.build_dossier(sdk, unit, today=TODAY)
    assert data.unit.uscc == unit
    assert data.region_name.endswith("金水区")
    rows = {r.equipment.id: r for r in data.equipment}
    assert rows["EQ-CRANE"].validity.status is ValidityStatus.OVERDUE
    assert rows["EQ-LIFT"].validity.status is ValidityStatus.VALID
    assert rows["EQ-CRANE"].open_hazards == 1
    assert rows["EQ-LIFT"].highest_risk is not None
    assert [h.id for h in data.open_hazards] == ["HZ-CRANE-1"]
    assert [p.name for p in data.people] == ["起重司机赵六"]
    assert sum(data.level_counts.values()) == len(data.risk_points) > 0


def test_qr_codes_encode_stable_uris_of_the_records(sdk: Dualprev, unit: str, tmp_path: Path) -> None:
    data = dossier.build_dossier(sdk, unit, today=TODAY)
    assert data.unit_uri == f"dualprev://units/{unit}"
    assert {r.uri for r in data.equipment} == {"dualprev://equipment/EQ-LIFT", "dualprev://equipment/EQ-CRANE"}
    hosted = dossier.build_dossier(sdk, unit, today=TODAY, base_url="https://tzsb.example.gov.cn/dp/")
    assert hosted.unit_uri == f"https://tzsb.example.gov.cn/dp/units/{unit}"
    with pytest.raises(InvalidArgument):
        dossier.unit_uri(unit, base_url="http://insecure.example")
    png = dossier.write_qr_png(data.unit_uri, tmp_path / "unit.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png == dossier.write_qr_png(data.unit_uri, tmp_path / "again.png").read_bytes()


def test_the_dossier_regenerates_identically_from_the_same_data(sdk: Dualprev, unit: str) -> None:
    first = dossier.render_dossier_html(dossier.build_dossier(sdk, unit, today=TODAY))
    second = dossier.render_dossier_html(dossier.build_dossier(sdk, unit, today=TODAY))
    assert first == second
    hazards.cancel_hazard(sdk, "HZ-CRANE-1", reason="误报", actor="安全总监李四")
    third = dossier.render_dossier_html(dossier.build_dossier(sdk, unit, today=TODAY))
    assert "吊钩防脱钩装置变形" in first
    assert "吊钩防脱钩装置变形" not in third


def test_the_dossier_workbook_has_one_sheet_per_part(sdk: Dualprev, unit: str, tmp_path: Path) -> None:
    data = dossier.build_dossier(sdk, unit, today=TODAY)
    workbook = load_workbook(dossier.write_dossier_xlsx(data, tmp_path / "dossier.xlsx"))
    assert workbook.sheetnames == ["单位信息", "设备与检验", "人员证书", "风险管控清单", "未销号隐患", "五有自评"]
    assert workbook["五有自评"].max_row == 1 + 5 + 1  # heading, five standards, total
    info = {row[0]: row[1] for row in workbook["单位信息"].iter_rows(min_row=2, values_only=True)}
    assert info["统一社会信用代码"] == unit
    codes = {row[3] for row in workbook["设备与检验"].iter_rows(min_row=2, values_only=True)}
    assert codes == {LIFT_CODE, CRANE_CODE}
    assert workbook["未销号隐患"].max_row == 2
    assert workbook["风险管控清单"].max_row == len(data.risk_points) + 1


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed in CI (.ci/run installs Debian's chromium and fonts-noto-cjk)")
        pytest.skip("chromium is not installed: apt-get install -y chromium fonts-noto-cjk to render the dossier")
    return found


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_the_dossier_renders_in_headless_chromium_with_its_key_content_and_prints_on_a4(
    sdk: Dualprev, unit: str, tmp_path: Path
) -> None:
    binary = _chromium()
    html = dossier.write_dossier_html(dossier.build_dossier(sdk, unit, today=TODAY), tmp_path / "一企一档.html")
    url = html.resolve().as_uri()
    dom = _run_chromium(binary, tmp_path / "profile", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    text = dom.stdout.decode("utf-8")
    for expected in (
        "郑州金水示例机械制造有限公司",
        unit,
        LIFT_CODE,
        CRANE_CODE,
        "逾期未检",
        "吊钩防脱钩装置变形",
        "“五有”自评",
        "责任明确的隐患排查治理机制",
    ):
        assert expected in text, expected
    shot = tmp_path / "dossier.png"
    done = _run_chromium(binary, tmp_path / "profile", "--window-size=1240,1754", f"--screenshot={shot}", url)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1240, 1754)
    assert len(png) > 50_000  # a page of text, tables and QR codes, not a blank sheet
    pdf = tmp_path / "dossier.pdf"
    printed = _run_chromium(binary, tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url)
    assert printed.returncode == 0, printed.stderr.decode(errors="replace")[-2000:]
    document = pdf.read_bytes()
    assert document.startswith(b"%PDF-")
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 841(\.\d+)?\s*\]", document), "not printed on A4"
    keep = os.environ.get("DUALPREV_KEEP_DOSSIER_PNG")
    if keep:
        shutil.copy(shot, keep)


def test_the_dossier_command_regenerates_the_files_from_the_records(db_url: str, unit: str, tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dualprev_sdk.cli.main import main; main()",
            "dossier",
            unit,
            "--db",
            db_url,
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            TODAY.isoformat(),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["一企一档.html", "一企一档.xlsx", "一企一码.png", "设备码-KT-01.png", "设备码-QZ-01.png"]
    assert "未销号隐患 1 条" in completed.stdout
