"""The plan pages in Chromium: axe-core at 0 violations, and a report submitted by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from jiuye.actionplan.models import ProgressReport, Task
from jiuye.core.tests.browser import assert_accessible, expect_errors, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: Page, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text is ``text`` (a keyboard user's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.replace(/\\s+/g, ' ').trim()")
        if focused == text:
            return
    pytest.fail(f"“{text}” was never reached with Tab")


def test_the_plan_pages_pass_axe_for_district_staff(page: Page, signed_in, plan) -> None:  # noqa: ANN001
    base = signed_in("district")
    task = Task.objects.get(action__plan=plan, action__number=10, position=1)
    for path in [
        "/plan/",
        "/plan/?year=2023&department=rsj",
        f"/plan/actions/{task.action.pk}/",
        f"/plan/actions/{task.action.pk}/tasks/new/",
        f"/plan/tasks/{task.pk}/",
        "/plan/reports/review/",
        "/plan/targets/",
        "/plan/import/",
        "/notifications/",
    ]:
        visit(page, base + path, path)
    # Issue 14: on a desktop the targets table cut off its last column (a long indicator code
    # widened the first one); every column fits, and no code is shown.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base + "/plan/targets/")
    region = page.locator(".table-wrap").first
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth"), "the targets table scrolls"
    assert "employers." not in region.inner_text()
    # A form with errors, too.
    page.goto(f"{base}/plan/actions/{task.action.pk}/tasks/new/")
    submit(page, "保存任务")
    expect_errors(page, "task form with errors", focused=False)


def test_a_liaison_submits_a_report_by_keyboard_alone(page: Page, signed_in, plan) -> None:  # noqa: ANN001
    base = signed_in("liaison")
    task = Task.objects.get(action__plan=plan, action__number=2, position=1)
    period = plan.periods.get(year=2023)
    visit(page, f"{base}/plan/tasks/{task.pk}/", "task page")
    # Find the link to the 2023 report form with Tab only, then follow it with Enter.
    tab_to(page, "填写报告 2023年")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/periods/{period.pk}/report/" in page.url
    assert_accessible(page, "report form")
    # An empty submit first: errors are announced and focus moves to the summary.
    tab_to(page, "提交审核")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_errors(page, "report form with errors")
    # The summary's link takes focus to the field; type and submit with the keyboard.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_narrative"
    page.keyboard.type("举办专场招聘会2场，参会企业35家。")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    tab_to(page, "提交审核")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    report = ProgressReport.objects.get(task=task, period=period)
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.actual_value == 2
    assert_accessible(page, "report page")
