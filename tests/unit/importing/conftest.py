"""Fixtures for the ledger-import unit tests (builders live in ledger_samples.py)."""

from __future__ import annotations

from ledger_samples import csv_writer, lift_registry

__all__ = ["csv_writer", "lift_registry"]
