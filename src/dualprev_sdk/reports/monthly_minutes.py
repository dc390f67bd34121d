"""《每月XX安全调度会议纪要》 (Order 74 art. 144): the principal hears the month's work and plans the next month.

Generated from the month's records: daily-control coverage and gaps, weekly reports filed, hazards found and
their state, the control list's levels and points awaiting review, and — from the monthly dispatch record —
who attended, the conclusions and next month's arrangements. Markdown and HTML, like the weekly report.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import RiskLevel, SafetyRole
from dualprev_sdk.domain.duty import DutyKind, gap_runs
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.reports.weekly_report import (
    FINDING_HEADERS,
    Finding,
    collect_findings,
    findings_rows,
    kind_label,
    markdown_to_html,
    md_table,
    runs_text,
)

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["MonthlyMinutes", "build_monthly_minutes", "month_bounds", "render_html", "render_markdown"]


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """``2026-11`` → first and last day."""
    try:
        year, mon = (int(p) for p in month.split("-"))
        first = dt.date(year, mon, 1)
    except ValueError:
        raise InvalidArgument.single("month", month, "duty.month", "a month like 2026-11") from None
    nxt = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


@attrs.frozen(kw_only=True)
class MonthlyMinutes:
    unit_name: str
    unit_uscc: str
    kind_zh: str
    month: str
    start: dt.date
    end: dt.date
    principal: str
    director: str
    attendees: tuple[str, ...]
    daily_expected: int
    daily_recorded: int
    daily_gaps: tuple[tuple[dt.date, dt.date], ...]
    weekly_expected: int
    weekly_recorded: int
    weekly_missing: tuple[str, ...]
    findings: tuple[Finding, ...]
    level_counts: dict[int, int]
    points_needing_review: int
    conclusions: str
    next_month: str
    recorded: bool

    @property
    def title(self) -> str:
        return f"每月{self.kind_zh}安全调度会议纪要"


def build_monthly_minutes(
    sdk: Dualprev, unit_uscc: str, month: str, *, equipment_kind: str | None = None, as_of: dt.date | None = None
) -> MonthlyMinutes:
    """Gather the month for the dispatch meeting. Gaps count only periods already over on ``as_of`` (default
    today): the meeting is often held before the month ends."""
    as_of = as_of or timeutil.today()
    start, end = month_bounds(month)
    with sdk.uow() as uow:
        unit = uow.units.get(unit_uscc)

        def ours(kind: str | None) -> bool:
            return equipment_kind is None or kind in (None, equipment_kind)

        tasks = [
            t for t in uow.duties.list_tasks(unit_uscc=unit_uscc, due_from=start, due_to=end) if ours(t.equipment_kind)
        ]
        records = {
            t.id: r
            for t, r in uow.duties.list_records(unit_uscc=unit_uscc, due_from=start, due_to=end)
            if ours(t.equipment_kind)
        }
        findings = collect_findings(uow, unit_uscc, start, end)
        points = uow.risk_points.list_all(unit_uscc=unit_uscc)
    daily = [t for t in tasks if t.kind is DutyKind.DAILY_CONTROL]
    weekly = [t for t in tasks if t.kind is DutyKind.WEEKLY_INVESTIGATION]
    monthly_record = next(
        (records[t.id] for t in tasks if t.kind is DutyKind.MONTHLY_DISPATCH and t.id in records), None
    )
    principals = unit.holders_of(SafetyRole.PRINCIPAL, equipment_kind)
    directors = unit.holders_of(SafetyRole.SAFETY_DIRECTOR, equipment_kind)
    return MonthlyMinutes(
        unit_name=unit.name,
        unit_uscc=unit.uscc,
        kind_zh=kind_label(equipment_kind),
        month=month,
        start=start,
        end=end,
        principal=principals[0].name if principals else "",
        director=directors[0].name if directors else "",
        attendees=monthly_record.attendees if monthly_record else (),
        daily_expected=len(daily),
        daily_recorded=sum(t.id in records for t in daily),
        daily_gaps=tuple(gap_runs(t.due_on for t in daily if t.id not in records and t.due_on < as_of)),
        weekly_expected=len(weekly),
        weekly_recorded=sum(t.id in records for t in weekly),
        weekly_missing=tuple(t.period_key for t in weekly if t.id not in records and t.due_on < as_of),
        findings=tuple(findings),
        level_counts={int(lvl): sum(p.level is lvl for p in points) for lvl in RiskLevel},
        points_needing_review=sum(p.needs_review for p in points),
        conclusions=monthly_record.summary if monthly_record else "",
        next_month=monthly_record.next_steps if monthly_record else "",
        recorded=monthly_record is not None,
    )


def render_markdown(m: MonthlyMinutes) -> str:
    levels = [[RiskLevel(k).name_zh, v] for k, v in sorted(m.level_counts.items())]
    open_findings = [f for f in m.findings if f.hazard_state and f.hazard_state not in ("已销号", "已撤销")]
    parts = [
        f"# 《{m.title}》",
        "",
        f"- 使用单位：{m.unit_name}（{m.unit_uscc}）",
        f"- 调度月份：{m.month}（{m.start.isoformat()} 至 {m.end.isoformat()}）",
        f"- 主持人（主要负责人）：{m.principal or '（未任命）'}",
        f"- 汇报人（安全总监）：{m.director or '（未任命）'}",
        f"- 参会人员：{'、'.join(m.attendees) if m.attendees else '（会议尚未记录）'}",
        "",
        "## 一、本月日管控、周排查落实情况",
        "",
        md_table(
            ("项目", "应完成", "已完成", "缺失"),
            [
                ["日管控（每日安全检查记录）", m.daily_expected, m.daily_recorded, runs_text(m.daily_gaps)],
                [
                    "周排查（每周安全排查治理报告）",
                    m.weekly_expected,
                    m.weekly_recorded,
                    "、".join(m.weekly_missing) or "无",
                ],
            ],
        ),
        "",
        "## 二、本月发现的隐患及治理情况",
        "",
        md_table(FINDING_HEADERS, findings_rows(m.findings)) if m.findings else "本月未发现隐患。",
        "",
        f"尚未销号的隐患：{len(open_findings)} 项。",
        "",
        "## 三、风险管控情况",
        "",
        md_table(("风险等级", "风险点数量"), levels),
        "",
        f"待复评风险点：{m.points_needing_review} 项。",
        "",
        "## 四、会议议定事项",
        "",
        m.conclusions or "（会议尚未记录）",
        "",
        "## 五、下月工作安排",
        "",
        m.next_month or "（会议尚未记录）",
        "",
        "主要负责人（签字）：__________　　日期：__________",
        "",
    ]
    return "\n".join(parts)


def render_html(m: MonthlyMinutes) -> str:
    return markdown_to_html(render_markdown(m), m.title)
