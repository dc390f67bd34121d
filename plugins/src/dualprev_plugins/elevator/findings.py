"""Finding codes the elevator class understands (recorded by a failed checklist item or an inspection).

They are the vocabulary of :class:`~dualprev_sdk.equipment_classes.EquipmentState.findings` for GB 45067-2024 4.6.
"""

from __future__ import annotations

__all__ = [
    "DOOR_ANTI_PINCH_FAILED",
    "DOOR_LOCK_CIRCUIT_SHORTED",
    "ESCALATOR_EMERGENCY_STOP_FAILED",
    "ESCALATOR_EMERGENCY_STOP_MISSING",
    "FINDINGS",
    "HANDRAIL_OBSTACLE_GUARD_MISSING",
]

DOOR_ANTI_PINCH_FAILED = "door_anti_pinch_failed"
ESCALATOR_EMERGENCY_STOP_MISSING = "escalator_emergency_stop_missing"
ESCALATOR_EMERGENCY_STOP_FAILED = "escalator_emergency_stop_failed"
DOOR_LOCK_CIRCUIT_SHORTED = "door_lock_circuit_shorted"
HANDRAIL_OBSTACLE_GUARD_MISSING = "handrail_obstacle_guard_missing"

FINDINGS: dict[str, str] = {
    DOOR_ANTI_PINCH_FAILED: "电梯门防夹安全装置失效",
    ESCALATOR_EMERGENCY_STOP_MISSING: "自动扶梯/自动人行道紧急停止开关缺失",
    ESCALATOR_EMERGENCY_STOP_FAILED: "自动扶梯/自动人行道紧急停止开关失效",
    DOOR_LOCK_CIRCUIT_SHORTED: "电梯门锁回路被短接",
    HANDRAIL_OBSTACLE_GUARD_MISSING: "扶手带外缘与障碍物距离小于400 mm未装设防护挡板",
}
