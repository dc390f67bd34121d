"""The identifier and catalogue rules the importer applies, behind one small object.

The rules themselves live in :mod:`dualprev_sdk.ids`, :mod:`dualprev_sdk.regions` and
:mod:`dualprev_sdk.catalog`; this module only adapts them to a ledger cell (``"410105 金水区"`` → ``410105``,
``"3110 曳引驱动乘客电梯"`` → ``3110``) and memoises what repeats, because a million-row ledger names the same
fifty thousand units and a few dozen catalogue codes over and over.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import attrs

from dualprev_sdk import catalog as catalogue
from dualprev_sdk import ids, regions
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.ids import _EQUIPMENT_18, _EQUIPMENT_20  # the shapes parse_equipment_code checks first

__all__ = ["CatalogResolution", "Lookups"]

_LEADING_REGION = re.compile(r"^(\d{6})(?:\D.*)?$")
_LEADING_CODE = re.compile(r"^([0-9A-Za-z]{4})(?:[\s:：\-—_、.．]+.*)?$")
_REGISTRATION_SHAPE = re.compile(r"^(\w{3}\w[A-Z])\d{5}(\(\d{2}\))$")
_NO_PATTERN = re.compile(r"(?!)")
_VERSION_ALIASES = {"2014": catalogue.CATALOG_2014, "2004": catalogue.LEGACY_2004, "2004-legacy": catalogue.LEGACY_2004}

K = TypeVar("K")
T = TypeVar("T")


def _memoised(cache: dict[K, T | InvalidArgument], key: K, check: Callable[[], T]) -> T:
    """``check()`` once per ``key``: its result, or the InvalidArgument it raised, is kept and given (raised)
    again for every later cell with the same key."""
    hit = cache.get(key)
    if hit is None:
        try:
            hit = check()
        except InvalidArgument as exc:
            hit = exc
        cache[key] = hit
    if isinstance(hit, InvalidArgument):
        raise hit
    return hit


@attrs.frozen(kw_only=True)
class CatalogResolution:
    """A ledger's catalogue cell resolved to the 2014 code the SDK stores.

    ``original`` is the code as written; ``flags`` are ``(flag, note)`` pairs for the report (飞出目录, legacy
    mapping to review, local sub-variety).
    """

    code: str
    original: str
    version: str
    out_of_catalog: bool = False
    review: bool = False
    flags: tuple[tuple[str, str], ...] = ()


class Lookups:
    """Cell-level checks with memoisation. Every method raises :class:`InvalidArgument` for a bad value."""

    def __init__(
        self,
        *,
        catalog: catalogue.Catalog | None = None,
        region_table: regions.RegionTable | None = None,
    ) -> None:
        self.catalogue = catalog or catalogue.default_catalog()
        self.region_table = region_table or regions.default_region_table()
        self._catalog_cache: dict[tuple[str, str], CatalogResolution | InvalidArgument] = {}
        self._by_name = {entry.name_zh: entry.code for entry in self.catalogue}
        # keyed by the part of the code the rules look at; the value is the first code checked under the key
        self._equipment_code_cache: dict[str, str | InvalidArgument] = {}
        self._registration_cache: dict[str, str | InvalidArgument] = {}
        self._rescue_patterns: dict[str, re.Pattern[str]] = {}

    # identifiers ---------------------------------------------------------------------------------------------

    def uscc(self, text: str) -> str:
        return ids.validate_uscc(text, field="unit_uscc")

    def region(self, text: str) -> str:
        match = _LEADING_REGION.match(text)
        code = match.group(1) if match else text
        return regions.validate_region_code(code, field="region_code", table=self.region_table)

    def equipment_code(self, text: str) -> str:
        """A TSG 08-2017 / legacy equipment code. Codes are unique per equipment, so the memo is keyed by the
        part the rules look at (everything but the trailing sequence, whose shape the pattern already fixed)."""
        code = text.strip().upper()
        if _EQUIPMENT_18.match(code):
            key = code[:13]
        elif _EQUIPMENT_20.match(code):
            key = code[:16]
        else:
            return ids.validate_equipment_code(text, field="equipment_code")
        _memoised(self._equipment_code_cache, key, lambda: ids.validate_equipment_code(code, field="equipment_code"))
        return code

    def registration_number(self, text: str) -> str:
        """A 使用登记证编号 in canonical form; memoised on everything but the 5-digit serial."""
        match = _REGISTRATION_SHAPE.match(text)  # already canonical (the common case): skip NFKC
        code = text
        if match is None:
            code = ids.normalize_registration_number(text)
            match = _REGISTRATION_SHAPE.match(code)
        if match is None:
            return ids.validate_registration_number(text, field="registration_number")
        key = match.group(1) + match.group(2)
        _memoised(
            self._registration_cache, key, lambda: ids.validate_registration_number(code, field="registration_number")
        )
        return code

    def rescue_code(self, text: str, region_code: str) -> str:
        """A 96333 rescue code checked against the pattern for the unit's region (Henan: six digits)."""
        pattern = self._rescue_patterns.get(region_code)
        if pattern is None:
            try:
                _, rule = ids.rescue_code_rule(region_code)
                pattern = re.compile(str(rule["pattern"]))
            except InvalidArgument:
                pattern = _NO_PATTERN
            self._rescue_patterns[region_code] = pattern
        value = text.strip()
        if pattern is not _NO_PATTERN and pattern.fullmatch(value):
            return value
        return ids.validate_rescue_code(text, region_code, field="rescue_code").code

    # catalogue -----------------------------------------------------------------------------------------------

    def catalog(self, text: str, version: str = "2014") -> CatalogResolution:
        return _memoised(self._catalog_cache, (text, version), lambda: self._resolve(text, version))

    def _resolve(self, text: str, version: str) -> CatalogResolution:
        scheme = _VERSION_ALIASES.get(version, version)
        match = _LEADING_CODE.match(text)
        if match:
            code = match.group(1).upper()
        elif text in self._by_name:
            code = self._by_name[text]
        else:
            code = text
        found = self.catalogue.classify(code, scheme)
        status = catalogue.CodeStatus
        if found.status is status.NATIONAL:
            assert found.entry is not None
            return CatalogResolution(code=found.entry.code, original=code, version=catalogue.CATALOG_2014)
        if found.status is status.OUT_OF_CATALOG:
            return CatalogResolution(
                code=found.code,
                original=code,
                version=catalogue.CATALOG_2014,
                out_of_catalog=True,
                flags=(("catalog.out_of_catalog", found.message),),
            )
        if found.status in (status.LEGACY, status.LOCAL):
            entry = found.entry
            if entry is None and found.status is status.LEGACY:
                try:
                    entry = self.catalogue.resolve(found.code, catalogue.LEGACY_2004).entry
                except NotFound:
                    entry = None
            if entry is None:
                raise InvalidArgument.single(
                    "catalog_code", text, "catalog.no_2014_equivalent", f"{found.message}; no 2014 equivalent"
                )
            flag = "catalog.legacy_review" if found.status is status.LEGACY else "catalog.local_code"
            return CatalogResolution(
                code=entry.code,
                original=code,
                version=catalogue.LEGACY_2004 if found.status is status.LEGACY else catalogue.CATALOG_2014,
                review=True,
                flags=((flag, f"{found.message} → stored as {entry.code} {entry.name_zh}; 请人工复核"),),
            )
        rule = {
            status.NOT_SPECIAL_EQUIPMENT: "catalog.not_special_equipment",
            status.MALFORMED: "catalog.format",
        }.get(found.status, "catalog.unknown")
        raise InvalidArgument.single("catalog_code", text, rule, found.message)
