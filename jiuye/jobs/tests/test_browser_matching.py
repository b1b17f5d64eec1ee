"""The matching pages in Chromium: axe-core at 0 violations on the candidates page (with a
lookup and with a lookup error), the postings for a person and the weights form with errors;
a staff member reaches a candidate's "推荐" link with the keyboard alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import (
    PHONE,
    assert_accessible,
    assert_fits_a_phone,
    expect_errors,
    fits,
    submit,
    visit,
)
from jiuye.jobs.tests import matching_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

match_world = matching_fixtures.match_world


def test_the_candidates_page_passes_axe_and_the_referral_link_is_reached_by_keyboard(
    page: Page, signed_in, match_world
) -> None:  # noqa: ANN001
    posting = match_world["posting"]
    candidates = signed_in("town_a") + reverse("jobs:match-posting", args=[posting.pk])
    visit(page, candidates, "candidates for a posting")
    first = page.locator("tbody tr").first.locator("th a").inner_text()

    # From the top of the page, Tab until the first "推荐" link has the focus.
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.closest('tbody') ? "
            "document.activeElement.getAttribute('aria-label') || '' : ''"
        )
        if focused.startswith("推荐"):
            break
    else:
        pytest.fail("no 推荐 link reached by Tab")
    assert focused == f"推荐{first}"
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href.startswith(reverse("jobs:referral-create") + "?person=")
    assert f"posting={posting.pk}" in href
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"

    # The lookup, with an error and then with an answer.
    field = page.get_by_label("姓名或身份证号")
    field.fill("12345")
    submit(page, "查看")
    expect_errors(page, "candidates page with a lookup error", focused=False)
    page.get_by_label("姓名或身份证号").fill("孙聋")
    submit(page, "查看")
    assert page.get_by_text("各项得分").is_visible()
    assert_accessible(page, "candidates page with a lookup")


def test_the_postings_for_a_person_and_the_weights_form_pass_axe(
    page: Page, signed_in, match_world
) -> None:  # noqa: ANN001
    base = signed_in("district")
    person = match_world["people"]["near"]
    visit(page, base + reverse("jobs:match-person", args=[person.pk]), "postings for a person")
    visit(page, base + reverse("jobs:match-weights"), "weights form")
    page.get_by_label("距离").fill("101")
    submit(page, "保存权重")
    expect_errors(page, "weights form with errors", focused=False)
    page.get_by_role("link", name="距离：距离的权重须在 0 到 100 之间。").click()
    assert page.evaluate("document.activeElement.id") == "id_distance"
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(base + reverse("jobs:match-person", args=[person.pk]))
    # The wide table scrolls inside its own region; nothing else is wider than the screen.
    assert fits(page)


def test_the_main_lists_fit_a_phone_with_each_rows_action_on_the_screen(
    page: Page, signed_in, match_world
) -> None:  # noqa: ANN001
    """Issue 14: the candidate list was 637 px wide on a 390 px phone, with score, reasons and
    "推荐" off the screen and rows thousands of pixels tall; the header took 230 px."""
    posting = match_world["posting"]
    page.set_viewport_size(PHONE)
    base = signed_in("town_a")
    candidates = reverse("jobs:match-posting", args=[posting.pk])
    for path in (
        candidates,
        reverse("jobs:postings"),
        reverse("jobs:referrals"),
        reverse("people:list"),
        reverse("core:import-list"),
    ):
        page.goto(base + path)
        assert_fits_a_phone(page, path)
    page.goto(base + candidates)
    facts = assert_fits_a_phone(page, "candidates")
    assert facts["rows"] >= 1
    # Each candidate is one card: score, reasons and the action all on the screen, labelled.
    first = page.locator("tbody tr").first
    for label in ("匹配分：", "理由：", "操作："):
        cell = first.locator(f"[data-label='{label[:-1]}']")
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], label
    assert first.bounding_box()["height"] < PHONE["height"], "one candidate taller than a screen"
    assert_accessible(page, "candidates on a phone")
