"""Every app's declared figures in one statement, the same as each app's own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuye.core.indicators import (
    _evaluate,
    figures_of,
    page_url,
    prefetch_figures,
    registry,
    values_by_region,
)
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

DISTRICT, TOWN_A = "440199000000", "440199001000"


def test_the_apps_figures_come_in_one_statement_with_each_apps_own_values(
    person_a, employer_a
) -> None:  # noqa: ANN001
    keys = registry.figure_keys()
    assert {"employers", "jobs", "training"} <= set(keys)
    for code in (DISTRICT, TOWN_A):
        for year in (2023, 2024):
            region = Region.objects.get(code=code)
            with CaptureQueriesContext(connection) as captured:
                prefetch_figures(region, year)
                together = {key: figures_of(region, year, key) for key in keys}
            assert len(captured) == 1
            alone = {
                key: _evaluate(Region.objects.get(code=code), year, [key])[key] for key in keys
            }
            assert together == alone


def test_an_app_alone_costs_its_own_statement(reference) -> None:  # noqa: ANN001
    region = Region.objects.get(code=DISTRICT)
    with CaptureQueriesContext(connection) as captured:
        figures_of(region, 2024, "jobs")
        figures_of(region, 2024, "jobs")
    assert len(captured) == 1
    assert "employers_declaration" not in captured[0]["sql"]


def test_an_indicators_records_page_carries_its_year_where_asked() -> None:
    plain = page_url("programs:platform-partners")
    by_year = page_url("programs:charity-projects", year="year", kind="project")

    assert plain(None, 2025) == "/programs/platforms/"
    assert by_year(None, 2025) == "/programs/charity/?year=2025&kind=project"


@pytest.mark.parametrize(
    ("code", "most"),
    [
        # The first town, then one grouped count for the others (and the working-age rule,
        # read once per process).
        ("people.registered", 3),
        ("employers.quota_employed", 2),  # the first town, then one statement for the others
        ("jobs.placements", 2),
    ],
)
def test_an_indicator_by_town_is_its_own_value_in_a_fixed_number_of_queries(
    person_a, person_b, employer_a, code: str, most: int
) -> None:  # noqa: ANN001
    indicator = registry.get(code)
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    with CaptureQueriesContext(connection) as captured:
        values = values_by_region(indicator, towns, 2024)
    assert len(captured) <= most
    assert values == {t.code: indicator.value(Region.objects.get(pk=t.pk), 2024) for t in towns}
    if code == "people.registered":
        assert values[TOWN_A] == 1 and values["440199002000"] == 1
