"""``dualprev grade``: the CLI over the SDK, including a custom matrix file and exit status 1 on bad factors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from dualprev_sdk.cli import grade as grade_cli

ENTERPRISE = Path(__file__).parent / "data" / "enterprise_4x5.toml"


@pytest.fixture
def app() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def _root() -> None:
        """root"""

    grade_cli.register(root)
    return root


def run(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_grade_lec_json_prints_method_score_level_name_colour_and_band(app: typer.Typer) -> None:
    code, out, _ = run(app, "grade", "lec", "--l", "6", "--e", "6", "--c", "7", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["method"] == "lec"
    assert payload["score"] == 252
    assert payload["level"] == 2
    assert payload["level_name"] == "较大风险"
    assert payload["color"] == "orange"
    assert payload["band"] == "高度危险，需立即整改"


def test_grade_lec_human_output_shows_the_calculation(app: typer.Typer) -> None:
    code, out, _ = run(app, "grade", "lec", "--l", "10", "--e", "1", "--c", "7")
    assert code == 0
    assert "D = 70" in out
    assert "低风险" in out


def test_grade_ls_and_mes(app: typer.Typer) -> None:
    code, out, _ = run(app, "grade", "ls", "--l", "4", "--s", "5", "--json")
    assert code == 0
    assert json.loads(out)["level"] == 1
    code, out, _ = run(app, "grade", "mes", "--m", "3", "--e", "6", "--s", "10", "--json")
    assert code == 0
    assert json.loads(out)["score"] == 180


def test_an_invalid_factor_exits_1_with_the_allowed_values(app: typer.Typer) -> None:
    code, _, err = run(app, "grade", "lec", "--l", "4", "--e", "6", "--c", "7")
    assert code == 1
    assert "10, 6, 3, 1, 0.5, 0.2, 0.1" in err


def test_a_custom_matrix_file_is_graded_from_the_cli(app: typer.Typer) -> None:
    code, out, _ = run(
        app, "grade", "matrix", "--matrix", str(ENTERPRISE), "--axis", "likelihood=3", "--axis", "severity=4", "--json"
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["method"] == "acme-4x5"
    assert payload["score"] == 16
    assert payload["level"] == 1
    assert payload["color"] == "#C00000"


def test_a_custom_matrix_rejects_a_bad_axis_value_and_a_malformed_axis(app: typer.Typer) -> None:
    code, _, err = run(
        app, "grade", "matrix", "--matrix", str(ENTERPRISE), "--axis", "likelihood=9", "--axis", "severity=1"
    )
    assert code == 1
    assert "likelihood" in err
    code, _, err = run(app, "grade", "matrix", "--matrix", str(ENTERPRISE), "--axis", "likelihood")
    assert code == 1
    assert "NAME=VALUE" in err


def test_a_registered_method_can_be_graded_by_name(app: typer.Typer) -> None:
    code, out, _ = run(app, "grade", "matrix", "--method", "ls", "--axis", "l=3", "--axis", "s=3", "--json")
    assert code == 0
    assert json.loads(out)["level"] == 3


def test_show_checks_and_describes_a_method_file(app: typer.Typer) -> None:
    code, out, _ = run(app, "grade", "show", str(ENTERPRISE))
    assert code == 0
    assert "20 combinations" in out


def test_the_installed_console_script_grades_and_fails_with_status_1() -> None:
    script = Path(sys.executable).parent / "dualprev"
    ok = subprocess.run(
        [str(script), "grade", "lec", "--l", "6", "--e", "6", "--c", "7", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["level"] == 2
    bad = subprocess.run(
        [str(script), "grade", "ls", "--l", "6", "--s", "1"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1
    assert "1, 2, 3, 4, 5" in bad.stderr
