"""Fixtures that run every integration test on a real database: a SQLite file always, and PostgreSQL when
``DUALPREV_TEST_POSTGRES_URL`` is set (``postgresql+psycopg://postgres@127.0.0.1:5432/test``).

Speed: the schema is migrated once per session and per backend. SQLite tests get a copy of a migrated template
file; PostgreSQL tests share one throw-away schema (unique per session, so parallel runs do not collide) that
is emptied after each test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from dualprev_sdk import ids
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.engine import make_engine, normalise_url
from dualprev_sdk.store.migrate import upgrade
from dualprev_sdk.store.schema import metadata

POSTGRES_ENV = "DUALPREV_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "dualprev.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # the last connection closing checkpoints the WAL into the main file
    return path


@pytest.fixture(scope="session")
def _postgres_url() -> Iterator[str | None]:
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        yield None
        return
    schema = f"dualprev_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalise_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
    text = url.render_as_string(hide_password=False)
    engine = make_engine(text)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    try:
        yield text
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _empty_all_tables(url: str) -> None:
    """DELETE rather than TRUNCATE: on a few rows it is ~50x faster (TRUNCATE rewrites every table's files).
    Sequences are not reset, so tests compare cursors relative to each other, never to literal ids."""
    engine = make_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            present = set(sa.inspect(conn).get_table_names())
            # only tables the migration created: a table missing from a stale baseline is reported by
            # test_store_migrations, not as an error in every other test's teardown
            for table in reversed(metadata.sorted_tables):
                if table.name in present:
                    conn.execute(table.delete())
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template: Path, _postgres_url: str | None
) -> Iterator[str]:
    """The URL of an empty, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "dualprev.sqlite"
        shutil.copyfile(_sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    if _postgres_url is None:
        pytest.skip(f"PostgreSQL run skipped: set {POSTGRES_ENV}=postgresql+psycopg://user@host:5432/db to enable it")
    try:
        yield _postgres_url
    finally:
        _empty_all_tables(_postgres_url)


@pytest.fixture
def sdk(db_url: str) -> Iterator[Dualprev]:
    """An open SDK on ``db_url`` with the installed plugins."""
    with Dualprev.open(db_url, migrate=False) as opened:
        yield opened


@pytest.fixture
def make_uscc() -> Callable[[int], str]:
    """``make_uscc(7)`` → a valid USCC (both check characters right) that differs for each number."""

    def make(number: int) -> str:
        org = f"{number:08d}"
        first17 = "91410100" + org + ids.organization_code_check_character(org)
        return first17 + ids.uscc_check_character(first17)

    return make
