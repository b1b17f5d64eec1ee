"""The graduates' pages in Chromium with axe-core at 0 violations: the list (fits a phone) and a
graduate's file, the unmatched lines, the register and reject forms with errors and the
worklist; and an unmatched row rejected by keyboard alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import (
    assert_accessible,
    expect_errors,
    submit,
    tab_to,
    visit,
    visit_list,
)
from jiuye.programs.models.graduates import GraduateRecord
from jiuye.programs.tests.graduate_fixtures import UNREGISTERED_ID, import_lines, line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lines(tmp_path, personas) -> None:  # noqa: ANN001
    import_lines(tmp_path, [line(), line(姓名="王五", 身份证号=UNREGISTERED_ID)])


def test_the_graduate_pages_pass_axe(page: Page, signed_in, lines) -> None:  # noqa: ANN001
    base = signed_in("district")
    visit_list(page, base + reverse("programs:graduates"), "graduate list", item="张三")
    assert_accessible(page, "graduate file")
    visit(page, base + reverse("programs:graduates-worklist") + "?year=2026", "worklist")
    visit(page, base + reverse("programs:graduates-unmatched"), "unmatched lines")

    pk = GraduateRecord.objects.get(person__isnull=True).pk
    page.goto(base + reverse("programs:graduate-register", args=[pk]))
    assert_accessible(page, "register form")
    submit(page, "登记并匹配")
    expect_errors(page, "register form with errors")
    page.goto(base + reverse("programs:graduate-reject", args=[pk]))
    submit(page, "确认不予登记")
    expect_errors(page, "reject form with errors")


def test_the_worklist_passes_axe_for_a_town_officer(page: Page, signed_in, lines) -> None:  # noqa: ANN001
    base = signed_in("town_a")
    visit(page, base + reverse("programs:graduates-worklist") + "?year=2026", "town worklist")
    assert page.get_by_role("link", name="张三", exact=True).is_visible()


def test_an_unmatched_row_is_rejected_by_keyboard_alone(page: Page, signed_in, lines) -> None:  # noqa: ANN001
    base = signed_in("district")
    page.goto(base + reverse("programs:graduates-unmatched"))
    tab_to(page, "a[href$='/reject/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "textarea[name='reason']")
    page.keyboard.type("非本区户籍")
    tab_to(page, "button[type='submit']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "非本区户籍" in page.content()
    assert GraduateRecord.objects.get(name="王五").archived_reason == "非本区户籍"
