"""The consultation pages in Chromium with axe-core at 0 violations (the meeting list, page and
form with errors, the action form with errors, the worklist and the close form), and a liaison
who closes a follow-up action from their worklist by keyboard alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import (
    assert_accessible,
    expect_errors,
    open_by,
    submit,
    tab_to,
    visit,
    visit_list,
)
from jiuye.programs.models.consultation import FollowUpStatus
from jiuye.programs.services import consultation as services
from jiuye.programs.tests import consultation_fixtures as fx
from jiuye.programs.tests.consultation_fixtures import dept

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

meeting_a = fx.meeting_a


def test_the_consultation_pages_pass_axe(page: Page, signed_in, meeting_a) -> None:  # noqa: ANN001
    services.action_add(
        meeting=meeting_a,
        by=None,
        description="举办专场招聘会",
        due_on=dt.date(2025, 6, 30),
        owner_department=dept("town-440199001000"),
    )
    base = signed_in("town_a")
    visit_list(
        page,
        base + reverse("programs:consultation-meetings"),
        "meeting list",
        item="东城就业会商会",
    )
    assert_accessible(page, "meeting page")

    page.goto(base + reverse("programs:consultation-meeting-create"))
    page.get_by_label("召开日期").fill("")
    submit(page, "登记会商会议")
    expect_errors(page, "meeting form with errors")

    page.goto(base + reverse("programs:consultation-action-add", args=[meeting_a.pk]))
    submit(page, "添加落实事项")
    expect_errors(page, "action form with errors")

    visit(page, base + reverse("programs:consultation-todo"), "worklist")
    open_by(page, page.get_by_role("link", name="办结：举办专场招聘会"))
    assert_accessible(page, "close form")
    page.get_by_label("办理结果或撤销原因").fill("")
    submit(page, "保存办理情况")
    expect_errors(page, "close form with errors")


def test_a_liaison_closes_an_action_by_keyboard_alone(page: Page, signed_in, meeting_a) -> None:  # noqa: ANN001
    action = services.action_add(
        meeting=meeting_a,
        by=None,
        description="举办专场招聘会",
        due_on=dt.date(2025, 6, 30),
        owner_department=dept("rsj"),
    )
    page.goto(signed_in("liaison") + reverse("programs:consultation-todo"))
    tab_to(page, "a[href$='/close/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_outcome")
    page.keyboard.type("已于六月举办专场招聘会")
    tab_to(page, "form.form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已更新落实事项" in page.locator(".messages").inner_text()
    assert_accessible(page, "worklist after closing")
    action.refresh_from_db()
    assert action.status == FollowUpStatus.DONE
    assert action.outcome == "已于六月举办专场招聘会"
