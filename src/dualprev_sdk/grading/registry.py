"""The core-owned registry that ``dualprev_register_grading_methods`` fills."""

from __future__ import annotations

from collections.abc import Iterator

from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.grading.methods import GradingMethod

__all__ = ["GradingMethodRegistry"]


class GradingMethodRegistry:
    """Grading methods by name, each remembered with the plugin that registered it.

    Built-in methods arrive through the same hook as a third-party plugin's, so a plugin that registers
    ``lec`` again collides with the SDK's own and the error names both plugins.
    """

    def __init__(self) -> None:
        self._methods: dict[str, GradingMethod] = {}
        self._owners: dict[str, str] = {}

    def register(self, method: GradingMethod, *, plugin_name: str = "") -> None:
        owner = plugin_name or "<direct>"
        if method.name in self._methods:
            raise AlreadyExists(
                "grading method",
                method.name,
                f"grading method {method.name!r} registered twice: by plugin {self._owners[method.name]!r} "
                f"and by plugin {owner!r}",
            )
        self._methods[method.name] = method
        self._owners[method.name] = owner

    def get(self, name: str) -> GradingMethod:
        try:
            return self._methods[name]
        except KeyError:
            known = ", ".join(sorted(self._methods)) or "none"
            raise NotFound("grading method", name, f"no grading method {name!r}; registered: {known}") from None

    def owner(self, name: str) -> str:
        """The plugin that registered ``name``."""
        self.get(name)
        return self._owners[name]

    def names(self) -> tuple[str, ...]:
        return tuple(self._methods)

    def __contains__(self, name: object) -> bool:
        return name in self._methods

    def __iter__(self) -> Iterator[GradingMethod]:
        return iter(self._methods.values())

    def __len__(self) -> int:
        return len(self._methods)
