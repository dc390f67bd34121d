"""Identifiers of the special-equipment world: validators that normalise, and parsed value objects.

Each identifier has a ``validate_*`` function returning the normalised text and a ``parse_*`` function returning
a frozen value object with the parts. Bad input raises one :class:`~dualprev_sdk.errors.InvalidArgument` listing
every broken rule as a :class:`~dualprev_sdk.errors.FieldViolation` whose message names the position and, for
check characters, the character that was expected — the people reading them fix spreadsheet rows.

- USCC 统一社会信用代码 (GB 32100-2015), with the embedded organisation code (GB 11714) checked as its own rule;
- GB/T 2260 region codes: :mod:`dualprev_sdk.regions` (re-exported here);
- equipment codes 设备代码 (TSG 08-2017, 18 characters) and legacy 20-character registration codes 注册代码;
- use-registration certificate numbers 使用登记证编号 (``梯11豫A00001(17)``);
- 96333 elevator rescue codes, with a per-region pattern;
- resident ID numbers 公民身份号码 (GB 11643).

Tables (authority codes, kind characters, province abbreviations, city letters, rescue patterns) are data in
``data/identifiers.json`` with a status marker; values marked GK are unverified and can be overridden.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import re
import unicodedata
from collections.abc import Mapping
from importlib import resources
from typing import Any

import attrs

from dualprev_sdk import catalog as _catalog
from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.errors import FieldViolation, InvalidArgument
from dualprev_sdk.regions import Region, default_region_table, is_known_province_prefix, parse_region

__all__ = [
    "USCC_ALPHABET",
    "USCC_WEIGHTS",
    "EquipmentCode",
    "EquipmentCodeFormat",
    "IdNumber",
    "RegistrationNumber",
    "RescueCode",
    "Uscc",
    "id_number_check_character",
    "normalize_registration_number",
    "organization_code_check_character",
    "parse_equipment_code",
    "parse_id_number",
    "parse_region",
    "parse_registration_number",
    "parse_uscc",
    "rescue_code_rule",
    "uscc_check_character",
    "validate_equipment_code",
    "validate_id_number",
    "validate_registration_number",
    "validate_rescue_code",
    "validate_uscc",
]

# --------------------------------------------------------------------------------------------------------------
# data


@functools.cache
def _tables() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("dualprev_sdk").joinpath("data/identifiers.json").read_text(encoding="utf-8")
    )
    return data


def _source(block: Mapping[str, Any], *, status: str | None = None, note: str = "") -> Source:
    return Source(
        document=str(block["document"]),
        clause=str(block.get("clause", "")),
        status=SourceStatus(status or block.get("status", "V-2nd")),
        note=note,
    )


def _violation(field: str, value: Any, rule: str, message: str) -> FieldViolation:
    return FieldViolation(field=field, value=value, rule=rule, message=message)


# --------------------------------------------------------------------------------------------------------------
# USCC — GB 32100-2015

#: 31 symbols: digits and upper-case letters without I, O, S, V, Z. A character's value is its index.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Wᵢ = 3^(i−1) mod 31 for positions 1–17.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # GB 11714: A=10 … Z=35


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters (which must be in :data:`USCC_ALPHABET`)."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def organization_code_check_character(body8: str) -> str:
    """The GB 11714 check character for an 8-character organisation-code body (``10`` → ``X``, ``11`` → ``0``)."""
    total = sum(_ORG_BODY_ALPHABET.index(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


@attrs.frozen(kw_only=True)
class Uscc:
    """A parsed USCC. ``region`` is ``None`` when positions 3–8 are well-formed but not in the region table
    (e.g. ``100000`` for national registration, or a code newer than the shipped data)."""

    code: str
    registration_authority: str  # position 1 登记管理部门码
    registration_authority_name: str | None
    organization_category: str  # position 2 机构类别码
    organization_category_name: str | None
    region_code: str  # positions 3-8 登记管理机关行政区划码
    region: Region | None = attrs.field(repr=False)
    organization_code: str  # positions 9-17 主体标识码 (GB 11714)
    check_character: str  # position 18
    source: Source = attrs.field(repr=False)

    def __str__(self) -> str:
        return self.code

    @property
    def is_national_registration(self) -> bool:
        return self.region_code == str(_tables()["uscc"]["national_region_code"])


def _normalize(text: object) -> str:
    return str(text).strip().upper()


def _uscc_violations(code: str, raw: object, field: str, check_organization_code: bool) -> list[FieldViolation]:
    violations: list[FieldViolation] = []
    if len(code) != 18:
        return [_violation(field, raw, "uscc.length", f"a USCC has 18 characters; got {len(code)}")]
    for index, ch in enumerate(code, start=1):
        if ch not in USCC_ALPHABET:
            violations.append(
                _violation(
                    field,
                    raw,
                    "uscc.alphabet",
                    f"position {index}: {ch!r} is not allowed (digits and A-Z without I, O, S, V, Z)",
                )
            )
    if violations:
        return violations
    region = code[2:8]
    if not region.isdigit():
        violations.append(
            _violation(field, raw, "uscc.region_code", f"positions 3-8 {region!r} must be 6 digits (GB/T 2260)")
        )
    elif region != _tables()["uscc"]["national_region_code"] and not is_known_province_prefix(region[:2]):
        violations.append(
            _violation(field, raw, "uscc.region_code", f"positions 3-4 {region[:2]!r} are not the code of any province")
        )
    org = code[8:17]
    expected_org = organization_code_check_character(org[:8])
    if check_organization_code and org[8] != expected_org:
        violations.append(
            _violation(
                field,
                raw,
                "uscc.organization_code.check_character",
                f"position 17: organisation-code (GB 11714) check character is {org[8]!r}, expected {expected_org!r}",
            )
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        violations.append(
            _violation(
                field,
                raw,
                "uscc.check_character",
                f"position 18: check character is {code[17]!r}, expected {expected!r}",
            )
        )
    return violations


def validate_uscc(text: str, *, field: str = "uscc", check_organization_code: bool = True) -> str:
    """Return the normalised (stripped, upper-case) USCC or raise :class:`InvalidArgument`.

    Positions 1 and 2 are not restricted to the common values: newer authority codes (A, N, Y …) exist.
    ``check_organization_code=False`` skips the GB 11714 check of positions 9–17 (rule
    ``uscc.organization_code.check_character``) for registers known to hold codes that fail only that rule.
    """
    code = _normalize(text)
    violations = _uscc_violations(code, text, field, check_organization_code)
    if violations:
        raise InvalidArgument(violations)
    return code


def parse_uscc(text: str, *, field: str = "uscc", check_organization_code: bool = True) -> Uscc:
    """Validate and split a USCC into its parts (see :class:`Uscc`)."""
    code = validate_uscc(text, field=field, check_organization_code=check_organization_code)
    table = _tables()["uscc"]
    authority = table["registration_authorities"].get(code[0])
    category_name = authority["categories"].get(code[1]) if authority else None
    return Uscc(
        code=code,
        registration_authority=code[0],
        registration_authority_name=authority["name_zh"] if authority else None,
        organization_category=code[1],
        organization_category_name=category_name,
        region_code=code[2:8],
        region=default_region_table().get(code[2:8]),
        organization_code=code[8:17],
        check_character=code[17],
        source=_source(table["source"]),
    )


# --------------------------------------------------------------------------------------------------------------
# Equipment code — TSG 08-2017 (18 chars) and legacy 注册代码 (20 chars)


class EquipmentCodeFormat(enum.StrEnum):
    TSG08_2017 = "tsg08_2017"  # 设备代码: variety 4 + manufacturer 5 + year 4 + sequence 5
    LEGACY_REGISTRATION = "legacy_registration"  # 注册代码: catalogue 4 + region 6 + YYYYMM 6 + sequence 4
    UNKNOWN = "unknown"  # "-": not known yet


_EQUIPMENT_18 = re.compile(r"^[0-9A-Z]{4}\d{5}\d{4}[0-9A-Z]{5}$")
_EQUIPMENT_20 = re.compile(r"^[0-9A-Z]{4}\d{6}\d{6}[0-9A-Z]{4}$")
_EARLIEST_YEAR = 1900  # a sanity bound on manufacture/registration years, not a regulatory value


@attrs.frozen(kw_only=True)
class EquipmentCode:
    """A parsed equipment code. ``legacy`` codes are pre-2017 registration codes; ``warnings`` lists plausibility
    findings that do not make the code invalid (unknown catalogue code, unknown licensing area …)."""

    text: str
    format: EquipmentCodeFormat
    catalog_code: str | None = None
    catalog: _catalog.CodeClassification | None = attrs.field(default=None, repr=False)
    catalog_version: str = _catalog.CATALOG_2014
    # TSG 08-2017
    manufacturer_code: str | None = None
    licensing_area: str | None = None  # 2 digits: province code, or 10 = national authority
    licence_sequence: str | None = None  # 3 digits from the licence number
    year: int | None = None  # year of manufacture (new) or registration (legacy)
    sequence: str | None = None
    # legacy
    region_code: str | None = None
    region: Region | None = attrs.field(default=None, repr=False)
    registration_month: int | None = None
    needs_review: bool = False
    warnings: tuple[str, ...] = ()
    source: Source = attrs.field(repr=False)

    @property
    def legacy(self) -> bool:
        return self.format is EquipmentCodeFormat.LEGACY_REGISTRATION

    @property
    def is_unknown(self) -> bool:
        return self.format is EquipmentCodeFormat.UNKNOWN

    def __str__(self) -> str:
        return self.text


def _classify_for_year(code: str, year: int) -> tuple[_catalog.CodeClassification, str, bool, list[str]]:
    """Pick the catalogue scheme for a legacy code by its registration year (2004 scheme before 2014)."""
    cat = _catalog.default_catalog()
    warnings: list[str] = []
    if year < 2014:
        legacy = cat.classify(code, _catalog.LEGACY_2004)
        if legacy.status is _catalog.CodeStatus.LEGACY:
            warnings.append(legacy.message)
            return legacy, _catalog.LEGACY_2004, True, warnings
        return legacy, _catalog.CATALOG_2014, legacy.needs_review, warnings
    current = cat.classify(code)
    if year == 2014 and code in cat.legacy_codes():
        legacy = cat.classify(code, _catalog.LEGACY_2004)
        if legacy.entry is None or current.entry is None or legacy.entry.code != current.entry.code:
            warnings.append(
                f"registered in 2014: {code} may be the 2004-era code ({legacy.name_zh}) or the 2014 code "
                f"({current.name_zh or 'unknown'}); review"
            )
            return current, _catalog.CATALOG_2014, True, warnings
    return current, _catalog.CATALOG_2014, current.needs_review, warnings


def parse_equipment_code(text: str, *, field: str = "equipment_code", today: dt.date | None = None) -> EquipmentCode:
    """Parse an 18-character TSG 08-2017 code, a 20-character legacy registration code, or ``-`` (unknown).

    Hard errors: wrong length or characters, a year before 1900 or in the future, a month outside 1–12, a legacy
    region code whose province is unknown. A catalogue code that is not national, or a licensing area that is
    not a province, is only a warning (the code is still the equipment's identity).
    """
    raw = text
    code = _normalize(text)
    today = today or timeutil.today()
    source = _source(_tables()["equipment_code"]["source"])
    if code == "-":
        return EquipmentCode(text="-", format=EquipmentCodeFormat.UNKNOWN, source=source)
    violations: list[FieldViolation] = []
    warnings: list[str] = []
    if len(code) == 18:
        if not _EQUIPMENT_18.match(code):
            raise InvalidArgument.single(
                field,
                raw,
                "equipment_code.format",
                "an 18-character equipment code is variety (4, 0-9/A-Z) + manufacturer code (5 digits) + year "
                "(4 digits) + sequence (5, 0-9/A-Z)",
            )
        catalog_code, manufacturer, year, sequence = code[:4], code[4:9], int(code[9:13]), code[13:]
        if not _EARLIEST_YEAR <= year <= today.year:
            violations.append(
                _violation(
                    field,
                    raw,
                    "equipment_code.year",
                    f"positions 10-13: year of manufacture {year} is not between {_EARLIEST_YEAR} and {today.year}",
                )
            )
        area = manufacturer[:2]
        if area != _tables()["equipment_code"]["national_licensing_area"] and not is_known_province_prefix(area):
            warnings.append(f"positions 5-6: licensing area {area!r} is neither 10 (national) nor a province code")
        classification = _catalog.classify(catalog_code)
        if not classification.is_special_equipment:
            warnings.append(f"positions 1-4: {classification.message}")
        if violations:
            raise InvalidArgument(violations)
        return EquipmentCode(
            text=code,
            format=EquipmentCodeFormat.TSG08_2017,
            catalog_code=catalog_code,
            catalog=classification,
            manufacturer_code=manufacturer,
            licensing_area=area,
            licence_sequence=manufacturer[2:],
            year=year,
            sequence=sequence,
            needs_review=classification.needs_review,
            warnings=tuple(warnings),
            source=source,
        )
    if len(code) == 20:
        if not _EQUIPMENT_20.match(code):
            raise InvalidArgument.single(
                field,
                raw,
                "equipment_code.format",
                "a 20-character registration code is catalogue code (4) + region code (6 digits) + year-month "
                "(6 digits) + sequence (4, 0-9/A-Z)",
            )
        catalog_code, region_code, sequence = code[:4], code[4:10], code[16:]
        year, month = int(code[10:14]), int(code[14:16])
        if not is_known_province_prefix(region_code[:2]):
            violations.append(
                _violation(
                    field, raw, "equipment_code.region_code", f"positions 5-6 {region_code[:2]!r} are not a province"
                )
            )
        if not 1 <= month <= 12:
            violations.append(
                _violation(field, raw, "equipment_code.month", f"positions 15-16: month {month:02d} is not 01-12")
            )
        if not _EARLIEST_YEAR <= year <= today.year or (year == today.year and month > today.month):
            violations.append(
                _violation(
                    field,
                    raw,
                    "equipment_code.year",
                    f"positions 11-16: registration {year}-{month:02d} is before {_EARLIEST_YEAR} or in the future",
                )
            )
        if violations:
            raise InvalidArgument(violations)
        region = default_region_table().get(region_code)
        if region is None:
            warnings.append(f"positions 5-10: region code {region_code} is not in the GB/T 2260 table")
        classification, version, review, scheme_warnings = _classify_for_year(catalog_code, year)
        warnings.extend(scheme_warnings)
        if not classification.is_special_equipment:
            warnings.append(f"positions 1-4: {classification.message}")
        return EquipmentCode(
            text=code,
            format=EquipmentCodeFormat.LEGACY_REGISTRATION,
            catalog_code=catalog_code,
            catalog=classification,
            catalog_version=version,
            year=year,
            registration_month=month,
            region_code=region_code,
            region=region,
            sequence=sequence,
            needs_review=review,
            warnings=tuple(warnings),
            source=source,
        )
    raise InvalidArgument.single(
        field,
        raw,
        "equipment_code.length",
        f"an equipment code has 18 characters (TSG 08-2017), 20 (legacy registration code) or is '-'; got {len(code)}",
    )


def validate_equipment_code(text: str, *, field: str = "equipment_code", today: dt.date | None = None) -> str:
    """The normalised equipment code (upper-case) or :class:`InvalidArgument`; see :func:`parse_equipment_code`."""
    return parse_equipment_code(text, field=field, today=today).text


# --------------------------------------------------------------------------------------------------------------
# Use-registration certificate number — 使用登记证编号

_REGISTRATION = re.compile(
    r"^(?P<kind>\w)(?P<variety>[0-9A-Z]{2})(?P<province>\w)(?P<city>[A-Z])(?P<serial>\d{5})\((?P<year>\d{2})\)$"
)


@attrs.frozen(kw_only=True)
class RegistrationNumber:
    """A parsed 使用登记证编号. ``text`` is the canonical form with half-width brackets (``梯11豫A00001(17)``).

    ``catalog_code`` is the national code the variety digits point to (``梯`` + ``11`` → ``3110``), ``None``
    when they point to none; ``city_region_code`` is the prefecture the city letter stands for, where known.
    """

    text: str
    kind_char: str
    kind_code: str
    variety: str
    catalog_code: str | None
    province_abbreviation: str
    province_code: str
    city_letter: str
    city_name: str | None
    city_region_code: str | None
    serial: str
    year: int
    warnings: tuple[str, ...] = ()
    source: Source = attrs.field(repr=False)
    city_source: Source | None = attrs.field(default=None, repr=False)

    def __str__(self) -> str:
        return self.text

    @property
    def full_width(self) -> str:
        """The same number with full-width brackets, as printed on certificates: ``梯11豫A00001（17）``."""
        return self.text.replace("(", "（").replace(")", "）")


def normalize_registration_number(text: str) -> str:
    """NFKC (full-width brackets, letters and digits → half-width), no spaces, upper-case letters."""
    folded = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", folded).upper()


def parse_registration_number(
    text: str,
    *,
    field: str = "registration_number",
    today: dt.date | None = None,
    city_letters: Mapping[str, Any] | None = None,
) -> RegistrationNumber:
    """Parse ``<kind><2 variety><province><city letter><5-digit serial>(<2-digit year>)``.

    Both half- and full-width brackets are accepted; the canonical form uses half-width ones. Where the city
    letters of a province are known (Ningxia [V], Henan [GK]), a letter outside them is an error; pass your own
    ``city_letters`` (``{"41": {"status": "user", "letters": {"A": {"name_zh": "郑州", "region": "410100"}}}}``)
    to override the shipped tables.
    """
    raw = text
    code = normalize_registration_number(text)
    today = today or timeutil.today()
    tables = _tables()["registration_number"]
    match = _REGISTRATION.match(code)
    if match is None:
        raise InvalidArgument.single(
            field,
            raw,
            "registration_number.format",
            "expected <kind char><2 variety characters><province abbreviation><city letter><5 digits>(<2-digit "
            "year>), e.g. 梯11豫A00001(17)",
        )
    violations: list[FieldViolation] = []
    warnings: list[str] = []
    kind_char, variety, province, city, serial, yy = match.group(
        "kind", "variety", "province", "city", "serial", "year"
    )
    kind = tables["kind_chars"].get(kind_char)
    if kind is None:
        known = "".join(tables["kind_chars"])
        violations.append(
            _violation(field, raw, "registration_number.kind", f"position 1: {kind_char!r} is not one of {known}")
        )
    province_code = tables["province_abbreviations"]["map"].get(province)
    if province_code is None:
        violations.append(
            _violation(
                field, raw, "registration_number.province", f"position 4: {province!r} is not a province abbreviation"
            )
        )
    letters_table = city_letters if city_letters is not None else tables["city_letters"]
    city_block = letters_table.get(province_code) if province_code else None
    city_entry = None
    if city_block is not None:
        city_entry = city_block["letters"].get(city)
        if city_entry is None:
            violations.append(
                _violation(
                    field,
                    raw,
                    "registration_number.city_letter",
                    f"position 5: {city!r} is not a city letter of {province} "
                    f"(known: {''.join(sorted(city_block['letters']))}; status {city_block.get('status', 'user')})",
                )
            )
    year = 2000 + int(yy)
    if year > today.year:
        violations.append(_violation(field, raw, "registration_number.year", f"year ({yy}) = {year} is in the future"))
    catalog_code: str | None = None
    if kind is not None:
        candidate = kind["kind"][0] + variety + "0"
        if candidate in _catalog.default_catalog():
            catalog_code = candidate
        elif kind["status"] == SourceStatus.VERIFIED.value:
            violations.append(
                _violation(
                    field,
                    raw,
                    "registration_number.variety",
                    f"positions 2-3: {variety!r} gives catalogue code {candidate}, which is not in the 2014 catalogue",
                )
            )
        else:
            warnings.append(f"positions 2-3: {variety!r} gives {candidate}, not a 2014 catalogue code (rule [GK])")
    if violations:
        raise InvalidArgument(violations)
    assert kind is not None
    assert province_code is not None
    return RegistrationNumber(
        text=code,
        kind_char=kind_char,
        kind_code=kind["kind"],
        variety=variety,
        catalog_code=catalog_code,
        province_abbreviation=province,
        province_code=province_code,
        city_letter=city,
        city_name=city_entry["name_zh"] if city_entry else None,
        city_region_code=city_entry.get("region") if city_entry else None,
        serial=serial,
        year=year,
        warnings=tuple(warnings),
        source=_source(tables["source"], status=kind["status"]),
        city_source=(
            Source(
                document="使用登记证编号 city letters",
                clause="§9.3",
                status=SourceStatus(city_block.get("status", "user")),
                note=str(city_block.get("note", "")),
            )
            if city_block is not None
            else None
        ),
    )


def validate_registration_number(text: str, *, field: str = "registration_number", today: dt.date | None = None) -> str:
    """The canonical (half-width bracket) registration number or :class:`InvalidArgument`."""
    return parse_registration_number(text, field=field, today=today).text


# --------------------------------------------------------------------------------------------------------------
# 96333 rescue codes


@attrs.frozen(kw_only=True)
class RescueCode:
    """An elevator rescue identification code as read out to the emergency platform."""

    code: str
    region_code: str
    platform_phone: str
    pattern: str
    source: Source = attrs.field(repr=False)


def rescue_code_rule(region_code: str, patterns: Mapping[str, Any] | None = None) -> tuple[str, Mapping[str, Any]]:
    """The (prefix, rule) that applies to ``region_code``: the longest matching prefix in the table."""
    table = patterns if patterns is not None else _tables()["rescue_code"]["patterns"]
    prefix = max((p for p in table if region_code.startswith(p)), key=len, default=None)
    if prefix is None:
        raise InvalidArgument.single(
            "region_code", region_code, "rescue_code.region", "no rescue-code pattern applies to this region"
        )
    return prefix, table[prefix]


def validate_rescue_code(
    code: str,
    region_code: str,
    *,
    field: str = "rescue_code",
    patterns: Mapping[str, Any] | None = None,
) -> RescueCode:
    """Check a rescue code against its region's pattern (Henan ``^\\d{6}$``); there is no national check digit.

    ``patterns`` maps region-code prefixes to ``{"pattern", "platform_phone", "status"}`` and overrides the
    shipped table.
    """
    region = parse_region(region_code, field="region_code").code
    prefix, rule = rescue_code_rule(region, patterns)
    text = unicodedata.normalize("NFKC", str(code)).strip()
    if not re.fullmatch(rule["pattern"], text):
        where = f"region prefix {prefix!r}" if prefix else "the default rule"
        raise InvalidArgument.single(
            field,
            code,
            "rescue_code.format",
            f"does not match {rule['pattern']} ({where}, platform {rule.get('platform_phone', '?')})",
        )
    block = _tables()["rescue_code"]["source"]
    return RescueCode(
        code=text,
        region_code=region,
        platform_phone=str(rule.get("platform_phone", "")),
        pattern=str(rule["pattern"]),
        source=_source(block, status=str(rule.get("status", "user")), note=str(rule.get("note", ""))),
    )


# --------------------------------------------------------------------------------------------------------------
# Resident ID number — GB 11643

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_check_character(first17: str) -> str:
    """The GB 11643 check character for 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


@attrs.frozen(kw_only=True)
class IdNumber:
    """A parsed 18-character resident ID number. Keep it out of logs: it is personal data."""

    text: str = attrs.field(repr=lambda t: t[:6] + "********" + t[-4:])
    region_code: str
    birth_date: dt.date
    sequence: str
    check_character: str

    def __str__(self) -> str:
        return self.text


def parse_id_number(text: str, *, field: str = "id_number", today: dt.date | None = None) -> IdNumber:
    """Validate and split an 18-character ID number (region 6, birth date 8, sequence 3, check 1)."""
    raw = text
    code = _normalize(text)
    today = today or timeutil.today()
    if len(code) != 18:
        hint = " (15-digit first-generation numbers must be converted to 18)" if len(code) == 15 else ""
        raise InvalidArgument.single(field, raw, "id_number.length", f"an ID number has 18 characters{hint}")
    violations: list[FieldViolation] = []
    for index, ch in enumerate(code[:17], start=1):
        if not ch.isdigit() or not ch.isascii():
            violations.append(_violation(field, raw, "id_number.format", f"position {index}: {ch!r} is not a digit"))
    if not (code[17].isdigit() and code[17].isascii()) and code[17] != "X":
        violations.append(_violation(field, raw, "id_number.format", f"position 18: {code[17]!r} is not 0-9 or X"))
    if violations:
        raise InvalidArgument(violations)
    if not is_known_province_prefix(code[:2]):
        violations.append(
            _violation(field, raw, "id_number.region", f"positions 1-2 {code[:2]!r} are not the code of any province")
        )
    birth: dt.date | None = None
    try:
        birth = dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        violations.append(
            _violation(field, raw, "id_number.birth_date", f"positions 7-14: {code[6:14]} is not a calendar date")
        )
    if birth is not None and not (dt.date(_EARLIEST_YEAR, 1, 1) <= birth <= today):
        violations.append(
            _violation(
                field,
                raw,
                "id_number.birth_date",
                f"positions 7-14: birth date {birth} is before 1900 or in the future",
            )
        )
    expected = id_number_check_character(code[:17])
    if code[17] != expected:
        violations.append(
            _violation(
                field,
                raw,
                "id_number.check_character",
                f"position 18: check character is {code[17]!r}, expected {expected!r}",
            )
        )
    if violations:
        raise InvalidArgument(violations)
    assert birth is not None
    return IdNumber(text=code, region_code=code[:6], birth_date=birth, sequence=code[14:17], check_character=code[17])


def validate_id_number(text: str, *, field: str = "id_number", today: dt.date | None = None) -> str:
    """The normalised ID number (upper-case ``X``) or :class:`InvalidArgument`."""
    return parse_id_number(text, field=field, today=today).text
