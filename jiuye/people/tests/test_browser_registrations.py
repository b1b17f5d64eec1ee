"""In Chromium: a job seeker signs up by keyboard alone (errors first, then success), every page
of it has 0 axe violations and fits a 320 px screen; the town's worklist and an application's
page have 0 axe violations too."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from playwright.sync_api import Page, expect

from conftest import make_id_number
from jiuye.accounts.models import Role
from jiuye.core.tests.browser import assert_accessible, expect_errors, fits, open_by, tab_to, visit
from jiuye.people.models import RegistrationApplication

pytestmark = pytest.mark.django_db(transaction=True)

SUBMIT = "main form button[type=submit]"


@pytest.fixture(autouse=True)
def _no_wait(settings) -> None:  # noqa: ANN001
    caches["limits"].clear()
    settings.JIUYE_SIGNUP_MIN_FILL_SECONDS = 0


def _press_to_next_page(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _at_320(page: Page, what: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    assert fits(page), f"{what} scrolls sideways at 320 px"
    page.set_viewport_size({"width": 1280, "height": 800})


def _type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def test_a_job_seeker_signs_up_by_keyboard_alone(
    page: Page, live_server, personas, signed_in
) -> None:  # noqa: ANN001
    visit(page, f"{live_server.url}/accounts/login/", "login")
    open_by(page, page.get_by_role("link", name=re.compile("注册")).first)
    expect(page).to_have_url(re.compile(r"/people/signup/$"))
    assert_accessible(page, "sign-up form")
    _at_320(page, "sign-up form")

    # Sent empty first: the errors are read out and linked.
    tab_to(page, SUBMIT)
    _press_to_next_page(page)
    expect_errors(page, "sign-up form with errors")
    summary = page.inner_text("[data-error-summary]")
    assert "请填写您的姓名" in summary and "没有这项同意无法在网上注册" in summary
    _at_320(page, "sign-up form with errors")

    number = make_id_number(seq=601)
    _type_into(page, "#id_name", "钱七")
    _type_into(page, "#id_id_number", number)
    tab_to(page, "#id_applying_for_certificate")
    page.keyboard.press("Space")
    _type_into(page, "#id_phone", "13912345678")
    tab_to(page, "#id_region")
    page.keyboard.press("ArrowDown")
    _type_into(page, "#id_work_preferences", "电话客服")
    _type_into(page, "#id_username", "qianqi")
    _type_into(page, "#id_password", "Quiet-Lamp-42")
    _type_into(page, "#id_password_again", "Quiet-Lamp-42")
    # The easy-read version opens from the keyboard.
    tab_to(page, "details summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('details').open")
    tab_to(page, "#id_consent_process_disability_info")
    page.keyboard.press("Space")
    assert page.get_attribute("#id_website", "tabindex") == "-1"
    tab_to(page, SUBMIT)
    _press_to_next_page(page)

    expect(page).to_have_url(re.compile(r"/people/signup/my-application/$"))
    assert_accessible(page, "my application")
    _at_320(page, "my application")
    application = RegistrationApplication.objects.get()
    assert (application.name, application.account.role) == ("钱七", Role.APPLICANT)
    assert "待核实" in page.inner_text("main")

    # The town's officer finds it in the worklist.
    page.context.clear_cookies()
    base = signed_in("town_a")
    visit(page, f"{base}/people/applications/", "application worklist")
    _at_320(page, "application worklist")
    open_by(page, page.get_by_role("link", name=re.compile("钱七")))
    assert_accessible(page, "application review")
    _at_320(page, "application review")
