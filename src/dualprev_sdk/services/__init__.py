"""Use cases: functions over a unit of work, and the composition root that wires them (:mod:`.bootstrap`)."""

from __future__ import annotations

from dualprev_sdk.services.bootstrap import Dualprev, PluginParametersCodec, open_sdk
from dualprev_sdk.services.ledger import Ledger, Page

__all__ = ["Dualprev", "Ledger", "Page", "PluginParametersCodec", "open_sdk"]
