"""The postings pages in Chromium: the search (filters for graduates, blind persons and new
forms of employment) and the posting page pass axe-core at 320 px; the posting form passes axe
empty and with errors, the title says "错误：", the error summary takes focus and its links
lead to the fields."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import assert_accessible, expect_errors, fits, open_by, submit, visit
from jiuye.jobs.models import Posting
from jiuye.jobs.tests import posting_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

posting_world = posting_fixtures.posting_world


def listed(page: Page) -> set[str]:
    return set(page.locator("tbody th a").all_inner_texts())


def test_a_job_seeker_searches_postings_at_320_px(on_phone, posting_world) -> None:  # noqa: ANN001
    with on_phone("jobseeker", 320, 700) as (page, base):
        visit(page, base + reverse("jobs:postings"), "posting list")
        assert fits(page)
        assert listed(page) == posting_fixtures.OPEN_TITLES

        # Blind persons: postings for 视力残疾 and those open to every category.
        page.get_by_label("适合的残疾类别").select_option(label="视力残疾")
        submit(page, "查找")
        assert listed(page) == {"电商客服", "盲人按摩师", "数据录入员"}
        page.get_by_label("只看面向高校毕业生的岗位").check()
        submit(page, "查找")
        assert listed(page) == {"电商客服"}
        assert_accessible(page, "posting list filtered")

        page.goto(base + reverse("jobs:postings") + "?subtype=cloud_service")
        assert listed(page) == {"电商客服"}
        open_by(page, page.get_by_role("link", name="电商客服"))
        assert_accessible(page, "posting page")
        assert fits(page)
        assert page.get_by_role("heading", name="无障碍条件").is_visible()


def test_the_posting_form_with_errors_passes_axe_and_takes_focus(
    page: Page, signed_in, posting_world
) -> None:  # noqa: ANN001
    visit(page, signed_in("district") + reverse("jobs:posting-create"), "empty posting form")
    page.get_by_label("用人单位").fill("不存在的单位")
    page.get_by_label("岗位名称").fill("电商客服")
    page.get_by_label("月薪下限（元）").fill("5000")
    page.get_by_label("月薪上限（元）").fill("3000")
    page.get_by_label("兼容读屏软件的办公系统").check()
    submit(page, "发布岗位")
    expect_errors(page, "posting form with errors")
    # What was typed is kept, and the summary's links lead to the fields.
    assert page.get_by_label("岗位名称").input_value() == "电商客服"
    assert page.get_by_label("兼容读屏软件的办公系统").is_checked()
    page.get_by_role("link", name="月薪下限（元）：月薪下限不能高于上限，请核对两个金额。").click()
    assert page.evaluate("document.activeElement.id") == "id_wage_min"

    employer = posting_world["数据录入员"].employer
    page.get_by_label("用人单位").fill(employer.uscc)
    page.get_by_label("月薪下限（元）").fill("3000")
    page.get_by_role("combobox", name=re.compile("^工作地点")).select_option(
        label="东城街道 建设社区"
    )
    page.get_by_role("combobox", name=re.compile("^工作时间")).select_option(label="弹性时间")
    submit(page, "发布岗位")
    assert page.get_by_role("heading", name="电商客服", level=1).is_visible()
    assert Posting.objects.filter(title="电商客服", employer=employer).exists()
    assert_accessible(page, "new posting page for staff")
