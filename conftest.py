"""Repository-wide pytest configuration: hypothesis profiles shared by every test tree."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# "ci" keeps property tests meaningful but bounded on a 2-core machine; "dev" explores more.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
