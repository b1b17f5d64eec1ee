"""The matching pages in Chromium: axe-core at 0 violations on the candidates page (with a
lookup and with a lookup error), the postings for a person and the weights form with errors;
a staff member reaches a candidate's "推荐" link with the keyboard alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, confirmed_totp
from jiuye.core.tests.browser import (
    assert_accessible,
    expect_error_title,
    log_in,
    pass_second_factor,
)
from jiuye.jobs.tests import matching_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

match_world = matching_fixtures.match_world


def test_the_candidates_page_passes_axe_and_the_referral_link_is_reached_by_keyboard(
    page: Page, live_server: LiveServer, personas, match_world
) -> None:  # noqa: ANN001
    base = live_server.url
    posting = match_world["posting"]
    log_in(page, base, "town_a", PASSWORD)
    page.goto(base + reverse("jobs:match-posting", args=[posting.pk]))
    assert_accessible(page, "candidates for a posting")
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
    with page.expect_navigation():
        page.get_by_role("button", name="查看", exact=True).click()
    expect_error_title(page)
    assert_accessible(page, "candidates page with a lookup error")
    page.get_by_label("姓名或身份证号").fill("孙聋")
    with page.expect_navigation():
        page.get_by_role("button", name="查看", exact=True).click()
    assert page.get_by_text("各项得分").is_visible()
    assert_accessible(page, "candidates page with a lookup")


def test_the_postings_for_a_person_and_the_weights_form_pass_axe(
    page: Page, live_server: LiveServer, personas, match_world
) -> None:  # noqa: ANN001
    base = live_server.url
    device = confirmed_totp(personas["district"])
    log_in(page, base, "district", PASSWORD)
    pass_second_factor(page, device)
    person = match_world["people"]["near"]
    page.goto(base + reverse("jobs:match-person", args=[person.pk]))
    assert_accessible(page, "postings for a person")
    page.goto(base + reverse("jobs:match-weights"))
    assert_accessible(page, "weights form")
    page.get_by_label("距离").fill("101")
    with page.expect_navigation():
        page.get_by_role("button", name="保存权重").click()
    expect_error_title(page)
    assert_accessible(page, "weights form with errors")
    page.get_by_role("link", name="距离：距离的权重须在 0 到 100 之间。").click()
    assert page.evaluate("document.activeElement.id") == "id_distance"
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(base + reverse("jobs:match-person", args=[person.pk]))
    # The wide table scrolls inside its own region; nothing else is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
