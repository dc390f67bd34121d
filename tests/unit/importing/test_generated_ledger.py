"""The benchmark's synthetic ledger must stay valid as the identifier rules evolve, or the benchmark would measure
the rejection path instead of the import."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from dualprev_sdk.importing.lookups import Lookups
from dualprev_sdk.importing.template import map_headers
from dualprev_sdk.importing.validation import RowValidator


def _generate_module() -> object:
    path = Path(__file__).parents[3] / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


def test_every_generated_row_is_valid_and_has_a_distinct_equipment_key() -> None:
    generate = _generate_module()
    validator = RowValidator(map_headers(generate.HEADERS), lookups=Lookups())  # type: ignore[attr-defined]
    keys = set()
    rows = list(generate.generate_rows(2000, 100))  # type: ignore[attr-defined]
    for number, cells in enumerate(rows, start=2):
        parsed, errors, _ = validator.validate(number, cells)
        assert errors == [], cells
        assert parsed is not None
        keys.add((parsed.key_kind, parsed.key))
    assert len(keys) == len(rows)
    assert {kind for kind, _ in keys} == {"equipment_code", "registration_number", "internal_number"}
