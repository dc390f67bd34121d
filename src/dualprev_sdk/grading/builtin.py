"""The SDK's own grading contributions, registered through the hooks exactly like a third-party plugin's.

Listed in :data:`dualprev_sdk.plugins.BUILTIN_PLUGINS`, so ``dualprev plugins`` shows it and a plugin that
registers ``lec`` again collides with it by name.
"""

from __future__ import annotations

from typing import Any

from dualprev_sdk.grading.api import BUILTIN_METHOD_NAMES, builtin_method
from dualprev_sdk.grading.direct import default_direct_rules
from dualprev_sdk.hookspecs import hookimpl


@hookimpl
def dualprev_register_grading_methods(registry: Any) -> None:
    for name in BUILTIN_METHOD_NAMES:
        registry.register(builtin_method(name))


@hookimpl
def dualprev_direct_determination_rules() -> list[Any]:
    return list(default_direct_rules())
