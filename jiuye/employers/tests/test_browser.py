"""The employer registry in Chromium: axe-core at 0 violations on the employer form with errors
(and its summary taking focus, the override with a reason by keyboard), the employer page, the
list and the policy parameters; the form fits a 360 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from conftest import make_uscc
from jiuye.core.tests.browser import assert_accessible, expect_errors, submit, visit
from jiuye.employers.models import Employer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _bad_code() -> str:
    good = make_uscc("91440199MA5WEB001")
    return good[:17] + ("0" if good[17] != "0" else "1")


def test_the_employer_form_with_errors_passes_axe_and_takes_an_override_by_keyboard(
    page: Page, signed_in
) -> None:  # noqa: ANN001
    base = signed_in("admin")
    visit(page, base + reverse("employers:create"), "empty employer form")

    page.get_by_label("单位名称").fill("网页测试有限公司")
    page.get_by_label("统一社会信用代码").fill(_bad_code())
    submit(page, "登记")
    expect_errors(page, "employer form with errors")
    summary = page.locator(".error-summary").inner_text()
    assert "统一社会信用代码校验码不符" in summary
    assert "请选择单位类型" in summary and "请选择单位所在的镇街或村（社区）" in summary
    assert page.get_by_label("单位名称").input_value() == "网页测试有限公司"
    assert page.get_by_label("统一社会信用代码").get_attribute("aria-invalid") == "true"
    page.locator(".error-summary a[href='#id_uscc']").click()
    assert page.evaluate("document.activeElement.id") == "id_uscc"

    # Corrected by keyboard alone: the reason keeps the code.
    page.keyboard.press("Tab")
    page.keyboard.type("与营业执照核对一致")
    page.get_by_label("单位类型").select_option(label="民营企业")
    page.get_by_label("所在镇街或村（社区）").select_option(label="东城街道")
    page.get_by_label("所在镇街或村（社区）").focus()
    page.keyboard.press("Tab")  # from the region list to the address; Enter there submits
    assert page.evaluate("document.activeElement.id") == "id_address"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "网页测试有限公司"
    assert Employer.objects.get(uscc=_bad_code()).uscc_override_reason == "与营业执照核对一致"
    assert_accessible(page, "employer page")
    visit(page, base + reverse("employers:list"), "employer list")


def test_the_policy_list_and_form_pass_axe(page: Page, signed_in) -> None:  # noqa: ANN001
    base = signed_in("admin")
    visit(page, base + reverse("employers:policies"), "policy list")
    page.goto(base + reverse("employers:policy-create"))
    page.get_by_label("分档减缴（选填）").fill("一半")
    submit(page, "保存")
    assert "“一半”看不懂" in page.locator(".error-summary").inner_text()
    assert_accessible(page, "policy form with errors")


def test_the_employer_form_fits_a_360_px_phone(
    on_phone,
) -> None:  # noqa: ANN001
    with on_phone("district") as (page, base):
        page.goto(base + reverse("employers:create"))
        submit(page, "登记")
        page.screenshot(path="/tmp/employer-form-360.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the form is {width} px wide on a 360 px screen"
