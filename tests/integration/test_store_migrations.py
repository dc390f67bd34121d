"""Migrations: the shipped baseline builds exactly the schema the tables describe, on every backend."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from dualprev_sdk import FailedPrecondition
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.engine import make_engine, normalise_url
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


@pytest.mark.slow
def test_processes_starting_at_once_migrate_a_new_postgresql_database_exactly_once() -> None:
    base = os.environ.get("DUALPREV_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("PostgreSQL run skipped: set DUALPREV_TEST_POSTGRES_URL to enable it")
    schema = f"dualprev_migrate_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalise_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
    script = (
        "import sys; from dualprev_sdk.store.engine import make_engine; from dualprev_sdk.store.migrate import upgrade;"
        "print(upgrade(make_engine(sys.argv[1])))"
    )
    try:
        starts = [
            subprocess.Popen(
                [sys.executable, "-c", script, url.render_as_string(hide_password=False)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outcomes = [p.communicate(timeout=120) for p in starts]
        assert [(p.returncode, out.strip()) for p, (out, _) in zip(starts, outcomes, strict=True)] == [
            (0, head_revision())
        ] * 3, [err for _, err in outcomes]
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_threads_opening_a_new_sqlite_database_at_once_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    results: list[object] = []

    def open_and_close() -> None:
        try:
            with Dualprev.open(url) as sdk:
                results.append(current_revision(sdk.engine))
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=open_and_close) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [head_revision()] * 3


def test_dualprev_init_against_an_unreachable_server_says_why_without_the_password(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dualprev_sdk.cli.main import main; main()",
            "init",
            "--db",
            "postgresql://someone:topsecret@127.0.0.1:1/nothing?connect_timeout=2",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "cannot use database postgresql+psycopg://someone:***@127.0.0.1:1/nothing" in run.stderr
    assert "topsecret" not in run.stderr + run.stdout
