"""``dualprev due``: next due date with the rule and its source, from the installed equipment-class plugins."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from dualprev_sdk.cli import due as due_cli


@pytest.fixture
def app() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def _root() -> None:
        """root"""

    due_cli.register(root)
    return root


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["due", *args])
    return result.exit_code, result.output


def test_due_json_gives_next_due_rule_and_source_for_a_grade_2_stationary_vessel(app: typer.Typer) -> None:
    code, out = run(app, "2130", "--last", "2023-09-01", "--set", "safety_grade=2", "--json")
    assert code == 0, out
    payload = json.loads(out)
    assert payload["next_due"] == "2029-09-01"
    assert "6年" in payload["rule"]
    assert payload["source"]["document"].startswith("TSG 21-2016")
    assert payload["equipment_class"] == "pressure_vessel"


def test_due_fills_cylinder_parameters_from_set(app: typer.Typer) -> None:
    code, out = run(app, "2310", "--last", "2024-05-20", "--set", "medium_category=corrosive", "--json")
    assert code == 0, out
    assert json.loads(out)["next_due"] == "2026-05-20"


def test_due_text_output_names_the_rule_and_its_citation(app: typer.Typer) -> None:
    code, out = run(app, "1200", "--last", "2024-06-30")
    assert code == 0, out
    assert "2025-06-30" in out
    assert "TSG 11-2020" in out


def test_due_overrides_a_rule_by_configuration(app: typer.Typer) -> None:
    code, out = run(
        app,
        "2170",
        "--last",
        "2024-01-10",
        "--set",
        "safety_grade=3",
        "--override",
        "pv.stationary.grade_3=5",
        "--json",
    )
    assert code == 0, out
    payload = json.loads(out)
    assert payload["next_due"] == "2029-01-10"
    assert payload["source"]["status"] == "user"


def test_due_rejects_unknown_names_and_bad_values_in_one_error_with_exit_1(app: typer.Typer) -> None:
    code, out = run(app, "2130", "--last", "2023-13-01", "--set", "bogus=1", "--set", "volume_l=-5", "--json")
    assert code == 1
    fields = {v["field"] for v in json.loads(out)["violations"]}
    assert fields == {"--set bogus", "parameters.volume_l", "--last"}


def test_due_for_a_code_no_plugin_claims_fails_with_exit_1(app: typer.Typer) -> None:
    code, out = run(app, "ZZZZ", "--last", "2024-01-01")
    assert code == 1
    assert "ZZZZ" in out


def test_due_without_a_shipped_rule_prints_no_date_and_how_to_configure_one(app: typer.Typer) -> None:
    code, out = run(app, "2410", "--last", "2024-01-01", "--json")
    assert code == 0, out
    payload = json.loads(out)
    assert payload["next_due"] is None
    assert "--override" in payload["message"]
    code, out = run(app, "2410", "--last", "2024-01-01", "--override", "pv.oxygen_chamber.periodic_years=3", "--json")
    assert json.loads(out)["next_due"] == "2027-01-01"


def test_the_console_script_runs_due_and_exits_1_on_bad_input() -> None:
    import subprocess
    import sys

    entry = "from dualprev_sdk.cli.main import main; main()"
    ok = subprocess.run(
        [
            sys.executable,
            "-c",
            entry,
            "due",
            "2300",
            "--last",
            "2024-05-20",
            "--set",
            "medium_category=inert",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["next_due"] == "2029-05-20"
    bad = subprocess.run(
        [sys.executable, "-c", entry, "due", "2300", "--last", "yesterday"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1
    assert "--last" in bad.stderr
