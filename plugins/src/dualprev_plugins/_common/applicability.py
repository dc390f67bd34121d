"""Which of a class's templates and checklist items concern a catalogue code, looking both down and up the tree.

The core's ``RiskTemplate.applies`` only looks *down* (an item for ``4300`` applies to ``4310``). A unit that
registers equipment under a kind or category code (``4000``, ``3300``) must still get the items of every variety
under it, so the classes that limit items with ``applies_to`` also look *up*. Five classes had the same copy of
this rule; it lives here once so that they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from dualprev_sdk.equipment_classes import code_under

__all__ = ["relevant", "relevant_to"]


class _Limited(Protocol):
    @property
    def applies_to(self) -> tuple[str, ...]: ...


_Item = TypeVar("_Item", bound=_Limited)


def relevant(applies_to: tuple[str, ...], catalog_code: str) -> bool:
    """Whether a contribution limited to ``applies_to`` concerns ``catalog_code`` or anything under it."""
    if not applies_to:
        return True
    return any(code_under(catalog_code, own) or code_under((own + "000")[:4], catalog_code) for own in applies_to)


def relevant_to(items: Iterable[_Item], catalog_code: str) -> tuple[_Item, ...]:
    """The items (risk templates, checklist items) that :func:`relevant` keeps for ``catalog_code``, in order."""
    return tuple(item for item in items if relevant(item.applies_to, catalog_code))
