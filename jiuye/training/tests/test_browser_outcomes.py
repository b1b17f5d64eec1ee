"""The scorecard and the list behind its numbers in Chromium with axe-core at 0 violations, for
a town officer (with links to names) and a leader (figures only); the list with bad filters;
the scorecard fits a 320 px screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD
from jiuye.core.tests.browser import assert_accessible, expect_error_title, log_in
from jiuye.training.tests import outcome_fixtures as fx
from jiuye.training.tests.outcome_fixtures import YEAR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

provider_a, course_a, completer_a = fx.provider_a, fx.course_a, fx.completer_a


def test_the_scorecard_and_the_list_pass_axe_for_a_town_officer(
    page: Page, live_server: LiveServer, provider_a, course_a, completer_a
) -> None:  # noqa: ANN001
    base = live_server.url
    fx.enrol(fx.make_course(provider_a, "直播带货班"), fx.make_person(901, "赵六"))
    fx.job(fx.make_person(902, "钱七"), dt.date(YEAR, 1, 5))
    log_in(page, base, "town_a", PASSWORD)

    page.goto(base + reverse("training:scorecard", args=[provider_a.pk]))
    assert_accessible(page, "scorecard")
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.locator(f'a[aria-describedby="course-{course_a.pk}"]').click()
    page.wait_for_load_state()
    assert_accessible(page, "outcome list of a course")
    assert page.get_by_role("link", name="张三").is_visible()

    page.goto(base + reverse("training:outcomes") + "?year=abc&kind=x")
    expect_error_title(page)
    assert_accessible(page, "outcome list with bad filters")


def test_the_scorecard_passes_axe_for_a_leader(
    page: Page, live_server: LiveServer, provider_a, completer_a
) -> None:  # noqa: ANN001
    base = live_server.url
    log_in(page, base, "leader", PASSWORD)
    page.goto(base + reverse("training:scorecard", args=[provider_a.pk]))
    assert_accessible(page, "scorecard for a leader")
    assert page.get_by_role("link", name="结业学员名单").count() == 0
