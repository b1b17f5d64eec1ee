"""The overview in Chromium: axe-core at 0 violations at desktop width and at 320 px (the page
itself not scrolling sideways), every chart drawn, in forced-colors mode too, and a keyboard walk
that reaches a chart's data table and a number's link to its records."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import assert_accessible
from jiuye.dashboards.selectors.overview import CHARTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.fixture
def demo(settings, personas, plan) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    call_command("demo_data", persons=150, seed=2, stdout=StringIO())
    # Every year's coverage tallies computed once here, not by the first page view (ADR 0005).
    for year in sorted({*plan.years, plan.start_year - 1}):
        call_command("refresh_coverage", year=year, everything=True, stdout=StringIO())


def _open(page: Page, url: str) -> None:
    page.goto(url)


def _charts_drawn(page: Page) -> None:
    """Every chart of the page is drawn (a town's own overview has no towns to compare), and
    a screen reader still hears the chart's title and summary as the page wrote them: the
    description ECharts generates read each point's position as a second value ("2023的数据是
    1，0") and a gap as "NaN"."""
    boxes = page.locator(".chart[data-source]")
    assert boxes.count() >= len(CHARTS) - 1
    for index in range(boxes.count()):
        box = boxes.nth(index)
        box.locator("canvas").wait_for()
        key = box.get_attribute("id")
        title = page.inner_text(f"#{key}-title")
        summary = page.inner_text(f"#{key}-summary")
        assert box.get_attribute("aria-label") == f"{title}：{summary}", key


def test_the_overview_passes_axe_at_desktop_and_at_320_px(page: Page, signed_in, demo) -> None:  # noqa: ANN001
    base = signed_in("leader")
    page.set_viewport_size({"width": 1280, "height": 900})
    _open(page, base + reverse("dashboards:overview"))
    _charts_drawn(page)
    assert_accessible(page, "overview (leader, desktop)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 700})
    page.reload()
    _charts_drawn(page)
    assert_accessible(page, "overview (leader, 320 px)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the overview scrolls sideways at 320 px ({width} px wide)"
    page.screenshot(path=str(SHOTS / "overview-320.png"), full_page=False)


def test_the_overview_draws_in_forced_colors(page: Page, signed_in, demo) -> None:  # noqa: ANN001
    base = signed_in("town_a")
    page.emulate_media(forced_colors="active")
    _open(page, base + reverse("dashboards:overview"))
    _charts_drawn(page)
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    assert_accessible(page, "overview (town, forced colors)")


def test_the_keyboard_reaches_a_charts_table_and_a_numbers_records(
    page: Page,
    signed_in,  # noqa: ANN001
    demo,  # noqa: ANN001
) -> None:
    base = signed_in("district")
    _open(page, base + reverse("dashboards:overview"))
    _charts_drawn(page)
    reached_table = None
    for _ in range(400):
        page.keyboard.press("Tab")
        active = page.evaluate(
            "() => { const a = document.activeElement; return {"
            " label: a.getAttribute('aria-labelledby') || '', tag: a.tagName,"
            " href: a.getAttribute('href') || '', text: a.textContent.trim().slice(0, 40) }; }"
        )
        if active["label"].startswith("chart-") and active["label"].endswith("-caption"):
            reached_table = active["label"]
        if reached_table and active["tag"] == "A" and "/people/?" in active["href"]:
            break
    else:
        pytest.fail(f"Tab did not reach a chart's table ({reached_table}) and then a records link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/people/" in page.url
    assert page.get_by_role("heading", level=1).count() == 1
