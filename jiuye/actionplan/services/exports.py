"""The plan table with this year's progress as .xlsx, and a department's report as .docx."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from jiuye.actionplan import selectors
from jiuye.actionplan.models import Plan, ProgressReport
from jiuye.actionplan.services.plan_table import ALL_TOWNS
from jiuye.core.downloads import Book, formula_safe
from jiuye.reference.models import Department

PLAN_COLUMNS = ["内容", "工作任务目标", "责任部门", "完成时限"]
STATUS_COLUMNS = ["任务数", "应报送", "已通过", "已逾期", "进展说明", "存在的问题", "下一步打算"]


def department_text(action: Any) -> str:
    names: list[str] = []
    towns_done = False
    for assignment in action.assignments.all():
        if assignment.via_all_towns:
            if not towns_done:
                names.append(ALL_TOWNS)
                towns_done = True
        else:
            names.append(assignment.department.name)
    return "、".join(names) + "按职责分工负责"


def report_notes(duties: list[selectors.Duty], field: str) -> str:
    """One line per approved report that wrote ``field`` (problems or next steps): task,
    department and text."""
    return "\n".join(
        f"{d.task.code} {d.department.name}：{getattr(d.report, field)}"
        for d in duties
        if d.accepted and getattr(d.report, field)
    )


def plan_xlsx(*, plan: Plan, year: int, user: Any, today: dt.date) -> bytes:
    """Same four columns as the imported table (so it imports back unchanged), plus status."""
    book = Book()
    sheet = book.active
    sheet.title = str(year)
    sheet.append([plan.source_title or plan.name])
    sheet.append([*PLAN_COLUMNS, *[f"{year}年{c}" for c in STATUS_COLUMNS]])
    periods = [p for p in plan.periods.all() if p.year == year]
    actions = selectors.actions_with_departments(plan)
    for action in actions:
        tasks = list(selectors.tasks_for_user(user, plan=plan, action=action.number))
        action_duties = selectors.duties(plan=plan, periods=periods, tasks=tasks, today=today)
        states = [d.state for d in action_duties]
        notes = "\n".join(f"{t.code} {t.title}" for t in tasks)
        sheet.append(
            [
                f"（{action.numeral}）{action.title}",
                formula_safe(action.targets),
                department_text(action),
                action.deadline,
                len(tasks),
                len(action_duties),
                states.count("accepted"),
                states.count("overdue"),
                formula_safe(notes),
                formula_safe(report_notes(action_duties, "problems")),
                formula_safe(report_notes(action_duties, "next_steps")),
            ]
        )
    widths = [28, 80, 36, 10, 8, 8, 8, 8, 50, 50, 50]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def department_docx(*, plan: Plan, year: int, department: Department, user: Any) -> bytes:
    """A department's progress reports for the year, for filing with the district government."""
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(11)
    document.add_heading(
        _("%(dept)s %(year)d年度行动方案任务进展报告") % {"dept": department.name, "year": year}, 0
    )
    document.add_paragraph(plan.name)
    periods = [p for p in plan.periods.all() if p.year == year]
    tasks = selectors.tasks_for_user(user, plan=plan, department=department)
    reports = {
        (r.task_id, r.period_id): r
        for r in ProgressReport.objects.filter(
            task__in=tasks, period__in=periods, department=department
        )
    }
    if not tasks:
        document.add_paragraph(_("本部门在该方案中没有任务。"))
    for task in tasks:
        document.add_heading(f"{task.code} {task.title}", level=2)
        if task.target_value is not None:
            document.add_paragraph(
                _("目标：%(v)s %(u)s") % {"v": task.target_value.normalize(), "u": task.target_unit}
            )
        for period in periods:
            report = reports.get((task.pk, period.pk))
            if report is None:
                document.add_paragraph(_("%(p)s：未报送。") % {"p": period.name})
                continue
            document.add_paragraph(
                _("%(p)s（%(s)s）") % {"p": period.name, "s": report.get_status_display()}
            ).runs[0].bold = True
            document.add_paragraph(report.narrative)
            if report.actual_value is not None:
                document.add_paragraph(
                    _("完成值：%(v)s %(u)s")
                    % {"v": report.actual_value.normalize(), "u": task.target_unit}
                )
            if report.figures:
                document.add_paragraph(_("主要数据：") + report.figures)
            if report.problems:
                document.add_paragraph(_("存在的问题：") + report.problems)
            if report.next_steps:
                document.add_paragraph(_("下一步打算：") + report.next_steps)
            if report.review_comment:
                document.add_paragraph(_("审核意见：") + report.review_comment)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
