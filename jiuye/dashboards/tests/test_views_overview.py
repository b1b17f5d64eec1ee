"""The overview: numbers equal to the indicators (and to a hand count), scope, the charts'
downloads and the query budget."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from html import escape

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import TOWN_A, TOWN_B, register_counted
from jiuye.core.indicators import registry
from jiuye.dashboards.selectors import overview as selectors
from jiuye.reference.models import Region
from jiuye.reference.selectors import district_and_towns


@pytest.fixture
def plan(plan_built_once):  # noqa: ANN001, ANN201
    """The plan, built once for this module (conftest.plan_built_once): the two tests here without
    it read no plan (a count's grouping, a leader's menu), and none commits."""
    return plan_built_once


pytestmark = pytest.mark.django_db

URL = reverse("dashboards:overview")
DISTRICT = "440199000000"


def _year(plan) -> int:  # noqa: ANN001
    return min(max(dt.date.today().year, plan.start_year), plan.end_year)


@pytest.fixture
def counted(personas, plan):  # noqa: ANN001, ANN201
    """Persons counted by hand: 东城 has person_a and two more (one 视力 grade 1, one 肢体
    grade 2), 西城 one (肢体 grade 2); a registered-persons target for each town."""
    year = _year(plan)
    register_counted(year)
    return year


def _line(response, code: str):  # noqa: ANN001, ANN202
    for section in response.context["o"].sections:
        for line in section.lines:
            if line.indicator.code == code:
                return line
    raise AssertionError(code)


def test_it_shows_the_hand_counted_registry_with_its_targets(client_for, counted) -> None:  # noqa: ANN001
    response = client_for("leader").get(URL, {"year": counted})
    assert response.status_code == 200
    line = _line(response, "people.registered")
    assert line.row.actual == 4  # person_a and 王五, 赵六 in 东城; 钱七 in 西城
    assert line.row.target == 20
    assert line.status[0] == "behind"
    # 西城 has 1 of its 10 (10 %), 东城 3 of 3 (100 %): 西城 is furthest behind.
    assert [(t.town.code, t.actual, t.progress) for t in line.behind[:2]] == [
        (TOWN_B, 1, Decimal("10.0")),
        (TOWN_A, 3, Decimal("100.0")),
    ]
    html = response.content.decode()
    assert "▲ 未达到目标" in html
    registry_chart = next(c for c in response.context["o"].charts if c.key == "registry")
    totals = {label: values[-1] for label, values in registry_chart.rows}
    assert totals["视力残疾"] == 1 and totals["肢体残疾"] == 2
    assert "登记残疾人共4人" in registry_chart.summary


def test_every_number_equals_the_indicator_computed_on_its_own(client_for, counted) -> None:  # noqa: ANN001
    response = client_for("district").get(URL, {"year": counted})
    district, towns = district_and_towns()
    for section in response.context["o"].sections:
        for line in section.lines:
            ind = line.indicator
            alone = Region.objects.get(code=DISTRICT)
            assert line.row.actual == ind.value(alone, counted), ind.code
            assert line.previous == ind.value(Region.objects.get(code=DISTRICT), counted - 1)
            for town in line.towns:
                assert town.actual == ind.value(Region.objects.get(code=town.town.code), counted)


def test_a_district_officer_follows_a_number_to_its_records_and_a_leader_cannot(
    client_for,
    counted,  # noqa: ANN001
) -> None:
    district = client_for("district").get(URL, {"year": counted})
    url = registry.get("people.registered").records_url(Region(code=DISTRICT, level=3), counted)
    assert escape(url) in district.content.decode()
    leader = client_for("leader").get(URL, {"year": counted})
    assert reverse("people:list") not in leader.content.decode()
    liaison = client_for("liaison").get(URL, {"year": counted})
    assert liaison.status_code == 200
    assert reverse("people:list") not in liaison.content.decode()


def test_a_town_officer_sees_only_their_own_town(client_for, counted) -> None:  # noqa: ANN001
    client = client_for("town_a")
    response = client.get(URL, {"year": counted})
    assert response.status_code == 200
    assert response.context["o"].region.code == TOWN_A
    assert response.context["o"].towns == []
    assert _line(response, "people.registered").row.actual == 3
    assert client.get(URL, {"year": counted, "town": TOWN_B}).status_code == 404
    export = reverse("dashboards:overview-export", args=["registry"])
    assert client.get(export, {"year": counted, "town": TOWN_B}).status_code == 404


def test_a_chosen_town_and_an_unknown_one(client_for, counted) -> None:  # noqa: ANN001
    client = client_for("leader")
    response = client.get(URL, {"year": counted, "town": TOWN_B})
    assert _line(response, "people.registered").row.actual == 1
    assert client.get(URL, {"town": "440199999000"}).status_code == 404


def test_others_are_refused_and_only_get_is_allowed(client_for, counted) -> None:  # noqa: ANN001
    assert client_for("employer").get(URL).status_code == 403
    assert client_for("jobseeker").get(URL).status_code == 403
    assert client_for("leader").post(URL).status_code == 405


@pytest.mark.parametrize("chart", selectors.CHARTS)
def test_each_chart_downloads_as_the_table_on_the_page(client_for, counted, chart) -> None:  # noqa: ANN001
    client = client_for("district")
    page = client.get(URL, {"year": counted})
    shown = next(c for c in page.context["o"].charts if c.key == chart)
    response = client.get(reverse("dashboards:overview-export", args=[chart]), {"year": counted})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    # When the figures were counted, as the page says above them (core.kept), then the table.
    made = timezone.localtime(page.context["o"].kept.made_at).strftime("%Y-%m-%d %H:%M")
    assert rows[0][0] == f"数字统计于 {made}。"
    assert rows[1] == shown.columns
    assert sheet.freeze_panes == "A3"

    def numbers(values):  # noqa: ANN001, ANN202
        return [None if v is None else Decimal(str(v)) for v in values]

    assert [[r[0], *numbers(r[1:])] for r in rows[2:]] == [
        [label, *numbers(values)] for label, values in shown.rows
    ]
    assert len(rows) == len(shown.rows) + 2


def test_an_unknown_chart_is_not_found(client_for, counted) -> None:  # noqa: ANN001
    url = reverse("dashboards:overview-export", args=["pie"])
    assert client_for("district").get(url).status_code == 404


# The page's query budget and the batched figures against each indicator computed alone need a
# demo district: they are in core/tests/test_query_budget.py, which builds one for its walk.


def test_a_grouped_count_is_used_only_where_it_counts_the_same_rows() -> None:
    """A count whose region enters anywhere but one filter every row passes is computed for
    each region on its own (``_grouped_term`` declines it)."""
    from django.db import connection

    from jiuye.core.indicators import CountOf, _grouped_term
    from jiuye.people.models import Person

    prefix = "440199"
    plain = CountOf(Person.objects.filter(region__code__startswith=prefix).values("pk"))
    assert _grouped_term(plain, prefix, 9, connection) is not None
    either = Person.objects.filter(Q(region__code__startswith=prefix) | Q(name="x")).values("pk")
    assert _grouped_term(CountOf(either), prefix, 9, connection) is None
    twice = Person.objects.filter(
        region__code__startswith=prefix,
        pk__in=Person.objects.filter(region__code__startswith=prefix).values("pk"),
    ).values("pk")
    assert _grouped_term(CountOf(twice), prefix, 9, connection) is None
    negated = Person.objects.exclude(region__code__startswith=prefix).values("pk")
    assert _grouped_term(CountOf(negated), prefix, 9, connection) is None


def test_the_overview_leads_a_leaders_menu_and_home(client_for, personas) -> None:  # noqa: ANN001
    from jiuye.core.navigation import menu_for

    assert menu_for(personas["leader"])[0].url_name == "dashboards:overview"
    assert menu_for(personas["district"])[0].url_name == "core:home"
    assert "dashboards:overview" in [i.url_name for i in menu_for(personas["town_a"])]
    assert "dashboards:overview" not in [i.url_name for i in menu_for(personas["employer"])]
    home = client_for("leader").get(reverse("core:home")).content.decode()
    assert f'<a class="button" href="{URL}">' in home


def test_the_town_links_are_each_towns_own_records_link(personas, counted) -> None:  # noqa: ANN001
    """The towns' record links, built once per indicator and filled in per town, are exactly
    what ``records_link`` gives each town on its own, for every indicator and every viewer
    (one with drill-down, one whose role may not open the pages, none); and a link whose
    address the stand-in town cannot build is built town by town."""
    from jiuye.actionplan.selectors import records_link
    from jiuye.core.indicators import Indicator

    _, towns = district_and_towns()
    assert len(towns) >= 2
    linked = 0
    for viewer in (None, personas["district"], personas["leader"]):
        allowed: dict[str, bool] = {}
        for ind in registry.all():
            own = [records_link(ind, t, counted, drill_down=True, viewer=viewer) for t in towns]
            got = selectors.town_links(
                ind, towns, counted, drill_down=True, viewer=viewer, allowed=allowed
            )
            assert got == own, (ind.code, viewer)
            assert selectors.town_links(ind, towns, counted, drill_down=False) == [None] * len(
                towns
            )
            linked += sum(bool(u) for u in own)
    assert linked > 100

    by_name = Indicator(
        code="t.by_name",
        name="t",
        name_en="t",
        unit="个",
        action=1,
        compute=lambda region, year: 0,
        records_url=lambda region, year: f"/people/?n={region.name}&r={region.code}",
    )
    own = [records_link(by_name, t, counted, drill_down=True) for t in towns]
    assert selectors.town_links(by_name, towns, counted, drill_down=True) == own
    assert len(set(own)) == len(towns)
