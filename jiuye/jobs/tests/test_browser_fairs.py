"""The fair pages in Chromium with axe-core at 0 violations: the list, a fair's page, the fair
form with errors, participants and seekers (with a failed 现场投递), for a town officer, the
employer and a job seeker; the list fits a 360 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD
from jiuye.core.tests.browser import assert_accessible, expect_error_title, log_in
from jiuye.jobs.services import fairs as services
from jiuye.jobs.tests import referral_fixtures as fx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

posting_a, fair_a = fx.posting_a, fx.fair_a


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_the_fair_pages_pass_axe_for_a_town_officer(
    page: Page, live_server: LiveServer, personas, fair_a
) -> None:  # noqa: ANN001
    base = live_server.url
    services.fair_register_seeker(fair=fair_a, person=personas["jobseeker"].person, by=None)
    log_in(page, base, "town_a", PASSWORD)

    page.goto(base + reverse("jobs:fairs"))
    assert_accessible(page, "fair list")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="东城残疾人专场招聘会").click()
    page.wait_for_load_state()
    assert_accessible(page, "fair page")

    page.goto(base + reverse("jobs:fair-create"))
    assert_accessible(page, "fair form")
    page.get_by_label("举办日期").fill("")
    submit(page, "新建招聘会")
    expect_error_title(page)
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    assert_accessible(page, "fair form with errors")

    page.goto(base + reverse("jobs:fair-edit", args=[fair_a.pk]))
    assert_accessible(page, "fair edit form")

    page.goto(base + reverse("jobs:fair-participants", args=[fair_a.pk]) + "?q=示范")
    assert_accessible(page, "fair participants")

    page.goto(base + reverse("jobs:fair-seekers", args=[fair_a.pk]) + "?q=张")
    assert_accessible(page, "fair seekers")
    # 现场投递 without a posting chosen: the error sits beside the select.
    submit(page, "为 张三 现场投递")
    expect_error_title(page)
    assert_accessible(page, "fair seekers with an error")


def test_the_fair_page_passes_axe_for_the_employer_and_a_job_seeker(
    page: Page, live_server: LiveServer, personas, fair_a
) -> None:  # noqa: ANN001
    base = live_server.url
    for username in ("employer", "jobseeker"):
        log_in(page, base, username, PASSWORD)
        page.goto(base + reverse("jobs:fairs"))
        assert_accessible(page, f"fair list for {username}")
        page.goto(base + reverse("jobs:fair", args=[fair_a.pk]))
        assert_accessible(page, f"fair page for {username}")
        page.context.clear_cookies()
