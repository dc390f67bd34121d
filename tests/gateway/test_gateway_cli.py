"""``dualprev gateway key …``: keys are shown once, stored hashed, listed without secrets, revoked for good."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dualprev_sdk.access import authenticate
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.api_keys import StoreApiKeys

DUALPREV = str(Path(sys.executable).with_name("dualprev"))


def _dualprev(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DUALPREV, *args], capture_output=True, text=True, timeout=60, check=False)


def test_a_created_key_is_printed_once_works_until_revoked_and_is_never_listed(database_url: str) -> None:
    created = _dualprev(
        "gateway", "key", "create", "--role", "regulator", "--scope", "4101", "--label", "郑州市局", "--db",
        database_url,
    )
    assert created.returncode == 0, created.stderr
    fields = dict(line.split(":", 1) for line in created.stdout.splitlines())
    key_id, token = fields["id"].strip(), fields["key"].strip()
    assert "cannot be shown again" in created.stderr

    listed = _dualprev("gateway", "key", "list", "--json", "--db", database_url)
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    assert rows[key_id]["scope"] == "4101"
    assert token.split("_", 2)[2] not in listed.stdout, "the secret is never shown again"

    with Dualprev.open(database_url, migrate=False) as sdk:
        principal = authenticate(token, StoreApiKeys(sdk.uow))
        assert principal is not None
        assert principal.label == "郑州市局"

    revoked = _dualprev("gateway", "key", "revoke", key_id, "--db", database_url)
    assert revoked.returncode == 0, revoked.stderr
    active = json.loads(_dualprev("gateway", "key", "list", "--json", "--db", database_url).stdout)
    assert key_id not in {row["id"] for row in active}
    everything = json.loads(_dualprev("gateway", "key", "list", "--all", "--json", "--db", database_url).stdout)
    assert {row["id"]: row for row in everything}[key_id]["revoked_at"]
    with Dualprev.open(database_url, migrate=False) as sdk:
        assert authenticate(token, StoreApiKeys(sdk.uow)) is None


def test_a_scope_that_does_not_fit_the_role_is_refused_with_the_rule(database_url: str) -> None:
    refused = _dualprev("gateway", "key", "create", "--role", "enterprise", "--scope", "4101", "--db", database_url)
    assert refused.returncode == 1
    assert "USCC" in refused.stderr
