"""``dualprev due CODE --last YYYY-MM-DD``: the next inspection due date with the rule and its source.

The equipment class that owns the catalogue code computes the dates, exactly as the services do. ``--set``
fills the class's parameters (``--set medium_category=corrosive``) or inspection facts (``--set
safety_grade=2``, ``--set last.safety_valve=2024-05-01``); ``--override`` passes configuration
(``--override pv.stationary.grade_3=5``). Values are read as JSON when they parse (``2``, ``1.6``, ``true``) and as
text otherwise, then checked by the class's own parameter type, so a bad value fails with its field name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Annotated, Any

import attrs
import typer

from dualprev_sdk.equipment_classes import DueDate, EquipmentClass, InspectionFacts, ScopeCheck
from dualprev_sdk.errors import DualprevError, FieldViolation, InvalidArgument

__all__ = ["due_command", "register"]

#: ``--set`` names that are inspection facts rather than parameters.
FACT_NAMES = {
    "safety_grade": "last_safety_grade",
    "last_safety_grade": "last_safety_grade",
    "conclusion": "last_conclusion",
    "last_conclusion": "last_conclusion",
}


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _pairs(items: Sequence[str], option: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    bad: list[FieldViolation] = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            bad.append(FieldViolation(option, item, "cli.name_value", "expected NAME=VALUE"))
        else:
            out.append((name.strip(), value.strip()))
    if bad:
        raise InvalidArgument(bad)
    return out


def _date(text: str | None, field: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise InvalidArgument.single(field, text, "date.iso", "expected a date YYYY-MM-DD") from None


def build_facts(
    owner: EquipmentClass,
    code: str,
    *,
    last: str | None,
    commissioned: str | None,
    manufactured: str | None,
    settings: Sequence[str],
    overrides: Sequence[str],
) -> InspectionFacts:
    """The :class:`InspectionFacts` a ``dualprev due`` invocation describes (every bad input in one error)."""
    param_names = {f.name for f in attrs.fields(owner.parameters_type)} if owner.parameters_type else set()
    params: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    last_inspections: dict[str, dt.date] = {}
    bad: list[FieldViolation] = []
    for name, text in _pairs(settings, "--set"):
        if name in param_names:
            params[name] = _value(text)
        elif name in FACT_NAMES:
            facts[FACT_NAMES[name]] = _value(text)
        elif name.startswith("last."):
            try:
                last_inspections[name.removeprefix("last.")] = dt.date.fromisoformat(text)
            except ValueError:
                bad.append(FieldViolation(f"--set {name}", text, "date.iso", "expected a date YYYY-MM-DD"))
        else:
            allowed = ", ".join(sorted(param_names | set(FACT_NAMES))) or "(none)"
            bad.append(
                FieldViolation(f"--set {name}", text, "cli.unknown_name", f"{owner.key} accepts: {allowed}, last.KIND")
            )
    grade = facts.get("last_safety_grade")
    if grade is not None and (not isinstance(grade, int) or isinstance(grade, bool) or not 1 <= grade <= 5):
        bad.append(FieldViolation("safety_grade", grade, "safety_grade.range", "a safety grade is 1–5"))
    try:
        parameters = owner.structure_parameters(params) if owner.parameters_type else None
    except InvalidArgument as exc:
        bad.extend(exc.violations)
        parameters = None
    try:
        dates = (_date(last, "--last"), _date(commissioned, "--commissioned"), _date(manufactured, "--manufactured"))
    except InvalidArgument as exc:
        bad.extend(exc.violations)
        dates = (None, None, None)
    if bad:
        raise InvalidArgument(bad)
    return InspectionFacts(
        catalog_code=code,
        parameters=parameters,
        last_inspection_on=dates[0],
        commissioned_on=dates[1],
        manufactured_on=dates[2],
        last_safety_grade=facts.get("last_safety_grade"),
        last_conclusion=None if facts.get("last_conclusion") is None else str(facts["last_conclusion"]),
        overrides={name: _value(text) for name, text in _pairs(overrides, "--override")},
        last_inspections=last_inspections,
    )


def _due_json(due: DueDate) -> dict[str, Any]:
    return {
        "kind": due.kind,
        "next_due": due.next_due.isoformat(),
        "rule": due.rule,
        "source": {
            "document": due.source.document,
            "clause": due.source.clause,
            "status": due.source.status.value,
            "note": due.source.note,
        },
        "citation": str(due.source),
        "use_allowed": due.use_allowed,
        "note": due.note,
    }


def _scope_json(scope: ScopeCheck) -> dict[str, Any]:
    return {"in_scope": scope.in_scope, "reasons": list(scope.reasons)}


def due_command(  # noqa: PLR0917 - typer maps parameters to options
    code: Annotated[str, typer.Argument(help="Catalogue code, e.g. 2130, 1100, 2310, 8310.")],
    last: Annotated[str | None, typer.Option("--last", help="Last periodic inspection, YYYY-MM-DD.")] = None,
    commissioned: Annotated[
        str | None, typer.Option("--commissioned", help="Commissioning date (first inspection counts from it).")
    ] = None,
    manufactured: Annotated[str | None, typer.Option("--manufactured", help="Manufacture date (cylinders).")] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option("--set", help="NAME=VALUE: a parameter of the class, safety_grade, conclusion or last.KIND."),
    ] = None,
    overrides: Annotated[
        list[str] | None, typer.Option("--override", help="KEY=VALUE configuration, e.g. pv.stationary.grade_3=5.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """下次检验日期 — the next due date(s) with the rule and its source."""
    from dualprev_sdk.plugins import default_host

    try:
        owner = default_host().equipment_classes.require_for_code(code)
        facts = build_facts(
            owner,
            code,
            last=last,
            commissioned=commissioned,
            manufactured=manufactured,
            settings=settings or [],
            overrides=overrides or [],
        )
        dues = owner.next_due(facts)
        scope = owner.check_scope(code, facts.parameters)
    except DualprevError as exc:
        if as_json:
            payload: dict[str, Any] = {"error": exc.reason, "message": exc.message}
            if isinstance(exc, InvalidArgument):
                payload["violations"] = [
                    {"field": v.field, "value": v.value, "rule": v.rule, "message": v.message} for v in exc.violations
                ]
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        else:
            typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None

    if not dues:
        message = (
            f"no due date: the shipped rules of {owner.key} give no interval for {code} with these facts "
            "(a category or variety code, the safety grade or a configured interval may be missing); "
            "configure one with --override KEY=YEARS (keys in docs/plugin-authors.md) or use the report's date"
        )
        if as_json:
            empty = {"catalog_code": code, "equipment_class": owner.key, "next_due": None, "rule": None}
            typer.echo(json.dumps({**empty, "source": None, "due_dates": [], "message": message}, ensure_ascii=False))
        else:
            typer.echo(message)
        return
    first = dues[0]
    if as_json:
        payload = {
            "catalog_code": code,
            "equipment_class": owner.key,
            **_due_json(first),
            "due_dates": [_due_json(d) for d in dues],
            "scope": _scope_json(scope),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{code} {owner.name_zh} ({owner.key})")
    for due in dues:
        flag = "" if due.use_allowed else "  [不得使用]"
        typer.echo(f"  {due.kind:<20} {due.next_due.isoformat()}  {due.rule}{flag}")
        typer.echo(f"  {'':<20} 依据: {due.source} [{due.source.status.value}]" + (f"  {due.note}" if due.note else ""))
    if not scope.in_scope:
        typer.echo("  注意: " + "；".join(scope.reasons))


def register(app: typer.Typer) -> None:
    app.command("due")(due_command)
