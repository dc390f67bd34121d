"""``dualprev maintenance prune-request-ids`` through ``main()``: deletes ids older than the retention and says
how many; a retention that is not positive is a usage error."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest
import sqlalchemy as sa

from dualprev_sdk.cli.main import main
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.request_ids import REQUEST_IDS


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["dualprev", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def stored(db_url: str) -> str:
    """Ids created 1, 5 and 40 days ago."""
    now = dt.datetime.now(dt.UTC)
    with Dualprev.open(db_url, migrate=False) as sdk, sdk.engine.begin() as conn:
        conn.execute(
            sa.insert(REQUEST_IDS),
            [
                {
                    "request_id": f"age-{days}",
                    "operation": "test.create",
                    "resource": f"units/{days}",
                    "caller": "key-1",
                    "fingerprint": "0" * 64,
                    "created_at": now - dt.timedelta(days=days),
                }
                for days in (1, 5, 40)
            ],
        )
    return db_url


def _remaining(db_url: str) -> set[str]:
    with Dualprev.open(db_url, migrate=False) as sdk, sdk.engine.connect() as conn:
        return set(conn.execute(sa.select(REQUEST_IDS.c.request_id)).scalars())


def test_prune_with_the_default_retention_removes_only_the_old_id(
    stored: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "maintenance", "prune-request-ids", "--db", stored)
    assert code == 0
    assert "removed 1 request id(s)" in out
    assert _remaining(stored) == {"age-1", "age-5"}


def test_prune_older_than_days_as_json(
    stored: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        monkeypatch, capsys, "maintenance", "prune-request-ids", "--older-than-days", "3", "--json", "--db", stored
    )
    assert code == 0
    data = json.loads(out)
    assert (data["removed"], data["retention_days"]) == (2, 3)
    assert dt.datetime.fromisoformat(data["older_than"]).tzinfo is not None
    assert _remaining(stored) == {"age-1"}


def test_a_retention_of_zero_days_is_a_usage_error_and_deletes_nothing(
    stored: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        monkeypatch, capsys, "maintenance", "prune-request-ids", "--older-than-days", "0", "--db", stored
    )
    assert code == 2
    assert "--older-than-days" in err
    assert _remaining(stored) == {"age-1", "age-5", "age-40"}
