"""In Chromium: an employer signs up by keyboard alone (errors first, then success), and the
sign-up form, its status page, the district's worklist and "本单位账户" have 0 axe
violations and fit a 320 px screen."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD, make_uscc
from jiuye.accounts.models import User
from jiuye.core import ratelimit
from jiuye.core.tests.browser import assert_accessible, expect_errors, fits, tab_to, visit
from jiuye.employers.models import EmployerApplication
from jiuye.employers.services import signup
from jiuye.employers.tests.test_signup import submit as submit_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "main form button[type=submit]"


@pytest.fixture(autouse=True)
def _no_wait(settings) -> None:  # noqa: ANN001
    settings.JIUYE_GRIEVANCE_MIN_FILL_SECONDS = 0
    ratelimit.limits_cache().clear()


def _press_to_next_page(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _at_320(page: Page, what: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    assert fits(page), f"{what} scrolls sideways at 320 px"
    page.set_viewport_size({"width": 1280, "height": 800})


def _type(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_an_employer_signs_up_by_keyboard_alone(page: Page, live_server, reference) -> None:  # noqa: ANN001
    visit(page, live_server.url + reverse("accounts:login"), "login page")
    with page.expect_navigation():
        page.get_by_role("link", name="单位注册").click()
    assert_accessible(page, "sign-up form")
    _at_320(page, "sign-up form")

    # A wrong check character and a short password first: the errors are read out and linked.
    code = make_uscc("91440199MA5KEY001")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    _type(page, "#id_uscc", wrong)
    _type(page, "#id_password1", "short")
    tab_to(page, SUBMIT)
    _press_to_next_page(page)
    expect_errors(page, "sign-up form with errors")
    summary = page.inner_text("[data-error-summary]")
    assert "校验码" in summary and "请填写单位名称" in summary and "请选择单位所在的镇街" in summary
    _at_320(page, "sign-up form with errors")

    _type(page, "#id_uscc", code)
    _type(page, "#id_name", "键盘科技有限公司")
    tab_to(page, "#id_town")
    page.keyboard.press("ArrowDown")
    _type(page, "#id_contact_name", "赵经理")
    _type(page, "#id_contact_phone", "13700137000")
    _type(page, "#id_username", "keyboard-admin")
    _type(page, "#id_password1", PASSWORD)
    _type(page, "#id_password2", PASSWORD)
    assert page.get_attribute("#id_website", "tabindex") == "-1"
    tab_to(page, SUBMIT)
    _press_to_next_page(page)

    expect(page).to_have_url(re.compile(r"/employers/signup/status/$"))
    assert_accessible(page, "sign-up status")
    _at_320(page, "sign-up status")
    assert "待核实" in page.inner_text("main")
    application = EmployerApplication.objects.get()
    assert (application.uscc, application.account.username) == (code, "keyboard-admin")


def test_the_worklist_and_the_decision_page_pass_axe(page: Page, signed_in, employer_a) -> None:  # noqa: ANN001
    submit_application(uscc=employer_a.uscc, username="dup-one")
    submit_application(username="fresh-one")
    base = signed_in("district")
    visit(page, base + reverse("employers:applications"), "sign-up worklist")
    _at_320(page, "sign-up worklist")
    for application in EmployerApplication.objects.all():
        visit(page, base + reverse("employers:application", args=[application.pk]), "decision")
        _at_320(page, "decision page")
    fresh = EmployerApplication.objects.get(account__username="fresh-one")
    page.goto(base + reverse("employers:application", args=[fresh.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="不通过，退回申请").click()
    expect_errors(page, "refusal without a reason", focused=False)


def test_the_unit_accounts_page_passes_axe(page: Page, live_server, personas, employer_a) -> None:  # noqa: ANN001
    from jiuye.core.tests.browser import sign_in

    application = submit_application(uscc=employer_a.uscc, username="unit-admin")
    signup.application_verify_link(application=application, by=personas["district"])
    admin = User.objects.get(pk=application.account_id)
    sign_in(page, live_server.url, admin)
    visit(page, live_server.url + reverse("employers:unit-accounts"), "unit accounts")
    _at_320(page, "unit accounts")
    visit(page, live_server.url + reverse("employers:unit-account-invite"), "invite form")
    _type(page, "#id_username", "colleague-b")
    tab_to(page, SUBMIT)
    _press_to_next_page(page)
    expect(page).to_have_url(re.compile(r"/employers/unit-accounts/$"))
    assert_accessible(page, "unit accounts with a one-time password")
    assert "colleague-b" in page.inner_text("main")
