"""``dualprev equipment …``: record what happens to a piece of equipment — an accident, a major repair or
alteration, a change of place of use, suspension, restart, scrapping, transfer — and read its events and
whether it may be used.

Each command is one transaction with all of the event's consequences (risk points marked for review, the
accident's credit record, the ledger status); see ``docs/equipment-events.md``. ``--request-id`` makes a retry
safe: the same request returns the first result.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dualprev_sdk.cli.common import DbOption, JsonOption, open_sdk

if TYPE_CHECKING:
    from dualprev_sdk.domain.equipment_events import EquipmentEvent, EquipmentEventDetails
    from dualprev_sdk.services.equipment_events import RecordedEvent

ActorOption = Annotated[str, typer.Option("--actor", help="Who records it.")]
RequestOption = Annotated[str, typer.Option("--request-id", help="Retry key: the same request is recorded once.")]
DateOption = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today, Asia/Shanghai).")]


def _day(value: str | None, field: str = "date") -> dt.date:
    from dualprev_sdk import timeutil
    from dualprev_sdk.errors import InvalidArgument

    if not value:
        return timeutil.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidArgument.single(field, value, "date.format", "YYYY-MM-DD") from None


def _event_dict(event: EquipmentEvent) -> dict[str, Any]:
    from dualprev_sdk.serialization import converter

    return {
        "id": event.id,
        "equipment_id": event.equipment_id,
        "kind": event.kind.value,
        "day": event.day.isoformat(),
        "actor": event.actor,
        "version": event.version,
        "details": converter.unstructure(event.details),
    }


def _record(
    db: str | None, equipment_id: str, details: EquipmentEventDetails, *, actor: str, request_id: str, as_json: bool
) -> None:
    from dualprev_sdk.services import equipment_events as svc

    with open_sdk(db) as sdk:
        result = svc.record_equipment_event(sdk, equipment_id, details, actor=actor, request_id=request_id)
    _echo(result, as_json)


def _echo(result: RecordedEvent, as_json: bool) -> None:
    if as_json:
        data = _event_dict(result.event) | {
            "status": result.equipment.status.value,
            "marked_points": list(result.marked_points),
            "credit_record_id": result.credit_record.id if result.credit_record else None,
            "replayed": result.replayed,
        }
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    line = (
        f"已记录{result.event.kind.name_zh} {result.event.id}（设备 {result.event.equipment_id}，"
        f"状态：{result.equipment.status.name_zh}）"
    )
    if result.marked_points:
        line += f"；{len(result.marked_points)} 个风险点待复评"
    if result.credit_record is not None:
        line += f"；信用记录 {result.credit_record.id}"
    if result.replayed:
        line += "（重复请求，返回首次结果）"
    typer.echo(line)


def register(app: typer.Typer) -> None:
    equipment = typer.Typer(
        help="设备事件：事故、重大修理、改造、移装、停用、启用、报废、过户 (equipment events).", no_args_is_help=True
    )
    app.add_typer(equipment, name="equipment")

    @equipment.command("accident")
    def accident(  # noqa: PLR0917 - typer reads the parameters
        equipment_id: str,
        actor: ActorOption,
        severity: Annotated[str, typer.Option(help="extraordinary|major|serious|general (特别重大/重大/较大/一般)")],
        description: Annotated[str, typer.Option(help="What happened.")],
        occurred_at: Annotated[
            str | None, typer.Option(help="ISO date-time with offset (default: now).", show_default=False)
        ] = None,
        deaths: int = 0,
        serious_injuries: int = 0,
        minor_injuries: int = 0,
        major_loss: Annotated[bool, typer.Option("--major-loss", help="Major economic loss.")] = False,
        request_id: RequestOption = "",
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Record an accident: risk points marked, the ACCIDENT credit record, 重大 until rectified."""
        from dualprev_sdk import timeutil
        from dualprev_sdk.domain.equipment_events import Accident
        from dualprev_sdk.serialization import structure

        details = structure(
            {
                "occurred_at": occurred_at or timeutil.now().isoformat(),
                "severity": severity,
                "description": description,
                "deaths": deaths,
                "serious_injuries": serious_injuries,
                "minor_injuries": minor_injuries,
                "major_loss": major_loss,
            },
            Accident,
        )
        _record(db, equipment_id, details, actor=actor, request_id=request_id, as_json=as_json)

    def _work(kind: str) -> Any:
        def command(  # noqa: PLR0917 - typer reads the parameters
            equipment_id: str,
            actor: ActorOption,
            contractor: Annotated[str, typer.Option(help="The licensed unit that did the work.")],
            date: DateOption = None,
            description: str = "",
            no_change_registration: Annotated[
                bool, typer.Option("--no-change-registration", help="Registration data unchanged (特设法 art. 47).")
            ] = False,
            supervisory_inspection_on: Annotated[
                str | None, typer.Option(help="Day a supervisory inspection of the work passed.")
            ] = None,
            request_id: RequestOption = "",
            db: DbOption = None,
            as_json: JsonOption = False,
        ) -> None:
            from dualprev_sdk.domain.equipment_events import Alteration, MajorRepair

            cls = MajorRepair if kind == "repair" else Alteration
            inspected = (
                _day(supervisory_inspection_on, "supervisory_inspection_on") if supervisory_inspection_on else None
            )
            details = cls(
                performed_on=_day(date),
                contractor=contractor,
                description=description,
                change_registration_needed=not no_change_registration,
                supervisory_inspection_passed=inspected is not None,
                supervisory_inspection_on=inspected,
            )
            _record(db, equipment_id, details, actor=actor, request_id=request_id, as_json=as_json)

        command.__doc__ = (
            "Record a major repair (重大修理): points marked; not usable until inspected and re-registered."
            if kind == "repair"
            else "Record an alteration (改造): points marked; not usable until inspected and re-registered."
        )
        return command

    equipment.command("repair")(_work("repair"))
    equipment.command("alter")(_work("alter"))

    @equipment.command("relocate")
    def relocate(  # noqa: PLR0917 - typer reads the parameters
        equipment_id: str,
        actor: ActorOption,
        address: str = "",
        building: str = "",
        floor: str = "",
        area: str = "",
        date: DateOption = None,
        note: str = "",
        request_id: RequestOption = "",
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Record a change of place of use (使用场所变更): the ledger location moves, points marked."""
        from dualprev_sdk.domain.common import Location
        from dualprev_sdk.services import equipment_events as svc

        to = Location(address=address, building=building, floor=floor, area=area)
        with open_sdk(db) as sdk:
            result = svc.record_relocation(
                sdk, equipment_id, to_location=to, actor=actor, moved_on=_day(date), note=note, request_id=request_id
            )
        _echo(result, as_json)

    @equipment.command("suspend")
    def suspend(  # noqa: PLR0917 - typer reads the parameters
        equipment_id: str,
        actor: ActorOption,
        date: DateOption = None,
        reason: str = "",
        planned_until: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
        notified_on: Annotated[str | None, typer.Option(help="Day the registration authority was told.")] = None,
        request_id: RequestOption = "",
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Record a suspension (停用)."""
        from dualprev_sdk.domain.equipment_events import Suspension

        details = Suspension(
            since=_day(date),
            reason=reason,
            planned_until=_day(planned_until, "planned_until") if planned_until else None,
            notified_on=_day(notified_on, "notified_on") if notified_on else None,
        )
        _record(db, equipment_id, details, actor=actor, request_id=request_id, as_json=as_json)

    @equipment.command("restart")
    def restart(  # noqa: PLR0917 - typer reads the parameters
        equipment_id: str,
        actor: ActorOption,
        self_check_done: Annotated[bool, typer.Option("--self-check-done", help="The self-check was done.")] = False,
        date: DateOption = None,
        note: str = "",
        request_id: RequestOption = "",
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Record a restart after suspension (重新启用; the self-check is required)."""
        from dualprev_sdk.domain.equipment_events import Restart

        details = Restart(on=_day(date), self_check_done=self_check_done, note=note)
        _record(db, equipment_id, details, actor=actor, request_id=request_id, as_json=as_json)

    @equipment.command("scrap")
    def scrap(  # noqa: PLR0917 - typer reads the parameters
        equipment_id: str,
        actor: ActorOption,
        reason: Annotated[str, typer.Option(help="Why it is scrapped.")],
        function_destroyed: Annotated[bool, typer.Option("--function-destroyed")] = False,
        date: DateOption = None,
        request_id: RequestOption = "",
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Record scrapping (报废, 特设法 art. 48)."""
        from dualprev_sdk.domain.equipment_events import Scrapping

        details = Scrapping(on=_day(date), reason=reason, function_destroyed=function_destroyed)
        _record(db, equipment_id, details, actor=actor, request_id=request_id, as_json=as_json)

    @equipment.command("transfer")
    def transfer(  # noqa: PLR0917 - typer reads the parameters
        equipment_id: str,
        actor: ActorOption,
        to_uscc: Annotated[str, typer.Option(help="USCC of the receiving unit.")] = "",
        to_name: Annotated[str, typer.Option(help="Name of the receiving unit.")] = "",
        date: DateOption = None,
        request_id: RequestOption = "",
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Record a transfer (过户) to another unit."""
        from dualprev_sdk.domain.equipment_events import Transfer

        details = Transfer(on=_day(date), to_unit_uscc=to_uscc, to_unit_name=to_name)
        _record(db, equipment_id, details, actor=actor, request_id=request_id, as_json=as_json)

    @equipment.command("rectify")
    def rectify(
        event_id: str,
        actor: ActorOption,
        version: Annotated[int, typer.Option(help="The event version read (etag).")],
        date: DateOption = None,
        db: DbOption = None,
    ) -> None:
        """An accident's conditions are removed: it no longer makes the equipment 重大."""
        from dualprev_sdk.services import equipment_events as svc

        with open_sdk(db) as sdk:
            stored = svc.rectify_accident(sdk, event_id, rectified_on=_day(date), actor=actor, expected_version=version)
        typer.echo(f"事故 {stored.id} 已整改（版本 {stored.version}）")

    @equipment.command("registered")
    def registered(
        event_id: str,
        actor: ActorOption,
        version: Annotated[int, typer.Option(help="The event version read (etag).")],
        date: DateOption = None,
        db: DbOption = None,
    ) -> None:
        """The change registration after a major repair or alteration is done (变更登记)."""
        from dualprev_sdk.services import equipment_events as svc

        with open_sdk(db) as sdk:
            stored = svc.record_change_registration(
                sdk, event_id, registered_on=_day(date), actor=actor, expected_version=version
            )
        typer.echo(f"{stored.kind.name_zh} {stored.id} 已办理变更登记（版本 {stored.version}）")

    @equipment.command("events")
    def events(equipment_id: str, db: DbOption = None, as_json: JsonOption = False) -> None:
        """The equipment's recorded events, oldest first."""
        from dualprev_sdk.services import equipment_events as svc

        with open_sdk(db) as sdk:
            items = svc.equipment_events(sdk, equipment_id)
        if as_json:
            typer.echo(json.dumps([_event_dict(e) for e in items], ensure_ascii=False))
            return
        for e in items:
            typer.echo(f"{e.day.isoformat()}  {e.kind.name_zh}  {e.id}  v{e.version}  {e.actor}")

    @equipment.command("usable")
    def usable(equipment_id: str, db: DbOption = None, as_json: JsonOption = False) -> None:
        """Whether the equipment may be used now, and why not. Exit 1 when it may not."""
        from dualprev_sdk.services import equipment_events as svc

        with open_sdk(db) as sdk:
            result = svc.equipment_usability(sdk, equipment_id)
        if as_json:
            data = {"equipment_id": equipment_id, "usable": result.usable, "reasons": list(result.reasons)}
            typer.echo(json.dumps(data, ensure_ascii=False))
        else:
            typer.echo("可以使用" if result.usable else "不得使用：" + "；".join(result.reasons))
        if not result.usable:
            raise typer.Exit(1)
