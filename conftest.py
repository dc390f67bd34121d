"""Repository-wide pytest configuration: hypothesis profiles shared by every test tree."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# Test modules are imported with --import-mode=importlib (pyproject), so two test files may share a basename
# in different folders. Shared helper modules next to the tests (hazard_world.py, gateway_support.py…) are
# imported by bare name, so every test folder is put on sys.path once, here.
_ROOT = Path(__file__).resolve().parent
for _tests in (_ROOT / "tests", _ROOT / "plugins" / "tests", _ROOT / "examples" / "external-plugin" / "tests"):
    for _folder in sorted(p for p in [_tests, *_tests.rglob("*")] if p.is_dir() and p.name != "__pycache__"):
        if str(_folder) not in sys.path:
            sys.path.append(str(_folder))

# "ci" keeps property tests meaningful but bounded on a 2-core machine; "dev" explores more.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
