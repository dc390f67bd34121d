"""Row validation for ledger imports: every cell of a row is checked and *every* violation is reported.

Speed matters here (a provincial ledger has a million rows), so the validator is compiled once per file
into a plan of ``(position, column, parser)`` and then runs a tight loop per row. Values that repeat across
rows — USCCs, region codes, catalogue codes, dates, parameter sets — are parsed once and cached, so the
identifier rules (check characters, table look-ups) cost one dict probe on every row after the first.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from dualprev_sdk.domain.common import CrowdedPlaceType
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.domain.unit import SizeClass
from dualprev_sdk.equipment_classes import LABEL_ZH, UNIT, EquipmentClass, EquipmentClassRegistry, code_under
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.importing.lookups import CatalogResolution, Lookups
from dualprev_sdk.importing.report import RowError, RowFlag
from dualprev_sdk.importing.template import HeaderMapping, LedgerColumn, ledger_columns, normalize_header

__all__ = ["LedgerRow", "RowValidator", "parse_date"]

NO_EQUIPMENT_CODE = "-"


_TEXT, _PARSE, _DATE = 0, 1, 2
_IN_USE = EquipmentStatus.IN_USE.value
#: Kinds whose values are (nearly) unique per row: memoising them would only cost memory.
_UNIQUE_KINDS = frozenset({"equipment_code", "registration_number", "rescue_code"})
_MEMO_LIMIT = 200_000


class _Bad(Exception):
    """A cell failed a rule; carries the rule name and the reason (cheap: raised only for bad cells)."""

    def __init__(self, rule: str, reason: str) -> None:
        self.rule = rule
        self.reason = reason


@attrs.define(slots=True)
class LedgerRow:
    """A validated row: the unit's fields, the equipment's fields and how to find the equipment again.

    ``unit`` and ``equipment`` are keyed and valued as the store's ``units`` / ``equipment`` columns (enums as
    their values, no equipment code as ``None``), because the importer writes them in bulk without building
    domain objects; ``dualprev_sdk.store.equipment.equipment_from_row`` turns them into an ``Equipment``.

    ``key_kind`` is the natural key used for upsert: ``equipment_code`` (a real code), ``registration_number``,
    or ``internal_number`` (unit USCC + 单位内编号).
    """

    row: int
    unit: dict[str, Any]
    equipment: dict[str, Any]
    key_kind: str
    key: str


# ---------------------------------------------------------------------------------------------------------------
# cell parsers
# ---------------------------------------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(text: str) -> dt.date:
    """A calendar date from the spellings found in ledgers: 2015-03-01, 2015/3/1, 2015.3.1, 20150301,
    2015年3月1日 (a trailing 00:00:00 time, as Excel exports write it, is allowed)."""
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise _Bad("date.calendar", f"{text} is not a calendar date") from None
    raise _Bad("date.format", "expected a date such as 2015-03-01, 2015/3/1 or 2015年3月1日")


_YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "有"})
_NO = frozenset({"否", "n", "no", "false", "0", "×", "x", "无", "不是"})

_STATUS = {
    "在用": EquipmentStatus.IN_USE,
    "使用": EquipmentStatus.IN_USE,
    "使用中": EquipmentStatus.IN_USE,
    "正常": EquipmentStatus.IN_USE,
    "正常使用": EquipmentStatus.IN_USE,
    "停用": EquipmentStatus.SUSPENDED,
    "暂停使用": EquipmentStatus.SUSPENDED,
    "停止使用": EquipmentStatus.SUSPENDED,
    "报废": EquipmentStatus.SCRAPPED,
    "已报废": EquipmentStatus.SCRAPPED,
    "已过户": EquipmentStatus.TRANSFERRED,
    "过户": EquipmentStatus.TRANSFERRED,
    "移装": EquipmentStatus.TRANSFERRED,
}
for _status in EquipmentStatus:
    _STATUS[_status.value] = _status

_SIZE = (
    {s.name_zh: s for s in SizeClass} | {s.name_zh.rstrip("型"): s for s in SizeClass} | {s.value: s for s in SizeClass}
)

_NOT_CROWDED = frozenset({"非公众聚集场所", "非人员密集场所", "否", "无", "不是"})
_CROWDED = {p.name_zh: p for p in CrowdedPlaceType} | {p.value: p for p in CrowdedPlaceType}
_CROWDED |= {
    "其他": CrowdedPlaceType.OTHER,
    "码头": CrowdedPlaceType.PASSENGER_TERMINAL,
    "体育馆": CrowdedPlaceType.STADIUM,
}

_INDUSTRY = re.compile(r"^[A-T](\d{2,4})?$")
_INT = re.compile(r"^(\d+)(?:\.0+)?\s*(?:年)?$")
_CATALOG_VERSIONS = {"2014": "2014", "2014版": "2014", "新版": "2014", "2004": "2004", "2004版": "2004", "旧版": "2004"}


def _cell_text(cell: Any) -> str:
    """Any cell value as stripped text; Excel numbers that are whole (410105.0) lose their ``.0``."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


