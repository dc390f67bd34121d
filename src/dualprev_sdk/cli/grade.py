"""``dualprev grade``: grade one risk with LEC, LS, MES or a custom matrix loaded from a file.

``dualprev grade lec --l 6 --e 6 --c 7 --json`` prints the method, score, level (number), level name, colour
and band. ``dualprev grade matrix --matrix my.toml --axis likelihood=3 --axis severity=4`` grades with an
enterprise's or a province's own method file (TOML or JSON, see docs/grading.md); ``--method NAME`` instead
picks any method a plugin registered. A factor outside the method's table exits 1 with the allowed values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from dualprev_sdk.cli.common import JsonOption
from dualprev_sdk.errors import DualprevError, FieldViolation, InvalidArgument
from dualprev_sdk.grading import (
    Grade,
    GradingMethod,
    builtin_method,
    grading_methods,
    load_method,
)

grade_app = typer.Typer(
    name="grade",
    help="风险分级 — grade a risk with LEC, LS, MES or a custom matrix.",
    no_args_is_help=True,
)

FileOption = Annotated[
    Path | None,
    typer.Option("--method-file", help="Use this method file (TOML/JSON) instead of the shipped table."),
]


def _fail(exc: DualprevError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(1)


def _run(action: Callable[[], None]) -> None:
    try:
        action()
    except DualprevError as exc:
        raise _fail(exc) from None


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else str(value)


def _print(method: GradingMethod, result: Grade, as_json: bool) -> None:
    if as_json:
        payload: dict[str, Any] = result.to_dict()
        payload["source"] = str(method.source)
        payload["source_status"] = str(method.source.status)
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    factors = " × ".join(
        f"{(f.symbol or f.name)}={_num(v)}" for f, (_, v) in zip(method.factors, result.factors, strict=True)
    )
    score = f"{method.score_name} = {_num(result.score)}" if result.score is not None else "(cell)"
    typer.echo(f"{method.title_zh or method.name}: {factors} → {score}")
    typer.echo(f"  等级 level: {int(result.level)} {result.level.name_zh} ({result.level.color_zh} {result.color})")
    typer.echo(f"  分档 band: {result.band.label_zh} {result.band.interval()}")
    typer.echo(f"  来源 source: {method.source} [{method.source.status}]")
    if method.bands_source is not None:
        typer.echo(f"  分级依据 bands: {method.bands_source} [{method.bands_source.status}]")


def _method(name: str, method_file: Path | None) -> GradingMethod:
    return load_method(method_file) if method_file is not None else builtin_method(name)


@grade_app.command("lec")
def lec_command(
    l: Annotated[float, typer.Option("--l", help="L 事故发生的可能性 (10, 6, 3, 1, 0.5, 0.2, 0.1)")],  # noqa: E741
    e: Annotated[float, typer.Option("--e", help="E 暴露于危险环境的频繁程度 (10, 6, 3, 2, 1, 0.5)")],
    c: Annotated[float, typer.Option("--c", help="C 可能后果 (100, 40, 15, 7, 3, 1)")],
    as_json: JsonOption = False,
    method_file: FileOption = None,
) -> None:
    """LEC 作业条件危险性分析法: D = L × E × C."""

    def action() -> None:
        method = _method("lec", method_file)
        _print(method, method.grade(l, e, c), as_json)

    _run(action)


@grade_app.command("ls")
def ls_command(
    l: Annotated[float, typer.Option("--l", help="L 可能性 (1–5)")],  # noqa: E741
    s: Annotated[float, typer.Option("--s", help="S 严重性 (1–5)")],
    as_json: JsonOption = False,
    method_file: FileOption = None,
) -> None:
    """LS 风险矩阵: R = L × S."""

    def action() -> None:
        method = _method("ls", method_file)
        _print(method, method.grade(l, s), as_json)

    _run(action)


@grade_app.command("mes")
def mes_command(
    m: Annotated[float, typer.Option("--m", help="M 控制措施的状态 (5, 3, 1)")],
    e: Annotated[float, typer.Option("--e", help="E 暴露频繁程度 (10, 6, 3, 2, 1, 0.5)")],
    s: Annotated[float, typer.Option("--s", help="S 可能后果 (10, 8, 4, 2, 1)")],
    as_json: JsonOption = False,
    method_file: FileOption = None,
) -> None:
    """MES 评价法: R = M × E × S."""

    def action() -> None:
        method = _method("mes", method_file)
        _print(method, method.grade(m, e, s), as_json)

    _run(action)


def _parse_axes(axes: list[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    violations: list[FieldViolation] = []
    for i, text in enumerate(axes):
        name, sep, raw = text.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            values[name.strip()] = float(raw)
        except ValueError:
            violations.append(
                FieldViolation(
                    field=f"axis[{i}]",
                    value=text,
                    rule="cli.axis",
                    message="expected NAME=VALUE with a number, e.g. --axis likelihood=3",
                )
            )
    if violations:
        raise InvalidArgument(violations)
    return values


@grade_app.command("matrix")
def matrix_command(
    axis: Annotated[list[str], typer.Option("--axis", help="A factor value as NAME=VALUE; repeat for every axis.")],
    matrix: Annotated[
        Path | None, typer.Option("--matrix", help="Method file (TOML or JSON) with axes, cells and bands.")
    ] = None,
    method_name: Annotated[
        str | None, typer.Option("--method", help="A registered method name instead of a file (lec, ls, mes …).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Grade with a custom matrix file, or with any registered method by name."""

    def action() -> None:
        if (matrix is None) == (method_name is None):
            raise InvalidArgument.single(
                "matrix", str(matrix), "cli.matrix_or_method", "give exactly one of --matrix FILE or --method NAME"
            )
        method = load_method(matrix) if matrix is not None else grading_methods().get(str(method_name))
        _print(method, method.grade(**_parse_axes(axis)), as_json)

    _run(action)


@grade_app.command("methods")
def methods_command(as_json: JsonOption = False) -> None:
    """List the registered grading methods (built-in and from plugins) with their factors and bands."""

    def action() -> None:
        registry = grading_methods()
        if as_json:
            payload = [dict(m.describe(), plugin=registry.owner(m.name)) for m in registry]
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for method in registry:
            factors = ", ".join(f"{f.symbol or f.name}: {f.allowed_text()}" for f in method.factors)
            typer.echo(f"{method.name}  {method.title_zh}  [{registry.owner(method.name)}]")
            typer.echo(f"  factors: {factors}")
            for band in method.bands:
                typer.echo(f"  {band.interval():>14}  {band.label_zh} → {band.level.name_zh} ({band.display_color})")

    _run(action)


@grade_app.command("show")
def show_command(
    matrix: Annotated[Path, typer.Argument(help="Method file (TOML or JSON) to check and describe.")],
    as_json: JsonOption = False,
) -> None:
    """Check a method file (every combination must land in one band) and print its tables."""

    def action() -> None:
        method = load_method(matrix)
        if as_json:
            typer.echo(json.dumps(method.describe(), ensure_ascii=False, indent=2))
            return
        typer.echo(f"{method.name}  {method.title_zh}  ({len(list(method.domain()))} combinations, all banded)")
        for factor in method.factors:
            values = ", ".join(f"{_num(v.value)} {v.label_zh}".strip() for v in factor.values)
            typer.echo(f"  {factor.display}: {values}")
        for band in method.bands:
            typer.echo(f"  {band.interval():>14}  {band.label_zh} → {band.level.name_zh} ({band.display_color})")

    _run(action)


def register(app: typer.Typer) -> None:
    """Add the ``grade`` group to the root app."""
    app.add_typer(grade_app, name="grade")
