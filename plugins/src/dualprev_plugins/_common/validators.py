"""attrs validators for parameter types: ``None`` means "not given" and always passes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["in_range", "non_negative", "positive"]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def positive(_instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """A physical quantity that must be greater than zero (pressure, volume, diameter, length…)."""
    if value is not None and not value > 0:
        raise ValueError(f"{attribute.name} must be greater than 0, got {value!r}")


def non_negative(_instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not value >= 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value!r}")


def in_range(low: float, high: float) -> Validator:
    """``low <= value <= high`` (both inclusive), e.g. a safety grade 1–5."""

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
        if value is not None and not low <= value <= high:
            raise ValueError(f"{attribute.name} must be between {low:g} and {high:g}, got {value!r}")

    return check
