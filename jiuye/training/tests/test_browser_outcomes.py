"""The scorecard and the list behind its numbers in Chromium with axe-core at 0 violations, for
a town officer (with links to names) and a leader (figures only); the list with bad filters;
the scorecard fits a 320 px screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import (
    assert_accessible,
    assert_fits_phone,
    expect_errors,
    open_by,
    visit,
)
from jiuye.training.tests import outcome_fixtures as fx
from jiuye.training.tests.outcome_fixtures import YEAR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

provider_a, course_a, completer_a = fx.provider_a, fx.course_a, fx.completer_a


def test_the_scorecard_and_the_list_pass_axe_for_a_town_officer(
    page: Page, signed_in, provider_a, course_a, completer_a
) -> None:  # noqa: ANN001
    fx.enrol(fx.make_course(provider_a, "直播带货班"), fx.make_person(901, "赵六"))
    fx.job(fx.make_person(902, "钱七"), dt.date(YEAR, 1, 5))
    base = signed_in("town_a")

    visit(page, base + reverse("training:scorecard", args=[provider_a.pk]), "scorecard")
    assert_fits_phone(page, width=320, height=640)

    open_by(page, page.locator(f'a[aria-describedby="course-{course_a.pk}"]'))
    assert_accessible(page, "outcome list of a course")
    assert page.get_by_role("link", name="张三").is_visible()

    page.goto(base + reverse("training:outcomes") + "?year=abc&kind=x")
    expect_errors(page, "outcome list with bad filters", focused=False)


def test_the_scorecard_passes_axe_for_a_leader(
    page: Page, signed_in, provider_a, completer_a
) -> None:  # noqa: ANN001
    scorecard = signed_in("leader") + reverse("training:scorecard", args=[provider_a.pk])
    visit(page, scorecard, "scorecard for a leader")
    assert page.get_by_role("link", name="结业学员名单").count() == 0
