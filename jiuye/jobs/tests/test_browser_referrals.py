"""The referral pages in Chromium: a town officer refers a candidate by keyboard alone (the
consent first, then the referral form reached by its URL), and every referral, consent, hire,
applicants and follow-up page passes axe-core, forms with errors included."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD
from jiuye.core.tests.browser import assert_accessible, expect_error_title, expect_path, log_in
from jiuye.jobs.models import Referral
from jiuye.jobs.tests import referral_fixtures as fx
from jiuye.jobs.tests.referral_fixtures import days_ago, hire, make_person, months_ago, refer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

posting_a = fx.posting_a


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose_radio(page: Page, name: str, value: str) -> None:
    """Tab into a radio group, then arrow to a choice (arrows move and select, as in any
    browser)."""
    tab_to(page, f"input[type=radio][name={name}]")
    for _ in range(10):
        if page.evaluate("(v) => document.activeElement.value === v", value):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrows never reached {value}")


def enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_town_officer_refers_a_candidate_by_keyboard_alone(
    page: Page, live_server: LiveServer, personas, posting_a
) -> None:  # noqa: ANN001
    base = live_server.url
    person = personas["jobseeker"].person
    log_in(page, base, "town_a", PASSWORD)
    create = f"{reverse('jobs:referral-create')}?person={person.pk}&posting={posting_a.pk}"
    page.goto(base + create)
    assert_accessible(page, "referral form without consent")

    # No consent yet: the page links to the consent page, which brings us back.
    tab_to(page, "a[href*='/consent/']")
    enter_and_wait(page)
    expect_path(page, reverse("jobs:consent", args=[person.pk]))
    assert_accessible(page, "consent page")
    tab_to(page, "button[type=submit]:not(.button--small)")  # submit unticked: an error
    enter_and_wait(page)
    expect_error_title(page)
    assert_accessible(page, "consent page with an error")
    tab_to(page, "input[name=agree]")
    page.keyboard.press("Space")
    tab_to(page, "form:has(input[name=agree]) button[type=submit]")
    enter_and_wait(page)
    expect_path(page, reverse("jobs:referral-create"))

    # The referral form: type a note, submit with Enter.
    assert_accessible(page, "referral form")
    tab_to(page, "textarea[name=note]")
    page.keyboard.type("已电话告知本人")
    tab_to(page, "form.form button[type=submit]")
    enter_and_wait(page)
    referral = Referral.objects.get()
    expect_path(page, reverse("jobs:referral", args=[referral.pk]))
    assert page.get_by_role("heading", level=1).inner_text() == "推荐：张三 → 网络客服"
    assert referral.note == "已电话告知本人"
    assert_accessible(page, "referral page")

    # The next step by keyboard: "not hired" without a reason is refused, then an interview.
    choose_radio(page, "advance-to", "not_hired")
    tab_to(page, "form[action*='/advance/'] button[type=submit]")
    enter_and_wait(page)
    expect_error_title(page)
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    assert_accessible(page, "referral page with an error")
    choose_radio(page, "advance-to", "interview")
    tab_to(page, "form[action*='/advance/'] button[type=submit]")
    enter_and_wait(page)
    referral.refresh_from_db()
    assert referral.status == "interview"


def test_the_hire_pipeline_and_follow_up_pages_pass_axe(
    page: Page, live_server: LiveServer, personas, posting_a
) -> None:  # noqa: ANN001
    base = live_server.url
    open_one = refer(personas["jobseeker"].person, posting_a, on=days_ago(3))
    placed = refer(make_person(990, "甲一"), posting_a, on=months_ago(2))
    hire(placed, months_ago(2))
    log_in(page, base, "town_a", PASSWORD)

    page.goto(base + reverse("jobs:referral-hire", args=[open_one.pk]))
    assert_accessible(page, "hire form")
    page.get_by_label("入职日期").fill("")
    page.get_by_label("月工资（元）").fill("-5")
    with page.expect_navigation():
        page.get_by_role("button", name="确认入职").click()
    expect_error_title(page)
    assert_accessible(page, "hire form with errors")

    page.goto(base + reverse("jobs:referrals"))
    assert_accessible(page, "referral pipeline")
    page.goto(base + reverse("jobs:follow-ups"))
    assert_accessible(page, "follow-up worklist")
    follow_up = placed.follow_ups.get(months=1)
    page.goto(base + reverse("jobs:follow-up", args=[follow_up.pk]))
    assert_accessible(page, "follow-up form")
    page.get_by_label("已离职").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存回访").click()
    expect_error_title(page)
    assert_accessible(page, "follow-up form with errors")


def test_the_employer_and_job_seeker_pages_pass_axe(
    page: Page, live_server: LiveServer, personas, posting_a
) -> None:  # noqa: ANN001
    base = live_server.url
    referral = refer(personas["jobseeker"].person, posting_a, on=days_ago(3))
    log_in(page, base, "employer", PASSWORD)
    page.goto(base + reverse("jobs:applicants"))
    assert_accessible(page, "applicants")
    page.get_by_role("link", name="张三").click()
    expect_path(page, reverse("jobs:referral", args=[referral.pk]))
    assert_accessible(page, "referral page for the employer")
    page.context.clear_cookies()

    log_in(page, base, "jobseeker", PASSWORD)
    page.goto(base + reverse("jobs:referrals"))
    assert_accessible(page, "my referrals")
    page.goto(base + reverse("jobs:consent", args=[personas["jobseeker"].person_id]))
    assert_accessible(page, "consent page for the person themself")
