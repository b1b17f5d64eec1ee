"""The referral pages in Chromium: a town officer refers a candidate by keyboard alone (the
consent first, then the referral form reached by its URL), and every referral, consent, hire,
applicants and follow-up page passes axe-core, forms with errors included."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import (
    assert_accessible,
    expect_errors,
    expect_path,
    submit,
    tab_to,
    visit,
)
from jiuye.jobs.models import Referral
from jiuye.jobs.tests import referral_fixtures as fx
from jiuye.jobs.tests.referral_fixtures import days_ago, hire, make_person, months_ago, refer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

posting_a = fx.posting_a


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
    page: Page, signed_in, personas, posting_a
) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    create = f"{reverse('jobs:referral-create')}?person={person.pk}&posting={posting_a.pk}"
    visit(page, signed_in("town_a") + create, "referral form without consent")

    # No consent yet: the page links to the consent page, which brings us back.
    tab_to(page, "a[href*='/consent/']")
    enter_and_wait(page)
    expect_path(page, reverse("jobs:consent", args=[person.pk]))
    assert_accessible(page, "consent page")
    tab_to(page, "button[type=submit]:not(.button--small)")  # submit unticked: an error
    enter_and_wait(page)
    expect_errors(page, "consent page with an error", focused=False)
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
    expect_errors(page, "referral page with an error")
    choose_radio(page, "advance-to", "interview")
    tab_to(page, "form[action*='/advance/'] button[type=submit]")
    enter_and_wait(page)
    referral.refresh_from_db()
    assert referral.status == "interview"


def test_the_hire_pipeline_and_follow_up_pages_pass_axe(
    page: Page, signed_in, personas, posting_a
) -> None:  # noqa: ANN001
    open_one = refer(personas["jobseeker"].person, posting_a, on=days_ago(3))
    placed = refer(make_person(990, "甲一"), posting_a, on=months_ago(2))
    hire(placed, months_ago(2))
    base = signed_in("town_a")

    visit(page, base + reverse("jobs:referral-hire", args=[open_one.pk]), "hire form")
    page.get_by_label("入职日期").fill("")
    page.get_by_label("月工资（元）").fill("-5")
    submit(page, "确认入职")
    expect_errors(page, "hire form with errors", focused=False)

    visit(page, base + reverse("jobs:referrals"), "referral pipeline")
    visit(page, base + reverse("jobs:follow-ups"), "follow-up worklist")
    follow_up = placed.follow_ups.get(months=1)
    visit(page, base + reverse("jobs:follow-up", args=[follow_up.pk]), "follow-up form")
    page.get_by_label("已离职").check()
    submit(page, "保存回访")
    expect_errors(page, "follow-up form with errors", focused=False)


def test_the_employer_and_job_seeker_pages_pass_axe(
    page: Page, signed_in, personas, posting_a
) -> None:  # noqa: ANN001
    referral = refer(personas["jobseeker"].person, posting_a, on=days_ago(3))
    base = signed_in("employer")
    visit(page, base + reverse("jobs:applicants"), "applicants")
    page.get_by_role("link", name="张三").click()
    expect_path(page, reverse("jobs:referral", args=[referral.pk]))
    assert_accessible(page, "referral page for the employer")
    page.context.clear_cookies()

    signed_in("jobseeker")
    visit(page, base + reverse("jobs:referrals"), "my referrals")
    consent = base + reverse("jobs:consent", args=[personas["jobseeker"].person_id])
    visit(page, consent, "consent page for the person themself")
