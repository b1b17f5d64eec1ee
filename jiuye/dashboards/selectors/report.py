"""What the annual report says, read in one pass: the plan of the year, each action with its
tasks, departments, approved progress reports and indicator figures, the towns, the problems
and next steps, and where every figure comes from.

The figures are the plan dashboard's (``actionplan.selectors.indicator_rows``): the live value,
or the frozen one once district staff froze the year, so a frozen year's report never changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.actionplan import selectors as plan_selectors
from jiuye.actionplan.models import (
    Action,
    IndicatorSnapshot,
    Plan,
    ProgressReport,
    Task,
    TaskDepartment,
)
from jiuye.actionplan.services.exports import department_text
from jiuye.reference.models import Department, Region
from jiuye.reference.selectors import department_of_town, district_and_towns


class ReportError(Exception):
    """Why a report cannot be made, in words for the user (Chinese)."""


@dataclass
class Figure:
    """One indicator's line of the report: the dashboard's row, its value the frozen one when
    the year is frozen (so rate and status follow the frozen value too)."""

    row: plan_selectors.IndicatorRow

    @property
    def name(self) -> str:
        return str(self.row.indicator.name)

    @property
    def unit(self) -> str:
        return str(self.row.indicator.unit)

    @property
    def value(self) -> Decimal:
        return self.row.actual

    @property
    def target(self) -> Decimal | None:
        return self.row.target

    @property
    def rate(self) -> Decimal | None:
        return self.row.progress

    @property
    def status(self) -> str:
        return str(self.row.status[1])

    @property
    def behind(self) -> bool:
        return self.row.status[0] == "behind"


def figures_of(*, region: Region, year: int) -> list[Figure]:
    """Every indicator of ``region`` in ``year`` as the report shows it."""
    figures = []
    for row in plan_selectors.indicator_rows(region=region, year=year, drill_down=False):
        if row.frozen is not None:
            row = dataclasses.replace(row, actual=row.frozen)
        figures.append(Figure(row))
    return figures


@dataclass
class ApprovedReport:
    report: ProgressReport
    task: Task

    @property
    def author(self) -> str:
        return str(self.report.submitted_by) if self.report.submitted_by else ""

    @property
    def reviewer(self) -> str:
        return str(self.report.reviewed_by) if self.report.reviewed_by else ""


@dataclass
class ReportNote:
    """A problem or next step as an approved report wrote it: its task, department, text."""

    task: Task
    department: str
    text: str


@dataclass
class TaskLine:
    task: Task
    lead: list[str]
    others: list[str]
    reports: list[ApprovedReport] = field(default_factory=list)


@dataclass
class Section:
    action: Action
    departments: str
    tasks: list[TaskLine]
    figures: list[Figure]

    @property
    def reports(self) -> list[ApprovedReport]:
        return [r for line in self.tasks for r in line.reports]

    @property
    def problems(self) -> list[ReportNote]:
        """The problems the approved reports of this action wrote, in the reports' order."""
        return self._notes("problems")

    @property
    def next_steps(self) -> list[ReportNote]:
        """The next steps the approved reports of this action wrote."""
        return self._notes("next_steps")

    def _notes(self, field: str) -> list[ReportNote]:
        notes = []
        for approved in self.reports:
            text = getattr(approved.report, field).strip()
            if text:
                notes.append(ReportNote(approved.task, approved.report.department.name, text))
        return notes


class Tally:
    """How many of ``figures`` have a target, and how many of those are met or behind."""

    figures: list[Figure]

    @property
    def targeted(self) -> list[Figure]:
        return [f for f in self.figures if f.rate is not None]

    @property
    def met(self) -> int:
        return sum(1 for f in self.targeted if not f.behind)

    @property
    def behind(self) -> int:
        return len(self.targeted) - self.met


@dataclass
class TownLine(Tally):
    town: Region
    figures: list[Figure]

    @property
    def furthest_behind(self) -> Figure | None:
        behind = [f for f in self.targeted if f.behind]
        return min(behind, key=lambda f: f.rate or 0) if behind else None


@dataclass
class Source:
    name: str
    indicators: list[str]


