"""A hazard's full record as a document: JSON for machines (the data centre, an auditor's script) and xlsx for
people (the archive copy a safety officer prints and signs).

Both carry every stored event with its sequence, hashes and payload, plus the result of the chain check made
when the export was produced, so a printed record says whether the log it came from was intact.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dualprev_sdk import timeutil
from dualprev_sdk.domain.hazard import EVENT_TYPES, HazardCommand, HazardVocabulary, transition_for
from dualprev_sdk.domain.hazard_chain import canonical_json

if TYPE_CHECKING:
    from dualprev_sdk.services.hazards import HazardHistory

__all__ = ["FORMAT", "event_label_zh", "history_document", "write_history_json", "write_history_xlsx"]

FORMAT = "dualprev.hazard_history/v1"
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def event_label_zh(event_type: str) -> str:
    """The Chinese name of an event type, from the transition table (so it matches the state diagram)."""
    cls = EVENT_TYPES.get(event_type)
    if cls is None:
        return event_type
    if cls.command is HazardCommand.REPORT:
        return "隐患上报"
    return transition_for(cls.command).label_zh.replace("按GB 45067定级", "定级")


def history_document(history: HazardHistory) -> dict[str, Any]:
    """The JSON-ready export of one hazard."""
    return {
        "format": FORMAT,
        "exported_at": timeutil.now().isoformat(),
        "hazard": _summary(history),
        "events": [
            {
                "sequence": e.record.sequence,
                "type": e.record.event_type,
                "label_zh": event_label_zh(e.record.event_type),
                "occurred_at": e.occurred_at.isoformat(),
                "actor": e.actor,
                "request_id": e.request_id,
                "payload": dict(e.record.payload),
                "prev_hash": e.record.prev_hash,
                "hash": e.record.hash,
            }
            for e in history.events
        ],
        "chain": {
            "ok": history.chain.ok,
            "events_checked": history.chain.events_checked,
            "breaks": [
                {"sequence": b.sequence, "problem": b.problem, "expected": b.expected, "actual": b.actual}
                for b in history.chain.breaks
            ],
        },
    }


def _summary(history: HazardHistory) -> dict[str, Any]:
    hazard = history.hazard
    if hazard is None:  # the stored record no longer folds: export what is known and say so
        return dict.fromkeys(_SUMMARY_KEYS) | {
            "id": history.hazard_id,
            "region_code": history.region_code,
            "catalog_code": history.catalog_code,
            "state_zh": "记录无法读取（可能被篡改）",
        }
    plan = hazard.plan
    return {
        "id": hazard.id,
        "unit_uscc": hazard.unit_uscc,
        "region_code": history.region_code,
        "equipment_id": hazard.equipment_id,
        "catalog_code": history.catalog_code,
        "source": hazard.source.value,
        "source_zh": hazard.source.name_zh,
        "source_reference": hazard.source_reference,
        "description": hazard.description,
        "found_on": hazard.found_on.isoformat() if hazard.found_on else None,
        "finder": hazard.finder,
        "state": hazard.state.value,
        "state_zh": hazard.state.name_zh,
        "level": hazard.level.value if hazard.level else None,
        "level_zh": hazard.level.name_zh if hazard.level else None,
        "level_samr_zh": hazard.level.label(HazardVocabulary.SAMR_ORDERS) if hazard.level else None,
        "grading_basis": hazard.grading_basis.value if hazard.grading_basis else None,
        "criteria": [c.citation for c in hazard.criteria],
        "deadline": plan.deadline.isoformat() if plan and plan.deadline else None,
        "responsible_person": plan.responsible_person if plan else None,
        "rectifier": hazard.rectifier or None,
        "verifier": hazard.verifier or None,
        "closed_at": hazard.closed_at.isoformat() if hazard.closed_at else None,
        "version": hazard.version,
    }


_SUMMARY_KEYS = (
    "id",
    "unit_uscc",
    "region_code",
    "equipment_id",
    "catalog_code",
    "source",
    "source_zh",
    "source_reference",
    "description",
    "found_on",
    "finder",
    "state",
    "state_zh",
    "level",
    "level_zh",
    "level_samr_zh",
    "grading_basis",
    "criteria",
    "deadline",
    "responsible_person",
    "rectifier",
    "verifier",
    "closed_at",
    "version",
)


def write_history_json(history: HazardHistory, path: str | Path) -> Path:
    """Write the JSON export (UTF-8, Chinese readable) and return its path."""
    target = Path(path)
    target.write_text(json.dumps(history_document(history), ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def write_history_xlsx(history: HazardHistory, path: str | Path) -> Path:
    """Write the xlsx export: 隐患概况 (summary), 处理记录 (one row per event), 链校验 (chain check)."""
    doc = history_document(history)
    book = Workbook()
    summary = book.active
    summary.title = "隐患概况"
    labels = {
        "id": "隐患编号",
        "unit_uscc": "使用单位统一社会信用代码",
        "region_code": "行政区划代码",
        "equipment_id": "设备",
        "catalog_code": "设备品种代码",
        "source_zh": "隐患来源",
        "source_reference": "来源记录编号",
        "description": "隐患描述",
        "found_on": "发现日期",
        "finder": "发现人",
        "state_zh": "当前状态",
        "level_zh": "隐患等级",
        "level_samr_zh": "隐患等级（总局令用语）",
        "criteria": "判定依据",
        "deadline": "整改时限",
        "responsible_person": "整改责任人",
        "rectifier": "整改人",
        "verifier": "验收人",
        "closed_at": "销号时间",
        "version": "记录条数",
    }
    summary.append(["项目", "内容"])
    for key, label in labels.items():
        value = doc["hazard"][key]
        summary.append([label, "；".join(value) if isinstance(value, list) else value])
    _style(summary, widths=(26, 60))

    events = book.create_sheet("处理记录")
    events.append(["序号", "事项", "事件类型", "时间", "操作人", "请求编号", "内容", "前一哈希", "本条哈希"])
    for e in doc["events"]:
        content = {k: v for k, v in e["payload"].items() if k not in ("occurred_at", "actor", "request_id")}
        events.append(
            [
                e["sequence"],
                e["label_zh"],
                e["type"],
                e["occurred_at"],
                e["actor"],
                e["request_id"],
                canonical_json(content),
                e["prev_hash"],
                e["hash"],
            ]
        )
    _style(events, widths=(6, 16, 30, 27, 14, 24, 70, 66, 66))

    chain = book.create_sheet("链校验")
    chain.append(["校验结果", "完整" if doc["chain"]["ok"] else "已被篡改"])
    chain.append(["校验条数", doc["chain"]["events_checked"]])
    chain.append(["序号", "问题", "应为", "实为"])
    for b in doc["chain"]["breaks"]:
        chain.append([b["sequence"], b["problem"], b["expected"], b["actual"]])
    _style(chain, widths=(12, 18, 66, 66))

    target = Path(path)
    book.save(target)
    return target


def _style(sheet: Any, *, widths: tuple[int, ...]) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
