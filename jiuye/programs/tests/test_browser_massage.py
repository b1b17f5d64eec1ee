"""The medical massage pages in Chromium with axe-core at 0 violations (the institution list
with the rate, its form with errors, the application list, the application form with errors and
an application page with its stage form in error), and a town officer who records that an
application was accepted by keyboard alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import (
    assert_accessible,
    expect_errors,
    submit,
    tab_to,
    visit,
    visit_list,
)
from jiuye.programs.models.massage import ApplicationStatus
from jiuye.programs.services import massage as services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_medical_massage_pages_pass_axe(page: Page, signed_in, employer_a, person_a) -> None:  # noqa: ANN001
    services.institution_create(by=None, employer=employer_a, kind="hospital")
    application = services.application_submit(
        by=None, kind="qualification", person=person_a, submitted_on=dt.date(2025, 3, 1)
    )
    base = signed_in("town_a")
    visit_list(
        page,
        base + reverse("programs:medical-institutions"),
        "institution list",
        item="东城示范企业",
    )
    assert_accessible(page, "institution page")

    page.goto(base + reverse("programs:medical-institution-create"))
    page.get_by_label("医疗机构的统一社会信用代码").fill("123")
    submit(page, "登记医疗机构")
    expect_errors(page, "institution form with errors")

    visit(page, base + reverse("programs:massage-applications"), "application list")
    page.goto(base + reverse("programs:massage-application-create"))
    submit(page, "登记申请")
    expect_errors(page, "application form with errors")

    visit(
        page, base + reverse("programs:massage-application", args=[application.pk]), "application"
    )
    submit(page, "保存办理阶段")
    expect_errors(page, "stage form with errors")


def test_a_town_officer_records_an_acceptance_by_keyboard_alone(
    page: Page, signed_in, person_a
) -> None:  # noqa: ANN001
    application = services.application_submit(
        by=None, kind="qualification", person=person_a, submitted_on=dt.date(2025, 3, 1)
    )
    page.goto(signed_in("town_a") + reverse("programs:massage-applications"))
    tab_to(page, f"a[href$='/{application.pk}/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_status_0")
    page.keyboard.press("Space")  # 已受理
    tab_to(page, "#id_on")
    # Headless Chromium's date field here has the segments month, day, year (its own locale).
    page.keyboard.type("03052025")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已更新申请的办理阶段" in page.locator(".messages").inner_text()
    application.refresh_from_db()
    assert (application.status, application.accepted_on) == (
        ApplicationStatus.ACCEPTED,
        dt.date(2025, 3, 5),
    )
