"""The provider and course pages in Chromium with axe-core at 0 violations: the course list and
a course's page (with its enrolments for a town officer, and for a job seeker), the provider
pages, and the course form with errors (title "错误：", the error summary focused)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD
from jiuye.core.tests.browser import assert_accessible, expect_error_title, log_in
from jiuye.training.tests import course_fixtures as fx
from jiuye.training.tests.course_fixtures import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

provider_a, course_a = fx.provider_a, fx.course_a


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_the_course_pages_pass_axe_for_a_town_officer(
    page: Page, live_server: LiveServer, personas, course_a
) -> None:  # noqa: ANN001
    base = live_server.url
    enrol(course_a, personas["jobseeker"].person)
    log_in(page, base, "town_a", PASSWORD)

    page.goto(base + reverse("training:courses"))
    assert_accessible(page, "course list")
    page.set_viewport_size({"width": 320, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="电商直播培训班").click()
    page.wait_for_load_state()
    assert page.get_by_role("table", name="报名人员").get_by_text("张三").count() == 1
    assert_accessible(page, "course page")

    page.goto(base + reverse("training:course-create"))
    assert_accessible(page, "course form")
    page.get_by_label("课程名称").fill("")
    page.get_by_label("名额").fill("0")
    submit(page, "新建课程")
    expect_error_title(page)
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    assert_accessible(page, "course form with errors")

    page.goto(base + reverse("training:course-edit", args=[course_a.pk]))
    assert_accessible(page, "course edit form")

    page.goto(base + reverse("training:providers"))
    assert_accessible(page, "provider list")
    page.goto(base + reverse("training:provider", args=[course_a.provider.pk]))
    assert_accessible(page, "provider page")
    page.goto(base + reverse("training:provider-create"))
    submit(page, "登记培训机构")
    expect_error_title(page)
    assert_accessible(page, "provider form with errors")


def test_the_course_page_passes_axe_for_a_job_seeker(
    page: Page, live_server: LiveServer, personas, course_a
) -> None:  # noqa: ANN001
    base = live_server.url
    log_in(page, base, "jobseeker", PASSWORD)
    page.goto(base + reverse("training:course", args=[course_a.pk]))
    assert page.get_by_role("button", name="申请报名这个课程").count() == 1
    assert_accessible(page, "course page for a job seeker")
