"""Grading methods as data: LEC, LS, MES and any enterprise's or province's own matrix.

A method is a set of factors, each with a closed table of allowed values, a way to turn one value per factor
into a score, and a :class:`~dualprev_sdk.grading.bands.BandTable`. Two kinds cover every method in the
domain reference (Part C §7):

* ``product`` — the score is the product of the factor values (LEC's D = L×E×C, LS's R = L×S, MES's R = M×E×S);
* ``matrix`` — the score (or directly a band) is read from a cell of an N-dimensional table indexed by the
  positions of the factor values, for matrices whose cells are not a product.

Because every factor takes only the values of its table, the whole domain of a method is finite (LEC: 252
combinations). The method is therefore checked once when it is built — every combination must land in exactly
one band — and every grade is precomputed, so grading is a dictionary lookup and a batch of a million items
costs no more than the plain arithmetic would.
"""

from __future__ import annotations

import itertools
import json
import math
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.errors import FieldViolation, InvalidArgument
from dualprev_sdk.grading.bands import Band, BandTable
from dualprev_sdk.grading.results import Grade

__all__ = [
    "Factor",
    "FactorValue",
    "GradingMethod",
    "MethodSpec",
    "load_method",
    "method_from_data",
]

Kind = Literal["product", "matrix"]
FactorTuple = tuple[float, ...]


@attrs.frozen(kw_only=True)
class FactorValue:
    """One row of a factor table: the value and what it means (LEC L=6 相当可能)."""

    value: float
    label_zh: str = ""
    label_en: str = ""


@attrs.frozen(kw_only=True)
class Factor:
    """A factor (axis) of a method: ``name`` is the keyword used in the API and the CLI (``l``, ``likelihood``).

    ``values`` are listed in the order of the method's table; for a matrix the order gives the cell index.
    Higher values mean more risk in every built-in method.
    """

    name: str
    symbol: str = ""
    label_zh: str = ""
    label_en: str = ""
    values: tuple[FactorValue, ...]

    @property
    def allowed(self) -> tuple[float, ...]:
        return tuple(v.value for v in self.values)

    @property
    def display(self) -> str:
        symbol = self.symbol or self.name
        return f"{symbol} ({self.label_zh})" if self.label_zh else symbol

    def allowed_text(self) -> str:
        return ", ".join(_num(v) for v in self.allowed)

    def label_of(self, value: float) -> str:
        return next((v.label_zh for v in self.values if v.value == value), "")


@attrs.frozen(kw_only=True)
class MethodSpec:
    """The on-disk shape of a method (TOML or JSON), structured by the SDK's one converter."""

    name: str
    kind: str = "product"
    title_zh: str = ""
    title_en: str = ""
    score_name: str = "R"
    version: str = ""
    description_zh: str = ""
    source: Source
    bands_source: Source | None = None
    factors: tuple[Factor, ...]
    bands: tuple[Band, ...]
    cells: list[Any] | None = None


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _product(values: Iterable[float]) -> float:
    # rounding removes binary noise (0.1 × 6 = 0.6000000000000001) that would otherwise decide a boundary
    return round(math.prod(values), 9)


