"""Finding codes the in-plant vehicle class understands.

GB 45067-2024 4.10 (场车) was not retrieved, so no finding here is tied to a 4.10 item; the codes exist so that
checklist failures are recorded in the same vocabulary once the clause is filled in.
"""

from __future__ import annotations

__all__ = ["FINDINGS", "SAFETY_MONITORING_DEVICE_MISSING"]

SAFETY_MONITORING_DEVICE_MISSING = "safety_monitoring_device_missing"

FINDINGS: dict[str, str] = {
    SAFETY_MONITORING_DEVICE_MISSING: "叉车未按要求装设安全监控装置或装置失效",
}
