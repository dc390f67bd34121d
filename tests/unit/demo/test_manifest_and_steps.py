"""The manifest records every file with kind, owner, size and hash; a step whose service is missing is skipped
with the reason, never imitated."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from dualprev_sdk.demo.cycle import STEPS, _service, _Unavailable
from dualprev_sdk.demo.manifest import Manifest


def test_the_manifest_lists_each_file_relative_to_the_output_with_size_hash_and_owner(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path)
    (tmp_path / "units" / "U1").mkdir(parents=True)
    card = tmp_path / "units" / "U1" / "card.svg"
    card.write_text("<svg/>", encoding="utf-8")
    manifest.add(card, "notification_card_svg", unit_uscc="U1", equipment_id="E1")
    document = json.loads(manifest.write({"seed": 1}).read_text(encoding="utf-8"))
    assert document["seed"] == 1
    assert document["kinds"] == {"notification_card_svg": 1}
    assert document["files"] == [
        {
            "path": "units/U1/card.svg",
            "kind": "notification_card_svg",
            "unit_uscc": "U1",
            "equipment_id": "E1",
            "bytes": 6,
            "sha256": hashlib.sha256(b"<svg/>").hexdigest(),
        }
    ]


def test_a_missing_service_module_or_function_is_unavailable_with_its_name() -> None:
    with pytest.raises(_Unavailable, match=r"services\.no_such_module not available"):
        _service("services.no_such_module")
    with pytest.raises(_Unavailable, match=r"services\.hazards\.no_such_function not available"):
        _service("services.hazards", "report_hazard", "no_such_function")
    assert _service("services.hazards", "report_hazard").report_hazard is not None


def test_the_cycle_runs_the_steps_the_issue_names_in_order() -> None:
    keys = [key for key, *_ in STEPS]
    for earlier, later in [
        ("generate", "import"),
        ("import", "grade"),
        ("grade", "lists"),
        ("lists", "duties"),
        ("duties", "hazards"),
        ("hazards", "credit"),
        ("credit", "supervision"),
        ("supervision", "dossiers"),
    ]:
        assert keys.index(earlier) < keys.index(later)
    assert len(set(keys)) == len(keys)