@attrs.frozen(kw_only=True)
class GradingMethod:
    """A validated, precomputed grading method. Build it with :func:`method_from_data` or :func:`load_method`.

    ``grade(6, 6, 7)`` or ``grade(l=6, e=6, c=7)`` returns a :class:`Grade`; a value outside a factor's table
    raises :class:`InvalidArgument` naming the factor and its allowed values.
    """

    name: str
    kind: Kind
    factors: tuple[Factor, ...]
    bands: BandTable
    source: Source
    title_zh: str = ""
    title_en: str = ""
    score_name: str = "R"
    version: str = ""
    description_zh: str = ""
    bands_source: Source | None = None
    cells: Mapping[tuple[int, ...], float | str] | None = attrs.field(default=None, repr=False, hash=False)
    _table: dict[FactorTuple, Grade] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_table", self._precompute())

    # -- building -----------------------------------------------------------------------------------------------

    def _grade_at(self, positions: tuple[int, ...]) -> tuple[float | None, Band]:
        values = tuple(f.values[i].value for f, i in zip(self.factors, positions, strict=True))
        if self.kind == "product":
            score = _product(values)
            return score, self.bands.classify(score, field="bands")
        assert self.cells is not None
        cell = self.cells[positions]
        if isinstance(cell, str):
            band = self.bands.by_key(cell)
            assert band is not None  # checked when the cells were read
            return None, band
        return float(cell), self.bands.classify(float(cell), field="bands")

    def _precompute(self) -> dict[FactorTuple, Grade]:
        table: dict[FactorTuple, Grade] = {}
        missing: list[FieldViolation] = []
        for positions in itertools.product(*(range(len(f.values)) for f in self.factors)):
            values = tuple(f.values[i].value for f, i in zip(self.factors, positions, strict=True))
            try:
                score, band = self._grade_at(positions)
            except InvalidArgument as exc:
                where = ", ".join(f"{f.name}={_num(v)}" for f, v in zip(self.factors, values, strict=True))
                missing.extend(attrs.evolve(v, message=f"{v.message} (reached by {where})") for v in exc.violations)
                continue
            table[values] = Grade(
                method=self.name,
                score=score,
                level=band.level,
                band=band,
                factors=tuple((f.name, v) for f, v in zip(self.factors, values, strict=True)),
            )
        if missing:
            raise InvalidArgument(missing)
        return table

    # -- grading -----------------------------------------------------------------------------------------------

    @property
    def factor_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.factors)

    def grade(self, *args: float, **kwargs: float) -> Grade:
        """Grade one combination, given positionally in factor order or by factor name."""
        values = self._bind(args, kwargs)
        found = self._table.get(values)
        if found is None or True in (type(v) is bool for v in values):  # True == 1 would hit the table
            raise self.invalid(values)
        return found

    def grade_values(self, values: Sequence[float], *, field_prefix: str = "") -> Grade:
        """Grade a tuple in factor order (the batch path; no keyword binding)."""
        key = tuple(values)
        found = self._table.get(key) if len(key) == len(self.factors) else None
        if found is None:
            raise self.invalid(key, field_prefix=field_prefix)
        return found

    def grade_many(self, items: Iterable[Sequence[float]]) -> Iterator[Grade]:
        """Grade a stream of factor tuples lazily, one precomputed lookup each.

        An invalid item stops the stream with an :class:`InvalidArgument` whose field paths carry the item's
        position (``items[41].c``).
        """
        get = self._table.get
        for index, item in enumerate(items):
            try:
                found = get(item)  # type: ignore[call-overload]
            except TypeError:  # an unhashable item such as a list
                found = get(tuple(item))
            if found is None:
                raise self.invalid(tuple(item), field_prefix=f"items[{index}]")
            yield found

    def classify(self, score: float) -> Band:
        """The band of any score, including scores the factor tables cannot produce (LEC 160 and 320)."""
        return self.bands.classify(score)

    def invalid(self, values: Sequence[float], *, field_prefix: str = "") -> InvalidArgument:
        """The error for a combination that is not in the method's tables: one violation per bad factor."""
        prefix = f"{field_prefix}." if field_prefix else ""
        if len(values) != len(self.factors):
            return InvalidArgument.single(
                field_prefix or "factors",
                tuple(values),
                f"{self.name}.arity",
                f"{self.name} takes {len(self.factors)} factors ({', '.join(self.factor_names)}), got {len(values)}",
            )
        violations = [
            FieldViolation(
                field=f"{prefix}{factor.name}",
                value=value,
                rule=f"{self.name}.{factor.name}.allowed",
                message=f"{_show(value)} is not a value of {self.name.upper()} factor {factor.display}; "
                f"allowed values: {factor.allowed_text()}",
            )
            for factor, value in zip(self.factors, values, strict=True)
            if not _is_allowed(value, factor)
        ]
        return InvalidArgument(violations)

    def _bind(self, args: tuple[float, ...], kwargs: Mapping[str, float]) -> FactorTuple:
        if not kwargs and len(args) == len(self.factors):
            return tuple(args)
        violations: list[FieldViolation] = []
        if len(args) > len(self.factors):
            violations.append(
                FieldViolation(
                    field="factors",
                    value=args,
                    rule=f"{self.name}.arity",
                    message=f"{self.name} takes {len(self.factors)} factors ({', '.join(self.factor_names)})",
                )
            )
        named = dict(zip(self.factor_names, args, strict=False))
        for key, value in kwargs.items():
            if key not in self.factor_names:
                violations.append(
                    FieldViolation(
                        field=key,
                        value=value,
                        rule=f"{self.name}.factor_name",
                        message=f"{self.name} has no factor {key!r}; factors: {', '.join(self.factor_names)}",
                    )
                )
            elif key in named:
                violations.append(
                    FieldViolation(field=key, value=value, rule=f"{self.name}.factor_twice", message="given twice")
                )
            else:
                named[key] = value
        for factor in self.factors:
            if factor.name not in named:
                violations.append(
                    FieldViolation(
                        field=factor.name,
                        value=None,
                        rule=f"{self.name}.factor_missing",
                        message=f"missing factor {factor.display}; allowed values: {factor.allowed_text()}",
                    )
                )
        if violations:
            raise InvalidArgument(violations)
        return tuple(named[name] for name in self.factor_names)

    # -- introspection -----------------------------------------------------------------------------------------

    def domain(self) -> Iterator[FactorTuple]:
        """Every valid combination, in table order."""
        return iter(self._table)

    def lookup_table(self) -> Mapping[FactorTuple, Grade]:
        """The precomputed combination → grade table (read-only view for callers that batch themselves)."""
        return self._table.copy()

    def describe(self) -> dict[str, Any]:
        """A JSON-ready description (CLI ``dualprev grade methods --json``, docs)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "score_name": self.score_name,
            "version": self.version,
            "source": {
                "document": self.source.document,
                "clause": self.source.clause,
                "status": str(self.source.status),
            },
            "bands_source": None
            if self.bands_source is None
            else {
                "document": self.bands_source.document,
                "clause": self.bands_source.clause,
                "status": str(self.bands_source.status),
            },
            "factors": [
                {
                    "name": f.name,
                    "symbol": f.symbol,
                    "label_zh": f.label_zh,
                    "values": [{"value": v.value, "label_zh": v.label_zh} for v in f.values],
                }
                for f in self.factors
            ],
            "bands": [
                {
                    "key": b.key,
                    "label_zh": b.label_zh,
                    "level": int(b.level),
                    "interval": b.interval(),
                    "color": b.display_color,
                }
                for b in self.bands
            ],
        }


def _is_allowed(value: Any, factor: Factor) -> bool:
    try:
        return value in factor.allowed and not isinstance(value, bool)
    except TypeError:
        return False


def _show(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _num(value)
    return repr(value)


# -- reading data ----------------------------------------------------------------------------------------------


def method_from_data(data: Mapping[str, Any], *, origin: str = "") -> GradingMethod:
    """Build a method from plain data (a parsed TOML/JSON document); every problem is one InvalidArgument.

    ``origin`` (a file name) is put in front of the message so a user knows which file to fix.
    """
    from dualprev_sdk.serialization import structure

    try:
        spec = structure(dict(data), MethodSpec)
        return _build(spec)
    except InvalidArgument as exc:
        if not origin:
            raise
        raise InvalidArgument(exc.violations, f"{origin}: {exc.message}", metadata={"file": origin}) from None


def _build(spec: MethodSpec) -> GradingMethod:
    violations: list[FieldViolation] = []
    if spec.kind not in ("product", "matrix"):
        violations.append(
            FieldViolation(field="kind", value=spec.kind, rule="method.kind", message="kind must be product or matrix")
        )
    if not spec.name.strip():
        violations.append(FieldViolation(field="name", value=spec.name, rule="method.name", message="name is empty"))
    if not spec.factors:
        violations.append(FieldViolation(field="factors", value=[], rule="method.factors", message="no factors"))
    names: set[str] = set()
    for i, factor in enumerate(spec.factors):
        if factor.name in names:
            violations.append(
                FieldViolation(
                    field=f"factors[{i}].name",
                    value=factor.name,
                    rule="method.factor_unique",
                    message=f"factor {factor.name!r} is defined twice",
                )
            )
        names.add(factor.name)
        if not factor.values:
            violations.append(
                FieldViolation(field=f"factors[{i}].values", value=[], rule="method.factor_values", message="no values")
            )
        seen: set[float] = set()
        for j, value in enumerate(factor.values):
            if value.value in seen or math.isnan(value.value):
                violations.append(
                    FieldViolation(
                        field=f"factors[{i}].values[{j}].value",
                        value=value.value,
                        rule="method.factor_value_unique",
                        message=f"value {_num(value.value)} of factor {factor.name!r} is listed twice or is NaN",
                    )
                )
            seen.add(value.value)
    try:
        bands = BandTable(spec.bands)
    except InvalidArgument as exc:
        violations.extend(exc.violations)
        bands = None
    cells: dict[tuple[int, ...], float | str] | None = None
    if spec.kind == "matrix":
        if spec.cells is None:
            violations.append(
                FieldViolation(field="cells", value=None, rule="method.cells", message="a matrix method needs cells")
            )
        else:
            cells, cell_violations = _read_cells(spec.cells, spec.factors, spec.bands)
            violations.extend(cell_violations)
    elif spec.cells is not None:
        violations.append(
            FieldViolation(
                field="cells", value="…", rule="method.cells", message="cells are only read for kind = 'matrix'"
            )
        )
    if violations or bands is None:
        raise InvalidArgument(violations)
    return GradingMethod(
        name=spec.name,
        kind="product" if spec.kind == "product" else "matrix",
        factors=spec.factors,
        bands=bands,
        source=spec.source,
        title_zh=spec.title_zh,
        title_en=spec.title_en,
        score_name=spec.score_name,
        version=spec.version,
        description_zh=spec.description_zh,
        bands_source=spec.bands_source,
        cells=cells,
    )


def _read_cells(
    raw: list[Any], factors: Sequence[Factor], bands: Sequence[Band]
) -> tuple[dict[tuple[int, ...], float | str], list[FieldViolation]]:
    """Flatten nested lists (first factor outermost) into position → score-or-band-key, checking the shape."""
    keys = {b.key for b in bands}
    out: dict[tuple[int, ...], float | str] = {}
    violations: list[FieldViolation] = []

    def walk(node: Any, depth: int, positions: tuple[int, ...], path: str) -> None:
        if depth == len(factors):
            if isinstance(node, bool) or not isinstance(node, (int, float, str)):
                violations.append(
                    FieldViolation(
                        field=path, value=node, rule="method.cell", message="a cell is a score or a band key"
                    )
                )
            elif isinstance(node, str) and node not in keys:
                violations.append(
                    FieldViolation(
                        field=path,
                        value=node,
                        rule="method.cell_band",
                        message=f"no band with key {node!r}; bands: {', '.join(sorted(keys))}",
                    )
                )
            else:
                out[positions] = node if isinstance(node, str) else float(node)
            return
        expected = len(factors[depth].values)
        if not isinstance(node, list) or len(node) != expected:
            size = len(node) if isinstance(node, list) else "not a list"
            violations.append(
                FieldViolation(
                    field=path,
                    value=size,
                    rule="method.cells_shape",
                    message=f"expected a list of {expected} entries, one per value of factor {factors[depth].name!r}",
                )
            )
            return
        for i, child in enumerate(node):
            walk(child, depth + 1, (*positions, i), f"{path}[{i}]")

    walk(raw, 0, (), "cells")
    return out, violations


def read_document(path: str | Path) -> dict[str, Any]:
    """Parse a TOML or JSON file (by suffix; JSON when the suffix is ``.json``)."""
    file = Path(path)
    try:
        text = file.read_bytes()
    except OSError as exc:
        message = f"cannot read {file}: {exc.strerror}"
        raise InvalidArgument.single("file", str(file), "file.readable", message) from None
    try:
        data = json.loads(text) if file.suffix.lower() == ".json" else tomllib.loads(text.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument.single("file", str(file), "file.syntax", f"{file}: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidArgument.single("file", str(file), "file.shape", f"{file}: the document must be a table/object")
    return data


def load_method(path: str | Path, *, status: SourceStatus | None = None) -> GradingMethod:
    """Load a method (a custom matrix, a province's LEC table…) from a TOML or JSON file.

    ``status`` overrides the source status the file declares (a user's file is usually ``SourceStatus.USER``).
    """
    method = method_from_data(read_document(path), origin=str(path))
    if status is not None:
        method = attrs.evolve(method, source=attrs.evolve(method.source, status=status))
    return method
