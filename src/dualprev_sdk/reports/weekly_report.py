"""《每周XX安全排查治理报告》 (Order 74 art. 143): the safety director's weekly report, generated from the week's
duty records.

Format choice: Markdown and HTML, not xlsx. The report is prose with a few tables — what was checked, what was
found, what happened to it — which a spreadsheet renders badly; Markdown diffs and archives well, and the HTML
(same content, print CSS for A4) is what gets printed, signed and filed. Both are produced from one
:class:`WeeklyReport` value, which is also what tests check.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import SafetyRole
from dualprev_sdk.domain.duty import CheckResult, DutyKind, gap_runs
from dualprev_sdk.domain.hazard import HazardState
from dualprev_sdk.errors import InvalidArgument

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.store.uow import UnitOfWork

__all__ = [
    "Finding",
    "WeeklyReport",
    "build_weekly_report",
    "collect_findings",
    "kind_label",
    "render_html",
    "render_markdown",
    "week_bounds",
    "write_document",
]

_KIND_LABELS = {
    "1000": "锅炉",
    "2000": "压力容器",
    "3000": "电梯",
    "4000": "起重机械",
    "5000": "场（厂）内专用机动车辆",
    "6000": "大型游乐设施",
    "8000": "压力管道",
    "9000": "客运索道",
}


def kind_label(equipment_kind: str | None) -> str:
    """The XX of the record names (电梯, 锅炉…); ``特种设备`` for plans over all kinds."""
    return _KIND_LABELS.get(equipment_kind or "", "特种设备")


def week_bounds(week_key: str) -> tuple[dt.date, dt.date]:
    """``2026-W48`` → Monday and Sunday of that ISO week."""
    try:
        year, week = week_key.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise InvalidArgument.single("week", week_key, "duty.week", "an ISO week like 2026-W48") from None
    return monday, monday + dt.timedelta(days=6)


@attrs.frozen(kw_only=True)
class Finding:
    """A failed item of a duty record and what became of it."""

    day: dt.date
    kind: DutyKind
    equipment: str
    subject: str
    note: str
    hazard_id: str | None
    hazard_state: str  # Chinese state name, "" when no hazard


@attrs.frozen(kw_only=True)
class WeeklyReport:
    unit_name: str
    unit_uscc: str
    kind_zh: str
    week: str
    start: dt.date
    end: dt.date
    director: str
    daily_expected: int
    daily_recorded: int
    daily_zero_finding: int
    missed_days: tuple[tuple[dt.date, dt.date], ...]
    results: dict[str, int]  # CheckResult value → items
    findings: tuple[Finding, ...]
    weekly_recorded: bool
    weekly_summary: str
    weekly_next_steps: str
    points_needing_review: int

    @property
    def title(self) -> str:
        return f"每周{self.kind_zh}安全排查治理报告"


def collect_findings(
    uow: UnitOfWork, unit_uscc: str, start: dt.date, end: dt.date, kinds: Sequence[DutyKind] | None = None
) -> list[Finding]:
    """Failed items of the unit's records for tasks due in ``[start, end]``, with the current hazard state."""
    names = {e.id: e.name or e.id for e in uow.equipment.list(unit_uscc=unit_uscc, limit=1_000_000)}
    out: list[Finding] = []
    for task, record in uow.duties.list_records(unit_uscc=unit_uscc, due_from=start, due_to=end, kinds=kinds):
        for item in record.failed_items:
            state = ""
            if item.hazard_id:
                state = HazardState(uow.hazards.projection(item.hazard_id)["state"]).name_zh
            out.append(
                Finding(
                    day=task.due_on,
                    kind=task.kind,
                    equipment=names.get(item.equipment_id or "", "单位级"),
                    subject=item.subject or item.item_code,
                    note=item.note,
                    hazard_id=item.hazard_id,
                    hazard_state=state,
                )
            )
    return out


def build_weekly_report(
    sdk: Dualprev, unit_uscc: str, week: str, *, equipment_kind: str | None = None, as_of: dt.date | None = None
) -> WeeklyReport:
    """Gather the week's daily records, the weekly record and the findings for one unit.

    A day counts as missed only once it is over (due before ``as_of``, default today in Asia/Shanghai), so a
    report drafted on Friday does not list Saturday and Sunday as gaps."""
    as_of = as_of or timeutil.today()
    start, end = week_bounds(week)
    with sdk.uow() as uow:
        unit = uow.units.get(unit_uscc)
        tasks = [
            t
            for t in uow.duties.list_tasks(unit_uscc=unit_uscc, due_from=start, due_to=end)
            if equipment_kind is None or t.equipment_kind in (None, equipment_kind)
        ]
        records = {
            t.id: r
            for t, r in uow.duties.list_records(unit_uscc=unit_uscc, due_from=start, due_to=end)
            if equipment_kind is None or t.equipment_kind in (None, equipment_kind)
        }
        daily = [t for t in tasks if t.kind is DutyKind.DAILY_CONTROL]
        weekly = [t for t in tasks if t.kind is DutyKind.WEEKLY_INVESTIGATION]
        weekly_record = next((records[t.id] for t in weekly if t.id in records), None)
        results = {r.value: 0 for r in CheckResult}
        for count in uow.duties.count_results(unit_uscc=unit_uscc, due_from=start, due_to=end):
            if count.kind in (DutyKind.DAILY_CONTROL, DutyKind.WEEKLY_INVESTIGATION):
                results[count.result.value] += count.count
        findings = collect_findings(uow, unit_uscc, start, end, [DutyKind.DAILY_CONTROL, DutyKind.WEEKLY_INVESTIGATION])
        review = len(uow.risk_points.list(unit_uscc=unit_uscc, needs_review=True, limit=1_000_000))
    directors = unit.holders_of(SafetyRole.SAFETY_DIRECTOR, equipment_kind)
    return WeeklyReport(
        unit_name=unit.name,
        unit_uscc=unit.uscc,
        kind_zh=kind_label(equipment_kind),
        week=week,
        start=start,
        end=end,
        director=directors[0].name if directors else "",
        daily_expected=len(daily),
        daily_recorded=sum(t.id in records for t in daily),
        daily_zero_finding=sum(records[t.id].zero_findings for t in daily if t.id in records),
        missed_days=tuple(gap_runs(t.due_on for t in daily if t.id not in records and t.due_on < as_of)),
        results=results,
        findings=tuple(findings),
        weekly_recorded=weekly_record is not None,
        weekly_summary=weekly_record.summary if weekly_record else "",
        weekly_next_steps=weekly_record.next_steps if weekly_record else "",
        points_needing_review=review,
    )


