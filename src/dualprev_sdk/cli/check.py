"""``dualprev check <kind> VALUE``: validate one identifier and print its parts.

Exit status 0 when the value is valid, 1 with the reasons (every broken rule) when it is not, so the command
fits shell scripts and spreadsheet clean-up loops.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable
from typing import Annotated, Any

import attrs
import typer

from dualprev_sdk import ids
from dualprev_sdk.cli.common import JsonOption
from dualprev_sdk.domain.common import Source
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.regions import Region

check_app = typer.Typer(
    name="check", help="校验标识符 — validate an identifier and print its parts.", no_args_is_help=True
)


def jsonable(value: Any) -> Any:
    """A plain JSON structure for attrs value objects, regions, sources, enums and dates."""
    if isinstance(value, Region):
        return {"code": value.code, "name": value.name, "full_name": value.full_name, "retired": value.retired}
    if isinstance(value, Source):
        return attrs.asdict(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if attrs.has(type(value)):
        return {f.name: jsonable(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def error_payload(exc: InvalidArgument) -> dict[str, Any]:
    return {
        "valid": False,
        "violations": [
            {"field": v.field, "value": jsonable(v.value), "rule": v.rule, "message": v.message} for v in exc.violations
        ],
    }


def lines(data: dict[str, Any]) -> list[str]:
    """``key: value`` lines, skipping empty values and source blocks (shown by --json)."""
    out = []
    for key, value in data.items():
        if value in (None, "", [], ()) or key in ("source", "city_source"):
            continue
        shown = value
        if isinstance(value, dict) and "full_name" in value:
            shown = f"{value['code']} {value['full_name']}" + (" (retired)" if value.get("retired") else "")
        elif isinstance(value, dict) and "message" in value:
            shown = value["message"]
        elif isinstance(value, list):
            shown = "; ".join(str(v) for v in value)
        out.append(f"{key}: {shown}")
    return out


def _run(parse: Callable[[], Any], as_json: bool) -> None:
    try:
        parsed = parse()
    except InvalidArgument as exc:
        if as_json:
            typer.echo(json.dumps(error_payload(exc), ensure_ascii=False, indent=2))
        else:
            typer.echo("invalid:", err=True)
            for violation in exc.violations:
                typer.echo(f"  - {violation.message} [{violation.rule}]", err=True)
        raise typer.Exit(1) from None
    data = jsonable(parsed)
    if as_json:
        typer.echo(json.dumps({"valid": True, **data}, ensure_ascii=False, indent=2))
        return
    typer.echo("valid")
    for line in lines(data):
        typer.echo(f"  {line}")


@check_app.command("uscc")
def check_uscc(
    value: Annotated[str, typer.Argument(help="统一社会信用代码 (18 characters)")],
    as_json: JsonOption = False,
    skip_organization_code: Annotated[
        bool, typer.Option("--skip-organization-code", help="Do not check the GB 11714 check character (pos. 17).")
    ] = False,
) -> None:
    """Unified social credit code (GB 32100-2015)."""
    _run(lambda: ids.parse_uscc(value, check_organization_code=not skip_organization_code), as_json)


@check_app.command("region")
def check_region(
    value: Annotated[str, typer.Argument(help="GB/T 2260 code (6 digits)")],
    as_json: JsonOption = False,
) -> None:
    """Administrative-division code (GB/T 2260), with its parent chain; retired codes are accepted and marked."""
    _run(lambda: ids.parse_region(value), as_json)


@check_app.command("equipment-code")
def check_equipment_code(
    value: Annotated[str, typer.Argument(help="设备代码 (18), legacy 注册代码 (20) or '-'")],
    as_json: JsonOption = False,
) -> None:
    """Equipment code (TSG 08-2017) or legacy 20-character registration code."""
    _run(lambda: ids.parse_equipment_code(value), as_json)


@check_app.command("registration-number")
def check_registration_number(
    value: Annotated[str, typer.Argument(help="使用登记证编号, e.g. 梯11豫A00001(17)")],
    as_json: JsonOption = False,
) -> None:
    """Use-registration certificate number; full-width brackets are accepted, output uses half-width."""
    _run(lambda: ids.parse_registration_number(value), as_json)


@check_app.command("rescue-code")
def check_rescue_code(
    value: Annotated[str, typer.Argument(help="96333 rescue identification code")],
    region: Annotated[str, typer.Option("--region", help="GB/T 2260 code of the elevator's location.")] = "410100",
    as_json: JsonOption = False,
) -> None:
    """Elevator rescue code against its region's pattern (default region 410100 郑州市)."""
    _run(lambda: ids.validate_rescue_code(value, region), as_json)


@check_app.command("id-number")
def check_id_number(
    value: Annotated[str, typer.Argument(help="公民身份号码 (18 characters)")],
    as_json: JsonOption = False,
) -> None:
    """Resident ID number (GB 11643): check character and birth date."""
    _run(lambda: ids.parse_id_number(value), as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(check_app, name="check")