# ---------------------------------------------------------------------------------------------------------------
# parameter columns
# ---------------------------------------------------------------------------------------------------------------

_HEADER_UNIT = re.compile(r"^(.*?)\(([^()]*)\)$")


def _split_unit(heading: str) -> tuple[str, str]:
    norm = normalize_header(heading)
    match = _HEADER_UNIT.match(norm)
    if match:
        return match.group(1), match.group(2)
    return norm, ""


@attrs.frozen
class _ParameterPlan:
    """How a file's parameter columns map onto one equipment class's parameter fields."""

    fields: tuple[tuple[int, str, str], ...]  # (position, heading, field name)
    unit_mismatch: tuple[tuple[int, str, str, str], ...]  # (position, heading, header unit, field unit)
    foreign: tuple[tuple[int, str], ...]  # columns this class has no field for


def _plan_parameters(equipment_class: EquipmentClass, columns: Sequence[tuple[int, str]]) -> _ParameterPlan:
    parameters_type = equipment_class.parameters_type
    by_label: dict[str, tuple[str, str]] = {}
    if parameters_type is not None:
        for field in attrs.fields(parameters_type):
            unit = normalize_header(field.metadata.get(UNIT, ""))
            by_label[normalize_header(field.name)] = (field.name, unit)
            label = field.metadata.get(LABEL_ZH)
            if label:
                by_label[normalize_header(label)] = (field.name, unit)
    fields: list[tuple[int, str, str]] = []
    mismatch: list[tuple[int, str, str, str]] = []
    foreign: list[tuple[int, str]] = []
    for position, heading in columns:
        label, unit = _split_unit(heading)
        hit = by_label.get(normalize_header(heading)) or by_label.get(label)
        if hit is None:
            foreign.append((position, heading))
        elif unit and hit[1] and unit != hit[1]:
            mismatch.append((position, heading, unit, hit[1]))
        else:
            fields.append((position, heading, hit[0]))
    return _ParameterPlan(tuple(fields), tuple(mismatch), tuple(foreign))


# ---------------------------------------------------------------------------------------------------------------
# the validator
# ---------------------------------------------------------------------------------------------------------------