# ---------------------------------------------------------------------------------------------------------------
# rendering (shared by the monthly minutes)
# ---------------------------------------------------------------------------------------------------------------


def runs_text(runs: Sequence[tuple[dt.date, dt.date]]) -> str:
    if not runs:
        return "无"
    return "、".join(a.isoformat() if a == b else f"{a.isoformat()}至{b.isoformat()}" for a, b in runs)


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def findings_rows(findings: Sequence[Finding]) -> list[list[object]]:
    return [
        [f.day.isoformat(), f.kind.name_zh, f.equipment, f.subject, f.note, f.hazard_id or "", f.hazard_state]
        for f in findings
    ]


FINDING_HEADERS = ("日期", "来源", "设备", "检查项目", "发现的问题", "隐患编号", "隐患状态")


def render_markdown(report: WeeklyReport) -> str:
    r = report
    parts = [
        f"# 《{r.title}》",
        "",
        f"- 使用单位：{r.unit_name}（{r.unit_uscc}）",
        f"- 报告周期：{r.week}（{r.start.isoformat()} 至 {r.end.isoformat()}）",
        f"- 安全总监：{r.director or '（未任命）'}",
        "",
        "## 一、日管控执行情况",
        "",
        md_table(
            ("应检天数", "已记录", "零风险报告", "未记录日期"),
            [[r.daily_expected, r.daily_recorded, r.daily_zero_finding, runs_text(r.missed_days)]],
        ),
        "",
        "## 二、检查项目结果",
        "",
        md_table(
            ("合格", "不合格", "不适用"),
            [[r.results.get("pass", 0), r.results.get("fail", 0), r.results.get("not_applicable", 0)]],
        ),
        "",
        "## 三、发现的隐患及治理情况",
        "",
        md_table(FINDING_HEADERS, findings_rows(r.findings)) if r.findings else "本周未发现隐患（零风险报告）。",
        "",
        "## 四、本周排查结论",
        "",
        r.weekly_summary or ("（本周排查尚未记录）" if not r.weekly_recorded else "无"),
        "",
        "## 五、下周工作安排",
        "",
        r.weekly_next_steps or "无",
        "",
        f"待复评风险点：{r.points_needing_review} 项。",
        "",
        "安全总监（签字）：__________　　日期：__________",
        "",
    ]
    return "\n".join(parts)


_CSS = (
    "@page{size:A4;margin:18mm}body{font-family:'Noto Sans CJK SC','Microsoft YaHei',SimHei,sans-serif;"
    "font-size:11pt}h1{text-align:center;font-size:16pt}table{border-collapse:collapse;width:100%;margin:6px 0}"
    "th,td{border:1px solid #555;padding:4px 6px;text-align:left;vertical-align:top}th{background:#ddd}"
)


def markdown_to_html(markdown: str, title: str) -> str:
    """The small Markdown subset these documents use (headings, bullet lines, pipe tables, paragraphs)."""
    body: list[str] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            rows: list[list[str]] = []
            while i < len(lines) and lines[i].startswith("|"):
                if not lines[i].startswith("|---"):
                    rows.append([c.strip().replace("\\|", "|") for c in lines[i].strip().strip("|").split(" | ")])
                i += 1
            head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
            data = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{data}</tbody></table>")
            continue
        if line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("- "):
            body.append(f"<p>{html.escape(line[2:])}</p>")
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
        i += 1
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def render_html(report: WeeklyReport) -> str:
    return markdown_to_html(render_markdown(report), report.title)


def write_document(markdown: str, title: str, path: str | Path) -> Path:
    """Write ``.md`` as is, or ``.html``/``.htm`` through :func:`markdown_to_html`."""
    target = Path(path)
    if target.suffix.lower() in (".html", ".htm"):
        target.write_text(markdown_to_html(markdown, title), encoding="utf-8")
    elif target.suffix.lower() == ".md":
        target.write_text(markdown, encoding="utf-8")
    else:
        raise InvalidArgument.single("path", str(path), "report.format", "write .md or .html")
    return target
