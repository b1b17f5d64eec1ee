"""The worklist and the coverage dashboard in Chromium: axe-core at 0 violations, the worklist
on a 360 px phone without sideways scrolling, its actions reachable and named by keyboard, and
the coverage chart drawn with ECharts' aria description beside its table."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import assert_accessible, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_worklist_at_360_px_passes_axe_and_works_by_keyboard(on_phone, worklist_town) -> None:  # noqa: ANN001
    with on_phone("town_a") as (page, base):
        visit(page, base + reverse("casework:worklist"), "worklist at 360 px")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the worklist scrolls sideways at 360 px ({width} px wide)"
        # Each mark is in words; each action is named with the person.
        assert page.locator(".mark", has_text="需求未登记").is_visible()
        verify = page.get_by_role("link", name=re.compile(r"^核对信息\s*：甲二$"))
        assert verify.count() == 1
        # Keyboard: tab until the action has focus, then Enter opens the verification form.
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "核对信息：甲二":
                break
        else:
            pytest.fail("the action for 甲二 was not reached by Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(
            reverse("casework:verify", kwargs={"pk": worklist_town["甲二"].pk})
        )

        worklist = base + reverse("casework:worklist")
        visit(page, worklist + "?status=not_served&order=todo", "worklist filtered")
        visit(page, worklist + "?village=440199002001", "worklist with a filter error")


def test_the_coverage_dashboard_passes_axe_with_its_chart(
    page: Page, signed_in, worklist_town
) -> None:  # noqa: ANN001
    page.goto(signed_in("town_a") + reverse("casework:coverage"))
    chart = page.locator("#coverage-chart")
    chart.locator("canvas").wait_for()
    assert_accessible(page, "coverage dashboard (town)")
    # The page's own description stays once the chart is drawn: the one ECharts generates
    # read each bar's position as a second value and an empty rate as "NaN".
    title = page.evaluate(
        "JSON.parse(document.getElementById('coverage-chart-data').textContent).title"
    )
    assert title and chart.get_attribute("aria-label") == title
    assert page.get_by_role("table").count() == 1
    link = page.locator("a[href*='gap=not_verified']").first
    with page.expect_navigation():
        link.click()
    assert page.get_by_role("heading", level=1).inner_text() == "本年未核对基础信息的人员"
    assert_accessible(page, "gap list")


@pytest.mark.parametrize("persona", ["leader", "town_a", "district"])
def test_the_coverage_dashboard_fits_360_px_for_each_role(
    on_phone, worklist_town, persona: str
) -> None:  # noqa: ANN001
    with on_phone(persona) as (page, base):
        page.goto(base + reverse("casework:coverage"))
        page.locator("#coverage-chart canvas").wait_for()
        assert_accessible(page, f"coverage dashboard ({persona}, 360 px)")
        links = page.locator("a[href*='/coverage/gaps/']").count()
        assert (links == 0) == (persona == "leader")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the dashboard scrolls sideways at 360 px ({width} px wide)"
