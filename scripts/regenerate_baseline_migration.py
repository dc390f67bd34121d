#!/usr/bin/env python
"""Regenerate the single baseline migration from the current table metadata (pre-1.0 policy).

Run after adding or changing tables in ``src/dualprev_sdk/store``:

    .venv/bin/python scripts/regenerate_baseline_migration.py

It deletes the existing revision(s) in ``store/migrations/versions``, autogenerates a new ``0001_baseline``
against an empty SQLite database (so the script uses batch operations where SQLite needs them), and checks
that upgrading a fresh database with it yields exactly the metadata. Existing databases made with an older
baseline must be recreated (``rm dualprev.sqlite && dualprev init``) — acceptable only before 1.0.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dualprev_sdk.store.engine import make_engine
from dualprev_sdk.store.migrate import MIGRATIONS_DIR, alembic_config, upgrade
from dualprev_sdk.store.schema import metadata

BASELINE_ID = "0001_baseline"


def main() -> int:
    versions = MIGRATIONS_DIR / "versions"
    for old in versions.glob("*.py"):
        if old.name != "__init__.py":
            old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'empty.sqlite'}"
        command.revision(alembic_config(url), message="baseline", autogenerate=True, rev_id=BASELINE_ID)
        engine = make_engine(f"sqlite:///{Path(tmp) / 'check.sqlite'}")
        try:
            upgrade(engine)
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), metadata)
        finally:
            engine.dispose()
    if diff:
        print("the regenerated baseline does not reproduce the metadata:", *diff, sep="\n  ", file=sys.stderr)
        return 1
    print(f"wrote {next(versions.glob(BASELINE_ID + '*.py'))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
