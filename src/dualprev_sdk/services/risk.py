"""Risk identification, grading and control for a unit (风险辨识、评价、分级管控) as use cases.

Each function is one unit of work: the change, its history entry (``risk_point_versions``) and its outbox event
commit together or not at all. The equipment-class plugins provide the templates (``risk_templates``) and the
checklist items; this module never imports a plugin, it asks the SDK's plugin host.

Identification is idempotent: a generated point's id is derived from the equipment and the template code, so
running it again (after adding equipment) only creates what is missing and never overwrites the unit's edits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import ControlLevel, RiskLevel, SafetyRole
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.risk import (
    ReviewTrigger,
    RiskPoint,
    RiskPointChange,
    RiskPointVersion,
    changed_fields,
    classify_change,
)
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.equipment_classes import ChecklistItem, EquipmentClass, RiskTemplate
from dualprev_sdk.errors import FieldViolation, InvalidArgument, NotFound
from dualprev_sdk.grading.api import get_method, grading_methods
from dualprev_sdk.grading.results import Grade
from dualprev_sdk.importing.report import ImportReport, RowError
from dualprev_sdk.reports.checklist import InvestigationChecklist, build_checklist
from dualprev_sdk.reports.control_list import ControlList, ControlListRow, EditedRow, read_control_list
from dualprev_sdk.reports.notification_card import render_notification_card
from dualprev_sdk.reports.risk_map import render_risk_map
from dualprev_sdk.reports.svg import SvgDocument
from dualprev_sdk.store.risk_points import ControlListKey
from dualprev_sdk.store.uow import UnitOfWork

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "ControlListImportReport",
    "ControlListKey",
    "IdentificationResult",
    "TriggerSweep",
    "add_risk_point",
    "apply_review_triggers",
    "build_control_list",
    "build_investigation_checklist",
    "complete_review",
    "control_list_key",
    "edit_risk_point",
    "grade_point",
    "identify_unit_risks",
    "import_control_list",
    "list_control_list_rows",
    "mark_for_review",
    "notification_card",
    "regrade_risk_point",
    "remove_risk_point",
    "risk_map",
    "risk_point_history",
    "risk_point_resource",
]

_ALL = 1_000_000
_CONTROL_RANK = {ControlLevel.COMPANY: 0, ControlLevel.DEPARTMENT: 1, ControlLevel.TEAM: 2, ControlLevel.POST: 3}


def risk_point_resource(point_id: str) -> str:
    return f"riskPoints/{point_id}"


def _unit_resource(uscc: str) -> str:
    return f"units/{uscc}"


@attrs.frozen(kw_only=True)
class IdentificationResult:
    """What :func:`identify_unit_risks` did: points created, ids that already existed (kept as the unit edited
    them), and equipment no installed plugin claims (nothing generated for them: add points by hand)."""

    created: tuple[RiskPoint, ...]
    existing: tuple[str, ...]
    unclassified: tuple[str, ...]


# ---------------------------------------------------------------------------------------------------------------
# grading helpers
# ---------------------------------------------------------------------------------------------------------------


def grade_point(sdk: Dualprev, method: str, factors: dict[str, float]) -> Grade:
    """Grade with any registered method by name (``lec``, ``ls``, ``mes`` or a plugin's); bad factors raise
    InvalidArgument naming the allowed values."""
    return get_method(method, registry=grading_methods(sdk.host)).grade(**factors)


def _apply_grade(point: RiskPoint, grade: Grade) -> RiskPoint:
    template_rank = _CONTROL_RANK[point.control_level]
    level_rank = _CONTROL_RANK[grade.level.default_control_level]
    control = point.control_level if template_rank <= level_rank else grade.level.default_control_level
    return attrs.evolve(
        point,
        method=grade.method,
        factors=dict(grade.factors),
        score=grade.score,
        level=grade.level,
        control_level=control,
    )


def _point_id(equipment_id: str, template_code: str) -> str:
    natural = f"RP-{equipment_id}-{template_code}"
    if len(natural) <= 64:
        return natural
    digest = hashlib.sha256(equipment_id.encode()).hexdigest()[:16]
    return f"RP-{digest}-{template_code}"[:64]


def _responsible(unit: UseUnit, equipment: Equipment | None, role: SafetyRole) -> str:
    kind = equipment.kind_code if equipment else None
    holders = unit.holders_of(role, kind)
    if holders:
        return holders[0].name
    if role is SafetyRole.SAFETY_OFFICER and equipment is not None:
        return equipment.safety_officer
    return ""


def _from_template(
    sdk: Dualprev, unit: UseUnit, equipment: Equipment, template: RiskTemplate, method: str
) -> RiskPoint:
    point = RiskPoint(
        id=_point_id(equipment.id, template.code),
        unit_uscc=unit.uscc,
        equipment_id=equipment.id,
        template_code=template.code,
        component=template.component,
        hazard_factor=template.hazard_factor,
        accident_types=template.accident_types,
        measures=template.measures,
        control_level=template.control_level,
        responsible_role=template.responsible_role,
        responsible_person=_responsible(unit, equipment, template.responsible_role),
        check_frequency=template.check_frequency,
    )
    suggested: dict[str, tuple[str, tuple[float, ...] | None]] = {
        "lec": ("lec", template.suggested_lec),
        "ls": ("ls", template.suggested_ls),
    }
    order = [method, *(m for m in ("lec", "ls") if m != method)]
    for name in order:
        _, values = suggested.get(name, (name, None))
        if values is None:
            continue
        factors = dict(zip(get_method(name, registry=grading_methods(sdk.host)).factor_names, values, strict=True))
        return _apply_grade(point, grade_point(sdk, name, {k: float(v) for k, v in factors.items()}))
    # no suggested factors: keep the class's inherent level and ask a person to grade it
    return attrs.evolve(point, needs_review=True, review_reason="模板未给出评价因子，需人工评价")


def _class_for(sdk: Dualprev, equipment: Equipment) -> EquipmentClass | None:
    return sdk.host.equipment_classes.for_code(equipment.catalog_code)


def _history(uow: UnitOfWork, point: RiskPoint, change: RiskPointChange, reason: str, actor: str) -> RiskPointVersion:
    entry = RiskPointVersion(
        point_id=point.id,
        version=max(point.version, uow.risk_points.last_version(point.id) + 1),
        change=change,
        reason=reason,
        actor=actor,
        at=timeutil.now(),
        snapshot=point,
    )
    uow.risk_points.add_version(entry)
    return entry


def _require_actor(actor: str) -> None:
    if not actor.strip():
        raise InvalidArgument.single("actor", actor, "required", "every change names the person who made it")


# ---------------------------------------------------------------------------------------------------------------
# identification and edits
# ---------------------------------------------------------------------------------------------------------------


def identify_unit_risks(
    sdk: Dualprev,
    unit_uscc: str,
    *,
    actor: str,
    method: str = "lec",
    equipment_ids: Sequence[str] | None = None,
) -> IdentificationResult:
    """Generate each piece of equipment's risk points from its class's templates and grade them (LEC from the
    template's suggested factors by default; ``method="ls"`` uses the LS suggestions). Scrapped or transferred
    equipment is skipped; existing points are left exactly as the unit edited them."""
    _require_actor(actor)
    if method not in ("lec", "ls"):
        raise InvalidArgument.single(
            "method", method, "risk.identify.method", "templates suggest factors for lec or ls"
        )
    with sdk.uow() as uow:
        unit = uow.units.get(unit_uscc)
        equipment = [
            e
            for e in uow.equipment.list(unit_uscc=unit_uscc, limit=_ALL)
            if (equipment_ids is None or e.id in equipment_ids) and e.status.value in ("in_use", "suspended")
        ]
        if equipment_ids is not None:
            missing = sorted(set(equipment_ids) - {e.id for e in equipment})
            if missing:
                raise NotFound("equipment of unit " + unit_uscc, ", ".join(missing))
        existing_ids = {p.id for p in uow.risk_points.list_all(unit_uscc=unit_uscc)}
        created: list[RiskPoint] = []
        existing: list[str] = []
        unclassified: list[str] = []
        for eq in equipment:
            cls = _class_for(sdk, eq)
            if cls is None:
                unclassified.append(eq.id)
                continue
            for template in cls.risk_templates(eq.catalog_code):
                if not template.applies(eq.catalog_code):
                    continue
                point = _from_template(sdk, unit, eq, template, method)
                if point.id in existing_ids:
                    existing.append(point.id)
                    continue
                existing_ids.add(point.id)
                stored = uow.risk_points.add(point)
                _history(uow, stored, RiskPointChange.IDENTIFIED, f"{cls.name_zh}风险辨识模板 {template.code}", actor)
                created.append(stored)
        if created:
            uow.emit(
                "risk_points.identified",
                _unit_resource(unit_uscc),
                {
                    "unit_uscc": unit_uscc,
                    "method": method,
                    "created": [p.id for p in created],
                    "levels": {str(int(lvl)): sum(p.level is lvl for p in created) for lvl in RiskLevel},
                    "actor": actor,
                },
            )
        uow.commit()
    return IdentificationResult(created=tuple(created), existing=tuple(existing), unclassified=tuple(unclassified))


def _validate_point(uow: UnitOfWork, point: RiskPoint, unit_equipment: Mapping[str, Equipment] | None = None) -> None:
    """Every broken rule of ``point`` at once. ``unit_equipment``: the unit's equipment when the caller has read it
    already (an import checks many points; otherwise the point's equipment is read here)."""
    out: list[FieldViolation] = []
    if not point.id.strip():
        out.append(FieldViolation("id", point.id, "required", "a risk point needs an id"))
    if not point.component.strip():
        out.append(
            FieldViolation("component", point.component, "required", "name the part or activity (部位/作业活动)")
        )
    if not point.hazard_factor.strip():
        out.append(
            FieldViolation("hazard_factor", point.hazard_factor, "required", "describe the hazard (危险有害因素)")
        )
    if point.measures.is_empty():
        out.append(
            FieldViolation("measures", None, "risk.measures", "at least one control measure (管控措施) is needed")
        )
    if point.equipment_id is not None:
        if unit_equipment is None:
            eq = uow.equipment.find(point.equipment_id)
        else:
            eq = unit_equipment.get(point.equipment_id)
        if eq is None or eq.unit_uscc != point.unit_uscc:
            out.append(
                FieldViolation(
                    "equipment_id",
                    point.equipment_id,
                    "risk.equipment.unit",
                    f"no such equipment in unit {point.unit_uscc}",
                )
            )
    if out:
        raise InvalidArgument(out)


def add_risk_point(sdk: Dualprev, point: RiskPoint, *, actor: str, reason: str = "") -> RiskPoint:
    """Add a point by hand. When ``method`` and ``factors`` are given the point is graded by them."""
    _require_actor(actor)
    if point.method and point.factors:
        point = _apply_grade(point, grade_point(sdk, point.method, point.factors))
    with sdk.uow() as uow:
        uow.units.get(point.unit_uscc)
        _validate_point(uow, point)
        stored = uow.risk_points.add(point)
        _history(uow, stored, RiskPointChange.ADDED, reason or "人工新增", actor)
        uow.emit("risk_point.added", risk_point_resource(stored.id), _payload(stored, actor, reason))
        uow.commit()
    return stored


def _payload(point: RiskPoint, actor: str, reason: str, **extra: Any) -> dict[str, Any]:
    return {
        "point_id": point.id,
        "unit_uscc": point.unit_uscc,
        "equipment_id": point.equipment_id,
        "level": int(point.level),
        "version": point.version,
        "actor": actor,
        "reason": reason,
        **extra,
    }


def _update(
    uow: UnitOfWork, sdk: Dualprev, before: RiskPoint, after: RiskPoint, *, actor: str, reason: str
) -> RiskPoint:
    if after.method and after.factors and (after.method, after.factors) != (before.method, before.factors):
        after = _apply_grade(after, grade_point(sdk, after.method, after.factors))
    change = classify_change(before, after)
    if change is RiskPointChange.REGRADED and not reason.strip():
        raise InvalidArgument.single(
            "reason", reason, "risk.regrade.reason", "a change of grading (method, factors or level) needs a reason"
        )
    _validate_point(uow, after)
    fields = changed_fields(before, after)
    if not fields:
        return before
    stored = uow.risk_points.update(after)
    _history(uow, stored, change, reason or "修改", actor)
    uow.emit(
        f"risk_point.{change.value}",
        risk_point_resource(stored.id),
        _payload(stored, actor, reason, fields=fields, previous_level=int(before.level)),
    )
    return stored


def edit_risk_point(sdk: Dualprev, point: RiskPoint, *, actor: str, reason: str = "") -> RiskPoint:
    """Save an edited point (``point.version`` = the version read). Changed grading inputs re-grade it and then
    need a ``reason``; every change becomes a version in the point's history."""
    _require_actor(actor)
    with sdk.uow() as uow:
        before = uow.risk_points.get(point.id)
        if before.unit_uscc != point.unit_uscc:
            raise InvalidArgument.single("unit_uscc", point.unit_uscc, "risk.unit.fixed", "a point cannot change unit")
        stored = _update(uow, sdk, attrs.evolve(before, version=point.version), point, actor=actor, reason=reason)
        uow.commit()
    return stored


def regrade_risk_point(
    sdk: Dualprev,
    point_id: str,
    *,
    method: str,
    factors: dict[str, float],
    reason: str,
    actor: str,
    expected_version: int,
) -> RiskPoint:
    """Re-grade with a method and factors (``reason`` required: why the grade changed)."""
    _require_actor(actor)
    if not reason.strip():
        raise InvalidArgument.single("reason", reason, "risk.regrade.reason", "a re-grade needs a reason")
    with sdk.uow() as uow:
        before = uow.risk_points.get(point_id)
        graded = _apply_grade(attrs.evolve(before, version=expected_version), grade_point(sdk, method, factors))
        before_v = attrs.evolve(before, version=expected_version)
        stored = _update(uow, sdk, before_v, graded, actor=actor, reason=reason)
        if stored is before_v:  # same grade again: still a recorded re-assessment
            stored = uow.risk_points.update(graded)
            _history(uow, stored, RiskPointChange.REGRADED, reason, actor)
            uow.emit("risk_point.regraded", risk_point_resource(point_id), _payload(stored, actor, reason, fields=[]))
        uow.commit()
    return stored


def remove_risk_point(sdk: Dualprev, point_id: str, *, expected_version: int, actor: str, reason: str) -> None:
    """Delete a point; its history (with the removed state) stays."""
    _require_actor(actor)
    if not reason.strip():
        raise InvalidArgument.single("reason", reason, "risk.remove.reason", "say why the risk point is removed")
    with sdk.uow() as uow:
        point = uow.risk_points.get(point_id)
        uow.risk_points.delete(point_id, expected_version=expected_version)
        removed = attrs.evolve(point, version=point.version + 1)
        _history(uow, removed, RiskPointChange.REMOVED, reason, actor)
        uow.emit("risk_point.removed", risk_point_resource(point_id), _payload(removed, actor, reason))
        uow.commit()


def mark_for_review(
    sdk: Dualprev,
    *,
    unit_uscc: str,
    trigger: ReviewTrigger,
    actor: str,
    equipment_id: str | None = None,
    detail: str = "",
) -> list[RiskPoint]:
    """A reassessment trigger: mark the affected points (the equipment's, or the whole unit's) for review.

    An accident, a major repair or alteration, a major hazard or a change of place of use means the grades no
    longer describe reality; the points show as 待复评 on the control list until :func:`complete_review`.
    """
    _require_actor(actor)
    with sdk.uow() as uow:
        uow.units.get(unit_uscc)
        if equipment_id is not None:
            eq = uow.equipment.get(equipment_id)
            if eq.unit_uscc != unit_uscc:
                raise InvalidArgument.single("equipment_id", equipment_id, "risk.equipment.unit", "not this unit's")
        marked = mark_for_review_in(
            uow, unit_uscc=unit_uscc, trigger=trigger, actor=actor, equipment_id=equipment_id, detail=detail
        )
        uow.commit()
    return marked


def mark_for_review_in(
    uow: UnitOfWork,
    *,
    unit_uscc: str,
    trigger: ReviewTrigger,
    actor: str,
    equipment_id: str | None = None,
    detail: str = "",
    **payload: Any,
) -> list[RiskPoint]:
    """:func:`mark_for_review`'s writes inside the caller's unit of work (an equipment event marks its points in
    its own transaction): each point marked with a version in its history, one ``risk_points.review_requested``
    event; ``payload`` adds fields to that event."""
    reason = f"{trigger.name_zh}{('：' + detail) if detail else ''}"
    points = uow.risk_points.list_all(
        unit_uscc=unit_uscc, equipment_ids=[equipment_id] if equipment_id is not None else None
    )
    marked: list[RiskPoint] = []
    for point in points:
        stored = uow.risk_points.update(attrs.evolve(point, needs_review=True, review_reason=reason))
        _history(uow, stored, RiskPointChange.REVIEW_REQUESTED, reason, actor)
        marked.append(stored)
    uow.emit(
        "risk_points.review_requested",
        _unit_resource(unit_uscc),
        {
            "unit_uscc": unit_uscc,
            "equipment_id": equipment_id,
            "trigger": trigger.value,
            "detail": detail,
            "points": [p.id for p in marked],
            "actor": actor,
            **payload,
        },
    )
    return marked


def complete_review(
    sdk: Dualprev,
    point_id: str,
    *,
    actor: str,
    reason: str,
    expected_version: int,
    method: str | None = None,
    factors: dict[str, float] | None = None,
) -> RiskPoint:
    """Close a review: confirm the grade, or re-grade with ``method``/``factors``."""
    _require_actor(actor)
    if not reason.strip():
        raise InvalidArgument.single("reason", reason, "risk.review.reason", "record the outcome of the review")
    with sdk.uow() as uow:
        point = attrs.evolve(uow.risk_points.get(point_id), version=expected_version)
        after = attrs.evolve(point, needs_review=False, review_reason="")
        if method is not None and factors is not None:
            after = _apply_grade(after, grade_point(sdk, method, factors))
        stored = uow.risk_points.update(after)
        _history(uow, stored, RiskPointChange.REVIEWED, reason, actor)
        uow.emit(
            "risk_point.reviewed",
            risk_point_resource(point_id),
            _payload(stored, actor, reason, previous_level=int(point.level)),
        )
        uow.commit()
    return stored


def risk_point_history(sdk: Dualprev, point_id: str) -> list[RiskPointVersion]:
    with sdk.uow() as uow:
        history = uow.risk_points.history(point_id)
    if not history:
        raise NotFound("risk point history", point_id)
    return history


# ---------------------------------------------------------------------------------------------------------------
# control list and checklist
# ---------------------------------------------------------------------------------------------------------------


#: The class label of points that belong to no equipment of the unit (unit-wide activities).
_UNIT_LEVEL_CLASS = "单位级"


def _class_name_of_code(sdk: Dualprev, catalog_code: str) -> str:
    cls = sdk.host.equipment_classes.for_code(catalog_code)
    return cls.name_zh if cls is not None else f"其他（{catalog_code}）"


def _class_name(sdk: Dualprev, equipment: Equipment | None) -> str:
    if equipment is None:
        return _UNIT_LEVEL_CLASS
    return _class_name_of_code(sdk, equipment.catalog_code)


def control_list_key(row: ControlListRow) -> ControlListKey:
    """The row's place in the control list: class label, equipment id, level, point id. The printed list and
    :func:`list_control_list_rows` pages use this one order, so a page's last key continues either."""
    return ControlListKey(row.class_name_zh, row.point.equipment_id or "", int(row.point.level), row.point.id)


def build_control_list(
    sdk: Dualprev, unit_uscc: str, *, equipment_class: str | None = None, on: dt.date | None = None
) -> ControlList:
    """The unit's 风险管控清单 (optionally one equipment class, by key: ``"elevator"``)."""
    with sdk.uow() as uow:
        unit = uow.units.get(unit_uscc)
        equipment = {e.id: e for e in uow.equipment.list(unit_uscc=unit_uscc, limit=_ALL)}
        points = uow.risk_points.list_all(unit_uscc=unit_uscc)
    rows: list[ControlListRow] = []
    for point in points:
        eq = equipment.get(point.equipment_id or "")
        if equipment_class is not None:
            cls = _class_for(sdk, eq) if eq else None
            if cls is None or cls.key != equipment_class:
                continue
        rows.append(ControlListRow(point=point, equipment=eq, class_name_zh=_class_name(sdk, eq)))
    rows.sort(key=control_list_key)
    return ControlList(unit=unit, rows=tuple(rows), generated_on=on or timeutil.today())


def list_control_list_rows(
    sdk: Dualprev,
    unit_uscc: str,
    *,
    level: RiskLevel | None = None,
    equipment_id: str | None = None,
    needs_review: bool | None = None,
    after: ControlListKey | None = None,
    limit: int | None = None,
) -> list[ControlListRow]:
    """The unit's control-list rows in the printed list's order (:func:`control_list_key`), filtered, from the
    row after ``after`` (the last key of the previous page), at most ``limit``: one keyset page read in the
    database, so a page of a unit with hundreds of points reads its own rows, not the whole list. Without
    ``after`` and ``limit`` it is :func:`build_control_list`'s rows, filtered."""
    with sdk.uow() as uow:
        uow.units.get(unit_uscc)
        found = uow.risk_points.control_list_page(
            unit_uscc=unit_uscc,
            class_name=lambda code: _class_name_of_code(sdk, code),
            unit_level_class=_UNIT_LEVEL_CLASS,
            level=level,
            equipment_id=equipment_id,
            needs_review=needs_review,
            after=after,
            limit=limit,
        )
        equipment = uow.equipment.find_many(
            point.equipment_id for key, point in found if point.equipment_id and key.class_name_zh != _UNIT_LEVEL_CLASS
        )
    return [
        ControlListRow(point=point, equipment=equipment.get(point.equipment_id or ""), class_name_zh=key.class_name_zh)
        for key, point in found
    ]


def build_investigation_checklist(
    sdk: Dualprev, unit_uscc: str, *, on: dt.date | None = None
) -> InvestigationChecklist:
    """The unit's 隐患排查清单: the classes' checklist items for its equipment plus one item per risk point."""
    with sdk.uow() as uow:
        return investigation_checklist_in(
            sdk, uow, unit_uscc, uow.equipment.list(unit_uscc=unit_uscc, limit=_ALL), on=on
        )


def investigation_checklist_in(
    sdk: Dualprev, uow: UnitOfWork, unit_uscc: str, unit_equipment: Sequence[Equipment], *, on: dt.date | None = None
) -> InvestigationChecklist:
    """:func:`build_investigation_checklist` inside the caller's unit of work, from the unit's equipment the caller
    has read already (a duty task reads it for itself and need not read it twice)."""
    unit = uow.units.get(unit_uscc)
    equipment = [e for e in unit_equipment if e.status.value in ("in_use", "suspended")]
    points = uow.risk_points.list_all(unit_uscc=unit_uscc)
    class_items: dict[str, Sequence[ChecklistItem]] = {}
    class_names: dict[str, str] = {}
    for eq in equipment:
        cls = _class_for(sdk, eq)
        class_names[eq.id] = _class_name(sdk, eq)
        if cls is not None:
            class_items[eq.id] = [i for i in cls.checklist_items(eq.catalog_code) if i.applies(eq.catalog_code)]
    return build_checklist(unit, equipment, points, class_items, class_names, generated_on=on or timeutil.today())


# ---------------------------------------------------------------------------------------------------------------
# import of an edited control list
# ---------------------------------------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class ControlListImportReport(ImportReport):
    """The ledger import's report with the control list's own counts."""

    points_created: int = 0
    points_updated: int = 0
    points_unchanged: int = 0
    points_removed: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            **super().summary(),
            "points_created": self.points_created,
            "points_updated": self.points_updated,
            "points_unchanged": self.points_unchanged,
            "points_removed": self.points_removed,
        }


def _level_of(sdk: Dualprev) -> Callable[[str, dict[str, float]], RiskLevel]:
    return lambda method, factors: grade_point(sdk, method, factors).level


def import_control_list(
    sdk: Dualprev,
    path: str | Path,
    *,
    unit_uscc: str,
    actor: str,
    dry_run: bool = False,
) -> ControlListImportReport:
    """Apply an edited control list (xlsx or csv, as exported) to the unit: all rows or none.

    Every problem of every row is reported (row number, column, value, reason) before anything is written:
    cells that cannot be read, unknown point ids or equipment, rows changed by someone else since the export
    (the 版本 column), re-grades without a 变更原因. ``dry_run`` validates and counts without committing.
    """
    _require_actor(actor)
    started = timeutil.now()
    parsed = read_control_list(path, grade=_level_of(sdk))
    report = ControlListImportReport(
        path=str(path), format=parsed.format, dry_run=dry_run, skip_invalid=False, rows_read=parsed.rows_read
    )
    for error in parsed.errors:
        report.add_error(error)
    bad_rows = {e.row for e in parsed.errors}
    with sdk.uow() as uow:
        unit = uow.units.get(unit_uscc)
        equipment = {e.id: e for e in uow.equipment.list(unit_uscc=unit_uscc, limit=_ALL)}
        current = {p.id: p for p in uow.risk_points.list_all(unit_uscc=unit_uscc)}
        plans: list[tuple[EditedRow, RiskPoint | None, RiskPoint | None]] = []  # row, before, after
        seen: dict[str, EditedRow] = {}  # point id → the row that first named it
        for row in parsed.rows:
            row_errors = _check_row(row, current, equipment)
            if row_errors:
                bad_rows.add(row.row)
                for e in row_errors:
                    report.add_error(e)
                continue
            before = current.get(row.point_id) if row.point_id else None
            after = None if row.delete else _row_to_point(sdk, row, unit, before, equipment)
            regraded = (
                before is not None and after is not None and classify_change(before, after) is RiskPointChange.REGRADED
            )
            if regraded and not row.reason:
                report.add_error(
                    RowError(
                        row=row.row,
                        column=row.column("变更原因"),
                        value="",
                        rule="risk.regrade.reason",
                        reason="修改了评价方法、评价因子或风险等级，须填写变更原因",
                    )
                )
                bad_rows.add(row.row)
                continue
            point_id = row.point_id or (after.id if after is not None else "")
            first = seen.setdefault(point_id, row)
            if first is not row:
                report.add_error(
                    RowError(
                        row=row.row,
                        column=row.column("风险点编号"),
                        value=row.point_id or "",
                        rule="control_list.point.duplicate",
                        reason=f"与{first.sheet + '表' if first.sheet else ''}第{first.row}行是同一风险点",
                    )
                )
                bad_rows.add(row.row)
                continue
            plans.append((row, before, after))
        report.rows_rejected = len(bad_rows)
        report.rows_valid = report.rows_read - report.rows_rejected
        if report.error_count:
            report.seconds = (timeutil.now() - started).total_seconds()
            return report
        touched: list[str] = []
        for row, before, after in plans:
            reason = row.reason or "风险管控清单导入"
            if after is None and before is not None:
                uow.risk_points.delete(before.id, expected_version=before.version)
                _history(uow, attrs.evolve(before, version=before.version + 1), RiskPointChange.REMOVED, reason, actor)
                report.points_removed += 1
                touched.append(before.id)
            elif before is None and after is not None:
                _validate_point(uow, after, equipment)
                stored = uow.risk_points.add(after)
                _history(uow, stored, RiskPointChange.ADDED, reason, actor)
                report.points_created += 1
                touched.append(stored.id)
            elif before is not None and after is not None:
                if not changed_fields(before, after):
                    report.points_unchanged += 1
                    continue
                stored = uow.risk_points.update(after)
                _history(uow, stored, classify_change(before, after), reason, actor)
                report.points_updated += 1
                touched.append(stored.id)
        if touched:
            uow.emit(
                "risk_points.imported",
                _unit_resource(unit_uscc),
                {"unit_uscc": unit_uscc, "points": touched, "actor": actor, **report.summary()},
            )
        if not dry_run:
            uow.commit()
            report.committed = True
            report.events_emitted = 1 if touched else 0
    report.seconds = (timeutil.now() - started).total_seconds()
    return report


def _check_row(row: EditedRow, current: dict[str, RiskPoint], equipment: dict[str, Equipment]) -> list[RowError]:
    out: list[RowError] = []

    def err(heading: str, value: Any, rule: str, reason: str) -> None:
        out.append(RowError(row=row.row, column=row.column(heading), value=value, rule=rule, reason=reason))

    if row.point_id is not None:
        before = current.get(row.point_id)
        if before is None and (row.delete or row.version is not None):
            err("风险点编号", row.point_id, "control_list.point.unknown", "本单位没有这个风险点（可能已被删除）")
        elif before is not None and row.version is not None and row.version != before.version:
            err(
                "版本",
                row.version,
                "control_list.version.stale",
                f"导出后已被修改（当前版本 {before.version}），请重新导出后再编辑",
            )
        elif before is not None and (before.equipment_id or None) != row.equipment_id:
            err("设备ID", row.equipment_id, "control_list.equipment.fixed", "已有风险点不能改到其他设备，请新增一行")
    if row.equipment_id is not None and row.equipment_id not in equipment:
        err("设备ID", row.equipment_id, "control_list.equipment.unknown", "本单位台账中没有这台设备")
    if not row.delete and row.level is None and not row.method:
        err("风险等级", "", "required", "填写评价方法和评价因子，或风险等级")
    return out


def _row_to_point(
    sdk: Dualprev, row: EditedRow, unit: UseUnit, before: RiskPoint | None, equipment: dict[str, Equipment]
) -> RiskPoint:
    eq = equipment.get(row.equipment_id or "")
    level = row.level or (before.level if before else RiskLevel.LOW)
    base = before or RiskPoint(
        id=row.point_id or _new_point_id(row, eq),
        unit_uscc=unit.uscc,
        equipment_id=row.equipment_id,
        component=row.component,
        hazard_factor=row.hazard_factor,
    )
    method, factors, score = row.method, row.factors, base.score
    if row.method and row.factors:
        grade = grade_point(sdk, row.method, row.factors)
        method, factors, score, level = grade.method, dict(grade.factors), grade.score, grade.level
    elif before is None or (row.method, row.factors) != (before.method, before.factors):
        score = None
    return attrs.evolve(
        base,
        component=row.component,
        hazard_factor=row.hazard_factor,
        accident_types=row.accident_types,
        method=method,
        factors=factors,
        score=score,
        level=level,
        measures=row.measures,
        control_level=row.control_level,
        responsible_role=row.responsible_role,
        responsible_person=row.responsible_person,
        check_frequency=row.check_frequency,
    )


def _new_point_id(row: EditedRow, eq: Equipment | None) -> str:
    digest = hashlib.sha256(f"{row.equipment_id}|{row.component}|{row.hazard_factor}".encode()).hexdigest()[:10]
    return f"RP-{eq.id if eq else 'UNIT'}-U{digest}"[:64]


# ---------------------------------------------------------------------------------------------------------------
# notification cards and the four-colour map
# ---------------------------------------------------------------------------------------------------------------


def notification_card(
    sdk: Dualprev, equipment_id: str, *, point_id: str | None = None, on: dt.date | None = None
) -> SvgDocument:
    """The 风险告知卡 of one piece of equipment (all its points) or of one of its risk points."""
    with sdk.uow() as uow:
        equipment = uow.equipment.get(equipment_id)
        unit = uow.units.get(equipment.unit_uscc)
        points = uow.risk_points.list_all(unit_uscc=unit.uscc, equipment_ids=[equipment_id])
    if point_id is not None:
        points = [p for p in points if p.id == point_id]
        if not points:
            raise NotFound(f"risk point of equipment {equipment_id}", point_id)
    role = min((p.responsible_role for p in points), key=_ROLE_RANK.__getitem__, default=SafetyRole.SAFETY_OFFICER)
    holders = unit.holders_of(role, equipment.kind_code) or unit.holders_of(
        SafetyRole.SAFETY_OFFICER, equipment.kind_code
    )
    responsible = holders[0].name if holders else equipment.safety_officer
    phone = holders[0].phone if holders else ""
    return render_notification_card(
        unit,
        equipment,
        points,
        equipment_class_zh=_class_name(sdk, equipment),
        responsible=responsible,
        phone=phone,
        on=on or timeutil.today(),
    )


_ROLE_RANK = {
    SafetyRole.PRINCIPAL: 0,
    SafetyRole.SAFETY_DIRECTOR: 1,
    SafetyRole.SAFETY_OFFICER: 2,
    SafetyRole.OPERATOR: 3,
    SafetyRole.MAINTENANCE: 4,
}


def risk_map(
    sdk: Dualprev, unit_uscc: str, *, on: dt.date | None = None, plan_extent: tuple[float, float] | None = None
) -> SvgDocument:
    """The unit's 四色分布图 (site plan when every item has coordinates, else the building/floor/area schematic)."""
    with sdk.uow() as uow:
        unit = uow.units.get(unit_uscc)
        equipment = [
            e for e in uow.equipment.list(unit_uscc=unit_uscc, limit=_ALL) if e.status.value in ("in_use", "suspended")
        ]
        points = uow.risk_points.list_all(unit_uscc=unit_uscc)
    names = {e.id: _class_name(sdk, e) for e in equipment}
    return render_risk_map(
        unit, equipment, points, on=on or timeutil.today(), class_names=names, plan_extent=plan_extent
    )


# ---------------------------------------------------------------------------------------------------------------
# automatic review triggers
# ---------------------------------------------------------------------------------------------------------------

REVIEW_TRIGGER_ACTOR = "system:risk-review-triggers"


@attrs.frozen(kw_only=True)
class TriggerSweep:
    """What :func:`apply_review_triggers` did: the cursor to resume from and the points it marked."""

    cursor: int
    marked: tuple[str, ...]


def apply_review_triggers(sdk: Dualprev, *, after: int = 0, limit: int = 1000) -> TriggerSweep:
    """Consume outbox events after ``after``: a hazard graded **major** marks its equipment's risk points for
    review (trigger ``MAJOR_HAZARD``). Store the returned cursor and pass it next time; replaying events is harmless
    (points already marked for the same hazard are left alone).

    Accidents, major repairs/alterations and relocations recorded through :mod:`dualprev_sdk.services.equipment_events`
    (CLI ``dualprev equipment …``) mark the points themselves, in the same transaction; :func:`mark_for_review`
    (CLI ``dualprev risk review``) remains for triggers learnt outside the SDK.
    """
    cursor = after
    marked: list[str] = []
    for event in sdk.read_events(after, limit):
        cursor = event.cursor
        if event.type != "hazard.graded" or event.payload.get("level") != "major":
            continue
        hazard_id = str(event.payload.get("hazard_id", ""))
        unit_uscc = str(event.payload.get("unit_uscc", ""))
        with sdk.uow() as uow:
            equipment_id = uow.hazards.get(hazard_id).equipment_id
            if equipment_id is None or uow.equipment.find(equipment_id) is None:
                continue
            points = uow.risk_points.list_all(unit_uscc=unit_uscc, equipment_ids=[equipment_id])
        reason = f"{ReviewTrigger.MAJOR_HAZARD.name_zh}：{hazard_id}"
        if not points or all(p.needs_review and p.review_reason == reason for p in points):
            continue
        done = mark_for_review(
            sdk,
            unit_uscc=unit_uscc,
            trigger=ReviewTrigger.MAJOR_HAZARD,
            actor=REVIEW_TRIGGER_ACTOR,
            equipment_id=equipment_id,
            detail=hazard_id,
        )
        marked.extend(p.id for p in done)
    return TriggerSweep(cursor=cursor, marked=tuple(marked))
