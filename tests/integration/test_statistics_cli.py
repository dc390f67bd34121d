"""The regulator commands end to end on a real database: ``dualprev stats``, ``credit classify``,
``supervision plan`` / ``draw`` / ``verify``, ``credit blacklist list --export``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from regulator_world import World, build_province
from typer.testing import CliRunner

from dualprev_sdk.cli import regulator
from dualprev_sdk.services import supervision as sv
from dualprev_sdk.services.bootstrap import Dualprev

TODAY = "2026-06-01"


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    regulator.register(application)
    return application


@pytest.fixture
def world(sdk: Dualprev, make_uscc: Callable[[int], str]) -> World:
    built = build_province(sdk, make_uscc)
    for n in range(1, 5):
        sv.add_inspector(sdk, inspector_id=f"LY-{n}", name=f"洛阳监察员{n}", region_code="410300", actor="洛阳市局")
    return built


def run(app: typer.Typer, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_stats_prints_the_tree_and_json_by_industry(app: typer.Typer, world: World, db_url: str) -> None:
    assert "河南省" in run(app, "stats", "--region", "41", "--today", TODAY, "--db", db_url)
    data = json.loads(
        run(app, "stats", "--region", "41", "--by", "industry", "--today", TODAY, "--db", db_url, "--json")
    )
    assert {d["key"]: d["units"] for d in data} == {"C": 6, "H": 12}


def test_stats_refuses_an_unknown_grouping(app: typer.Typer, world: World, db_url: str) -> None:
    result = CliRunner().invoke(app, ["stats", "--region", "41", "--by", "colour", "--db", db_url])
    assert result.exit_code == 2
    assert "colour" in result.output


def test_credit_classify_explains_the_class(app: typer.Typer, world: World, db_url: str) -> None:
    data = json.loads(run(app, "credit", "classify", world.unit("410303"), "--day", TODAY, "--db", db_url, "--json"))
    assert data["credit_class"] == "D"
    assert any("发生特种设备事故" in line for line in data["explanation"])


def test_plan_draw_and_verify_from_the_command_line(
    app: typer.Typer, world: World, db_url: str, tmp_path: Path
) -> None:
    out = run(
        app,
        "supervision",
        "plan",
        "--region",
        "4103",
        "--year",
        "2027",
        "--key-units",
        "--today",
        TODAY,
        "--db",
        db_url,
        "--export",
        str(tmp_path / "plan.csv"),
    )
    assert "重点监督检查单位名录" in out
    assert (tmp_path / "plan.csv").read_text(encoding="utf-8-sig").startswith("统一社会信用代码,单位名称")
    drawn = json.loads(
        run(app, "supervision", "draw", "--region", "4103", "--seed", "99", "--today", TODAY, "--db", db_url, "--json")
    )
    assert len(drawn["inputs_sha256"]) == 64
    assert "reproduced" in run(app, "supervision", "verify", drawn["draw_id"], "--db", db_url)
    target = drawn["targets"][0]["uscc"]
    run(
        app,
        "supervision",
        "result",
        drawn["draw_id"],
        target,
        "--outcome",
        "no_problem",
        "--date",
        TODAY,
        "--db",
        db_url,
    )
    out = run(
        app,
        "supervision",
        "publish",
        drawn["draw_id"],
        "--date",
        TODAY,
        "--db",
        db_url,
        "--export",
        str(tmp_path / "results.csv"),
    )
    assert "published" in out
    assert "未发现问题" in (tmp_path / "results.csv").read_text(encoding="utf-8-sig")


def test_blacklist_sweep_and_list_with_export(app: typer.Typer, world: World, db_url: str, tmp_path: Path) -> None:
    run(app, "credit", "derive", "--today", TODAY, "--db", db_url)
    run(app, "credit", "blacklist", "sweep", "--today", TODAY, "--db", db_url)
    out = run(
        app,
        "credit",
        "blacklist",
        "list",
        "--region",
        "4103",
        "--today",
        TODAY,
        "--db",
        db_url,
        "--export",
        str(tmp_path / "bl.xlsx"),
    )
    assert world.unit("410302") in out
    assert (tmp_path / "bl.xlsx").stat().st_size > 0
