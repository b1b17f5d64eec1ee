"""The casework plan indicators: their values against the hand count, their cost, and their
place on the plan dashboard under actions 十 and 五 with targets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import TOWN_A
from jiuye.actionplan.models import IndicatorTarget
from jiuye.casework import selectors
from jiuye.core.indicators import registry
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

CODES = [
    "casework.unemployed",
    "casework.verified_rate",
    "casework.needs_rate",
    "casework.served_rate",
    "casework.hte_visited_rate",
]


def _values(code: str, year: int) -> dict[str, Decimal]:
    region = Region.objects.get(code=code)
    return {c: registry.get(c).value(region, year) for c in CODES}


def test_the_indicators_match_the_hand_count(worklist_town) -> None:  # noqa: ANN001
    year = timezone.localdate().year
    town = _values(TOWN_A, year)
    assert town == {
        "casework.unemployed": 5,
        "casework.verified_rate": Decimal("80.0"),
        "casework.needs_rate": Decimal("66.7"),
        "casework.served_rate": Decimal("50.0"),
        "casework.hte_visited_rate": Decimal("100.0"),
    }
    district = _values("440199000000", year)
    assert district["casework.unemployed"] == 6
    assert district["casework.verified_rate"] == Decimal("66.7")


def test_a_rate_with_nobody_to_count_is_zero(worklist_town) -> None:  # noqa: ANN001
    empty = _values("440199003000", timezone.localdate().year)
    assert set(empty.values()) == {Decimal(0)}


def test_the_five_indicators_share_one_query_once_the_tallies_are_fresh(
    worklist_town, django_assert_num_queries
) -> None:  # noqa: ANN001
    region = Region.objects.get(code=TOWN_A)
    year = timezone.localdate().year
    registry.get("casework.unemployed").value(Region.objects.get(code=TOWN_A), year)  # refresh
    with django_assert_num_queries(1):
        for code in CODES:
            registry.get(code).value(region, year)
    # A fresh Region (a new request) reads afresh, and the figures are the live ones.
    fresh = Region.objects.get(code=TOWN_A)
    with django_assert_num_queries(1):
        registry.get("casework.unemployed").value(fresh, year)
    assert selectors.coverage_figures(region=fresh, year=year) == selectors.coverage_figures_live(
        region=Region.objects.get(code=TOWN_A), year=year
    )


def test_they_show_under_actions_ten_and_five_with_their_targets(client_for, plan) -> None:  # noqa: ANN001
    district = Region.objects.get(code="440199000000")
    IndicatorTarget.objects.create(
        indicator_code="casework.verified_rate", year=2024, region=district, value=100
    )
    response = client_for("district").get("/plan/", {"year": 2024})
    sections = {s["action"].number: s for s in response.context["sections"]}
    ten = {row.indicator.code: row for row in sections[10]["indicators"]}
    assert set(CODES[:4]) <= set(ten)
    assert ten["casework.verified_rate"].target == 100
    assert ten["casework.verified_rate"].records_url.startswith("/casework/coverage/")
    assert ten["casework.unemployed"].records_url.startswith("/casework/coverage/gaps/")
    five = {row.indicator.code for row in sections[5]["indicators"]}
    assert "casework.hte_visited_rate" in five
    html = response.content.decode()
    assert "基础信息核对率" in html and "就业困难残疾人走访率" in html


def test_leaders_see_the_figures_without_links_to_persons(client_for, plan) -> None:  # noqa: ANN001
    response = client_for("leader").get("/plan/", {"year": 2024})
    sections = {s["action"].number: s for s in response.context["sections"]}
    rows = [r for r in sections[10]["indicators"] if r.indicator.code in CODES]
    assert rows and all(row.records_url is None for row in rows)
