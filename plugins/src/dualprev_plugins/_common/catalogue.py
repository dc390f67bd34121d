"""What the 2014 catalogue itself says about a code, before a class applies its own thresholds.

Every class that judges scope by category (cranes, in-plant vehicles, amusement rides, passenger ropeways) first
asks the same two questions of :func:`dualprev_sdk.catalog.classify`: is the code out of the catalogue ("飞出目录")
or not special equipment at all — then the item is out of scope whatever its parameters — and is it a local
sub-variety (4001 升降横移 parking, 4871 …) that must be read as its nearest national code. Four classes had the
same copy of these answers, and three of them a second copy of the sub-variety one; they live here once so that
the wording of the out-of-catalogue verdict and the reading of local codes cannot drift apart between classes.
"""

from __future__ import annotations

from dualprev_sdk.catalog import CodeClassification, CodeStatus, classify
from dualprev_sdk.equipment_classes import ScopeCheck

__all__ = ["catalogue_gate", "national_code"]


def _national(found: CodeClassification, catalog_code: str) -> str:
    if found.status is CodeStatus.LOCAL and found.entry is not None:
        return found.entry.code
    return catalog_code


def national_code(catalog_code: str) -> str:
    """A local sub-variety code (4001 升降横移, 4871 …) read as its nearest national code; others unchanged."""
    return _national(classify(catalog_code), catalog_code)


def catalogue_gate(catalog_code: str) -> tuple[str, ScopeCheck | None]:
    """What the catalogue itself says about the code, before any threshold: ``(code to apply thresholds to,
    verdict or None)``. Out-of-catalogue ("飞出目录") and non-special codes are out of scope at once; a local
    sub-variety (e.g. 4001 升降横移 parking) is judged as its nearest national code."""
    found = classify(catalog_code)
    if found.status in (CodeStatus.OUT_OF_CATALOG, CodeStatus.NOT_SPECIAL_EQUIPMENT):
        label = f"（{found.name_zh}）" if found.name_zh else ""
        return catalog_code, ScopeCheck(
            in_scope=False,
            reasons=(f"代码 {found.code}{label} 不在2014版特种设备目录中（飞出目录）", "不属于特种设备目录范围"),
            source=found.source,
        )
    return _national(found, catalog_code), None
