"""Hook specifications: everything a plugin can contribute to the SDK.

Conventions (after pytest, tox and llm):

* every hook is prefixed ``dualprev_``;
* ``dualprev_register_<things>(registry)`` hooks receive a core-owned registry and add to it; they return
  ``None``;
* list-returning hooks mean "every plugin adds": the host concatenates the lists;
* ``firstresult`` is used only for "who handles this?" questions, and the docstring says so.

Plugins import ``hookimpl`` from here (or from ``dualprev_sdk``) and are found through the ``dualprev_sdk``
entry-point group. The SDK's own defaults are registered through exactly the same hooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from dualprev_sdk.equipment_classes import EquipmentClassRegistry

PROJECT_NAME = "dualprev_sdk"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]


# ---------------------------------------------------------------------------------------------------------------
# equipment classes
# ---------------------------------------------------------------------------------------------------------------


@hookspec
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    """Register equipment classes (subclasses of :class:`dualprev_sdk.equipment_classes.EquipmentClass`).

    Call ``registry.register(MyClass())`` once per class. Claiming a catalogue code that another plugin
    already claims fails loading with an error naming both plugins.
    """


# ---------------------------------------------------------------------------------------------------------------
# risk grading
# ---------------------------------------------------------------------------------------------------------------


@hookspec
def dualprev_register_grading_methods(registry: Any) -> None:
    """Register risk-grading methods in ``registry`` (a :class:`dualprev_sdk.grading.GradingMethodRegistry`).

    The built-in LEC, LS, MES and data-defined matrix methods register through this same hook. A method name
    registered twice is an error naming both plugins.
    """


@hookspec
def dualprev_direct_determination_rules() -> list[Any]:
    """Return direct-determination rules (直接判定, :class:`dualprev_sdk.grading.DirectRule`) to add.

    Each rule forces a risk level whatever the score (an open major accident hazard, an accident with the
    conditions unchanged…) and cites its source. Every plugin's list is added; return ``[]`` for none.
    """


# ---------------------------------------------------------------------------------------------------------------
# events
# ---------------------------------------------------------------------------------------------------------------


@hookspec
def dualprev_register_event_connectors(registry: Any) -> None:
    """Register connectors that deliver outbox events onward (at least once), e.g. to NATS JetStream.

    ``registry`` is a :class:`dualprev_sdk.events.ConnectorRegistry`: call
    ``registry.register(factory, name=..., description=...)`` where ``factory()`` returns an
    :class:`dualprev_sdk.events.EventConnector`; it runs only when a relay starts. The name keys the connector's
    stored cursor. See ``docs/events.md``.
    """
