"""docs/hazards.md shows the state diagram and command table generated from the transition table."""

from __future__ import annotations

from pathlib import Path

from dualprev_sdk.domain.hazard import HazardCommand, commands_table_markdown, state_diagram_mermaid

DOC = Path(__file__).resolve().parents[3] / "docs" / "hazards.md"


def test_the_documented_state_diagram_is_the_one_generated_from_the_table():
    assert state_diagram_mermaid() in DOC.read_text(encoding="utf-8")


def test_the_documented_command_table_is_the_one_generated_from_the_table():
    assert commands_table_markdown() in DOC.read_text(encoding="utf-8")


def test_every_command_is_documented():
    text = DOC.read_text(encoding="utf-8")
    assert all(f"`{c.value}`" in text for c in HazardCommand)
