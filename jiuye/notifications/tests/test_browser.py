"""Browser: the role homes on a 320 px phone, the menu sections by keyboard, the centre."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from jiuye.core.tests.browser import (
    assert_accessible,
    expect_path,
    fits,
    phone,
    sign_in,
    submit,
    tab_to,
)
from jiuye.core.tests.pages import Personas
from jiuye.notifications.services import Event, notify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["admin", "district", "liaison", "town_a", "leader", "employer", "jobseeker"]


@pytest.fixture
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.mark.parametrize("name", ROLES)
def test_each_role_home_works_on_a_320_px_phone(
    name: str, personas: Personas, base_url: str, chromium: Browser
) -> None:
    notify(
        event=Event(key="b1", kind="t", title="岗位待审核：客服", url="/jobs/postings/"),
        recipients=[personas[name]],
    )
    with phone(chromium, width=320, height=640) as page:
        sign_in(page, base_url, personas[name])
        page.goto(base_url + "/")
        expect(page.get_by_role("heading", name="等您处理")).to_be_visible()
        expect(page.locator(".site-header__notices")).to_contain_text("1 条未读")
        assert fits(page), f"the home of {name} scrolls sideways at 320 px"
        assert_accessible(page, f"home of {name} at 320 px")
        # The folded menu opens by keyboard and a section opens with Enter.
        toggle = page.get_by_role("button", name="菜单")
        toggle.focus()
        page.keyboard.press("Enter")
        assert fits(page)
        assert_accessible(page, f"home of {name} at 320 px, menu open")


def test_a_menu_section_opens_and_closes_by_keyboard(
    personas: Personas, base_url: str, page: Page
) -> None:
    sign_in(page, base_url, personas["district"])
    expect_path(page, "/")
    section = page.get_by_role("button", name="岗位与招聘")
    expect(section).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="岗位审核")).to_be_hidden()
    tab_to(page, "[aria-controls='menu-jobs']")
    page.keyboard.press("Enter")
    expect(section).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "招聘岗位"
    assert_accessible(page, "district home, a menu section open")
    page.keyboard.press("Escape")
    expect(section).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "menu-jobs"
    # The review queue is one section away, by keyboard alone (Space opens it too).
    page.keyboard.press(" ")
    expect(section).to_have_attribute("aria-expanded", "true")
    tab_to(page, "a[href='/jobs/postings/review/']", limit=10)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_path(page, "/jobs/postings/review/")
    current = page.locator("[aria-controls='menu-jobs']")
    expect(current).to_have_attribute("aria-expanded", "false")


def test_the_notification_centre_marks_read_by_keyboard(
    personas: Personas, base_url: str, page: Page
) -> None:
    user = personas["employer"]
    for key, title in (("n1", "岗位审核通过，已发布：客服"), ("n2", "年审申报被退回，请修改")):
        notify(
            event=Event(key=key, kind="t", title=title, url="/jobs/postings/"), recipients=[user]
        )
    sign_in(page, base_url, user)
    header = page.locator(".site-header__notices")
    expect(header).to_contain_text("2 条未读")
    tab_to(page, ".site-header__notices")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_path(page, "/notifications/")
    assert_accessible(page, "notification centre")
    button = page.get_by_role("button", name="岗位审核通过，已发布：客服")
    expect(button).to_contain_text("标为已读")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".site-header__notices")).to_contain_text("1 条未读")
    submit(page, "全部标为已读")
    expect(page.locator(".site-header__notices")).not_to_contain_text("未读")
    assert_accessible(page, "notification centre, all read")
