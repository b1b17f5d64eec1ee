"""The map page on a demo district: the numbers are the indicators' own, by town, in few
queries; the summary sentence; a town officer's own town. The district is built once for the
module (conftest.rows_for_the_module); each test's rows are rolled back around it."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from conftest import (
    TOWN_A,
    employer_a_create,
    person_a_create,
    personas_create,
    plan_create,
    rows_for_the_module,
)
from jiuye.core.indicators import registry
from jiuye.dashboards.tests.test_views_maps import URL, YEAR, chart, table
from jiuye.reference.demo import demo_boundaries
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db


def _district() -> dict[str, Any]:
    personas = personas_create(person_a_create(), employer_a_create())
    plan_create()
    call_command("demo_data", persons=120, seed=11, stdout=StringIO())
    # A past year's coverage tallies are computed by its first view, once (ADR 0005); the
    # budget is for the views after that.
    call_command("refresh_coverage", year=YEAR, everything=True, stdout=StringIO())
    return personas


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:  # noqa: ANN001
    yield from rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("map"), _district)


@pytest.fixture
def personas(built) -> dict[str, Any]:  # noqa: ANN001
    return built


def test_every_indicator_by_town_equals_its_own_value_in_few_queries(
    client_for, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    demo_boundaries()
    client = client_for("leader")
    client.get(URL)  # the first view fills the per-process reference cache
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    for indicator in registry.all():
        # The first view counts and keeps the figures (core.kept, ADR 0015); the budget is for
        # every view after that.
        client.get(URL, {"indicator": indicator.code, "year": YEAR})
        with django_assert_max_num_queries(15):
            body = client.get(URL, {"indicator": indicator.code, "year": YEAR}).content.decode()
        expected = {t.name: str(indicator.value(Region.objects.get(pk=t.pk), YEAR)) for t in towns}
        assert table(body) == expected, indicator.code
        data = chart(body)
        assert {d["name"]: d["value"] for d in data["data"]} == {
            name: float(value) for name, value in expected.items()
        }
        assert len(data["geojson"]["features"]) == 10


def test_the_summary_names_the_highest_and_lowest_town(client_for) -> None:  # noqa: ANN001
    text = client_for("district").get(URL, {"indicator": "people.working_age", "year": YEAR})
    text = text.content.decode()
    codes = dict(Region.objects.filter(level=Region.Level.TOWN).values_list("name", "code"))
    rows = sorted((int(v), codes[name], name) for name, v in table(text).items())
    (low, _c, low_name), (high, _d, high_name) = rows[0], rows[-1]
    assert (
        f"{YEAR}年10个镇街的就业年龄段登记残疾人数：最高的是{high_name}（{high}人），"
        f"最低的是{low_name}（{low}人）。"
    ) in text


def test_a_town_officer_sees_their_own_town_only(client_for) -> None:  # noqa: ANN001
    demo_boundaries()
    body = client_for("town_a").get(URL, {"indicator": "people.registered", "year": YEAR})
    text = body.content.decode()
    assert list(table(text)) == ["东城街道"]
    assert [f["properties"]["code"] for f in chart(text)["geojson"]["features"]] == [TOWN_A]
    town = Region.objects.get(pk=TOWN_A)
    value = registry.get("people.registered").value(town, YEAR)
    assert f"{YEAR}年东城街道的登记残疾人数为 {value}人。" in text
