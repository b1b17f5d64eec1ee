"""The demo's progress reports: every period begun by today, on the plan it belongs to."""

from __future__ import annotations

import datetime as dt

from jiuye.actionplan import demo
from jiuye.actionplan.models import ProgressReport
from jiuye.actionplan.services.plan_import import plan_import_commit, tasks_load
from jiuye.actionplan.services.plan_table import parse_plan_table
from jiuye.actionplan.tests.conftest import SEED, TASKS

Status = ProgressReport.Status


def _next_plan():  # noqa: ANN202
    """The demo's second plan (2025–2027) from the same table, as ``make setup`` imports it."""
    parsed = parse_plan_table(SEED.read_bytes(), SEED.name)
    result = plan_import_commit(parsed=parsed, name="演示方案（2025—2027年）", years=(2025, 2027))
    tasks_load(plan=result.plan, path=TASKS)
    return result.plan


def _users(personas) -> dict:  # noqa: ANN001
    return {
        "dept-rsj": personas["liaison"],
        "town-dongcheng": personas["town_a"],
        "town-xicheng": personas["town_b"],
        "district": personas["district"],
    }


def test_each_begun_period_gets_reports_on_its_own_plan(plan, personas) -> None:  # noqa: ANN001
    later = _next_plan()
    today = dt.date(2026, 12, 5)
    demo._ensure_reports(_users(personas), today=today)
    reports = list(ProgressReport.objects.select_related("period", "task__action"))
    assert all(r.period.plan_id == r.task.action.plan_id for r in reports)
    by_year = {}
    for report in reports:
        by_year.setdefault((report.period.plan_id, report.period.year), []).append(report)
    stories = len(demo.STORIES)
    assert {key: len(found) for key, found in by_year.items()} == {
        (plan.pk, 2022): stories,
        (plan.pk, 2023): stories,
        (plan.pk, 2024): stories,
        (later.pk, 2025): stories,
        (later.pk, 2026): stories,  # under way: begun, not yet ended
    }
    for key, found in by_year.items():
        statuses = sorted(r.status for r in found)
        if key[1] < 2026:  # ended: approved but one, returned with a comment
            assert statuses.count(Status.ACCEPTED) == stories - 1
            returned = next(r for r in found if r.status == Status.RETURNED)
            assert returned.review_comment
        else:
            assert set(statuses) == {Status.ACCEPTED, Status.SUBMITTED, Status.RETURNED, "draft"}
    # The demo year's approved reports carry problems and next steps for the annual report.
    approved_2025 = [r for r in by_year[(later.pk, 2025)] if r.status == Status.ACCEPTED]
    assert approved_2025 and all(r.problems and r.next_steps for r in approved_2025)
    assert len({r.department_id for r in approved_2025}) >= 2
    # Loading again adds nothing; a new year's period gets its reports when it has begun.
    demo._ensure_reports(_users(personas), today=today)
    assert ProgressReport.objects.count() == len(reports)
    demo._ensure_reports(_users(personas), today=dt.date(2027, 1, 2))
    assert ProgressReport.objects.filter(period__year=2027).count() == stories
