"""Query budgets of the plan pages (QUALITY.md: pages must not grow queries with the data)."""

from __future__ import annotations

import pytest

from conftest import TOWN_A


@pytest.mark.query_budget
@pytest.mark.parametrize(
    ("persona", "url", "budget"),
    [
        ("district", "/plan/reports/review/", 15),
        ("district", "/plan/targets/", 15),
        ("district", "/audit/changes/", 15),
        ("district", "/imports/", 15),
        ("admin", "/accounts/users/", 15),
        # The dashboard: session, user (with what it is bound to), second factor, plan,
        # actions, their departments, periods, tasks, their departments, reports, targets with
        # frozen figures, every app's counts in one statement, the casework tallies and the
        # registry aggregate; the filters' choices come from the cached reference tables.
        ("district", "/plan/", 15),
        ("town_a", "/plan/", 15),
        ("liaison", "/plan/", 15),
        ("leader", "/plan/", 15),
        ("admin", "/plan/", 15),
        ("district", "/plan/?year=2023&department=rsj&town=440199001000", 15),
    ],
)
def test_plan_and_staff_pages_stay_within_their_query_budget(
    client_for, plan, django_assert_max_num_queries, persona: str, url: str, budget: int
) -> None:  # noqa: ANN001
    client = client_for(persona)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


@pytest.mark.query_budget
def test_the_dashboard_does_not_grow_with_tasks_and_reports(client_for, plan) -> None:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiuye.actionplan.models import ProgressReport, Task

    client = client_for("district")
    client.get("/plan/")
    with CaptureQueriesContext(connection) as before:
        client.get("/plan/")
    period = plan.periods.get(year=2024)
    for task in Task.objects.filter(action__plan=plan)[:10]:
        for assignment in task.assignments.all()[:2]:
            ProgressReport.objects.create(
                task=task, period=period, department=assignment.department, narrative="x"
            )
    with CaptureQueriesContext(connection) as after:
        client.get("/plan/?year=2024")
    assert len(after.captured_queries) == len(before.captured_queries)


def test_targets_and_frozen_figures_read_together_keep_their_values(personas, reference) -> None:  # noqa: ANN001
    from decimal import Decimal

    from django.utils import timezone

    from jiuye.actionplan.models import IndicatorSnapshot, IndicatorTarget
    from jiuye.actionplan.selectors import targets_and_snapshots
    from jiuye.reference.models import Region

    district, town = Region.objects.get(code="440199000000"), Region.objects.get(code=TOWN_A)
    for region, code, value in [(district, "a", "5"), (district, "b", "5.5"), (town, "a", "9")]:
        IndicatorTarget.objects.create(indicator_code=code, year=2024, region=region, value=value)
    for region, code, value in [(district, "a", "33.3333"), (district, "c", "7"), (town, "c", "1")]:
        IndicatorSnapshot.objects.create(
            indicator_code=code,
            year=2024,
            region=region,
            value=Decimal(value),
            frozen_at=timezone.now(),
            frozen_by=personas["district"],
        )
    targets, frozen = targets_and_snapshots(region=district, year=2024)

    saved_targets = IndicatorTarget.objects.filter(year=2024, region=district)
    saved_frozen = IndicatorSnapshot.objects.filter(year=2024, region=district)
    expected_targets = {t.indicator_code: t.value for t in saved_targets}
    expected_frozen = {s.indicator_code: (s.value, s.frozen_at) for s in saved_frozen}
    assert targets == expected_targets
    assert frozen == expected_frozen
    # The same decimal places as a read of each table, so they print the same.
    assert {c: str(v) for c, v in targets.items()} == {"a": "5.00", "b": "5.50"}
    assert {c: str(v) for c, (v, _) in frozen.items()} == {"a": "33.3333", "c": "7.0000"}
