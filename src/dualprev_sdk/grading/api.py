"""The grading entry points: ``grade_lec``/``grade_ls``/``grade_mes``, grading by method name, batches.

``grade_lec(6, 6, 7)`` uses the shipped LEC table directly (no plugin loading: a grade is a lookup). To grade
with a province's table, pass ``method=load_method("my-lec.toml")``, or register the method through a plugin
and grade by name with :func:`grade` / :func:`grade_many`, which look names up in the registry filled by
``dualprev_register_grading_methods``.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from dualprev_sdk.grading.methods import GradingMethod, load_method
from dualprev_sdk.grading.registry import GradingMethodRegistry
from dualprev_sdk.grading.results import Grade

if TYPE_CHECKING:
    from dualprev_sdk.plugins import PluginHost

__all__ = [
    "BUILTIN_METHOD_NAMES",
    "builtin_method",
    "get_method",
    "grade",
    "grade_lec",
    "grade_ls",
    "grade_many",
    "grade_mes",
    "grading_methods",
]

BUILTIN_METHOD_NAMES: tuple[str, ...] = ("lec", "ls", "mes")


def data_path(name: str) -> Path:
    """The path of a shipped data file (``lec.toml``, ``equipment_risk.toml`` …)."""
    return Path(str(resources.files("dualprev_sdk.grading") / "data" / name))


@functools.cache
def builtin_method(name: str) -> GradingMethod:
    """A method shipped with the SDK, loaded from its data file once."""
    if name not in BUILTIN_METHOD_NAMES:
        from dualprev_sdk.errors import NotFound

        raise NotFound("built-in grading method", name)
    return load_method(data_path(f"{name}.toml"))


def grade_lec(l: float, e: float, c: float, *, method: GradingMethod | None = None) -> Grade:  # noqa: E741
    """LEC: D = L × E × C with the table values only; the level by the configured bands (default Variant A)."""
    return (method or builtin_method("lec")).grade(l, e, c)


def grade_ls(l: float, s: float, *, method: GradingMethod | None = None) -> Grade:  # noqa: E741
    """LS risk matrix: R = L × S, each 1–5."""
    return (method or builtin_method("ls")).grade(l, s)


def grade_mes(m: float, e: float, s: float, *, method: GradingMethod | None = None) -> Grade:
    """MES: R = M × E × S."""
    return (method or builtin_method("mes")).grade(m, e, s)


_registries: weakref.WeakKeyDictionary[PluginHost, GradingMethodRegistry] = weakref.WeakKeyDictionary()


def grading_methods(host: PluginHost | None = None) -> GradingMethodRegistry:
    """The registry filled through ``dualprev_register_grading_methods`` on ``host`` (default: the process host).

    Filled once per host; the built-in methods come in through the same hook as any plugin's.
    """
    from dualprev_sdk.plugins import default_host

    host = host or default_host()
    registry = _registries.get(host)
    if registry is None:
        registry = host.fill_registry("dualprev_register_grading_methods", GradingMethodRegistry())
        _registries[host] = registry
    return registry


def get_method(method: str | GradingMethod, *, registry: GradingMethodRegistry | None = None) -> GradingMethod:
    """Resolve a method name through the registry; a method object is returned as is."""
    if isinstance(method, GradingMethod):
        return method
    return (registry or grading_methods()).get(method)


def grade(
    method: str | GradingMethod,
    *args: float,
    registry: GradingMethodRegistry | None = None,
    **factors: float,
) -> Grade:
    """Grade one combination with any registered method: ``grade("ls", l=4, s=5)``."""
    return get_method(method, registry=registry).grade(*args, **factors)


def grade_many(
    method: str | GradingMethod,
    items: Iterable[Sequence[float]],
    *,
    registry: GradingMethodRegistry | None = None,
) -> Iterator[Grade]:
    """Grade an iterable of factor tuples (in the method's factor order) for one method, lazily.

    The method is resolved once, here, so an unknown name fails before the first item; after that each item is
    one lookup in the method's precomputed table — no plugin dispatch, no validation beyond the lookup.
    """
    return get_method(method, registry=registry).grade_many(items)
