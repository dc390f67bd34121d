"""The special-equipment catalogue (特种设备目录, 质检总局2014年第114号公告) as versioned data, with lookups.

Codes are 4-character *strings* (``"3110"``, ``"23T0"``, ``"4A00"``, ``"F220"``): kind ``X000`` → category
``XX00`` → variety ``XXX0``. The data lives in ``data/catalog-2014.json`` (every row of domain reference Part C
§1.1/§1.2) and ``data/catalog-2004-legacy.json`` (the pre-2014 elevator codes of §1.3).

Real registers mix more than the national codes, so there are two entry points:

- :func:`lookup` answers "what is national code X?" and raises :class:`NotFound` for anything else (the
  message says when the code is legacy, local or outside the catalogue);
- :func:`classify` never raises: it tells an importer what a code is (national, outside the catalogue
  "飞出目录", a local sub-variety, not special equipment at all, a 2004-era legacy code, unknown, malformed),
  whether it counts as special equipment, and whether a person must review the mapping.

The same digits mean different things in the 2004 and 2014 schemes (legacy 3310 液压客梯 vs 2014 3310 自动扶梯),
so :func:`resolve` takes the scheme (``catalog_version``) explicitly.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.errors import InvalidArgument, NotFound

__all__ = [
    "CATALOG_2014",
    "LEGACY_2004",
    "Catalog",
    "CatalogEntry",
    "CatalogLevel",
    "CodeClassification",
    "CodeStatus",
    "Resolution",
    "children",
    "classify",
    "default_catalog",
    "kind_of",
    "lookup",
    "normalize_code",
    "parents",
    "resolve",
]

CATALOG_2014 = "2014"
LEGACY_2004 = "2004-legacy"
_CODE = re.compile(r"^[0-9A-Z]{4}$")
_SPECIAL_CODE = re.compile(r"^R\d{2}$")  # 常压容器 codes (R31, R32): three characters


class CatalogLevel(enum.StrEnum):
    """种类 / 类别 / 品种."""

    KIND = "kind"
    CATEGORY = "category"
    VARIETY = "variety"

    @property
    def name_zh(self) -> str:
        return {"kind": "种类", "category": "类别", "variety": "品种"}[self.value]


class CodeStatus(enum.StrEnum):
    """What a code found in a register is."""

    NATIONAL = "national"  # in the 2014 catalogue
    OUT_OF_CATALOG = "out_of_catalog"  # "飞出目录": in legacy data, outside the 2014 catalogue
    LOCAL = "local"  # a local sub-variety used by inspection systems, not a national code
    NOT_SPECIAL_EQUIPMENT = "not_special_equipment"  # e.g. R31/R32 常压容器
    LEGACY = "legacy"  # a 2004-era code, mapped to 2014 by inference
    UNKNOWN = "unknown"  # well-formed but in no table
    MALFORMED = "malformed"  # not a catalogue code at all

    @property
    def name_zh(self) -> str:
        return {
            "national": "国家目录代码",
            "out_of_catalog": "目录外（飞出目录）",
            "local": "地方细分代码",
            "not_special_equipment": "非特种设备",
            "legacy": "旧版目录代码",
            "unknown": "未知代码",
            "malformed": "格式错误",
        }[self.value]


@attrs.frozen(kw_only=True)
class CatalogEntry:
    """One node of a catalogue: a kind, category or variety (or a local / out-of-catalogue code)."""

    code: str
    level: CatalogLevel
    name_zh: str
    name_en: str = ""
    parent: str | None = None
    alternate_parents: tuple[str, ...] = ()  # 7310 安全阀: parent 7300, also accepted under F000
    catalog_version: str = CATALOG_2014
    status: CodeStatus = CodeStatus.NATIONAL
    source: Source

    @property
    def kind_code(self) -> str:
        """The kind (种类) code: first character + ``000``."""
        return self.code[0] + "000"

    @property
    def parent_codes(self) -> tuple[str, ...]:
        return ((self.parent,) if self.parent else ()) + self.alternate_parents

    @property
    def is_special_equipment(self) -> bool:
        return self.status in (CodeStatus.NATIONAL, CodeStatus.LOCAL, CodeStatus.LEGACY)


@attrs.frozen(kw_only=True)
class Resolution:
    """A code read in a given scheme and its 2014 equivalent.

    ``needs_review`` is true when the mapping is an inference (every 2004-legacy code) so a person should confirm
    it before the record is relied upon.
    """

    code: str
    catalog_version: str
    entry: CatalogEntry | None  # the 2014 entry the code means (None: no 2014 equivalent)
    legacy_name: str = ""
    needs_review: bool = False
    note: str = ""
    source: Source


@attrs.frozen(kw_only=True)
class CodeClassification:
    """What an importer needs to know about a code: status, meaning and whether it is special equipment."""

    code: str
    status: CodeStatus
    entry: CatalogEntry | None = None  # the 2014 national entry it is, or maps to
    name_zh: str = ""
    is_special_equipment: bool = False
    needs_review: bool = False
    message: str = ""
    source: Source | None = None

    @property
    def out_of_catalog(self) -> bool:
        return self.status is CodeStatus.OUT_OF_CATALOG


def normalize_code(text: str, *, field: str = "catalog_code") -> str:
    """Strip and upper-case a catalogue code; raise :class:`InvalidArgument` unless it has the code shape."""
    code = str(text).strip().upper()
    if not (_CODE.match(code) or _SPECIAL_CODE.match(code)):
        raise InvalidArgument.single(
            field, text, "catalog.format", "a catalogue code is 4 characters of 0-9/A-Z (e.g. '3110', '23T0')"
        )
    return code


class Catalog:
    """A loaded catalogue: the 2014 national table plus the legacy, local and out-of-catalogue tables.

    Construct from other files (``Catalog.from_files``) to override the shipped data.
    """

    def __init__(self, national: Mapping[str, Any], legacy: Mapping[str, Any] | None = None) -> None:
        meta = dict(national.get("meta", {}))
        self.version: str = str(meta.get("catalog_version", CATALOG_2014))
        self.document: str = str(meta.get("document", "特种设备目录"))
        self._entries: dict[str, CatalogEntry] = {}
        for row in national["entries"]:
            entry = CatalogEntry(
                code=row["code"],
                level=CatalogLevel(row["level"]),
                name_zh=row["name_zh"],
                name_en=row.get("name_en", ""),
                parent=row.get("parent"),
                alternate_parents=tuple(row.get("alternate_parents", ())),
                catalog_version=self.version,
                source=Source(
                    document=self.document,
                    status=SourceStatus(row.get("status", meta.get("status", "V"))),
                    note=row.get("note", ""),
                ),
            )
            self._entries[entry.code] = entry
        self._children: dict[str, list[str]] = {}
        for entry in self._entries.values():
            for parent in entry.parent_codes:
                self._children.setdefault(parent, []).append(entry.code)

        def side_table(key: str, status: CodeStatus, note_key: str) -> dict[str, CatalogEntry]:
            table: dict[str, CatalogEntry] = {}
            for row in national.get(key, []):
                code = row["code"]
                table[code] = CatalogEntry(
                    code=code,
                    level=_level_from_shape(code),
                    name_zh=row.get("name_zh", ""),
                    name_en=row.get("name_en", ""),
                    parent=row.get("maps_to"),
                    catalog_version=self.version,
                    status=status,
                    source=Source(
                        document=self.document,
                        clause="notes",
                        status=SourceStatus.SECONDARY,
                        note=row.get("note") or str(meta.get(note_key, "")),
                    ),
                )
            return table

        self._out_of_catalog = side_table("out_of_catalog", CodeStatus.OUT_OF_CATALOG, "out_of_catalog_note")
        self._local = side_table("local_codes", CodeStatus.LOCAL, "local_codes_note")
        self._not_special = side_table("not_special_equipment", CodeStatus.NOT_SPECIAL_EQUIPMENT, "")

        self._legacy: dict[str, dict[str, Any]] = {}
        self._legacy_meta: dict[str, Any] = {}
        if legacy is not None:
            self._legacy_meta = dict(legacy.get("meta", {}))
            self._legacy = {row["code"]: dict(row) for row in legacy["entries"]}

    @classmethod
    def from_files(cls, national: str | Path, legacy: str | Path | None = None) -> Catalog:
        load = _read_json
        return cls(load(Path(national)), load(Path(legacy)) if legacy else None)

    # -- national lookups -------------------------------------------------------------------------------------

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._entries

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, code: str, *, field: str = "catalog_code") -> CatalogEntry:
        """The national entry for ``code``. Malformed → :class:`InvalidArgument`; otherwise unknown → NotFound
        whose message says what the code is when it is known elsewhere (out of catalogue, local, legacy)."""
        normalized = normalize_code(code, field=field)
        entry = self._entries.get(normalized)
        if entry is not None:
            return entry
        other = self.classify(normalized)
        raise NotFound(f"{self.version} catalogue code", normalized, f"{other.message}; use classify() on import")

    def parents(self, code: str) -> tuple[CatalogEntry, ...]:
        """The primary parent chain, kind first (``3110`` → (3000, 3100)). Empty for a kind."""
        chain: list[CatalogEntry] = []
        entry = self.lookup(code)
        while entry.parent is not None:
            entry = self._entries[entry.parent]
            chain.append(entry)
        return tuple(reversed(chain))

    def chain(self, code: str) -> tuple[CatalogEntry, ...]:
        """Kind → … → the entry itself."""
        return (*self.parents(code), self.lookup(code))

    def children(self, code: str) -> tuple[CatalogEntry, ...]:
        """Direct children, including entries accepted under ``code`` as an alternate parent (7310 under F000)."""
        entry = self.lookup(code)
        return tuple(self._entries[c] for c in sorted(self._children.get(entry.code, ())))

    def kind_of(self, code: str) -> CatalogEntry:
        """The kind (种类) a national, local or out-of-catalogue code belongs to."""
        normalized = normalize_code(code)
        kind = self._entries.get(normalized[0] + "000")
        known = normalized in self._entries or normalized in self._local or normalized in self._out_of_catalog
        if kind is None or not known:
            raise NotFound(f"{self.version} catalogue code", normalized)
        return kind

    def is_under(self, code: str, ancestor: str) -> bool:
        """Whether ``code`` lies below (or is) ``ancestor``, following alternate parents too."""
        target = normalize_code(ancestor)
        pending = [self.lookup(code).code]
        while pending:
            current = pending.pop()
            if current == target:
                return True
            pending.extend(self._entries[current].parent_codes)
        return False

    # -- legacy and import ------------------------------------------------------------------------------------

    def resolve(self, code: str, catalog_version: str = CATALOG_2014) -> Resolution:
        """Read ``code`` in the named scheme and return its 2014 meaning.

        ``catalog_version="2004-legacy"`` maps the pre-2014 elevator codes (§1.3) with ``needs_review=True``; an
        unknown legacy code raises :class:`NotFound`.
        """
        normalized = normalize_code(code)
        if catalog_version == self.version:
            entry = self.lookup(normalized)
            return Resolution(code=normalized, catalog_version=self.version, entry=entry, source=entry.source)
        if catalog_version != LEGACY_2004:
            raise InvalidArgument.single(
                "catalog_version",
                catalog_version,
                "catalog.version",
                f"known catalogue versions are {self.version!r} and {LEGACY_2004!r}",
            )
        row = self._legacy.get(normalized)
        if row is None:
            raise NotFound(f"{LEGACY_2004} catalogue code", normalized)
        target = self._entries.get(row["maps_to"]) if row.get("maps_to") else None
        meta = self._legacy_meta
        note = row.get("note") or str(meta.get("note", ""))
        return Resolution(
            code=normalized,
            catalog_version=LEGACY_2004,
            entry=target,
            legacy_name=row.get("name_zh", ""),
            needs_review=True,
            note=note,
            source=Source(
                document=str(meta.get("document", "2004-era catalogue")),
                clause=str(meta.get("clause", "")),
                status=SourceStatus(meta.get("mapping_status", "GK")),
                note="mapping to 2014 is an inference",
            ),
        )

    def classify(self, code: str, catalog_version: str = CATALOG_2014) -> CodeClassification:
        """Say what ``code`` is without raising; see :class:`CodeStatus`."""
        try:
            normalized = normalize_code(code)
        except InvalidArgument as exc:
            return CodeClassification(code=str(code), status=CodeStatus.MALFORMED, message=exc.violations[0].message)
        if catalog_version == LEGACY_2004 and normalized in self._legacy:
            res = self.resolve(normalized, LEGACY_2004)
            target = f"{res.entry.code} {res.entry.name_zh}" if res.entry else "no 2014 equivalent"
            return CodeClassification(
                code=normalized,
                status=CodeStatus.LEGACY,
                entry=res.entry,
                name_zh=res.legacy_name,
                is_special_equipment=True,
                needs_review=True,
                message=f"{normalized} is the 2004-era code for {res.legacy_name}; maps to {target} (review)",
                source=res.source,
            )
        entry = self._entries.get(normalized)
        if entry is not None:
            return CodeClassification(
                code=normalized,
                status=CodeStatus.NATIONAL,
                entry=entry,
                name_zh=entry.name_zh,
                is_special_equipment=True,
                message=f"{normalized} {entry.name_zh} ({entry.level.name_zh}, {self.version} catalogue)",
                source=entry.source,
            )
        for table, message in (
            (self._out_of_catalog, "is outside the {v} catalogue (飞出目录): not counted as special equipment"),
            (self._local, "is a local sub-variety code, not a national code; nearest national code {p}"),
            (self._not_special, "is not special equipment ({n})"),
        ):
            side = table.get(normalized)
            if side is not None:
                text = message.format(v=self.version, p=side.parent or "-", n=side.name_zh)
                return CodeClassification(
                    code=normalized,
                    status=side.status,
                    entry=self._entries.get(side.parent) if side.parent else None,
                    name_zh=side.name_zh,
                    is_special_equipment=side.is_special_equipment,
                    message=f"{normalized} {text}",
                    source=side.source,
                )
        if normalized in self._legacy:
            row = self._legacy[normalized]
            return CodeClassification(
                code=normalized,
                status=CodeStatus.LEGACY,
                name_zh=row.get("name_zh", ""),
                is_special_equipment=True,
                needs_review=True,
                message=f"{normalized} is not in the {self.version} catalogue but is the 2004-era code for "
                f"{row.get('name_zh', '')}; resolve it with catalog_version={LEGACY_2004!r}",
            )
        return CodeClassification(
            code=normalized,
            status=CodeStatus.UNKNOWN,
            message=f"{normalized} is not a code of the {self.version} catalogue, nor a known legacy, local or "
            "out-of-catalogue code",
        )

    def legacy_codes(self) -> tuple[str, ...]:
        return tuple(self._legacy)


def _level_from_shape(code: str) -> CatalogLevel:
    if code[1:] == "000":
        return CatalogLevel.KIND
    if code[2:] == "00":
        return CatalogLevel.CATEGORY
    return CatalogLevel.VARIETY


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _read_resource(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("dualprev_sdk").joinpath(f"data/{name}").read_text("utf-8"))
    return data


@functools.cache
def default_catalog() -> Catalog:
    """The shipped 2014 catalogue with the 2004-legacy elevator table, loaded once."""
    return Catalog(_read_resource("catalog-2014.json"), _read_resource("catalog-2004-legacy.json"))


def lookup(code: str) -> CatalogEntry:
    """:meth:`Catalog.lookup` on the shipped catalogue."""
    return default_catalog().lookup(code)


def parents(code: str) -> tuple[CatalogEntry, ...]:
    """:meth:`Catalog.parents` on the shipped catalogue."""
    return default_catalog().parents(code)


def children(code: str) -> tuple[CatalogEntry, ...]:
    """:meth:`Catalog.children` on the shipped catalogue."""
    return default_catalog().children(code)


def kind_of(code: str) -> CatalogEntry:
    """:meth:`Catalog.kind_of` on the shipped catalogue."""
    return default_catalog().kind_of(code)


def resolve(code: str, catalog_version: str = CATALOG_2014) -> Resolution:
    """:meth:`Catalog.resolve` on the shipped catalogue."""
    return default_catalog().resolve(code, catalog_version)


def classify(code: str, catalog_version: str = CATALOG_2014) -> CodeClassification:
    """:meth:`Catalog.classify` on the shipped catalogue."""
    return default_catalog().classify(code, catalog_version)
