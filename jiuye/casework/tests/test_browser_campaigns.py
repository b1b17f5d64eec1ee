"""The campaign and post pages in Chromium: axe-core at 0 violations on the tally, the campaign
form with errors, and the post page with a placement error; the error summary takes focus; the
pages fit a 360 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.casework.models import PostPlacement
from jiuye.core.tests.browser import (
    assert_accessible,
    expect_errors,
    fits,
    follow,
    submit,
    visit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_tally_and_the_campaign_form_pass_axe_for_district_staff(
    page: Page, signed_in, campaign_world
) -> None:  # noqa: ANN001
    base = signed_in("district")

    visit(page, base + reverse("casework:campaigns"), "campaign list")
    follow(page, "就业援助月")
    assert_accessible(page, "campaign tally")
    page.set_viewport_size({"width": 360, "height": 740})
    assert fits(page)  # the wide table scrolls inside its own region
    bar = page.get_by_role("progressbar", name="东城街道完成目标的 50.0%")
    assert bar.count() == 1
    assert page.get_by_role("link", name="查看东城街道计入的服务记录").is_visible()

    follow(page, "查看东城街道计入的服务记录")
    assert_accessible(page, "counted services of a town")

    visit(page, base + reverse("casework:campaign-edit", args=[campaign_world.pk]), "campaign form")
    page.get_by_label("活动名称").fill("")
    page.get_by_label("西城街道").fill("-1")
    submit(page, "保存修改")
    expect_errors(page, "campaign form with errors")
    page.get_by_role("link", name="西城街道：西城街道的目标人数不能是负数。").click()
    assert page.evaluate("document.activeElement.id") == "id_quota_440199002000"


def test_the_post_page_with_a_placement_error_passes_axe_at_360_px(
    on_phone, post_a, person_a, person_b
) -> None:  # noqa: ANN001
    with on_phone("town_a") as (page, base):
        visit(page, base + reverse("casework:posts"), "post list")
        visit(page, base + reverse("casework:post-detail", args=[post_a.pk]), "post page")
        assert fits(page)

        # Someone of another town: not found in this officer's scope.
        page.get_by_label("身份证号").fill(person_b.id_number)
        page.get_by_label("上岗日期").fill(f"{post_a.funding_start:%Y-%m-%d}")
        submit(page, "安置到这个岗位")
        expect_errors(page, "post page with a placement error")
        assert fits(page)

        # Their own resident: placed, then the leave form by keyboard-reachable controls.
        page.get_by_label("身份证号").fill(person_a.id_number)
        submit(page, "安置到这个岗位")
        assert page.get_by_role("heading", name="张三").is_visible()
        placement = PostPlacement.objects.get()
        page.get_by_text("登记 张三 离岗").click()
        page.get_by_label("离岗日期").fill(f"{post_a.funding_start:%Y-%m-%d}")
        submit(page, "确认离岗")
        # No reason chosen.
        expect_errors(page, "leave form with errors", focused=False)
        assert not placement.employment_record.end_date
