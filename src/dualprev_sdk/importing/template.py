"""The ledger template: which columns an equipment ledger (设备台账) may have and how headings map to them.

The column list is data (``dualprev_sdk/data/ledger_template.toml``) because enterprises keep their ledgers
with many spellings of the same heading; adding an alias must not need a code change. Headings are compared
after :func:`normalize_header`, which removes the differences spreadsheets introduce (full-width brackets,
spaces, line breaks inside a cell, case).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import tomllib
import unicodedata
from collections.abc import Sequence

import attrs

__all__ = [
    "ColumnKind",
    "HeaderMapping",
    "LedgerColumn",
    "ledger_columns",
    "map_headers",
    "normalize_header",
]

ColumnKind = str  # one of the kinds documented in the template file

_KINDS = frozenset(
    {
        "text",
        "uscc",
        "region",
        "industry",
        "size_class",
        "catalog",
        "catalog_version",
        "equipment_code",
        "registration_number",
        "date",
        "int",
        "yes_no",
        "crowded_place",
        "status",
        "rescue_code",
    }
)


@attrs.frozen(kw_only=True)
class LedgerColumn:
    """One template column: its key, the heading enterprises use, accepted aliases and how to parse it."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: ColumnKind = "text"
    required: bool = False
    target: str = ""
    example: str = ""
    description: str = ""
    max_length: int | None = None
    min: int | None = None
    max: int | None = None

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


_SPACES = re.compile(r"\s+")
_UNIT_SUFFIX = re.compile(r"\(([^()]*)\)$")


def normalize_header(text: object) -> str:
    """Canonical form of a heading: NFKC (full-width → half-width), no whitespace, case-folded.

    ``"所在地区（行政区划代码）"``, ``" 所在地区 (行政区划代码)\\n"`` and ``"所在地区(行政区划代码)"`` all become the
    same string.
    """
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text))
    value = value.replace("【", "[").replace("】", "]").replace("：", ":")
    return _SPACES.sub("", value).casefold().rstrip(":*")


@functools.cache
def ledger_columns() -> tuple[LedgerColumn, ...]:
    """The template's columns, loaded once from the shipped TOML file."""
    raw = importlib.resources.files("dualprev_sdk").joinpath("data/ledger_template.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    columns = []
    for raw_entry in data["column"]:
        entry = dict(raw_entry)
        entry["aliases"] = tuple(entry.get("aliases", ()))
        column = LedgerColumn(**entry)
        if column.kind not in _KINDS:  # a typo in the data file must fail loudly, not silently skip parsing
            raise ValueError(f"ledger template column {column.key!r} has unknown kind {column.kind!r}")
        columns.append(column)
    return tuple(columns)


@functools.cache
def _spelling_index() -> dict[str, LedgerColumn]:
    index: dict[str, LedgerColumn] = {}
    for column in ledger_columns():
        for spelling in column.spellings:
            key = normalize_header(spelling)
            if key in index and index[key].key != column.key:
                raise ValueError(f"heading {spelling!r} is an alias of both {index[key].key!r} and {column.key!r}")
            index[key] = column
    return index


@attrs.frozen(kw_only=True)
class HeaderMapping:
    """How one file's heading row maps onto the template.

    ``columns`` maps a template key to the position of its column; ``parameters`` lists the positions of
    headings the template does not know (class-specific parameter columns) with the heading as written;
    ``duplicates`` lists template keys that appear more than once (an error: which one would win?).
    """

    headers: tuple[str, ...]
    columns: dict[str, int]
    parameters: tuple[tuple[int, str], ...]
    duplicates: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def recognised(self) -> int:
        return len(self.columns)

    def header_of(self, key: str) -> str:
        """The heading as written in the file for template column ``key`` (the template heading if absent)."""
        position = self.columns.get(key)
        if position is not None:
            return self.headers[position]
        return next(c.header for c in ledger_columns() if c.key == key)


def map_headers(headers: Sequence[object]) -> HeaderMapping:
    """Match a heading row against the template (exact normalised match, then the heading minus a trailing
    parenthesised unit, so ``设计使用年限(年)`` still finds ``设计使用年限``)."""
    index = _spelling_index()
    written = tuple("" if h is None else str(h).strip() for h in headers)
    positions: dict[str, list[int]] = {}
    parameters: list[tuple[int, str]] = []
    for position, heading in enumerate(written):
        norm = normalize_header(heading)
        if not norm:
            continue
        column = index.get(norm)
        if column is None:
            stripped = _UNIT_SUFFIX.sub("", norm)
            column = index.get(stripped) if stripped != norm else None
        if column is None:
            parameters.append((position, heading))
        else:
            positions.setdefault(column.key, []).append(position)
    duplicates = tuple((key, tuple(p)) for key, p in positions.items() if len(p) > 1)
    return HeaderMapping(
        headers=written,
        columns={key: p[0] for key, p in positions.items()},
        parameters=tuple(parameters),
        duplicates=duplicates,
    )
