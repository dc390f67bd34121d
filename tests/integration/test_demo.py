"""The main job, end to end: ``dualprev demo --out DIR --size small`` on a fresh embedded SQLite database finishes,
writes every report listed in ``DIR/manifest.json`` (each non-empty, with the size and hash recorded) and the
kinds each completed step promises; steps whose services are missing say "skipped: …", none fail."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dualprev_sdk import UseUnit
from dualprev_sdk.demo import run_demo
from dualprev_sdk.errors import FailedPrecondition
from dualprev_sdk.services.bootstrap import Dualprev

#: The kinds each step writes when it runs (a skipped step writes none, and must say why).
KINDS_BY_STEP = {
    "generate": {"ledger_xlsx"},
    "lists": {"control_list_xlsx", "checklist_xlsx", "risk_map_svg", "notification_card_svg"},
    "duties": {"monthly_minutes_html"},
    "hazards": {"hazard_history_json"},
    "traceability": {"cylinder_trace_json", "rescue_kpis_json"},
    "supervision": {"supervision_plan_xlsx", "key_units_xlsx", "sampling_draw_xlsx"},
    "statistics": {"statistics_xlsx"},
    "dossiers": {"dossier_html", "dossier_xlsx", "qr_png"},
    "parks": {"park_report_html", "demonstration_coverage_xlsx"},
    "five_standards": {"five_standards_json"},
    "simplified": {"control_list_xlsx", "checklist_xlsx", "notification_card_svg", "dossier_html", "qr_png"},
}
#: Steps whose services are part of this repository today: they must run, not be skipped.
REQUIRED_STEPS = {"generate", "import", "grade", "lists", "duties", "hazards", "dossiers"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], str]:
    out = tmp_path_factory.mktemp("demo") / "demo-out"
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dualprev_sdk.cli.main import main; main()",
            "demo",
            "--out",
            str(out),
            "--size",
            "small",
            "--seed",
            "7",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "COLUMNS": "240"},  # rich wraps at 80 columns without a terminal
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return out, manifest, completed.stdout


def test_the_demo_command_finishes_and_writes_every_file_in_its_manifest(
    demo: tuple[Path, dict[str, Any], str],
) -> None:
    out, manifest, _ = demo
    assert manifest["files"], "the manifest lists no file"
    for entry in manifest["files"]:
        path = out / entry["path"]
        assert path.is_file(), entry
        data = path.read_bytes()
        assert data, entry
        assert len(data) == entry["bytes"], entry
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry


def test_every_completed_step_wrote_its_kinds_and_no_step_failed(demo: tuple[Path, dict[str, Any], str]) -> None:
    _, manifest, _ = demo
    steps = {s["key"]: s for s in manifest["steps"]}
    assert not [s for s in steps.values() if s["status"] == "failed"], steps
    assert {k for k in REQUIRED_STEPS if steps[k]["status"] != "done"} == set(), steps
    kinds = set(manifest["kinds"])
    for key, expected in KINDS_BY_STEP.items():
        if steps[key]["status"] == "done":
            assert expected <= kinds, (key, expected - kinds)
        else:
            assert steps[key]["detail"].startswith("skipped: "), steps[key]


def test_reports_belong_to_the_unit_or_equipment_they_describe(demo: tuple[Path, dict[str, Any], str]) -> None:
    _, manifest, _ = demo
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for entry in manifest["files"]:
        by_kind.setdefault(entry["kind"], []).append(entry)
    units = {e["unit_uscc"] for e in by_kind["control_list_xlsx"]}
    simplified = {e["unit_uscc"] for e in manifest["files"] if e["path"].startswith("simplified/")}
    assert len(units - simplified) == 12  # the small city, plus the micro enterprise set up in simplified mode
    assert len(simplified) == 1
    assert {e["unit_uscc"] for e in by_kind["risk_map_svg"]} == units
    assert all(e["equipment_id"] for e in by_kind["notification_card_svg"])
    if "dossier_html" in by_kind:
        assert {e["unit_uscc"] for e in by_kind["dossier_html"]} == units
        equipment_codes = [e for e in by_kind["qr_png"] if e["equipment_id"]]
        assert len(equipment_codes) == len(by_kind["notification_card_svg"])


def test_the_summary_table_names_every_step_and_how_to_serve_the_database(
    demo: tuple[Path, dict[str, Any], str],
) -> None:
    out, manifest, stdout = demo
    for step in manifest["steps"]:
        assert step["title_zh"] in stdout
    assert "dualprev gateway serve" in stdout
    assert "dualprev events relay" in stdout
    assert manifest["outbox_last_event"] > 0  # every change of the cycle went through the outbox
    assert (out / "demo.sqlite").is_file()


def test_the_demo_database_is_served_by_the_gateway(demo: tuple[Path, dict[str, Any], str]) -> None:
    """``dualprev gateway serve`` on the demo's database answers a regulator's ListUnits with the city's units."""
    client_module = pytest.importorskip("dualprev_gateway.client", reason="the gateway distribution is not installed")
    ledger_pb2 = pytest.importorskip("dualprev_gateway._generated.dualprev.v1.ledger_pb2")
    out, manifest, _ = demo
    url = f"sqlite:///{out / 'demo.sqlite'}"
    cli = [sys.executable, "-c", "from dualprev_sdk.cli.main import main; main()"]
    created = subprocess.run(
        [*cli, "gateway", "key", "create", "--role", "regulator", "--scope", manifest["region_code"][:4], "--db", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    key = next(line.split()[-1] for line in created.stdout.splitlines() if line.startswith("key:"))
    server = subprocess.Popen(
        [*cli, "gateway", "serve", "--db", url, "--address", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "DUALPREV_GATEWAY_GRACE_SECONDS": "1"},
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line, server.stderr.read() if server.stderr else "no output"
        port = int(json.loads(line)["port"])
        with client_module.connect(f"127.0.0.1:{port}", key) as client:
            page = client.ledger.ListUnits(ledger_pb2.ListUnitsRequest(page_size=100))
        units = {e["unit_uscc"] for e in manifest["files"] if e["kind"] == "control_list_xlsx"}
        assert {u.name.removeprefix("units/") for u in page.units} == units
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_demo_refuses_a_database_that_already_holds_units(
    sdk: Dualprev, db_url: str, make_uscc: Callable[[int], str], tmp_path: Path
) -> None:
    sdk.ledger.create_unit(UseUnit(uscc=make_uscc(990), name="真实单位", region_code="410105"))
    with pytest.raises(FailedPrecondition) as caught:
        run_demo(tmp_path / "out", database_url=db_url, size="small")
    assert caught.value.reason == "DEMO_DATABASE_NOT_EMPTY"
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert [u.name for u in sdk.ledger.list_units().items] == ["真实单位"]
