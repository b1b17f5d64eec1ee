"""The platform pages in Chromium with axe-core at 0 violations (the list on a phone, the
platform page with a worker named, the platform form and the commitment forms with errors), and
a town officer who adds a commitment by keyboard alone."""

from __future__ import annotations

import datetime as dt

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
from jiuye.programs.models import PlatformCommitment
from jiuye.programs.services import platforms as services
from jiuye.programs.tests import platform_fixtures as fx
from jiuye.programs.tests.platform_fixtures import work_through

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

partner_a = fx.partner_a


def test_the_platform_pages_pass_axe(
    page: Page, signed_in, partner_a, employer_a, personas
) -> None:  # noqa: ANN001
    work_through(personas["jobseeker"].person, employer_a, dt.date(2024, 5, 1))
    commitment = services.commitment_add(
        partner=partner_a,
        by=None,
        kind="fee_waiver",
        description="免收押金",
        since=dt.date(2024, 3, 1),
    )
    base = signed_in("town_a")
    visit_list(
        page, base + reverse("programs:platform-partners"), "platform list", item="东城示范企业"
    )
    assert page.get_by_role("link", name="张三", exact=True).is_visible()
    assert_accessible(page, "platform page")

    page.goto(base + reverse("programs:platform-partner-create"))
    page.get_by_label("平台企业的统一社会信用代码").fill("123")
    submit(page, "登记合作平台")
    expect_errors(page, "platform form with errors")

    page.goto(base + reverse("programs:platform-commitment-add", args=[partner_a.pk]))
    submit(page, "添加助残承诺")
    expect_errors(page, "commitment form with errors")

    visit(
        page, base + reverse("programs:platform-commitment-end", args=[commitment.pk]), "end form"
    )
    page.get_by_label("终止日期").fill("2020-01-01")
    submit(page, "终止这项承诺")
    expect_errors(page, "end form with errors")


def test_a_town_officer_adds_a_commitment_by_keyboard_alone(
    page: Page, signed_in, partner_a
) -> None:  # noqa: ANN001
    page.goto(signed_in("town_a") + reverse("programs:platform-partner", args=[partner_a.pk]))
    tab_to(page, "a[href$='/commitments/new/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_kind")
    for _press in range(3):  # 请选择 → 放宽准入条件 → 减免加盟费或服务费 → 优先派单
        page.keyboard.press("ArrowDown")
    tab_to(page, "#id_description")
    page.keyboard.type("听力残疾骑手优先派单")
    tab_to(page, "#id_since")
    # Headless Chromium's date field here has the segments month, day, year (its own locale).
    page.keyboard.type("06012024")
    assert page.evaluate("document.activeElement.value") == "2024-06-01"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已添加助残承诺" in page.locator(".messages").inner_text()
    commitment = PlatformCommitment.objects.get()
    assert (commitment.kind, commitment.since) == ("dispatch", dt.date(2024, 6, 1))
