"""Migrations: the shipped baseline builds exactly the schema the tables describe, on every backend."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dualprev_sdk import FailedPrecondition
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.engine import make_engine
from dualprev_sdk.store.migrate import current_revision, head_revision, upgrade
from dualprev_sdk.store.schema import metadata


def test_the_migrated_schema_matches_the_table_metadata(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    assert diff == []


def test_upgrading_an_up_to_date_database_changes_nothing(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert upgrade(engine) == head_revision()
    finally:
        engine.dispose()


def test_opening_an_unmigrated_database_without_migrating_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FailedPrecondition, match="dualprev init"):
        Dualprev.open(f"sqlite:///{tmp_path / 'empty.sqlite'}", migrate=False)


def test_dualprev_init_creates_the_default_database_in_the_working_directory(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", "from dualprev_sdk.cli.main import main; main()", "init"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=True,
    )
    assert (tmp_path / "dualprev.sqlite").exists()
    assert str(tmp_path / "dualprev.sqlite") in run.stdout
    assert f"schema revision: {head_revision()}" in run.stdout
