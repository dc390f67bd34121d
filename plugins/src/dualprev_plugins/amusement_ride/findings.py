"""Finding codes the amusement-ride class understands (GB 45067-2024 4.9 vocabulary)."""

from __future__ import annotations

__all__ = [
    "CABIN_DOOR_LOCK_MISSING",
    "FINDINGS",
    "PASSENGER_RESTRAINT_FAILED",
    "PASSENGER_RESTRAINT_MISSING",
    "PROTECTIVE_DEVICE_FINDINGS",
    "STRUCTURAL_DEFECT",
]

PASSENGER_RESTRAINT_MISSING = "passenger_restraint_missing"
PASSENGER_RESTRAINT_FAILED = "passenger_restraint_failed"
CABIN_DOOR_LOCK_MISSING = "cabin_door_lock_missing"
STRUCTURAL_DEFECT = "structural_crack_or_deformation"

#: The protective devices of 4.9 d): device → Chinese name; each may be missing or failed.
DEVICES: dict[str, str] = {
    "brake_device": "制动装置",
    "limit_device": "限位装置",
    "anti_collision_buffer": "防碰撞及缓冲装置",
    "anti_rollback_device": "止逆行装置",
    "speed_limiter": "限速装置",
    "cabin_safety_device": "座舱安全保护装置",
}
PROTECTIVE_DEVICE_FINDINGS: tuple[str, ...] = (
    *(f"{device}_{state}" for device in DEVICES for state in ("missing", "failed")),
    PASSENGER_RESTRAINT_FAILED,
)

FINDINGS: dict[str, str] = {
    PASSENGER_RESTRAINT_MISSING: "安全带、安全压杠、安全挡杆等乘客束缚装置缺失",
    PASSENGER_RESTRAINT_FAILED: "乘客束缚装置失效",
    CABIN_DOOR_LOCK_MISSING: "座舱舱门锁紧装置缺失",
    STRUCTURAL_DEFECT: "主要受力部件、重要焊缝或重要螺栓出现裂纹、严重变形等超标缺陷",
    **{f"{device}_missing": f"{name}缺失" for device, name in DEVICES.items()},
    **{f"{device}_failed": f"{name}失效" for device, name in DEVICES.items()},
}
