"""The declaration pages in Chromium: axe-core at 0 violations on the form with errors, on the
worked calculation and on the public disclosure; an employer completes a declaration with the
keyboard alone (Tab, Enter, Space and typing); the page fits a 360 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from jiuye.core.tests.browser import assert_accessible, expect_errors, open_by, tab_to, visit
from jiuye.employers.declaration_forms import default_year
from jiuye.employers.models import Declaration, DeclarationStatus
from jiuye.employers.services.declarations import disclosure_publish
from jiuye.employers.tests.declaration_fixtures import (
    YEAR,
    declare,
    line,
    person,
    public_unit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press_and_wait(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_an_employer_completes_a_declaration_by_keyboard_alone(
    page: Page, signed_in, employer_a
) -> None:  # noqa: ANN001
    who = person(11, name="键盘职工")
    visit(page, signed_in("employer") + reverse("employers:declarations"), "declaration list")
    tab_to(page, "form[action$='/declarations/start/'] button")
    press_and_wait(page, "Enter")
    assert page.get_by_role("heading", level=1).inner_text().endswith("年度按比例就业申报")

    # Figures with an error first: the summary takes the focus.
    tab_to(page, "#id_staff_annual")
    page.keyboard.type("-200")
    tab_to(page, "#id_wage_total")
    page.keyboard.type("16000000")
    press_and_wait(page, "Enter")
    expect_errors(page, "figures form with errors")
    tab_to(page, "#id_staff_annual")
    page.keyboard.press("Control+A")
    page.keyboard.type("200")
    press_and_wait(page, "Enter")

    # One employee on the establishment (a checkbox, ticked with Space).
    tab_to(page, "#id_name")
    page.keyboard.type(who.name)
    tab_to(page, "#id_id_number")
    page.keyboard.type(who.id_number)
    tab_to(page, "#id_certificate_number")
    page.keyboard.type(who.certificate_number)
    tab_to(page, "#id_on_establishment")
    page.keyboard.press("Space")
    tab_to(page, "#id_monthly_wage")
    page.keyboard.type("4000")
    tab_to(page, "#id_insurance_months")
    page.keyboard.type("12")
    press_and_wait(page, "Enter")
    assert "已加入名单：键盘职工" in page.locator(".messages").inner_text()
    assert "✓ 符合：在编人员。" in page.locator("main").inner_text()
    assert_accessible(page, "declaration with the worked calculation")

    tab_to(page, "form[action$='/submit/'] button")
    press_and_wait(page, "Space")
    assert "已提交" in page.locator(".messages").inner_text()
    declaration = Declaration.objects.get(employer=employer_a, year=default_year())
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert declaration.counted == 1


def test_the_worked_calculation_and_a_line_with_errors_pass_axe(
    page: Page, signed_in, employer_a
) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [line(person(21)), line(person(23), monthly_wage=100)])
    page.goto(signed_in("employer") + reverse("employers:declaration", args=[declaration.pk]))
    steps = page.get_by_role("list", name="三、计算过程").get_by_role("listitem")
    assert steps.count() == 10  # the first names the rule applied and its dates
    assert steps.nth(0).inner_text().startswith("适用政策：依据财政部公告2023年第8号（征收年度")
    assert (
        steps.nth(9).inner_text()
        == "应缴残疾人就业保障金：160,000.00 × 90%（结果四舍五入到分） = 144,000.00 元"
    )
    assert "✗ 不符合：月工资 100.00 元" in page.locator("main").inner_text()
    assert_accessible(page, "worked calculation")
    page.get_by_label("姓名").fill("")
    open_by(page, page.get_by_role("button", name="加入名单"))
    expect_errors(page, "employee form with errors", focused=False)


def test_the_public_disclosure_passes_axe_without_login(
    page: Page, live_server: LiveServer, reference
) -> None:  # noqa: ANN001
    unit = public_unit("区某局", "11440199MB2TEXT01")
    declare(unit, [line(person(31, name="不应出现"))], staff=100, confirm=True)
    disclosure_publish(year=YEAR, by=None)
    page.goto(f"{live_server.url}{reverse('employers:disclosure')}?year={YEAR}")
    text = page.locator("main").inner_text()
    assert "区某局" in text and "不应出现" not in text
    assert_accessible(page, "public disclosure")
    page.goto(f"{live_server.url}{reverse('employers:disclosure')}?year={YEAR - 1}")
    assert "尚未公开" in page.locator("main").inner_text()
    assert_accessible(page, "unpublished disclosure")


def test_the_declaration_page_fits_a_360_px_phone(on_phone, employer_a, tmp_path) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [line(person(41))])
    with on_phone("employer", 360, 800) as (page, base):
        page.goto(base + reverse("employers:declaration", args=[declaration.pk]))
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360 px"
        page.screenshot(path=str(tmp_path / "declaration-360.png"), full_page=True)
        import os
        import shutil

        if target := os.environ.get("JIUYE_SCREENSHOT_DIR"):
            shutil.copy(tmp_path / "declaration-360.png", target)
