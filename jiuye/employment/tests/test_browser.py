"""The employment pages in Chromium: axe-core at 0 violations on the form with errors and on the
review list, the error summary takes focus, and the form fits a 360 px phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import assert_accessible, expect_errors, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_record_form_with_errors_passes_axe_and_focuses_its_summary(
    page: Page, signed_in, person_a
) -> None:  # noqa: ANN001
    form = signed_in("town_a") + reverse("employment:create", args=[person_a.pk])
    visit(page, form, "empty record form")

    page.get_by_label("就业形式").select_option(label="按比例就业")
    page.get_by_label("新就业形态").select_option(label="快递外卖配送")
    page.get_by_label("开始日期").fill("2024-05-01")
    page.get_by_label("结束日期").fill("2024-04-01")
    submit(page, "登记")
    expect_errors(page, "record form with errors")
    summary = page.locator(".error-summary").inner_text()
    assert "新就业形态属于灵活就业" in summary
    assert "结束日期不能早于开始日期" in summary
    assert "请选择用人单位" in summary
    assert page.get_by_label("结束日期").input_value() == "2024-04-01"
    # The summary's link takes focus to the field.
    page.locator(".error-summary a[href='#id_end_date']").click()
    assert page.evaluate("document.activeElement.id") == "id_end_date"

    # Corrected by keyboard alone, the job is recorded.
    page.get_by_label("新就业形态").select_option(value="")
    page.get_by_label("结束日期").fill("")
    page.get_by_label("未登记单位的名称").fill("东城小吃店")
    with page.expect_navigation():
        page.get_by_label("未登记单位的名称").press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "张三的就业记录"
    assert_accessible(page, "record page")


def test_the_review_list_passes_axe(page: Page, signed_in, person_a, open_job) -> None:  # noqa: ANN001
    open_job(person_a, dt.date(2024, 1, 1), employer_name="东城小吃店")
    open_job(person_a, dt.date(2024, 3, 1), employer_name="夜市摊位")
    page.goto(signed_in("town_a") + reverse("employment:review"))
    assert page.get_by_role("link", name="张三").count() == 1
    assert_accessible(page, "review list")
    # Each button names its record for a screen reader (visually hidden text).
    button = page.get_by_role("button", name="是兼职，两条都保留")
    assert "张三，2024-03-01 开始的记录" in button.inner_text()
    with page.expect_navigation():
        button.click()
    assert "已标记为兼职" in page.locator(".messages").inner_text()
    assert_accessible(page, "empty review list after resolving")


def test_the_record_form_fits_a_360_px_phone(on_phone, person_a) -> None:  # noqa: ANN001
    with on_phone("town_a") as (page, base):
        page.goto(base + reverse("employment:create", args=[person_a.pk]))
        submit(page, "登记")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page is {overflow}px wider than a 360 px screen"
        assert_accessible(page, "record form with errors at 360 px")
