"""The competition and blind massage pages in Chromium with axe-core at 0 violations: the
competition list and page (a town officer with names, a leader with counts), the competition
form with errors, the establishment page and its form with errors, and the qualification form
with errors; the lists fit a 360 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD
from jiuye.core.tests.browser import assert_accessible, expect_error_title, log_in
from jiuye.training.services import competitions as services
from jiuye.training.tests import competition_fixtures as fx
from jiuye.training.tests.competition_fixtures import days_ago, employ, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

competition_a, establishment_a = fx.competition_a, fx.establishment_a


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_competition_pages_pass_axe_for_a_town_officer(
    page: Page, live_server: LiveServer, personas, competition_a
) -> None:  # noqa: ANN001
    base = live_server.url
    services.competition_entry_add(
        competition=competition_a,
        person=personas["jobseeker"].person,
        by=None,
        trade="盲人按摩",
        award="一等奖",
    )
    log_in(page, base, "town_a", PASSWORD)

    page.goto(base + reverse("training:competitions"))
    assert_accessible(page, "competition list")
    _fits_a_phone(page)
    page.get_by_role("link", name="东城残疾人职业技能竞赛").click()
    page.wait_for_load_state()
    assert_accessible(page, "competition page")
    page.goto(base + reverse("training:competition", args=[competition_a.pk]) + "?q=张")
    assert_accessible(page, "competition page with a person search")

    page.goto(base + reverse("training:competition-create"))
    page.get_by_label("举办日期").fill("")
    submit(page, "新建竞赛")
    expect_error_title(page)
    assert_accessible(page, "competition form with errors")

    url = reverse(
        "training:competition-entry-add", args=[competition_a.pk, personas["jobseeker"].person_id]
    )
    page.goto(base + url)
    submit(page, "添加参赛记录")
    expect_error_title(page)
    assert_accessible(page, "entry form with errors")


def test_the_competition_page_passes_axe_for_a_leader(
    page: Page, live_server: LiveServer, personas, competition_a
) -> None:  # noqa: ANN001
    base = live_server.url
    log_in(page, base, "leader", PASSWORD)
    page.goto(base + reverse("training:competitions"))
    assert_accessible(page, "competition list for a leader")
    page.goto(base + reverse("training:competition", args=[competition_a.pk]))
    assert_accessible(page, "competition page for a leader")


def test_the_establishment_pages_pass_axe(
    page: Page, live_server: LiveServer, personas, establishment_a, employer_a
) -> None:  # noqa: ANN001
    base = live_server.url
    blind = make_person(301, "王盲", category="1")
    employ(blind, employer_a, days_ago(30))
    log_in(page, base, "town_a", PASSWORD)

    page.goto(base + reverse("training:establishments"))
    assert_accessible(page, "establishment list")
    _fits_a_phone(page)
    page.get_by_role("link", name="东城盲人按摩所").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="王盲", exact=True).is_visible()
    assert_accessible(page, "establishment page")

    page.goto(base + reverse("training:establishment-create"))
    page.get_by_label("对应用人单位的统一社会信用代码").fill("123")
    submit(page, "登记按摩机构")
    expect_error_title(page)
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    assert_accessible(page, "establishment form with errors")

    page.goto(base + reverse("training:qualification", args=[blind.pk]))
    assert_accessible(page, "qualification form")
    page.get_by_label("医疗按摩资格取得日期").fill("2020-06-01")
    submit(page, "保存从业资格")
    expect_error_title(page)
    assert_accessible(page, "qualification form with errors")
