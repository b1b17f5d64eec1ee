"""The service institution pages in Chromium with axe-core at 0 violations (the list on a phone,
the institution page, its form with errors and the checklist form with errors)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import assert_accessible, expect_errors, submit, visit_list
from jiuye.programs.services import institutions as services
from jiuye.reference.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_institution_pages_pass_axe(page: Page, signed_in, reference) -> None:  # noqa: ANN001
    institution = services.institution_create(
        by=None,
        name="东城服务站",
        owner="federation",
        region=Region.objects.get(code="440199001000"),
    )
    base = signed_in("town_a")
    visit_list(page, base + reverse("programs:service-institutions"), "list", item="东城服务站")
    assert_accessible(page, "institution page")

    page.goto(base + reverse("programs:service-institution-create"))
    submit(page, "登记服务机构")
    expect_errors(page, "institution form with errors")

    page.goto(base + reverse("programs:service-institution-checklist", args=[institution.pk]))
    assert_accessible(page, "checklist form")
    page.locator("#id_window_met_0").check()
    submit(page, "保存检查结果")
    expect_errors(page, "checklist form with errors")
