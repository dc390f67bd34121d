"""Finding codes the crane class understands (GB 45067-2024 4.7 vocabulary)."""

from __future__ import annotations

__all__ = ["FAILED_DEVICES", "FINDINGS", "MISSING_DEVICES", "NO_SUPERVISORY_OR_FIRST_INSPECTION"]

NO_SUPERVISORY_OR_FIRST_INSPECTION = "no_supervisory_or_first_inspection"
EMERGENCY_STOP_MISSING = "emergency_stop_missing"
EMERGENCY_STOP_FAILED = "emergency_stop_failed"

#: The four protective devices of 4.7 d)/e): device → Chinese name.
DEVICES: dict[str, str] = {
    "load_limiter": "起重量限制器",
    "moment_limiter": "起重力矩限制器",
    "fall_arrester": "防坠安全器",
    "overload_detection": "超载检测装置",
}
MISSING_DEVICES = tuple(f"{device}_missing" for device in DEVICES)
FAILED_DEVICES = tuple(f"{device}_failed" for device in DEVICES)

FINDINGS: dict[str, str] = {
    NO_SUPERVISORY_OR_FIRST_INSPECTION: "未经监督检验或首次检验",
    EMERGENCY_STOP_MISSING: "急停开关缺失",
    EMERGENCY_STOP_FAILED: "急停开关失效",
    **{f"{device}_missing": f"{name}缺失" for device, name in DEVICES.items()},
    **{f"{device}_failed": f"{name}失效" for device, name in DEVICES.items()},
}