@dataclass
class ReportContent(Tally):
    plan: Plan
    year: int
    region: Region
    district: Region
    generated_at: dt.datetime
    frozen_at: dt.datetime | None
    frozen_by: str
    sections: list[Section]
    general: list[Figure]
    towns: list[TownLine]
    owed: int
    accepted: int
    # The computed lines (figures behind target, reports owed, comments); the reports' own
    # problems and next steps are on each section.
    problems: list[str]
    next_steps: list[str]
    sources: list[Source]

    @property
    def is_district(self) -> bool:
        return self.region.pk == self.district.pk

    @property
    def figures(self) -> list[Figure]:
        return [*self.general, *(f for s in self.sections for f in s.figures)]


def plans_for_reports() -> list[Plan]:
    return list(Plan.objects.order_by("-is_current", "-start_year"))


def report_years() -> list[int]:
    """Every year of a plan, to choose the report's year from."""
    return plan_selectors.plan_years(plans_for_reports())


def report_plan(year: int) -> Plan:
    plans = plans_for_reports()
    plan = plan_selectors.plan_of_year(plans, year)
    if plan is None:
        if not plans:
            raise ReportError(_("系统中还没有行动方案，请先导入计划表。"))
        spans = "、".join(f"{p.start_year}–{p.end_year}年（{p.name}）" for p in plans)
        raise ReportError(
            _("%(year)d年不在任何行动方案的年度内。现有方案：%(spans)s。")
            % {"year": year, "spans": spans}
        )
    return plan


def report_region(code: str | None) -> Region:
    """The district (no code), or one of its towns by code or name."""
    district, towns = district_and_towns()
    if not code or code in (district.code, district.name):
        return district
    town = next((t for t in towns if code in (t.code, t.name)), None)
    if town is None:
        names = "、".join(f"{t.name}（{t.code}）" for t in towns)
        raise ReportError(
            _("“%(code)s”不是本区的镇街。可选：%(names)s。") % {"code": code, "names": names}
        )
    return town


def _task_lines(plan: Plan) -> dict[Any, list[TaskLine]]:
    tasks = (
        Task.objects.filter(action__plan=plan)
        .select_related("action")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=TaskDepartment.objects.select_related("department").order_by(
                    "-is_lead", "department__sort_order", "department__code"
                ),
            )
        )
        .order_by("action__number", "position")
    )
    lines: dict[Any, list[TaskLine]] = defaultdict(list)
    for task in tasks:
        assignments = list(task.assignments.all())
        lines[task.action_id].append(
            TaskLine(
                task=task,
                lead=[a.department.name for a in assignments if a.is_lead],
                others=[a.department.name for a in assignments if not a.is_lead],
            )
        )
    return lines


def _sources(figures: list[Figure]) -> list[Source]:
    by_app: dict[str, list[str]] = {}
    for figure in figures:
        config = apps.get_containing_app_config(figure.row.indicator.compute.__module__)
        name = str(config.verbose_name) if config else _("其他")
        by_app.setdefault(name, []).append(figure.name)
    return [Source(name, names) for name, names in by_app.items()]


def _problems_and_steps(
    sections: list[Section], general: list[Figure], missing: list[tuple[Task, Department]]
) -> tuple[list[str], list[str]]:
    """Problems: figures behind their targets, reports owed but not approved, the reviewers'
    comments on approved reports. Next steps: what closes each gap, and who leads it."""
    problems: list[str] = []
    steps: list[str] = []
    for section, figures in [(None, general), *((s, s.figures) for s in sections)]:
        for figure in figures:
            if not figure.behind or figure.target is None:
                continue
            problems.append(
                _("%(name)s：完成%(value)s%(unit)s，目标%(target)s%(unit)s，完成比例%(rate)s%%。")
                % {
                    "name": figure.name,
                    "value": number_text(figure.value),
                    "target": number_text(figure.target),
                    "unit": figure.unit,
                    "rate": figure.rate,
                }
            )
            lead = section.departments if section else _("区残联")
            steps.append(
                _("%(name)s：距年度目标还差%(gap)s%(unit)s，由%(lead)s抓紧推进。")
                % {
                    "name": figure.name,
                    "gap": number_text(figure.target - figure.value),
                    "unit": figure.unit,
                    "lead": lead.removesuffix("按职责分工负责"),
                }
            )
    for task, department in missing:
        problems.append(
            _("%(code)s %(title)s：%(dept)s的年度进展报告尚未通过审核。")
            % {"code": task.code, "title": task.title, "dept": department.name}
        )
        steps.append(
            _("督促%(dept)s报送%(code)s任务的进展报告。")
            % {"dept": department.name, "code": task.code}
        )
    for section in sections:
        for approved in section.reports:
            if approved.report.review_comment.strip():
                problems.append(
                    _("%(code)s（%(dept)s）审核意见：%(comment)s")
                    % {
                        "code": approved.task.code,
                        "dept": approved.report.department.name,
                        "comment": approved.report.review_comment.strip(),
                    }
                )
    return problems, steps