class RowValidator:
    """Validates rows of one file against the template, the identifier rules and the class plugins.

    ``validate`` returns the parsed row (or ``None`` when any rule failed), the errors and the flags.
    """

    def __init__(
        self,
        mapping: HeaderMapping,
        *,
        lookups: Lookups,
        equipment_classes: EquipmentClassRegistry | None = None,
        today: dt.date | None = None,
    ) -> None:
        from dualprev_sdk.timeutil import today as shanghai_today

        self.mapping = mapping
        self.lookups = lookups
        self.classes = equipment_classes
        self.today = today or shanghai_today()
        self._columns = {c.key: c for c in ledger_columns()}
        # The per-row loop reads this flat plan: (position, key, heading, required, mode, parser, memo, limit).
        # Memoised columns (USCC, region, catalogue, dates, enums…) parse each distinct text once.
        self._fast_plan: list[tuple[int, str, str, bool, int, Callable[[str], Any], dict[str, Any] | None, int]] = []
        for key, position in mapping.columns.items():
            column = self._columns[key]
            memo: dict[str, Any] | None
            if column.kind == "text":
                mode, memo = _TEXT, None
            elif column.kind in _UNIQUE_KINDS:
                mode, memo = _PARSE, None
            else:
                mode, memo = (_DATE if column.kind == "date" else _PARSE), {}
            self._fast_plan.append(
                (
                    position,
                    column.key,
                    mapping.headers[position],
                    column.required,
                    mode,
                    self._parser(column),
                    memo,
                    column.max_length or 10_000,
                )
            )
        self._required_missing = [c for c in ledger_columns() if c.required and c.key not in mapping.columns]
        self._param_plans: dict[str, _ParameterPlan | None] = {}
        self._agree_memo: dict[tuple[str, str], bool] = {}
        self._catalog_memo: dict[
            tuple[str | None, str | None, str], tuple[CatalogResolution | None, list[tuple[str, str, str]]]
        ] = {}
        self._param_cache: dict[tuple[Any, ...], Any] = {}
        self._class_cache: dict[str, EquipmentClass | None] = {}
        self._parameter_columns = mapping.parameters

    # -- file-level problems ----------------------------------------------------------------------------------

    def header_errors(self) -> list[RowError]:
        """Problems with the heading row itself (a required column missing, a column given twice)."""
        errors = [
            RowError(
                row=0,
                column=c.header,
                value=None,
                rule="ledger.required_column",
                reason=f"required column {c.header} is missing (accepted headings: {', '.join(c.spellings)})",
            )
            for c in self._required_missing
        ]
        if "category_code" not in self.mapping.columns and "variety_code" not in self.mapping.columns:
            errors.append(
                RowError(
                    row=0,
                    column="设备品种(代码)",
                    value=None,
                    rule="ledger.required_column",
                    reason="a 设备类别(代码) or 设备品种(代码) column is required",
                )
            )
        for key, positions in self.mapping.duplicates:
            errors.append(
                RowError(
                    row=0,
                    column=self.mapping.headers[positions[0]],
                    value=[self.mapping.headers[p] for p in positions],
                    rule="ledger.duplicate_column",
                    reason=f"column {self._columns[key].header} appears {len(positions)} times",
                )
            )
        return errors

    # -- parsers ----------------------------------------------------------------------------------------------

    def _parser(self, column: LedgerColumn) -> Callable[[str], Any]:
        kind = column.kind
        lookups = self.lookups
        if kind == "text":
            return str  # never called: the row loop checks text columns' length itself (mode _TEXT)
        # identifier checks raise InvalidArgument; the row loop turns it into a row error
        if kind == "uscc":
            return lookups.uscc
        if kind == "region":
            return lookups.region
        if kind == "equipment_code":
            return lambda v: NO_EQUIPMENT_CODE if v in ("-", "—", "/", "无") else lookups.equipment_code(v)
        if kind == "registration_number":
            return lookups.registration_number
        if kind == "catalog":
            return lambda v: v  # resolved with the catalogue version in the cross-field step
        if kind == "catalog_version":
            return _lookup_table(_CATALOG_VERSIONS, "catalog_version", "2014 or 2004")
        if kind == "date":
            return parse_date
        if kind == "int":
            low, high = column.min, column.max

            def integer(value: str) -> int:
                match = _INT.match(value)
                if not match:
                    raise _Bad("number.integer", "expected a whole number")
                number = int(match.group(1))
                if (low is not None and number < low) or (high is not None and number > high):
                    raise _Bad("number.range", f"must be between {low} and {high}")
                return number

            return integer
        if kind == "yes_no":

            def yes_no(value: str) -> bool:
                folded = value.casefold()
                if folded in _YES:
                    return True
                if folded in _NO:
                    return False
                raise _Bad("enum.yes_no", "expected 是 or 否")

            return yes_no
        if kind == "crowded_place":

            def crowded(value: str) -> CrowdedPlaceType | None:
                if value in _NOT_CROWDED:
                    return None
                found = _CROWDED.get(value)
                if found is None:
                    allowed = "、".join(p.name_zh for p in CrowdedPlaceType)
                    raise _Bad("enum.crowded_place", f"expected one of {allowed} or 非公众聚集场所")
                return found

            return crowded
        if kind == "status":
            return _lookup_table(_STATUS, "enum.status", "在用、停用、报废、已过户")
        if kind == "size_class":
            return _lookup_table(_SIZE, "enum.size_class", "大型、中型、小型、微型")
        if kind == "industry":

            def industry(value: str) -> str:
                upper = value.upper()
                if not _INDUSTRY.match(upper):
                    raise _Bad("industry.format", "expected a GB/T 4754 section letter, optionally with digits (C26)")
                return upper

            return industry
        if kind == "rescue_code":
            return lambda v: v  # checked with the unit's region in the cross-field step
        raise ValueError(f"no parser for column kind {kind!r}")  # pragma: no cover - template is checked on load

    # -- the row ----------------------------------------------------------------------------------------------

    def validate(self, row_number: int, cells: Sequence[Any]) -> tuple[LedgerRow | None, list[RowError], list[RowFlag]]:
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        width = len(cells)
        for position, key, heading, required, mode, parse, memo, limit in self._fast_plan:
            cell = cells[position] if position < width else None
            if type(cell) is str:
                text = cell.strip()
            elif cell is None:
                text = ""
            elif mode == _DATE and isinstance(cell, dt.date):
                values[key] = cell.date() if isinstance(cell, dt.datetime) else cell
                continue
            else:
                text = _cell_text(cell)
            if not text:
                if required:
                    errors.append(RowError(row=row_number, column=heading, value=cell, rule="required", reason="必填"))
                continue
            if mode == _TEXT:
                if len(text) > limit:
                    errors.append(
                        RowError(
                            row=row_number,
                            column=heading,
                            value=cell,
                            rule="text.max_length",
                            reason=f"longer than {limit} characters",
                        )
                    )
                else:
                    values[key] = text
                continue
            if memo is not None:
                hit = memo.get(text)
                if hit is None:
                    try:
                        hit = parse(text)
                    except _Bad as bad:
                        hit = bad
                    except InvalidArgument as exc:
                        hit = _bad_from(exc)
                    if len(memo) > _MEMO_LIMIT:
                        memo.clear()
                    memo[text] = hit
                if type(hit) is _Bad:
                    errors.append(
                        RowError(row=row_number, column=heading, value=cell, rule=hit.rule, reason=hit.reason)
                    )
                else:
                    values[key] = hit
                continue
            try:
                values[key] = parse(text)
            except _Bad as bad:
                errors.append(RowError(row=row_number, column=heading, value=cell, rule=bad.rule, reason=bad.reason))
            except InvalidArgument as exc:
                cause = _bad_from(exc)
                errors.append(
                    RowError(row=row_number, column=heading, value=cell, rule=cause.rule, reason=cause.reason)
                )
        return self._cross_check(row_number, cells, values, errors, [])

    def _cross_check(
        self,
        row_number: int,
        cells: Sequence[Any],
        values: dict[str, Any],
        errors: list[RowError],
        flags: list[RowFlag],
    ) -> tuple[LedgerRow | None, list[RowError], list[RowFlag]]:
        header = self.mapping.header_of
        get = values.get

        def error(key: str, rule: str, reason: str, value: Any = None) -> None:
            position = self.mapping.columns.get(key)
            cell = value if value is not None or position is None or position >= len(cells) else cells[position]
            errors.append(RowError(row=row_number, column=header(key), value=cell, rule=rule, reason=reason))

        # catalogue code: category and/or variety, 2014 or legacy scheme
        variety = get("variety_code")
        category = get("category_code")
        version = get("catalog_version", "2014")
        code_key = "variety_code" if variety is not None else "category_code"
        code_text = variety if variety is not None else category
        resolution: CatalogResolution | None = None
        if code_text is None:
            if not _errors_keys(errors, self.mapping) & {"variety_code", "category_code"}:
                error("variety_code", "required", "设备类别(代码) 或 设备品种(代码) 至少填一项")
        else:
            memo_key = (variety, category, version)
            verdict = self._catalog_memo.get(memo_key)
            if verdict is None:
                verdict = self._resolve_catalog(variety, category, version)
                self._catalog_memo[memo_key] = verdict
            resolution, problems = verdict
            for key, rule, reason in problems:
                error(key, rule, reason)
            if resolution is not None:
                for flag, note in resolution.flags:
                    flags.append(
                        RowFlag(row=row_number, column=header(code_key), value=code_text, flag=flag, note=note)
                    )

        # natural key
        equipment_code = get("equipment_code", NO_EQUIPMENT_CODE)
        registration = get("registration_number")
        internal = get("unit_internal_number")
        if equipment_code != NO_EQUIPMENT_CODE:
            key_kind, key = "equipment_code", equipment_code
        elif registration:
            key_kind, key = "registration_number", registration
        elif internal:
            key_kind, key = "internal_number", internal
        else:
            key_kind, key = "", ""
            if not _errors_keys(errors, self.mapping) & {"equipment_code", "registration_number"}:
                error(
                    "equipment_code",
                    "ledger.no_natural_key",
                    "设备代码、使用登记证编号、单位内编号 至少填一项（用于识别设备、重复导入时更新）",
                )

        # dates
        manufactured = get("manufactured_on")
        commissioned = get("commissioned_on")
        if manufactured is not None and manufactured > self.today:
            error("manufactured_on", "date.future", "制造日期晚于今天")
        if commissioned is not None:
            if commissioned > self.today:
                error("commissioned_on", "date.future", "投用日期晚于今天")
            if manufactured is not None and commissioned < manufactured:
                error("commissioned_on", "date.order", f"投用日期早于制造日期 {manufactured.isoformat()}")

        # crowded place
        crowded_flag = get("crowded")
        place = get("crowded_place_type")
        crowded_place: CrowdedPlaceType | None = place
        if crowded_flag is True and place is None:
            crowded_place = CrowdedPlaceType.OTHER
        elif crowded_flag is False and place is not None:
            error("crowded_place_type", "crowded_place.contradiction", "是否公众聚集场所为“否”，却填了场所类型")

        # rescue code is an elevator thing
        catalog_code = resolution.code if resolution is not None else None
        rescue = get("rescue_code")
        if rescue is not None:
            if catalog_code is not None and not catalog_code.startswith("3"):
                error("rescue_code", "rescue_code.not_elevator", "96333救援码只适用于电梯（种类 3000）")
            elif "region_code" in values:
                try:
                    rescue = self.lookups.rescue_code(rescue, values["region_code"])
                except InvalidArgument as exc:
                    for violation in exc.violations:
                        error("rescue_code", violation.rule, violation.message)

        # equipment code vs catalogue: the first four characters of an 18-character code are the variety
        if (
            catalog_code is not None
            and len(equipment_code) == 18
            and not self._code_agrees(equipment_code[:4], catalog_code)
        ):
            flags.append(
                RowFlag(
                    row=row_number,
                    column=header("equipment_code"),
                    value=equipment_code,
                    flag="equipment_code.catalog_mismatch",
                    note=f"设备代码前四位 {equipment_code[:4]} 与目录代码 {catalog_code} 不一致",
                )
            )

        # class-specific parameters
        parameters: Any = None
        if catalog_code is not None and self._parameter_columns:
            parameters = self._parameters(row_number, cells, catalog_code, errors, flags)

        if errors:
            return None, errors, flags
        assert resolution is not None
        uscc = values["unit_uscc"]
        region_code = values["region_code"]
        size_class = get("size_class")
        unit = {
            "uscc": uscc,
            "name": values["unit_name"],
            "region_code": region_code,
            "address": get("unit_address", ""),
            "industry": get("industry", ""),
            "size_class": size_class.value if size_class is not None else None,
            "park": get("park"),
        }
        status = get("status")
        # Keyed and valued as the store's equipment columns, so the writer adds only id, version and timestamps.
        equipment = {
            "unit_uscc": uscc,
            "region_code": region_code,
            "catalog_code": resolution.code,
            "equipment_code": None if equipment_code == NO_EQUIPMENT_CODE else equipment_code,
            "registration_number": registration or "",
            "unit_internal_number": internal or "",
            "name": get("equipment_name", ""),
            "model": get("model", ""),
            "manufacturer": get("manufacturer", ""),
            "location_address": get("address", ""),
            "location_building": get("building", ""),
            "location_floor": get("floor", ""),
            "location_area": get("area", ""),
            "location_x": None,
            "location_y": None,
            "crowded_place": crowded_place.value if crowded_place is not None else None,
            "status": status.value if status is not None else _IN_USE,
            "status_since": None,
            "manufactured_on": manufactured,
            "commissioned_on": commissioned,
            "registered_on": get("registered_on"),
            "design_life_years": get("design_life_years"),
            "next_inspection_due": get("next_inspection_due"),
            "safety_officer": get("safety_officer", ""),
            "rescue_code": rescue,
            "parameters": parameters,
            "out_of_catalog": resolution.out_of_catalog,
            "catalog_review": resolution.review,
            "stop_use_order": None,
        }
        if key_kind == "internal_number":
            key = f"{uscc}/{internal}"
        return LedgerRow(row=row_number, unit=unit, equipment=equipment, key_kind=key_kind, key=key), errors, flags

    def _code_agrees(self, basic_code: str, catalog_code: str) -> bool:
        pair = (basic_code, catalog_code)
        agrees = self._agree_memo.get(pair)
        if agrees is None:
            agrees = code_under(basic_code, catalog_code) or code_under(catalog_code, basic_code)
            self._agree_memo[pair] = agrees
        return agrees

    def _resolve_catalog(
        self, variety: str | None, category: str | None, version: str
    ) -> tuple[CatalogResolution | None, list[tuple[str, str, str]]]:
        """Resolve the row's catalogue cells once per distinct (variety, category, version)."""
        problems: list[tuple[str, str, str]] = []
        code_key = "variety_code" if variety is not None else "category_code"
        code_text = variety if variety is not None else category
        assert code_text is not None
        try:
            resolution = self.lookups.catalog(code_text, version)
        except InvalidArgument as exc:
            return None, [(code_key, v.rule, v.message) for v in exc.violations]
        if variety is not None and category is not None:
            try:
                parent = self.lookups.catalog(category, version)
            except InvalidArgument as exc:
                problems.extend(("category_code", v.rule, v.message) for v in exc.violations)
            else:
                if not code_under(resolution.code, parent.code) and not code_under(
                    resolution.original, parent.original
                ):
                    problems.append(
                        (
                            "variety_code",
                            "catalog.variety_not_in_category",
                            f"品种 {resolution.code} 不属于类别 {parent.code}",
                        )
                    )
        return resolution, problems

    # -- parameters -------------------------------------------------------------------------------------------

    def _class_for(self, catalog_code: str) -> EquipmentClass | None:
        if catalog_code not in self._class_cache:
            self._class_cache[catalog_code] = self.classes.for_code(catalog_code) if self.classes else None
        return self._class_cache[catalog_code]

    def _parameters(
        self,
        row_number: int,
        cells: Sequence[Any],
        catalog_code: str,
        errors: list[RowError],
        flags: list[RowFlag],
    ) -> Any:
        """The row's parameter columns as the JSON object to store: structured through the class plugin's
        parameter type when one is installed (so a bad number is a row error naming the column) and
        unstructured again, or heading → text as written when no plugin claims the class. Identical parameter
        sets are structured once (ledgers repeat models); the cached dict is shared and must not be mutated."""
        width = len(cells)
        equipment_class = self._class_for(catalog_code)
        raw: dict[str, str] = {}
        for position, heading in self._parameter_columns:
            cell = cells[position] if position < width else None
            text = _cell_text(cell)
            if text:
                raw[heading] = text
        if not raw:
            return None
        if equipment_class is None:
            return raw  # no plugin for the class: keep heading → text as written
        key = (equipment_class.key, tuple(sorted(raw.items())))
        cached = self._param_cache.get(key)
        if cached is None:
            cached = self._structure(equipment_class, raw)
            if len(self._param_cache) > 50_000:
                self._param_cache.clear()
            self._param_cache[key] = cached
        stored, problems, notes = cached
        for heading, value, rule, reason in problems:
            errors.append(RowError(row=row_number, column=heading, value=value, rule=rule, reason=reason))
        for heading, value, flag, note in notes:
            flags.append(RowFlag(row=row_number, column=heading, value=value, flag=flag, note=note))
        return stored

    def _structure(
        self, equipment_class: EquipmentClass, raw: Mapping[str, str]
    ) -> tuple[dict[str, Any] | None, list[tuple[str, Any, str, str]], list[tuple[str, Any, str, str]]]:
        plan = self._param_plans.get(equipment_class.key)
        if plan is None:
            plan = _plan_parameters(equipment_class, self._parameter_columns)
            self._param_plans[equipment_class.key] = plan
        problems: list[tuple[str, Any, str, str]] = []
        notes: list[tuple[str, Any, str, str]] = []
        data: dict[str, Any] = {}
        heading_of: dict[str, str] = {}
        for _, heading, field_name in plan.fields:
            if heading in raw:
                data[field_name] = raw[heading]
                heading_of[field_name] = heading
        for _, heading, header_unit, field_unit in plan.unit_mismatch:
            if heading in raw:
                problems.append(
                    (
                        heading,
                        raw[heading],
                        "parameters.unit",
                        f"单位 {header_unit} 与插件要求的 {field_unit} 不一致（不做换算）",
                    )
                )
        for _, heading in plan.foreign:
            if heading in raw:
                notes.append(
                    (
                        heading,
                        raw[heading],
                        "parameters.unknown_column",
                        f"{equipment_class.name_zh}插件无此参数，未导入",
                    )
                )
        typed: Any = None
        # The plugin's converter stops at type errors before running validators; structuring again without the
        # fields that failed lets the validators of the others speak too, so the row lists every problem.
        remaining = dict(data)
        for _attempt in range(2):
            if not remaining:
                break
            try:
                instance = equipment_class.structure_parameters(remaining, path="")
            except InvalidArgument as exc:
                failed: set[str] = set()
                for violation in exc.violations:
                    field_name = violation.field.strip(".").split(".")[0].split("[")[0]
                    failed.add(field_name)
                    found = heading_of.get(field_name)
                    # a required field without a column, or a class-level failure: name the field instead
                    heading = found or _label_of(equipment_class, field_name) or field_name or equipment_class.name_zh
                    problems.append((heading, raw.get(heading, violation.value), violation.rule, violation.message))
                if not failed & set(remaining):
                    break
                remaining = {k: v for k, v in remaining.items() if k not in failed}
            else:
                if not problems:
                    typed = equipment_class.unstructure_parameters(instance)
                break
        if problems or not isinstance(typed, dict):
            return None, problems, notes
        return typed, problems, notes


def _label_of(equipment_class: EquipmentClass, field_name: str) -> str | None:
    if equipment_class.parameters_type is None:
        return None
    for field in attrs.fields(equipment_class.parameters_type):
        if field.name == field_name:
            label = field.metadata.get(LABEL_ZH)
            return str(label) if label else None
    return None


def _errors_keys(errors: Iterable[RowError], mapping: HeaderMapping) -> set[str]:
    by_heading = {mapping.headers[p]: k for k, p in mapping.columns.items()}
    return {by_heading.get(e.column, "") for e in errors}


def _bad_from(exc: InvalidArgument) -> _Bad:
    """One cell's InvalidArgument as a row-error cause: the first rule, every message."""
    return _Bad(exc.violations[0].rule, "; ".join(v.message for v in exc.violations))


def _lookup_table(table: Mapping[str, Any], rule: str, allowed: str) -> Callable[[str], Any]:
    folded = {unicodedata.normalize("NFKC", k).casefold(): v for k, v in table.items()}

    def lookup(value: str) -> Any:
        found = folded.get(unicodedata.normalize("NFKC", value).casefold())
        if found is None:
            raise _Bad(rule, f"expected one of {allowed}")
        return found

    return lookup
