"""The records pages in Chromium: axe-core at 0 violations on the service form with errors and on
the verification at 360 px, a verification recorded by keyboard alone, and a draft that
survives a dropped connection and is cleared once the server has saved the form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.casework.models import ServiceRecord
from jiuye.core.tests.browser import assert_accessible, expect_errors, fits, tab_to, visit
from jiuye.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def person(records_person, records_service_types):  # noqa: ANN001, ANN201
    """records_person, with the service types that a transactional test's flush empties."""
    return records_person


def test_the_service_form_with_errors_passes_axe_at_360_px(page: Page, signed_in, person) -> None:  # noqa: ANN001
    page.set_viewport_size(PHONE)
    form = signed_in("town_a") + reverse("casework:service-create", args=[person.pk])
    visit(page, form, "empty service form")
    page.get_by_label("服务内容").fill("谈了求职打算")
    page.get_by_label("服务日期").fill("2999-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="保存服务记录").click()
    expect_errors(page, "service form with errors")
    assert page.get_by_label("服务内容").input_value() == "谈了求职打算"
    assert page.locator("#id_date").get_attribute("aria-invalid") == "true"
    assert fits(page)  # nothing wider than the phone's screen
    assert not ServiceRecord.objects.exists()


def test_recording_a_verification_by_keyboard_alone(page: Page, signed_in, person) -> None:  # noqa: ANN001
    page.set_viewport_size(PHONE)
    form = signed_in("town_a") + reverse("casework:verify", args=[person.pk])
    visit(page, form, "verification form at 360 px")
    assert fits(page)

    tab_to(page, "#id_address")
    page.keyboard.press("Control+A")
    page.keyboard.type("幸福路8号")
    tab_to(page, "#id_education")
    page.keyboard.press("ArrowDown")  # 初中 → 高中
    tab_to(page, "#id_channel_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_notes")
    page.keyboard.type("本人在家，当面核对")
    tab_to(page, "button[type=submit].button:not(.button--small)")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.get_by_role("heading", level=1).inner_text().startswith("确认核对结果")
    changes = page.locator("[data-change]")
    assert [changes.nth(i).get_attribute("data-change") for i in range(changes.count())] == [
        "address",
        "education",
    ]
    assert_accessible(page, "verification confirmation")
    assert Person.objects.get(pk=person.pk).address == "建设路1号"  # nothing saved yet

    tab_to(page, "button[name=confirm]")
    with page.expect_navigation():
        page.keyboard.press("Space")

    assert "已保存核对记录" in page.locator(".messages").inner_text()
    saved = Person.objects.get(pk=person.pk)
    assert (saved.address, saved.education) == ("幸福路8号", "senior")
    record = ServiceRecord.objects.get(person=person)
    assert record.service_type_id == "verification" and record.channel == "home_visit"
    assert_accessible(page, "the saved verification")


def test_a_draft_survives_a_dropped_connection_and_is_cleared_after_saving(
    page: Page, signed_in, person
) -> None:  # noqa: ANN001
    url = signed_in("town_a") + reverse("casework:service-create", args=[person.pk])
    page.goto(url)
    key = page.locator("input[name=idempotency_key]").input_value()
    page.get_by_label("服务类型").select_option("career_guidance")
    page.get_by_label("服务内容").fill("在村委会谈了培训打算")
    page.get_by_label("电话").check()
    page.wait_for_timeout(600)  # the draft is written a moment after typing stops

    page.goto(url)  # the officer opens the form again after the connection dropped
    assert page.get_by_label("服务内容").input_value() == "在村委会谈了培训打算"
    assert page.get_by_label("服务类型").input_value() == "career_guidance"
    assert page.get_by_label("电话").is_checked()
    assert page.locator("input[name=idempotency_key]").input_value() == key
    status = page.locator("[data-draft-status]")
    assert status.is_visible() and "已恢复" in status.inner_text()
    assert_accessible(page, "service form with a restored draft")

    with page.expect_navigation():
        page.get_by_role("button", name="保存服务记录").click()
    drafts = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('jiuye-draft:'))")
    assert drafts == []
    assert ServiceRecord.objects.get().notes == "在村委会谈了培训打算"
    page.goto(url)
    assert page.get_by_label("服务内容").input_value() == ""
