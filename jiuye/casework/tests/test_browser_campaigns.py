"""The campaign and post pages in Chromium: axe-core at 0 violations on the tally, the campaign
form with errors, and the post page with a placement error; the error summary takes focus; the
pages fit a 360 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, confirmed_totp
from jiuye.casework.models import PostPlacement
from jiuye.core.tests.browser import (
    assert_accessible,
    expect_error_title,
    log_in,
    new_context,
    pass_second_factor,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def fits(page: Page) -> bool:
    """Nothing wider than the screen (tables scroll inside their own region)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_tally_and_the_campaign_form_pass_axe_for_district_staff(
    page: Page, live_server: LiveServer, personas, campaign_world
) -> None:  # noqa: ANN001
    base = live_server.url
    device = confirmed_totp(personas["district"])
    log_in(page, base, "district", PASSWORD)
    pass_second_factor(page, device)

    page.goto(base + reverse("casework:campaigns"))
    assert_accessible(page, "campaign list")
    page.get_by_role("link", name="就业援助月").click()
    page.wait_for_load_state()
    assert_accessible(page, "campaign tally")
    page.set_viewport_size({"width": 360, "height": 740})
    assert fits(page)  # the wide table scrolls inside its own region
    bar = page.get_by_role("progressbar", name="东城街道完成目标的 50.0%")
    assert bar.count() == 1
    assert page.get_by_role("link", name="查看东城街道计入的服务记录").is_visible()

    page.get_by_role("link", name="查看东城街道计入的服务记录").click()
    page.wait_for_load_state()
    assert_accessible(page, "counted services of a town")

    page.goto(base + reverse("casework:campaign-edit", args=[campaign_world.pk]))
    assert_accessible(page, "campaign form")
    page.get_by_label("活动名称").fill("")
    page.get_by_label("西城街道").fill("-1")
    submit(page, "保存修改")
    expect_error_title(page)
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    assert_accessible(page, "campaign form with errors")
    page.get_by_role("link", name="西城街道：西城街道的目标人数不能是负数。").click()
    assert page.evaluate("document.activeElement.id") == "id_quota_440199002000"


def test_the_post_page_with_a_placement_error_passes_axe_at_360_px(
    chromium: Browser, live_server: LiveServer, personas, post_a, person_a, person_b
) -> None:  # noqa: ANN001
    base = live_server.url
    context = new_context(chromium, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        log_in(page, base, "town_a", PASSWORD)
        page.goto(base + reverse("casework:posts"))
        assert_accessible(page, "post list")
        page.goto(base + reverse("casework:post-detail", args=[post_a.pk]))
        assert_accessible(page, "post page")
        assert fits(page)

        # Someone of another town: not found in this officer's scope.
        page.get_by_label("身份证号").fill(person_b.id_number)
        page.get_by_label("上岗日期").fill(f"{post_a.funding_start:%Y-%m-%d}")
        submit(page, "安置到这个岗位")
        expect_error_title(page)
        assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
        assert_accessible(page, "post page with a placement error")
        assert fits(page)

        # Their own resident: placed, then the leave form by keyboard-reachable controls.
        page.get_by_label("身份证号").fill(person_a.id_number)
        submit(page, "安置到这个岗位")
        assert page.get_by_role("heading", name="张三").is_visible()
        placement = PostPlacement.objects.get()
        page.get_by_text("登记 张三 离岗").click()
        page.get_by_label("离岗日期").fill(f"{post_a.funding_start:%Y-%m-%d}")
        submit(page, "确认离岗")
        expect_error_title(page)  # no reason chosen
        assert_accessible(page, "leave form with errors")
        assert not placement.employment_record.end_date
    finally:
        context.close()
