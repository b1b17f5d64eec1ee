"""Reads for the plan pages, the dashboard, reminders and exports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, Value
from django.utils.translation import gettext as _

from jiuye.accounts.models import PERSONAL_DATA_ROLES, Role, User
from jiuye.actionplan.models import (
    Action,
    ActionDepartment,
    IndicatorSnapshot,
    IndicatorTarget,
    Plan,
    ProgressReport,
    ReportingPeriod,
    Task,
    TaskDepartment,
)
from jiuye.core.access import may_open
from jiuye.core.indicators import Indicator, keep_values, prefetch_figures, registry
from jiuye.core.kept import Kept, kept
from jiuye.core.scoping import scope_for
from jiuye.reference.models import Department, Region
from jiuye.reference.selectors import department_of_town, district_and_towns

REMINDER_DAYS = 14


def district_region() -> Region:
    return district_and_towns()[0]


def district_towns() -> QuerySet[Region]:
    return Region.objects.filter(
        level=Region.Level.TOWN, code__startswith=settings.JIUYE_DISTRICT_CODE[:6]
    ).order_by("code")


def current_plan(user: Any) -> Plan | None:
    plans = scope_for(user, Plan).order_by("-is_current", "-start_year")
    return plans.first()


def plans_in_order(user: Any) -> list[Plan]:
    """The plans a user can see, the current one first (several plans live side by side)."""
    return list(scope_for(user, Plan).order_by("-is_current", "-start_year"))


def plan_of_year(plans: list[Plan], year: int) -> Plan | None:
    """The first of ``plans`` whose years include ``year``."""
    return next((p for p in plans if p.start_year <= year <= p.end_year), None)


def plan_years(plans: list[Plan]) -> list[int]:
    """Every year of ``plans``, to choose from."""
    return sorted({year for p in plans for year in range(p.start_year, p.end_year + 1)})


def department_of_user(user: Any) -> Department | None:
    """The responsible unit a user reports for: a liaison's department, a town officer's town."""
    if user.role == Role.DEPARTMENT:
        return user.department
    if user.role == Role.TOWN and user.town_id:
        return department_of_town(user.town_id)
    return None


def users_of_department(department: Department) -> QuerySet[User]:
    q = Q(role=Role.DEPARTMENT, department=department)
    if department.region_id:
        q |= Q(role=Role.TOWN, town_id=department.region_id)
    return User.objects.filter(q, is_active=True)


def tasks_for_user(
    user: Any, *, plan: Plan, department: Department | None = None, action: int | None = None
) -> QuerySet[Task]:
    qs = scope_for(user, Task).filter(action__plan=plan)
    if department is not None:
        qs = qs.filter(pk__in=TaskDepartment.objects.filter(department=department).values("task"))
    if action:
        qs = qs.filter(action__number=action)
    return qs.select_related("action").prefetch_related(
        Prefetch("assignments", queryset=TaskDepartment.objects.select_related("department"))
    )


def tasks_with_departments() -> QuerySet[Task]:
    """Tasks with their action, plan and responsible departments, for a task's page."""
    return Task.objects.select_related("action__plan").prefetch_related(
        Prefetch("assignments", queryset=TaskDepartment.objects.select_related("department"))
    )


def actions_with_departments(plan: Plan) -> QuerySet[Action]:
    return plan.actions.prefetch_related(
        Prefetch(
            "assignments",
            queryset=ActionDepartment.objects.select_related("department").order_by("position"),
        )
    ).order_by("number")


# --- report status ------------------------------------------------------------------------


@dataclass
class Duty:
    """One department's report owed on one task for one period."""

    task: Task
    department: Department
    period: ReportingPeriod
    report: ProgressReport | None
    today: dt.date

    @property
    def accepted(self) -> bool:
        return self.report is not None and self.report.status == ProgressReport.Status.ACCEPTED

    @property
    def state(self) -> str:
        """accepted, overdue (period ended without an accepted report), due_soon, or open."""
        if self.accepted:
            return "accepted"
        if self.today > self.period.due_date:
            return "overdue"
        if (self.period.due_date - self.today).days <= REMINDER_DAYS:
            return "due_soon"
        return "open"

    @property
    def label(self) -> str:
        state = self.state
        if self.report is not None and state != "accepted":
            status = self.report.get_status_display()
            return {
                "overdue": _("已逾期（%(s)s）") % {"s": status},
                "due_soon": _("即将到期（%(s)s）") % {"s": status},
            }.get(state, status)
        return {
            "accepted": _("已通过"),
            "overdue": _("已逾期，未报送"),
            "due_soon": _("即将到期，未报送"),
            "open": _("未报送"),
        }[state]


