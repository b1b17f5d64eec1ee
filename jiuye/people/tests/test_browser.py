"""The registry pages in Chromium: axe-core at 0 violations in every state that matters, the
error summary takes focus, a reveal works by keyboard, and the pages fit a 320 px screen."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.models import AccessEvent
from jiuye.core.tests.browser import (
    assert_accessible,
    expect_error_title,
    expect_errors,
    open_by,
    submit,
    visit,
)
from jiuye.people.services import person_update
from jiuye.people.tests.conftest import category, certificate_for, grade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def person(person_a, personas):  # noqa: ANN001, ANN201
    """person_a with most of a record filled in, so every section of the page has content."""
    return person_update(
        person=person_a,
        by=personas["district"],
        version=1,
        certificate_number=certificate_for(person_a.id_number, 7, 2),
        category=category(7),
        grade=grade(2),
        multiple_categories=[category(1), category(2)],
        phone="13812345678",
        wish_to_work="yes",
        assistive_needs=["screen_reader", "braille"],
    )


def test_the_registry_pages_pass_axe_for_a_town_officer(
    page: Page, signed_in, person, person_b
) -> None:  # noqa: ANN001
    base = signed_in("town_a")

    visit(page, base + reverse("people:list"), "search page before a search")
    assert page.get_by_role("table").count() == 0

    page.get_by_label("姓名").fill("张")
    page.get_by_label("只看就业年龄段").check()
    submit(page, "查询")
    assert page.get_by_role("link", name="张三").is_visible()
    assert page.get_by_role("link", name="李四").count() == 0
    assert_accessible(page, "search results")

    open_by(page, page.get_by_role("link", name="张三"))
    assert page.get_by_role("heading", level=1).inner_text() == "张三"
    assert_accessible(page, "person page")

    for path, what in [
        (reverse("people:create"), "empty registration form"),
        (reverse("people:edit", args=[person.pk]), "edit form"),
        (reverse("people:archive", args=[person.pk]), "archive confirmation"),
    ]:
        visit(page, base + path, what)


def test_a_search_by_id_number_keeps_the_number_out_of_the_address(
    page: Page, signed_in, person, person_b
) -> None:  # noqa: ANN001
    base = signed_in("town_a")
    page.goto(base + reverse("people:list"))
    page.get_by_label("姓名或证件号").fill(person.id_number)
    submit(page, "查询")
    assert page.get_by_role("link", name="张三").is_visible()
    assert person.id_number not in page.url and "?s=" in page.url
    addresses = page.eval_on_selector_all(
        "[href], [action], [src]",
        "els => els.map(e => e.getAttribute('href') || e.getAttribute('action') || e.src)",
    )
    assert not [address for address in addresses if person.id_number in address]
    assert page.get_by_label("姓名或证件号").input_value() == person.id_number
    assert_accessible(page, "search results for an ID number")

    open_by(page, page.get_by_role("link", name="张三"))
    page.go_back()  # the token stands for the search: back shows the same result, no resend
    assert page.get_by_role("link", name="张三").is_visible()
    assert person.id_number not in page.url


def test_forms_with_errors_pass_axe_and_focus_their_summary(page: Page, signed_in, person) -> None:  # noqa: ANN001
    base = signed_in("town_a")

    page.goto(base + reverse("people:edit", args=[person.pk]))
    page.get_by_label("姓名").fill("")
    page.get_by_label("新的身份证号").fill(person.id_number[:17] + "0")
    page.get_by_label("残疾等级").select_option(label="三级")
    submit(page, "保存修改")
    expect_errors(page, "edit form with errors")
    summary = page.locator(".error-summary").inner_text()
    assert "请填写姓名" in summary
    assert "身份证号校验码错误" in summary
    assert page.get_by_label("新的身份证号").input_value() == person.id_number[:17] + "0"

    page.goto(base + reverse("people:create"))
    page.get_by_label("残疾类别").select_option(label="肢体残疾")
    page.get_by_label("视力残疾").check()  # a box of 多重残疾包含的类别
    submit(page, "登记")
    expect_errors(page, "registration form with errors", focused=False)
    # The summary's link for the group of boxes takes focus to the first box.
    page.locator(".error-summary a[href='#id_multiple_categories_0']").click()
    assert page.evaluate("document.activeElement.id") == "id_multiple_categories_0"

    page.goto(base + reverse("people:archive", args=[person.pk]))
    submit(page, "确认归档")
    expect_errors(page, "archive confirmation with errors", focused=False)

    page.goto(base + reverse("people:list"))
    page.get_by_label("身份证号或残疾人证号").fill("123")
    submit(page, "查找")
    expect_errors(page, "lookup with errors", focused=False)


@pytest.mark.also_on_postgresql
def test_a_conflict_offers_a_link_that_reloads_the_latest_content(
    page: Page, signed_in, person, personas
) -> None:  # noqa: ANN001
    page.goto(signed_in("town_a") + reverse("people:edit", args=[person.pk]))
    page.get_by_label("住址").fill("镇街填的地址")
    person_update(person=person, by=personas["district"], version=person.version, name="张三丰")
    submit(page, "保存修改")
    expect_error_title(page)
    assert "刚刚被其他人修改过" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("住址").input_value() == "镇街填的地址"
    assert_accessible(page, "edit form with a conflict")
    with page.expect_navigation():
        page.get_by_role("link", name="重新载入最新内容").click()
    assert page.get_by_label("姓名").input_value() == "张三丰"


@pytest.mark.also_on_postgresql
def test_a_full_number_is_revealed_by_keyboard_with_a_reason(page: Page, signed_in, person) -> None:  # noqa: ANN001
    page.goto(signed_in("town_a") + reverse("people:detail", args=[person.pk]))
    submit(page, "查看完整号码")  # no choice and no reason yet
    expect_errors(page, "reveal form with errors", focused=False)
    page.get_by_label("联系电话", exact=True).check()
    page.get_by_label("查看原因").focus()
    page.keyboard.type("电话回访")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("code.secret").inner_text() == "13812345678"
    assert_accessible(page, "person page with a revealed number")
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.REVEAL, reason="电话回访", detail={"field": "phone"}
    ).exists()


def test_the_registry_pages_fit_a_320_pixel_screen(on_phone, person) -> None:  # noqa: ANN001
    with on_phone("town_a", 320, 640) as (page, base):
        for path in (
            reverse("people:list") + "?name=张",
            reverse("people:detail", args=[person.pk]),
            reverse("people:edit", args=[person.pk]),
        ):
            page.goto(base + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{path} scrolls sideways at 320 px ({width} px wide)"
