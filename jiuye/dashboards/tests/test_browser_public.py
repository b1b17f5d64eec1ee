"""The public summary and the disclosure in Chromium, signed out: axe-core at 0 violations, the
tables readable at 320 px (they scroll inside their own region, the page does not), the year
chosen by keyboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from conftest import VILLAGE_A, register_person
from jiuye.core.tests.browser import assert_accessible, fits, phone, tab_to
from jiuye.employers.services.declarations import disclosure_publish
from jiuye.employers.tests.declaration_fixtures import YEAR, declare, line, person, public_unit
from jiuye.reference.models import DisabilityCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def figures(reference) -> None:  # noqa: ANN001
    blind = DisabilityCategory.objects.get(code=1)
    for seq in range(700, 707):
        register_person(seq, f"不应出现{seq}", village=VILLAGE_A, category=blind)
    unit = public_unit("区某局", "11440199MB2TEXT01")
    declare(unit, [line(person(31, name="也不应出现"))], staff=100, confirm=True)
    disclosure_publish(year=YEAR, by=None)


def test_the_public_pages_pass_axe_signed_out(page: Page, live_server: LiveServer, figures) -> None:  # noqa: ANN001
    summary = f"{live_server.url}{reverse('dashboards:public-summary')}"
    page.goto(summary)
    text = page.locator("main").inner_text()
    assert "东城街道" in text and "<5" in text and "不应出现" not in text
    assert page.locator("table").count() == 4
    assert_accessible(page, "public summary")
    # A keyboard user picks another year.
    tab_to(page, "#filter-year")
    page.keyboard.press("End")  # the oldest year offered
    tab_to(page, "form.filter button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    oldest = dt.date.today().year - 5
    assert page.locator("h1").inner_text().startswith(str(oldest))
    assert_accessible(page, "public summary of another year")
    page.goto(f"{live_server.url}{reverse('employers:disclosure')}?year={YEAR}")
    assert "&lt;5" not in page.locator("main").inner_text()
    assert "<5" in page.locator("tbody").inner_text()
    assert_accessible(page, "public disclosure with a small count")


def test_the_public_pages_fit_a_320_px_screen(
    chromium: Browser, live_server: LiveServer, figures
) -> None:  # noqa: ANN001
    with phone(chromium, 320, 640) as small:
        for name, query in (("dashboards:public-summary", ""), ("employers:disclosure", YEAR)):
            small.goto(f"{live_server.url}{reverse(name)}?year={query}")
            assert fits(small), f"{name} scrolls sideways at 320 px"
            assert_accessible(small, f"{name} at 320 px")