def duties(
    *,
    plan: Plan,
    periods: list[ReportingPeriod],
    tasks: QuerySet[Task] | list[Task],
    today: dt.date,
    department: Department | None = None,
) -> list[Duty]:
    """Every (task, department, period) report owed, with the report if there is one."""
    tasks = list(tasks)
    reports = {
        (r.task_id, r.department_id, r.period_id): r
        for r in ProgressReport.objects.filter(
            task__in=[t.pk for t in tasks], period__in=[p.pk for p in periods]
        ).select_related("department")
    }
    out = []
    for task in tasks:
        for assignment in task.assignments.all():
            if department is not None and assignment.department_id != department.code:
                continue
            for period in periods:
                out.append(
                    Duty(
                        task,
                        assignment.department,
                        period,
                        reports.get((task.pk, assignment.department_id, period.pk)),
                        today,
                    )
                )
    return out


def reminders(*, plan: Plan, today: dt.date) -> dict[Department, dict[str, list[Duty]]]:
    """Per department: what is due within 14 days and what is overdue."""
    periods = [p for p in plan.periods.all() if p.start_date <= today + dt.timedelta(REMINDER_DAYS)]
    tasks = (
        Task.objects.filter(action__plan=plan)
        .select_related("action")
        .prefetch_related(
            Prefetch("assignments", queryset=TaskDepartment.objects.select_related("department"))
        )
    )
    grouped: dict[Department, dict[str, list[Duty]]] = defaultdict(
        lambda: {"due_soon": [], "overdue": []}
    )
    for duty in duties(plan=plan, periods=periods, tasks=tasks, today=today):
        if duty.state in ("due_soon", "overdue"):
            grouped[duty.department][duty.state].append(duty)
    return dict(sorted(grouped.items(), key=lambda item: (item[0].sort_order, item[0].code)))


# --- indicators ---------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    region: Region
    year: int
    actual: Decimal
    target: Decimal | None
    frozen: Decimal | None
    records_url: str | None
    frozen_at: dt.datetime | None = None

    @property
    def progress(self) -> Decimal | None:
        if not self.target:
            return None
        return (self.actual / self.target * 100).quantize(Decimal("0.1"))

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None without a target): reached or passed, or, for an
        indicator where lower is better (the levy), kept at or below."""
        if not self.target:
            return None
        if self.indicator.higher_is_better:
            return self.actual >= self.target
        return self.actual <= self.target

    @property
    def status(self) -> tuple[str, str]:
        """(key, label): text plus an icon so nothing relies on colour."""
        met = self.met
        if met is None:
            return "none", _("未设目标")
        if met:
            return "met", _("✔ 已达到目标")
        return "behind", _("▲ 未达到目标")


def targets_and_snapshots(
    *, region: Region, year: int
) -> tuple[dict[str, Decimal], dict[str, tuple[Decimal, dt.datetime]]]:
    """The targets (code → value) and the frozen figures (code → (value, frozen at)) of a
    region and year, in one statement. Each value has a column of its own type, so each keeps
    its own decimal places."""

    def none(model: type[Any], name: str) -> Value:
        return Value(None, output_field=model._meta.get_field(name).clone())

    targets = (
        IndicatorTarget.objects.filter(year=year, region=region)
        .order_by()
        .values_list(
            "indicator_code",
            "value",
            none(IndicatorSnapshot, "value"),
            none(IndicatorSnapshot, "frozen_at"),
        )
    )
    snapshots = (
        IndicatorSnapshot.objects.filter(year=year, region=region)
        .order_by()
        .values_list("indicator_code", none(IndicatorTarget, "value"), "value", "frozen_at")
    )
    # A compound statement's columns may come back with another scale (SQLite): each value
    # gets its own field's decimal places, as a read of its own table gives them.
    target_places = Decimal(10) ** -IndicatorTarget._meta.get_field("value").decimal_places
    frozen_places = Decimal(10) ** -IndicatorSnapshot._meta.get_field("value").decimal_places
    found_targets, found_snapshots = {}, {}
    for code, target, frozen, frozen_at in targets.union(snapshots, all=True):
        if frozen_at is None:
            found_targets[code] = Decimal(target).quantize(target_places)
        else:
            found_snapshots[code] = (Decimal(frozen).quantize(frozen_places), frozen_at)
    return found_targets, found_snapshots


def indicator_rows(
    *,
    region: Region,
    year: int,
    codes: list[str] | None = None,
    drill_down: bool = True,
    viewer: Any = None,
) -> list[IndicatorRow]:
    """The indicators' rows of a region and year; with ``drill_down`` each links to its
    records, but only where ``viewer`` (when given) may open that page."""
    indicators = [i for i in registry.all() if codes is None or i.code in codes]
    if codes is None:
        prefetch_figures(region, year)  # every app's figures in one statement
    targets, snapshots = targets_and_snapshots(region=region, year=year)
    rows = []
    for ind in indicators:
        snap = snapshots.get(ind.code)
        rows.append(
            IndicatorRow(
                indicator=ind,
                region=region,
                year=year,
                actual=ind.value(region, year),
                target=targets.get(ind.code),
                frozen=snap[0] if snap else None,
                frozen_at=snap[1] if snap else None,
                records_url=records_link(ind, region, year, drill_down=drill_down, viewer=viewer),
            )
        )
    return rows


# The plan dashboard's figures as kept (core.kept): built by this function, by dotted path.
VALUES = "jiuye.actionplan.selectors.region_values"


def region_values(*, region: str, year: int) -> dict[str, Any]:
    """Every indicator's value of a region and year (one statement for every app's figures),
    as JSON for ``core.kept``."""
    place = Region.objects.get(code=region)
    prefetch_figures(place, year)
    return {"values": {i.code: str(i.value(place, year)) for i in registry.all()}}


def kept_values(region: Region, year: int) -> Kept:
    """The region's indicator values of the year as kept (``core.kept``), put on the instance
    where ``Indicator.value`` reads them: the plan dashboard counts nothing on a view."""
    found = kept(VALUES, values_args(region, year))
    values = {code: Decimal(v) for code, v in found.data["values"].items()}
    keep_values(region, year, values, complete=True)
    return found


def values_args(region: Region, year: int) -> dict[str, Any]:
    return {"region": region.code, "year": year}


def records_link(
    ind: Indicator, region: Region, year: int, *, drill_down: bool, viewer: Any = None
) -> str | None:
    """The indicator's records page for a region and year, if it has one, drill-down is on
    and ``viewer`` (when given) may open it (a link never leads to a 403)."""
    if not drill_down or ind.records_url is None:
        return None
    url = ind.records_url(region, year)
    return url if viewer is None or may_open(viewer, url) else None


def year_param(request: Any, plan: Plan) -> int:
    """The ?year= of a request, kept inside the plan's years."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = dt.date.today().year
    return min(max(year, plan.start_year), plan.end_year)


