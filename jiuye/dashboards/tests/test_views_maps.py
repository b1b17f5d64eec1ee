"""The map page: the numbers are the indicators' own, by town, in few queries; who sees what;
the page without boundaries."""

from __future__ import annotations

import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from conftest import TOWN_A
from jiuye.core.indicators import registry
from jiuye.reference.demo import demo_boundaries
from jiuye.reference.models import Region

URL = "/dashboards/map/"
YEAR = 2024
ROW = re.compile(r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td></tr>')


@pytest.fixture
def district(settings, personas, plan) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    call_command("demo_data", persons=120, seed=11, stdout=StringIO())
    # A past year's coverage tallies are computed by its first view, once (ADR 0005); the
    # budget is for the views after that.
    call_command("refresh_coverage", year=YEAR, everything=True, stdout=StringIO())


def table(body: str) -> dict[str, str]:
    return dict(ROW.findall(body))


def chart(body: str) -> dict[str, Any]:
    found = re.search(r'<script id="town-map-data" type="application/json">(.*?)</script>', body)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


@pytest.mark.usefixtures("district")
def test_every_indicator_by_town_equals_its_own_value_in_few_queries(
    client_for, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    demo_boundaries()
    client = client_for("leader")
    client.get(URL)  # the first view fills the per-process reference cache
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    for indicator in registry.all():
        with django_assert_max_num_queries(15):
            body = client.get(URL, {"indicator": indicator.code, "year": YEAR}).content.decode()
        expected = {t.name: str(indicator.value(Region.objects.get(pk=t.pk), YEAR)) for t in towns}
        assert table(body) == expected, indicator.code
        data = chart(body)
        assert {d["name"]: d["value"] for d in data["data"]} == {
            name: float(value) for name, value in expected.items()
        }
        assert len(data["geojson"]["features"]) == 10


@pytest.mark.usefixtures("district")
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


@pytest.mark.usefixtures("district")
def test_a_town_officer_sees_their_own_town_only(client_for) -> None:  # noqa: ANN001
    demo_boundaries()
    body = client_for("town_a").get(URL, {"indicator": "people.registered", "year": YEAR})
    text = body.content.decode()
    assert list(table(text)) == ["东城街道"]
    assert [f["properties"]["code"] for f in chart(text)["geojson"]["features"]] == [TOWN_A]
    town = Region.objects.get(pk=TOWN_A)
    value = registry.get("people.registered").value(town, YEAR)
    assert f"{YEAR}年东城街道的登记残疾人数为 {value}人。" in text


def test_other_roles_are_refused(client_for) -> None:  # noqa: ANN001
    for name in ("liaison", "employer", "jobseeker"):
        assert client_for(name).get(URL).status_code == 403
    assert client_for("leader").post(URL).status_code == 405


def test_without_boundaries_the_page_says_how_to_import_them_and_keeps_the_table(
    client_for,
) -> None:  # noqa: ANN001
    body = client_for("district").get(URL).content.decode()
    assert "还没有导入镇街边界" in body and 'href="/reference/boundaries/"' in body
    assert "import_boundaries" in body
    assert len(table(body)) == 10 and "town-map-data" not in body
    leader = client_for("leader").get(URL).content.decode()
    assert (
        "请区残联工作人员或系统管理员" in leader and 'href="/reference/boundaries/"' not in leader
    )


def test_an_unknown_indicator_or_year_is_an_error_not_a_500(client_for) -> None:  # noqa: ANN001
    response = client_for("leader").get(URL, {"indicator": "nope", "year": "1999"})
    body = response.content.decode()
    assert response.status_code == 200 and "<title>错误：" in body
    assert "没有这个指标，请从列表中选择" in body and "请选择 2022 年到" in body
