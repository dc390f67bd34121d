"""Which database the SDK connects to, and how its URL is shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualprev_sdk.store.engine import DATABASE_URL_ENV, mask_url, normalise_url, resolve_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db:5432/x", "postgresql+psycopg://u:p@db:5432/x"),
        ("postgres://u@db/x", "postgresql+psycopg://u@db/x"),
        ("postgresql+psycopg://u@db/x", "postgresql+psycopg://u@db/x"),
        ("sqlite:///tmp/a.sqlite", "sqlite:///tmp/a.sqlite"),
    ],
)
def test_postgresql_urls_always_use_psycopg_3(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


def test_without_a_url_the_environment_variable_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://u@db/x")
    assert resolve_url() == "postgresql+psycopg://u@db/x"
    assert resolve_url("sqlite:///other.sqlite") == "sqlite:///other.sqlite"


def test_without_url_or_environment_it_is_a_sqlite_file_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_url() == f"sqlite:///{tmp_path / 'dualprev.sqlite'}"


def test_a_printed_url_never_shows_the_password() -> None:
    masked = mask_url("postgresql://safety:s3cret@db:5432/dualprev")
    assert "s3cret" not in masked
    assert masked == "postgresql+psycopg://safety:***@db:5432/dualprev"