def reports_awaiting_review(plan: Plan) -> QuerySet[ProgressReport]:
    return (
        ProgressReport.objects.filter(
            task__action__plan=plan, status=ProgressReport.Status.SUBMITTED
        )
        .select_related("task__action", "period", "department")
        .order_by("submitted_at")
    )


@dataclass
class TargetCell:
    region: Region
    target: Decimal | None


def target_table(plan: Plan) -> list[dict[str, Any]]:
    """For each indicator and plan year: the target of the district and of each town."""
    regions = [district_region(), *district_towns()]
    values = {
        (t.indicator_code, t.year, t.region_id): t.value
        for t in IndicatorTarget.objects.filter(year__in=plan.years)
    }
    return [
        {
            "indicator": ind,
            "year": year,
            "cells": [TargetCell(r, values.get((ind.code, year, r.code))) for r in regions],
        }
        for ind in registry.all()
        for year in plan.years
    ]


def dashboard(
    *,
    user: Any,
    plan: Plan,
    year: int,
    department: Department | None,
    region: Region,
    today: dt.date,
) -> dict[str, Any]:
    """Everything the plan dashboard shows, in a handful of queries."""
    actions = list(scope_for(user, actions_with_departments(plan)))
    periods = [p for p in plan.periods.all() if p.year == year]
    tasks = tasks_for_user(user, plan=plan, department=department)
    all_duties = duties(plan=plan, periods=periods, tasks=tasks, today=today, department=department)
    by_task: dict[Any, list[Duty]] = defaultdict(list)
    for duty in all_duties:
        by_task[duty.task.pk].append(duty)
    tasks_by_action: dict[Any, list[Task]] = defaultdict(list)
    for task in tasks:
        tasks_by_action[task.action_id].append(task)
    figures = kept_values(region, year)
    rows = indicator_rows(
        region=region, year=year, drill_down=user.role in PERSONAL_DATA_ROLES, viewer=user
    )
    rows_by_action: dict[int, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        rows_by_action[row.indicator.action].append(row)
    sections = [
        {
            "action": action,
            "tasks": [(t, by_task.get(t.pk, [])) for t in tasks_by_action.get(action.pk, [])],
            "indicators": rows_by_action.get(action.number, []),
        }
        for action in actions
        if department is None
        or tasks_by_action.get(action.pk)
        or any(a.department_id == department.code for a in action.assignments.all())
    ]
    states: dict[str, int] = defaultdict(int)
    per_department: dict[str, dict[str, Any]] = {}
    for duty in all_duties:
        states[duty.state] += 1
        row = per_department.setdefault(
            duty.department.code,
            {
                "department": duty.department,
                "duties": 0,
                "accepted": 0,
                "overdue": 0,
                "due_soon": 0,
                "open": 0,
            },
        )
        row["duties"] += 1
        row[duty.state] += 1
    return {
        "kept": figures,
        "plan": plan,
        "year": year,
        "region": region,
        "department": department,
        "sections": sections,
        "general_indicators": rows_by_action.get(0, []),
        "counts": {
            "duties": len(all_duties),
            "accepted": states["accepted"],
            "overdue": states["overdue"],
            "due_soon": states["due_soon"],
        },
        "by_department": sorted(
            per_department.values(),
            key=lambda r: (r["department"].kind, r["department"].sort_order),
        ),
        "overdue": [d for d in all_duties if d.state == "overdue"],
        "due_soon": [d for d in all_duties if d.state == "due_soon"],
        # A freeze stores every region's figures, so this region's rows tell for the year.
        "frozen": any(row.frozen is not None for row in rows),
        "today": today,
    }
