"""The service exchange and contest event pages in Chromium with axe-core at 0 violations: the
list on a phone, the event form with errors, the edit page with its archive form, the event page
and its participant form with errors, and a participant added, then removed after the
confirmation, by keyboard alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from jiuye.core.tests.browser import (
    assert_accessible,
    expect_errors,
    submit,
    tab_to,
    visit_list,
)
from jiuye.programs.models import EventParticipant
from jiuye.programs.services import institutions as services
from jiuye.reference.models import Department, Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_event_pages_pass_axe_and_a_participant_is_added_by_keyboard(
    page: Page, signed_in, reference
) -> None:  # noqa: ANN001
    town = Region.objects.get(code="440199001000")
    services.institution_create(by=None, name="东城服务站", owner="federation", region=town)
    event = services.event_create(
        by=None,
        date=dt.date.today(),
        kind="contest",
        name="东城业务竞赛",
        organiser=Department.objects.get(code="rsj"),
        region=town,
    )
    base = signed_in("town_a")
    visit_list(page, base + reverse("programs:service-events"), "event list", item="东城业务竞赛")
    assert_accessible(page, "event page")

    submit(page, "添加参加机构")
    expect_errors(page, "participant form with errors")

    page.goto(base + reverse("programs:service-event-create"))
    submit(page, "登记活动")
    expect_errors(page, "event form with errors")

    page.goto(base + reverse("programs:service-event-edit", args=[event.pk]))
    assert_accessible(page, "event edit page with the archive form")

    page.goto(base + reverse("programs:service-event", args=[event.pk]))
    tab_to(page, "#id_institution")
    page.keyboard.press("ArrowDown")  # the first institution offered
    page.keyboard.press("Tab")  # the staff
    page.keyboard.type("王芳")
    page.keyboard.press("Tab")  # the result
    page.keyboard.type("一等奖")
    page.keyboard.press("Enter")
    expect(page.get_by_role("table")).to_contain_text("一等奖")
    assert EventParticipant.objects.get().staff == "王芳"
    assert_accessible(page, "event page with a participant to remove")

    # Removing it: the link, the confirmation page, the button, all by keyboard.
    tab_to(page, "a[href*='/participants/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("移出参加机构")
    assert_accessible(page, "participant removal confirmation")
    tab_to(page, "form[aria-describedby=remove-question] button")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("已移出参加机构：东城服务站。")
    assert not EventParticipant.objects.exists()
