"""The fair pages in Chromium with axe-core at 0 violations: the list, a fair's page, the fair
form with errors, participants and seekers (with a failed 现场投递), for a town officer, the
employer and a job seeker; the list fits a 360 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import assert_accessible, expect_errors, submit, visit, visit_list
from jiuye.jobs.services import fairs as services
from jiuye.jobs.tests import referral_fixtures as fx
from jiuye.jobs.tests.matching_fixtures import make_seeker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

posting_a, fair_a = fx.posting_a, fx.fair_a


def test_the_fair_pages_pass_axe_for_a_town_officer(
    page: Page, signed_in, personas, fair_a
) -> None:  # noqa: ANN001
    services.fair_register_seeker(fair=fair_a, person=personas["jobseeker"].person, by=None)
    base = signed_in("town_a")

    visit_list(page, base + reverse("jobs:fairs"), "fair list", item="东城残疾人专场招聘会")
    assert_accessible(page, "fair page")

    visit(page, base + reverse("jobs:fair-create"), "fair form")
    page.get_by_label("举办日期").fill("")
    submit(page, "新建招聘会")
    expect_errors(page, "fair form with errors")

    visit(page, base + reverse("jobs:fair-edit", args=[fair_a.pk]), "fair edit form")
    visit(
        page,
        base + reverse("jobs:fair-participants", args=[fair_a.pk]) + "?q=示范",
        "fair participants",
    )
    visit(page, base + reverse("jobs:fair-seekers", args=[fair_a.pk]) + "?q=张", "fair seekers")
    # 现场投递 without a posting chosen: the error sits beside the select.
    submit(page, "为 张三 现场投递")
    expect_errors(page, "fair seekers with an error", focused=False)


def test_the_fair_page_passes_axe_for_the_employer_and_a_job_seeker(
    page: Page, signed_in, fair_a
) -> None:  # noqa: ANN001
    for username in ("employer", "jobseeker"):
        base = signed_in(username)
        visit(page, base + reverse("jobs:fairs"), f"fair list for {username}")
        visit(page, base + reverse("jobs:fair", args=[fair_a.pk]), f"fair page for {username}")
        page.context.clear_cookies()


def test_matching_the_whole_fair_shows_candidates_with_reasons_and_passes_axe(
    page: Page, signed_in, personas, fair_a
) -> None:  # noqa: ANN001
    """为全场招聘会匹配 from the fair's page: the task runs (at once in tests) and the job page
    lists each posting's candidates with the reasons and the Excel export."""
    seeker = make_seeker("王东", skills="按摩 客服")
    services.fair_register_seeker(fair=fair_a, person=seeker, by=None)
    base = signed_in("district")
    visit(page, base + reverse("jobs:fair", args=[fair_a.pk]), "fair page for district")
    submit(page, "为全场招聘会匹配")
    page.get_by_text("匹配完成").wait_for()
    assert page.get_by_role("link", name="导出推荐人选（Excel）").is_visible()
    assert_accessible(page, "fair matching results")
