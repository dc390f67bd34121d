"""What every ``dualprev`` command group shares: the ``--db`` and ``--json`` options, opening the SDK, reading
a date option and printing JSON.

One definition, so the help texts match across groups and a mistyped date is the same usage error (exit 2,
naming the option) in every command instead of a traceback in some and a different message in others.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["DbOption", "JsonOption", "open_sdk", "parse_date", "print_json", "required_date"]

DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL (default: $DUALPREV_DATABASE_URL, else ./dualprev.sqlite).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def open_sdk(db: str | None) -> Dualprev:
    """The SDK on ``db`` (imported here so ``dualprev --help`` does not load the store)."""
    from dualprev_sdk.services.bootstrap import Dualprev

    return Dualprev.open(db)


def parse_date(text: str | None, hint: str = "--today") -> dt.date | None:
    """A ``YYYY-MM-DD`` option's date, None when it was not given; a bad value is a usage error naming ``hint``."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint=hint) from None


def required_date(text: str, hint: str) -> dt.date:
    """:func:`parse_date` for an option that must be given."""
    day = parse_date(text, hint)
    if day is None:
        raise typer.BadParameter("a date (YYYY-MM-DD) is required", param_hint=hint)
    return day


def print_json(data: Any) -> None:
    """``data`` as indented JSON, Chinese readable, dates and other values as strings."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