def number_text(value: Decimal) -> str:
    """A figure as the report writes it: no trailing zeros, never in exponent form."""
    return f"{value.normalize():f}"


def report_content(*, year: int, region: Region, now: dt.datetime) -> ReportContent:
    """Everything the report says for ``region`` (the district or a town) in ``year``."""
    plan = report_plan(year)
    district, towns = district_and_towns()
    # Fresh instances: figures computed once are kept on a Region instance (core.indicators).
    region = next(r for r in (district, *towns) if r.pk == region.pk)
    in_scope = towns if region.pk == district.pk else [t for t in towns if t.pk == region.pk]
    # A town's report carries the town's own reports; the district's every department's.
    own = None if region.pk == district.pk else department_of_town(region.code)
    actions = list(plan_selectors.actions_with_departments(plan))
    lines = _task_lines(plan)
    periods = list(plan.periods.filter(year=year))
    reports = ProgressReport.objects.filter(
        task__action__plan=plan, period__in=periods, status=ProgressReport.Status.ACCEPTED
    ).select_related("department", "period", "submitted_by", "reviewed_by")
    if region.pk != district.pk:
        reports = reports.filter(department=own) if own else reports.none()
    by_task: dict[Any, list[ProgressReport]] = defaultdict(list)
    for report in reports.order_by("period__start_date", "department__sort_order", "reviewed_at"):
        by_task[report.task_id].append(report)
    all_figures = figures_of(region=region, year=year)
    by_action: dict[int, list[Figure]] = defaultdict(list)
    for figure in all_figures:
        by_action[figure.row.indicator.action].append(figure)
    sections = []
    today = timezone.localdate(now)
    owed = accepted = 0
    missing: list[tuple[Task, Department]] = []
    for action in actions:
        task_lines = lines.get(action.pk, [])
        for line in task_lines:
            line.reports = [ApprovedReport(r, line.task) for r in by_task.get(line.task.pk, [])]
            done = {(r.report.department_id, r.report.period_id) for r in line.reports}
            for assignment in line.task.assignments.all():
                if own is not None and assignment.department_id != own.code:
                    continue
                for period in periods:
                    owed += 1
                    if (assignment.department_id, period.pk) in done:
                        accepted += 1
                    elif today > period.due_date:
                        missing.append((line.task, assignment.department))
        sections.append(
            Section(
                action=action,
                departments=department_text(action),
                tasks=task_lines,
                figures=by_action.get(action.number, []),
            )
        )
    general = by_action.get(0, [])
    problems, steps = _problems_and_steps(sections, general, missing)
    snapshot = (
        IndicatorSnapshot.objects.filter(year=year, region=region)
        .select_related("frozen_by")
        .order_by("frozen_at")
        .first()
    )
    return ReportContent(
        plan=plan,
        year=year,
        region=region,
        district=district,
        generated_at=now,
        frozen_at=snapshot.frozen_at if snapshot else None,
        frozen_by=str(snapshot.frozen_by) if snapshot and snapshot.frozen_by else "",
        sections=sections,
        general=general,
        towns=[TownLine(t, figures_of(region=t, year=year)) for t in in_scope],
        owed=owed,
        accepted=accepted,
        problems=problems,
        next_steps=steps,
        sources=_sources(all_figures),
    )
