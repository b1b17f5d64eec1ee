"""The competition and blind massage pages in Chromium with axe-core at 0 violations: the
competition list and page (a town officer with names, a leader with counts), the competition
form with errors, the establishment page and its form with errors, and the qualification form
with errors; the lists fit a 360 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from jiuye.core.tests.browser import assert_accessible, expect_errors, submit, visit, visit_list
from jiuye.training.services import competitions as services
from jiuye.training.tests import competition_fixtures as fx
from jiuye.training.tests.competition_fixtures import days_ago, employ, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

competition_a, establishment_a = fx.competition_a, fx.establishment_a


def test_the_competition_pages_pass_axe_for_a_town_officer(
    page: Page, signed_in, personas, competition_a
) -> None:  # noqa: ANN001
    seeker = personas["jobseeker"].person
    services.competition_entry_add(
        competition=competition_a, person=seeker, by=None, trade="盲人按摩", award="一等奖"
    )
    base = signed_in("town_a")

    competitions = base + reverse("training:competitions")
    visit_list(page, competitions, "competition list", item="东城残疾人职业技能竞赛")
    assert_accessible(page, "competition page")
    competition = base + reverse("training:competition", args=[competition_a.pk])
    visit(page, competition + "?q=张", "competition page with a person search")

    page.goto(base + reverse("training:competition-create"))
    page.get_by_label("举办日期").fill("")
    submit(page, "新建竞赛")
    expect_errors(page, "competition form with errors", focused=False)

    page.goto(base + reverse("training:competition-entry-add", args=[competition_a.pk, seeker.pk]))
    submit(page, "添加参赛记录")
    expect_errors(page, "entry form with errors", focused=False)


def test_the_competition_page_passes_axe_for_a_leader(page: Page, signed_in, competition_a) -> None:  # noqa: ANN001
    base = signed_in("leader")
    visit(page, base + reverse("training:competitions"), "competition list for a leader")
    competition = base + reverse("training:competition", args=[competition_a.pk])
    visit(page, competition, "competition page for a leader")


def test_the_establishment_pages_pass_axe(
    page: Page, signed_in, establishment_a, employer_a
) -> None:  # noqa: ANN001
    blind = make_person(301, "王盲", category="1")
    employ(blind, employer_a, days_ago(30))
    base = signed_in("town_a")

    establishments = base + reverse("training:establishments")
    visit_list(page, establishments, "establishment list", item="东城盲人按摩所")
    assert page.get_by_role("link", name="王盲", exact=True).is_visible()
    assert_accessible(page, "establishment page")

    page.goto(base + reverse("training:establishment-create"))
    page.get_by_label("对应用人单位的统一社会信用代码").fill("123")
    submit(page, "登记按摩机构")
    expect_errors(page, "establishment form with errors")

    visit(page, base + reverse("training:qualification", args=[blind.pk]), "qualification form")
    page.get_by_label("医疗按摩资格取得日期").fill("2020-06-01")
    submit(page, "保存从业资格")
    expect_errors(page, "qualification form with errors", focused=False)
