"""Which of a unit's equipment counts towards the TSG 08-2017 staffing thresholds.

TSG 08 asks for a safety-management organisation or a full-time safety manager by what the unit *uses*: items it
has scrapped or transferred no longer count, nor do items judged out of the catalogue. Four classes (elevators,
in-plant vehicles, amusement rides, passenger ropeways) had the same copy of that filter; it lives here once so that
a change to what "still used" means (a new status, say) reaches every threshold.
"""

from __future__ import annotations

from collections.abc import Iterable

from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus

__all__ = ["NO_LONGER_USED", "in_use"]

#: Statuses after which an item no longer counts towards a unit's thresholds.
NO_LONGER_USED = (EquipmentStatus.SCRAPPED, EquipmentStatus.TRANSFERRED)


def in_use(equipment: Iterable[Equipment], *prefixes: str) -> list[Equipment]:
    """The unit's special equipment whose catalogue code starts with one of ``prefixes`` (``"3"``, ``"52"``…),
    excluding scrapped, transferred and out-of-catalogue items."""
    return [
        e
        for e in equipment
        if e.catalog_code.startswith(prefixes) and e.status not in NO_LONGER_USED and not e.out_of_catalog
    ]
