"""The plugin host: finds plugins through the ``dualprev_sdk`` entry-point group, loads them once, lists them.

Built-in contributions (the grading methods) are ordinary modules registered by the same code path as
third-party plugins (as llm does with its default plugins). A plugin that fails to import or to register
makes loading fail with a :class:`PluginLoadError` that names the plugin. ``DUALPREV_DISABLE_PLUGINS`` (a
comma-separated list of entry-point names, or ``*``) keeps plugins from loading.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from dualprev_sdk import hookspecs
from dualprev_sdk.equipment_classes import EquipmentClassRegistry
from dualprev_sdk.errors import DualprevError

if TYPE_CHECKING:
    from dualprev_sdk.grading.direct import DirectRule

__all__ = [
    "BUILTIN_PLUGINS",
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "PluginHost",
    "PluginInfo",
    "PluginLoadError",
    "default_host",
]

ENTRY_POINT_GROUP = "dualprev_sdk"
DISABLE_ENV = "DUALPREV_DISABLE_PLUGINS"

#: Modules of the SDK itself that register through the hooks, loaded before entry points.
BUILTIN_PLUGINS: tuple[str, ...] = ("dualprev_sdk.grading.builtin",)


class PluginLoadError(DualprevError):
    """A plugin could not be imported or registered; ``plugin`` names it."""

    reason = "PLUGIN_LOAD_FAILED"

    def __init__(self, plugin: str, message: str):
        self.plugin = plugin
        super().__init__(f"plugin {plugin!r} failed to load: {message}", metadata={"plugin": plugin})


@attrs.frozen(kw_only=True)
class PluginInfo:
    """One row of ``dualprev plugins``."""

    name: str
    version: str | None
    distribution: str | None
    builtin: bool
    hooks: tuple[str, ...]
    equipment_classes: tuple[dict[str, Any], ...] = ()


class PluginHost:
    """Owns the pluggy manager and the registries the ``register`` hooks fill.

    Loading is lazy and idempotent: the first access to a registry loads every plugin, later calls return the
    same registries. Tests build their own host with ``entry_points=False`` and explicit plugins.
    """

    def __init__(
        self,
        *,
        entry_points: bool = True,
        extra_plugins: Iterable[tuple[str, object]] = (),
        disabled: Iterable[str] | None = None,
    ) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self._use_entry_points = entry_points
        self._extra = list(extra_plugins)
        if disabled is None:
            disabled = [d.strip() for d in os.environ.get(DISABLE_ENV, "").split(",") if d.strip()]
        self._disabled = set(disabled)
        self._dists: dict[str, tuple[str | None, str | None]] = {}
        self._lock = threading.RLock()
        self._loaded = False
        self._equipment_classes: EquipmentClassRegistry | None = None
        self._direct_rules: tuple[DirectRule, ...] | None = None

    # -- loading ---------------------------------------------------------------------------------------------

    def _is_disabled(self, name: str) -> bool:
        return "*" in self._disabled or name in self._disabled

    def _register(self, plugin: object, name: str) -> None:
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:  # pluggy raises ValueError / PluginValidationError
            raise PluginLoadError(name, str(exc)) from exc

    def load(self) -> PluginHost:
        """Import and register every plugin once; check hook implementations against the specs."""
        with self._lock:
            if self._loaded:
                return self
            for module_name in BUILTIN_PLUGINS:
                self._register(importlib.import_module(module_name), module_name)
                self._dists[module_name] = ("dualprev-sdk", _version("dualprev-sdk"))
            for name, plugin in self._extra:
                self._register(plugin, name)
            if self._use_entry_points:
                for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                    if self._is_disabled(ep.name) or self.pm.has_plugin(ep.name):
                        continue
                    try:
                        plugin = ep.load()
                    except Exception as exc:
                        raise PluginLoadError(ep.name, f"{type(exc).__name__}: {exc}") from exc
                    self._register(plugin, ep.name)
                    dist = ep.dist
                    self._dists[ep.name] = (dist.name if dist else None, dist.version if dist else None)
            try:
                self.pm.check_pending()
            except pluggy.PluginValidationError as exc:
                raise PluginLoadError(getattr(exc, "plugin_name", "?") or "?", str(exc)) from exc
            self._loaded = True
            return self

    # -- registries ------------------------------------------------------------------------------------------

    @property
    def hook(self) -> Any:
        self.load()
        return self.pm.hook

    def fill_registry(self, hook_name: str, registry: Any) -> Any:
        """Call a ``dualprev_register_*`` hook plugin by plugin, so that a failure names the plugin that raised
        it. The registry is wrapped so that it can attribute each registration: a registry whose ``register``
        accepts ``plugin_name=`` receives the calling plugin's name."""
        self.load()
        caller = getattr(self.pm.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            scoped = _ScopedRegistry(registry, impl.plugin_name)
            try:
                impl.function(registry=scoped)
            except PluginLoadError:
                raise
            except Exception as exc:
                raise PluginLoadError(impl.plugin_name, f"{hook_name} raised {type(exc).__name__}: {exc}") from exc
        return registry

    @property
    def equipment_classes(self) -> EquipmentClassRegistry:
        with self._lock:
            if self._equipment_classes is None:
                self._equipment_classes = self.fill_registry(
                    "dualprev_register_equipment_classes", EquipmentClassRegistry()
                )
            return self._equipment_classes

    @property
    def direct_rules(self) -> tuple[DirectRule, ...]:
        """Every plugin's direct-determination rules (built-ins included, through the same hook), collected once."""
        with self._lock:
            if self._direct_rules is None:
                from dualprev_sdk.grading.direct import collect_direct_rules  # grading imports this module

                self._direct_rules = collect_direct_rules(self)
            return self._direct_rules

    def collect(self, hook_name: str) -> list[Any]:
        """Concatenate the lists a list-returning hook's implementations return."""
        results = getattr(self.hook, hook_name)()
        return [item for result in results for item in (result or [])]

    # -- listing ---------------------------------------------------------------------------------------------

    def list_plugins(self) -> list[PluginInfo]:
        classes = self.equipment_classes
        infos: list[PluginInfo] = []
        for name, plugin in sorted(self.pm.list_name_plugin(), key=lambda p: p[0]):
            hooks = tuple(sorted(h.name for h in (self.pm.get_hookcallers(plugin) or [])))
            dist, version = self._dists.get(name, (None, None))
            owned = tuple(
                {
                    "key": c.key,
                    "name_zh": c.name_zh,
                    "name_en": c.name_en,
                    "kind_code": c.kind_code,
                    "catalog_codes": list(c.catalog_codes),
                }
                for c in classes
                if c.plugin_name == name
            )
            infos.append(
                PluginInfo(
                    name=name,
                    version=version,
                    distribution=dist,
                    builtin=name in BUILTIN_PLUGINS,
                    hooks=hooks,
                    equipment_classes=owned,
                )
            )
        return infos


class _ScopedRegistry:
    """Wraps the shared registry so registrations are attributed to the calling plugin."""

    def __init__(self, inner: Any, plugin_name: str) -> None:
        self._inner = inner
        self._plugin_name = plugin_name

    def register(self, item: Any, **kwargs: Any) -> None:
        kwargs.setdefault("plugin_name", self._plugin_name)
        self._inner.register(item, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


_default: PluginHost | None = None
_default_lock = threading.Lock()


def default_host() -> PluginHost:
    """The process-wide host used when a caller does not pass one (loaded on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = PluginHost()
        return _default
