"""In Chromium: the form, the lookup and the staff pages have 0 axe violations, fit a 320 px
screen, and a complaint is filed and looked up by keyboard alone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from jiuye.core.tests.browser import (
    assert_accessible,
    expect_errors,
    fits,
    follow,
    tab_to,
    visit,
)
from jiuye.grievances.models import Grievance
from jiuye.grievances.services import grievance_reply
from jiuye.grievances.tests.factories import file_grievance

pytestmark = pytest.mark.django_db(transaction=True)

SUBMIT = "main form button[type=submit]"


def _press_to_next_page(page: Page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def _at_320(page: Page, what: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    assert fits(page), f"{what} scrolls sideways at 320 px"
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.also_on_postgresql
def test_a_complaint_is_filed_and_looked_up_by_keyboard_alone(
    page: Page, live_server, reference
) -> None:
    visit(page, f"{live_server.url}/grievances/", "grievance form")
    _at_320(page, "grievance form")
    # Sent empty first: the errors are read out and linked.
    tab_to(page, SUBMIT)
    _press_to_next_page(page)
    expect_errors(page, "grievance form with errors")
    assert "请选择是投诉还是建议" in page.inner_text("[data-error-summary]")
    _at_320(page, "grievance form with errors")

    tab_to(page, "#id_kind_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_category")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_about_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_town")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_text")
    page.keyboard.type("街道服务窗口没有盲文和语音提示，希望改进。")
    tab_to(page, "#id_contact_phone")
    page.keyboard.type("13812345678")
    # The field only scripts fill in is never reached by Tab.
    assert page.get_attribute("#id_website", "tabindex") == "-1"
    tab_to(page, SUBMIT)
    _press_to_next_page(page)

    expect(page).to_have_url(re.compile(r"/grievances/filed/$"))
    assert_accessible(page, "grievance filed")
    _at_320(page, "grievance filed")
    grievance = Grievance.objects.get()
    assert grievance.text.startswith("街道服务窗口")
    assert grievance.department_id == "town-440199001000"
    reference, code = (el.inner_text() for el in page.query_selector_all("dd.reference"))
    assert reference == grievance.reference

    # Another visitor (a fresh browser session) looks it up: a wrong code first.
    page.context.clear_cookies()
    visit(page, f"{live_server.url}/grievances/lookup/", "grievance lookup")
    _at_320(page, "grievance lookup")
    tab_to(page, "#id_reference")
    page.keyboard.type(reference.lower())
    tab_to(page, "#id_code")
    page.keyboard.type("12345x")
    tab_to(page, SUBMIT)
    _press_to_next_page(page)
    expect_errors(page, "grievance lookup with errors")
    tab_to(page, "#id_code")
    page.keyboard.press("Control+A")
    page.keyboard.type(code)
    tab_to(page, SUBMIT)
    _press_to_next_page(page)
    expect(page).to_have_url(re.compile(r"/grievances/status/$"))
    assert_accessible(page, "grievance status")
    assert "还没有答复" in page.inner_text("main")


def test_the_filer_rates_a_reply_on_an_accessible_page(page: Page, live_server, personas) -> None:
    filed = file_grievance()
    grievance_reply(grievance=filed.grievance, by=personas["town_a"], reply="已加装语音提示。")
    visit(page, f"{live_server.url}/grievances/lookup/", "grievance lookup")
    page.get_by_label("受理编号").fill(filed.grievance.reference)
    page.get_by_label("查询码").fill(filed.check_code)
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    assert_accessible(page, "grievance status with a reply")
    _at_320(page, "grievance status with a reply")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    expect_errors(page, "rating with errors")
    page.get_by_label("满意", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    assert_accessible(page, "grievance status rated")
    assert "您的评价：满意" in page.inner_text("main")


def test_the_staff_pages_are_accessible_and_fit_a_phone(page: Page, signed_in, personas) -> None:
    file_grievance(anonymous=True)
    late = file_grievance(today=dt.date(2020, 1, 1)).grievance
    base = signed_in("town_a")
    visit(page, f"{base}/grievances/queue/", "grievance queue")
    _at_320(page, "grievance queue")
    follow(page, late.reference)
    assert_accessible(page, "grievance detail")
    _at_320(page, "grievance detail")
    with page.expect_navigation():
        page.get_by_role("button", name="提交答复").click()
    expect_errors(page, "reply with errors")
    page.get_by_label("答复内容").fill("已联系本人，补贴已于本周发放。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交答复").click()
    assert_accessible(page, "grievance replied")


def test_the_district_report_and_reassignment_are_accessible(
    page: Page, signed_in, personas
) -> None:
    late = file_grievance(today=dt.date(2020, 1, 1)).grievance
    base = signed_in("district")
    visit(page, f"{base}/grievances/report/", "grievance report")
    _at_320(page, "grievance report")
    assert late.reference in page.inner_text("main")
    visit(page, f"{base}/grievances/queue/?status=overdue", "district queue")
    visit(page, f"{base}/grievances/queue/{late.pk}/", "district grievance detail")
    with page.expect_navigation():
        page.get_by_role("button", name="改派", exact=True).click()
    expect_errors(page, "reassign with errors")
