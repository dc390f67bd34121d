"""Finding codes the passenger-ropeway class understands (GB 45067-2024 4.8 vocabulary)."""

from __future__ import annotations

__all__ = [
    "AUXILIARY_DRIVE_NOT_WORKING",
    "BACKUP_POWER_NOT_WORKING",
    "CARRIER_DOOR_CANNOT_LOCK",
    "EMERGENCY_STOP_SWITCH_MISSING",
    "FINDINGS",
    "SAFETY_CIRCUIT_SHORTED",
]

EMERGENCY_STOP_SWITCH_MISSING = "emergency_stop_switch_missing"
CARRIER_DOOR_CANNOT_LOCK = "carrier_door_cannot_lock"
AUXILIARY_DRIVE_NOT_WORKING = "auxiliary_drive_not_working"
BACKUP_POWER_NOT_WORKING = "backup_power_not_working"
SAFETY_CIRCUIT_SHORTED = "safety_circuit_shorted"

FINDINGS: dict[str, str] = {
    EMERGENCY_STOP_SWITCH_MISSING: "控制室、站台或机房紧急停车开关缺失",
    CARRIER_DOOR_CANNOT_LOCK: "吊厢、吊篮或客车门不能锁闭",
    AUXILIARY_DRIVE_NOT_WORKING: "辅机不能正常工作",
    BACKUP_POWER_NOT_WORKING: "备用电源不能正常工作",
    SAFETY_CIRCUIT_SHORTED: "电气安全回路发生故障后采用短接方法继续运行",
}
