"""The enrolment pages in Chromium with axe-core at 0 violations: the enrol form with errors
(title "错误：", error summary with focus) and over capacity with its confirmation box, the
enrolment page with a failed completion, the attendance sheet on a 360 px phone, and the
certificate list."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import assert_accessible, expect_errors, fits, submit, visit
from jiuye.jobs.tests.referral_fixtures import make_person
from jiuye.training.tests import enrolment_fixtures as fx
from jiuye.training.tests.enrolment_fixtures import days_ago, enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

course_a, enrolment_a = fx.course_a, fx.enrolment_a


def test_the_enrol_form_with_errors_and_over_capacity_passes_axe(
    page: Page, signed_in, course_a
) -> None:  # noqa: ANN001
    enrol_form = signed_in("town_a") + reverse("training:enrol", args=[course_a.pk]) + "?q=张"
    visit(page, enrol_form, "enrol form")
    page.get_by_label("报名日期").fill("")
    submit(page, "报名")
    expect_errors(page, "enrol form with errors")

    enrol(course_a, make_person(501, "王五"))
    enrol(course_a, make_person(502, "赵六"))
    page.goto(enrol_form)
    page.get_by_label("张三", exact=False).check()
    submit(page, "报名")
    expect_errors(page, "enrol form over capacity", focused=False)
    box = page.get_by_label("仍然报名（超出名额）")
    assert not box.is_checked()
    box.check()
    submit(page, "报名")
    assert "/training/enrolments/" in page.url
    assert_accessible(page, "enrolment page")
    page.get_by_label("结业日期").fill("2000-01-01")
    submit(page, "登记结业")
    expect_errors(page, "enrolment page with a failed completion", focused=False)


def test_the_attendance_sheet_works_on_a_phone_and_passes_axe(
    page: Page, signed_in, course_a, enrolment_a
) -> None:  # noqa: ANN001
    base = signed_in("town_a")
    page.set_viewport_size({"width": 360, "height": 740})
    day = days_ago(1)
    page.goto(base + reverse("training:attendance", args=[course_a.pk]) + f"?date={day:%Y-%m-%d}")
    assert fits(page)
    assert_accessible(page, "attendance sheet at 360 px")
    box = page.get_by_label("张三", exact=False)
    assert box.bounding_box()["height"] >= 24
    box.check()
    submit(page, f"保存 {day:%Y-%m-%d} 的考勤")
    assert page.get_by_label("张三", exact=False).is_checked()
    assert_accessible(page, "attendance sheet after saving")
    page.goto(base + reverse("training:attendance", args=[course_a.pk]) + "?date=2000-01-01")
    assert "不在课程开班至结业期间" in page.content()
    assert_accessible(page, "attendance sheet with a date outside the course")
    page.set_viewport_size({"width": 1280, "height": 800})
    visit(page, base + reverse("training:certificates"), "certificate list")
