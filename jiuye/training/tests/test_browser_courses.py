"""The provider and course pages in Chromium with axe-core at 0 violations: the course list and
a course's page (with its enrolments for a town officer, and for a job seeker), the provider
pages, and the course form with errors (title "错误：", the error summary focused)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import assert_accessible, expect_errors, submit, visit, visit_list
from jiuye.training.tests import course_fixtures as fx
from jiuye.training.tests.course_fixtures import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

provider_a, course_a = fx.provider_a, fx.course_a


def test_the_course_pages_pass_axe_for_a_town_officer(
    page: Page, signed_in, personas, course_a
) -> None:  # noqa: ANN001
    enrol(course_a, personas["jobseeker"].person)
    base = signed_in("town_a")

    courses = base + reverse("training:courses")
    visit_list(page, courses, "course list", item="电商直播培训班", width=320)
    assert page.get_by_role("table", name="报名人员").get_by_text("张三").count() == 1
    assert_accessible(page, "course page")

    visit(page, base + reverse("training:course-create"), "course form")
    page.get_by_label("课程名称").fill("")
    page.get_by_label("名额").fill("0")
    submit(page, "新建课程")
    expect_errors(page, "course form with errors")

    visit(page, base + reverse("training:course-edit", args=[course_a.pk]), "course edit form")
    visit(page, base + reverse("training:providers"), "provider list")
    visit(page, base + reverse("training:provider", args=[course_a.provider.pk]), "provider page")
    page.goto(base + reverse("training:provider-create"))
    submit(page, "登记培训机构")
    expect_errors(page, "provider form with errors", focused=False)


def test_the_course_page_passes_axe_for_a_job_seeker(page: Page, signed_in, course_a) -> None:  # noqa: ANN001
    page.goto(signed_in("jobseeker") + reverse("training:course", args=[course_a.pk]))
    assert page.get_by_role("button", name="申请报名这个课程").count() == 1
    assert_accessible(page, "course page for a job seeker")
