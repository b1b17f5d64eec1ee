"""The auxiliary employment pages in Chromium with axe-core at 0 violations: the institution
list, page and form with errors, the member, delivery and income forms with errors; the project
list, page and form with errors and the allocate form refusing more than the volume; a
leader's read-only pages; and a project allocated by keyboard alone."""

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
from jiuye.programs.services import auxiliary as services
from jiuye.programs.tests import auxiliary_fixtures as fx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

home_a, bead_project = fx.home_a, fx.bead_project


def press_and_wait(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_the_institution_pages_pass_axe_for_a_town_officer(
    page: Page, signed_in, personas, home_a
) -> None:  # noqa: ANN001
    membership = fx.member(home_a, personas["jobseeker"].person)
    base = signed_in("town_a")

    institutions = base + reverse("programs:aux-institutions")
    visit_list(page, institutions, "institution list", item="东城阳光家园")
    assert_accessible(page, "institution page")

    page.goto(base + reverse("programs:aux-institution-create"))
    page.get_by_label("可容纳人数").fill("0")
    submit(page, "登记机构")
    expect_errors(page, "institution form with errors")

    page.goto(base + reverse("programs:aux-member-add", args=[home_a.pk]))
    page.get_by_label("身份证号").fill("123")
    submit(page, "登记在册人员")
    expect_errors(page, "member form with errors")

    visit(page, base + reverse("programs:aux-member", args=[membership.pk]), "member edit page")
    visit(page, base + reverse("programs:aux-members"), "member list")

    page.goto(base + reverse("programs:aux-delivery-add", args=[home_a.pk]))
    submit(page, "登记交付")
    expect_errors(page, "delivery form with errors")

    page.goto(base + reverse("programs:aux-income-add", args=[home_a.pk]))
    submit(page, "登记收入")
    expect_errors(page, "income form with errors")


def test_the_project_pages_pass_axe_and_the_allocate_form_refuses_over_the_volume(
    page: Page, signed_in, home_a, bead_project
) -> None:  # noqa: ANN001
    services.allocation_create(
        project=bead_project,
        institution=home_a,
        by=None,
        quantity=900,
        allocated_on=dt.date(2025, 2, 1),
    )
    base = signed_in("district")
    projects = base + reverse("programs:labour-projects")
    visit_list(page, projects, "project list", item="LX2025-001 手工串珠")
    assert "收集入库 1000件 → 已调配 900件" in page.locator("main").inner_text()
    assert_accessible(page, "project page")

    page.goto(base + reverse("programs:labour-project", args=[bead_project.pk]))
    open_by(page, page.get_by_role("link", name="撤销给东城阳光家园的调配"))
    submit(page, "撤销这次调配")
    expect_errors(page, "withdraw form with errors")
    assert services.allocated_total(bead_project) == 900  # a reason is needed

    page.goto(base + reverse("programs:labour-project-create"))
    page.get_by_label("总量").fill("-1")
    submit(page, "登记劳动项目")
    expect_errors(page, "project form with errors")

    page.goto(base + reverse("programs:labour-project-allocate", args=[bead_project.pk]))
    page.get_by_label("承接机构").select_option(label="东城阳光家园")
    page.get_by_label("调配数量").fill("200")
    page.get_by_label("调配日期").fill("2025-03-01")
    submit(page, "调配")
    expect_errors(page, "allocate form refusing more than the volume")
    assert "还可调配 100件，本次填写 200件" in page.locator("main").inner_text()


def test_the_leader_reads_institutions_and_projects(
    page: Page, signed_in, home_a, bead_project
) -> None:  # noqa: ANN001
    base = signed_in("leader")
    visit(page, base + reverse("programs:aux-institution", args=[home_a.pk]), "leader institution")
    visit(page, base + reverse("programs:labour-project", args=[bead_project.pk]), "leader project")


def test_a_project_is_allocated_by_keyboard_alone(
    page: Page, signed_in, home_a, bead_project
) -> None:  # noqa: ANN001
    visit(
        page,
        signed_in("district") + reverse("programs:labour-project", args=[bead_project.pk]),
        "project page",
    )
    tab_to(page, "a[href$='/allocate/']")
    press_and_wait(page, "Enter")
    tab_to(page, "#id_institution")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_quantity")
    page.keyboard.type("250")
    tab_to(page, "#id_allocated_on")
    page.keyboard.type("03012025")
    tab_to(page, "#id_note")
    press_and_wait(page, "Enter")
    assert "已调配劳动项目。" in page.locator(".messages").inner_text()
    assert "已调配 250件" in page.locator("main").inner_text()
    assert_accessible(page, "project page after the allocation")


def test_the_correction_pages_pass_axe_and_a_delivery_is_corrected_by_keyboard(
    page: Page, signed_in, personas, home_a, bead_project
) -> None:  # noqa: ANN001
    allocation = services.allocation_create(
        project=bead_project,
        institution=home_a,
        by=None,
        quantity=50,
        allocated_on=dt.date(2025, 3, 1),
    )
    delivery = services.delivery_create(
        allocation=allocation, by=None, quantity=20, delivered_on=dt.date(2025, 3, 5)
    )
    membership = fx.member(home_a, personas["jobseeker"].person)
    income = services.income_record(
        membership=membership, by=None, month=dt.date(2025, 3, 1), amount=600
    )
    base = signed_in("town_a")
    visit(page, base + reverse("programs:aux-income", args=[income.pk]), "income correction")
    submit(page, "归档这条收入记录")
    expect_errors(page, "income archive form with errors")

    page.goto(base + reverse("programs:aux-institution", args=[home_a.pk]))
    tab_to(page, f"a[href='{reverse('programs:aux-delivery', args=[delivery.pk])}']")
    press_and_wait(page, "Enter")
    assert_accessible(page, "delivery correction")
    tab_to(page, "#id_quantity")
    page.keyboard.press("Control+A")
    page.keyboard.type("51")
    press_and_wait(page, "Enter")
    expect_errors(page, "delivery correction over the allocation")
    tab_to(page, "#id_quantity")
    page.keyboard.press("Control+A")
    page.keyboard.type("25")
    press_and_wait(page, "Enter")
    delivery.refresh_from_db()
    assert delivery.quantity == 25
