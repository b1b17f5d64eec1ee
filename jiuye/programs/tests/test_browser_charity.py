"""Action 三's pages in Chromium with axe-core at 0 violations: the organization, project and
leader lists and pages, each form empty and with errors (title "错误：", the error summary
focused), and a beneficiary recorded by keyboard alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from conftest import make_id_number, register_person
from jiuye.core.tests.browser import (
    assert_accessible,
    expect_errors,
    submit,
    tab_to,
    visit,
    visit_list,
)
from jiuye.programs.models.charity import CharityBeneficiary
from jiuye.programs.services import charity as services
from jiuye.programs.tests import charity_fixtures as fx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_organization_and_project_pages_pass_axe(page: Page, signed_in, person_a) -> None:  # noqa: ANN001
    project = fx.project()
    services.beneficiary_save(project=project, person=person_a, by=None, placed=True)
    base = signed_in("town_a")

    visit_list(
        page,
        base + reverse("programs:organizations"),
        "organization list",
        item="东城盲人协会",
        width=320,
    )
    assert_accessible(page, "organization page")
    visit(page, base + reverse("programs:organization-create"), "organization form")
    page.get_by_label("统一社会信用代码").fill("X1")
    submit(page, "登记组织")
    expect_errors(page, "organization form with errors")
    visit(
        page,
        base + reverse("programs:organization-edit", args=[project.organiser_organization_id]),
        "organization edit form",
    )

    visit_list(
        page,
        base + reverse("programs:charity-projects"),
        "project list",
        item="东城助残就业公益项目",
        width=320,
    )
    beneficiaries = page.get_by_role("table", name="受益人（您负责范围内的人员）")
    assert beneficiaries.get_by_role("link", name="张三", exact=True).count() == 1
    assert_accessible(page, "project page")
    visit(page, base + reverse("programs:charity-project-create"), "project form")
    page.get_by_label("开始日期").fill("")
    submit(page, "登记项目或活动")
    expect_errors(page, "project form with errors")
    visit(
        page,
        base + reverse("programs:charity-project-edit", args=[project.pk]),
        "project edit form",
    )
    visit(
        page,
        base + reverse("programs:charity-beneficiary-add", args=[project.pk]),
        "beneficiary form",
    )
    submit(page, "登记受益人")
    expect_errors(page, "beneficiary form with errors")
    row = CharityBeneficiary.objects.get()
    visit(page, base + reverse("programs:charity-beneficiary-remove", args=[row.pk]), "remove form")
    submit(page, "确认移出")
    expect_errors(page, "remove form with errors")


def test_the_leader_pages_pass_axe(page: Page, signed_in, person_a) -> None:  # noqa: ANN001
    leader = fx.leader()
    worker = register_person(302, "李明")
    services.leader_job_link(leader=leader, record=fx.job(worker, dt.date(2025, 2, 1)), by=None)
    base = signed_in("town_a")
    visit_list(page, base + reverse("programs:leaders"), "leader list", item="王带头", width=320)
    assert (
        page.get_by_role("table", name="带动就业的人员（您负责范围内的人员）")
        .get_by_role("row")
        .filter(has_text="李明")
        .count()
        == 1
    )
    assert_accessible(page, "leader page")
    visit(page, base + reverse("programs:leader-create"), "leader form")
    submit(page, "认定带头人")
    expect_errors(page, "leader form with errors")
    visit(page, base + reverse("programs:leader-edit", args=[leader.pk]), "leader edit form")
    visit(page, base + reverse("programs:leader-job-add", args=[leader.pk]), "leader job form")
    page.get_by_label("被带动人员的身份证号").fill(make_id_number(seq=101))
    submit(page, "关联就业记录")
    expect_errors(page, "leader job form with errors")


def test_a_town_officer_records_a_beneficiary_by_keyboard_alone(
    page: Page, signed_in, person_a
) -> None:  # noqa: ANN001
    project = fx.project()
    page.goto(signed_in("town_a") + reverse("programs:charity-project", args=[project.pk]))
    tab_to(page, f"a[href='{reverse('programs:charity-beneficiary-add', args=[project.pk])}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page, "beneficiary form reached by keyboard")
    tab_to(page, "#id_id_number")
    page.keyboard.type(make_id_number(seq=101))
    tab_to(page, "#id_trained")
    page.keyboard.press("Space")
    tab_to(page, "#id_placed")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit].button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已登记受益人：张三" in page.locator(".messages").inner_text()
    row = CharityBeneficiary.objects.get()
    assert (row.person_id, row.trained, row.placed, row.started_business) == (
        person_a.pk,
        True,
        True,
        False,
    )
    assert_accessible(page, "project page after recording a beneficiary")


def test_a_list_of_beneficiaries_is_checked_and_saved_on_the_upload_page(
    page: Page, signed_in, person_a, tmp_path
) -> None:  # noqa: ANN001
    project = fx.project()
    base = signed_in("town_a")
    visit(
        page, base + reverse("programs:charity-beneficiaries-upload", args=[project.pk]), "upload"
    )
    submit(page, "检查名单")
    expect_errors(page, "upload without a file")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"身份证号,受益日期\n{person_a.id_number},2020-01-01\n", encoding="utf-8-sig")
    page.set_input_files("#id_file", str(bad))
    submit(page, "检查名单")
    assert_accessible(page, "upload with a bad row listed")
    good = tmp_path / "good.csv"
    good.write_text(f"身份证号,参加培训\n{person_a.id_number},是\n", encoding="utf-8-sig")
    page.set_input_files("#id_file", str(good))
    submit(page, "检查名单")
    assert_accessible(page, "upload checked, ready to save")
    submit(page, "保存这份名单")
    assert CharityBeneficiary.objects.get().trained
