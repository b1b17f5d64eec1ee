"""Transfer requests in Chromium (ADR 0011): the officer's outcome of registering a number
registered elsewhere, and the district's queue and decision page, at 0 axe violations."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from conftest import VILLAGE_A
from jiuye.core.tests.browser import assert_accessible, expect_errors, open_by, submit, visit
from jiuye.people.models import TransferRequest, TransferStatus
from jiuye.people.services import person_register_or_transfer
from jiuye.reference.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_registering_a_number_registered_elsewhere_is_told_a_request_was_made(
    page: Page, signed_in, person_b
) -> None:  # noqa: ANN001
    base = signed_in("town_a")
    page.goto(base + reverse("people:create"))
    page.get_by_label("姓名").fill("李四")
    page.get_by_label("身份证号").fill(person_b.id_number)
    page.get_by_label("所在村（社区）").select_option(VILLAGE_A)
    submit(page, "登记")
    assert "已提交迁入申请：李四" in page.locator("body").inner_text()
    assert_accessible(page, "the list after a transfer request")
    assert TransferRequest.objects.get().person == person_b


def test_the_district_queue_and_decision_pass_axe(
    page: Page, signed_in, personas, person_b
) -> None:  # noqa: ANN001
    asked = person_register_or_transfer(
        by=personas["town_a"],
        name="李四改",
        id_number=person_b.id_number,
        region=Region.objects.get(code=VILLAGE_A),
        phone="13912345678",
        address="东城路1号",
    )
    base = signed_in("district")
    visit(page, base + reverse("people:transfers"), "queue of transfer requests")
    open_by(page, page.get_by_role("link", name="李四").first)
    assert_accessible(page, "a transfer request")
    assert "与登记的姓名不一致" in page.locator("body").inner_text()
    page.get_by_label("不同意").check()
    submit(page, "提交审核结果")
    expect_errors(page, "a refusal without a reason")
    page.get_by_label("不同意").check()
    page.get_by_label("意见").fill("本人未迁出西城")
    submit(page, "提交审核结果")
    assert_accessible(page, "the queue after a decision")
    asked.refresh_from_db()
    assert asked.status == TransferStatus.REFUSED
    visit(page, base + reverse("people:transfer", args=[asked.pk]), "a refused transfer request")
    assert "申请中要改变的信息" in page.locator("body").inner_text()
