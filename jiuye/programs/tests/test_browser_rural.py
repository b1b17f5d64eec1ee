"""The rural pages (action 六) in Chromium with axe-core at 0 violations: the bases list (which
fits a phone), a base's page with its employed persons and supports, the base form and the
support form with errors, the monitoring page and the watch list; and a support recorded by
keyboard alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from conftest import VILLAGE_A
from jiuye.core.tests.browser import (
    assert_accessible,
    expect_errors,
    open_by,
    submit,
    tab_to,
    visit,
    visit_list,
)
from jiuye.employment.models import EmploymentForm, Source
from jiuye.employment.services import employment_end, employment_open
from jiuye.people.models import Person
from jiuye.programs.models.rural import RuralBase, RuralBaseSupport
from jiuye.programs.services import rural as services
from jiuye.reference.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def base_a(personas, employer_a) -> RuralBase:  # noqa: ANN001
    base = services.base_create(
        by=None, name="东城蔬菜基地", kind="rural_base", industry="planting",
        region=Region.objects.get(code=VILLAGE_A), employer=employer_a, driven=6,
    )  # fmt: skip
    services.support_add(
        base=base, by=None, kind="funds", date=timezone.localdate(), description="扶持资金"
    )
    return base


def test_the_base_pages_pass_axe_for_a_town_officer(
    page: Page, signed_in, base_a, employer_a
) -> None:  # noqa: ANN001
    person = Person.objects.get(name="张三")
    employment_open(
        person=person, by=None, source=Source.STAFF, form=EmploymentForm.QUOTA,
        employer=employer_a, start_date=timezone.localdate() - dt.timedelta(days=20),
    )  # fmt: skip
    base = signed_in("town_a")
    visit_list(page, base + reverse("programs:rural-bases"), "base list", item="东城蔬菜基地")
    assert page.get_by_role("link", name="张三", exact=True).is_visible()
    assert_accessible(page, "base page")

    submit(page, "登记扶持")
    expect_errors(page, "support form with errors")

    page.goto(base + reverse("programs:rural-base-create"))
    page.get_by_label("运营单位的统一社会信用代码").fill("123")
    submit(page, "登记基地或车间")
    expect_errors(page, "base form with errors")

    visit(page, base + reverse("programs:rural-base-edit", args=[base_a.pk]), "base edit form")


def test_the_base_pages_pass_axe_for_a_leader(page: Page, signed_in, base_a) -> None:  # noqa: ANN001
    base = signed_in("leader")
    visit(page, base + reverse("programs:rural-bases"), "base list for a leader")
    visit(page, base + reverse("programs:rural-base", args=[base_a.pk]), "base page for a leader")


def test_the_monitoring_pages_pass_axe(page: Page, signed_in, personas, employer_a) -> None:  # noqa: ANN001
    person = Person.objects.get(name="张三")
    Person.objects.filter(pk=person.pk).update(
        monitoring_category="edge", monitoring_identified=dt.date(2024, 3, 1)
    )
    record = employment_open(
        person=person, by=None, source=Source.STAFF, form=EmploymentForm.QUOTA,
        employer=employer_a, start_date=timezone.localdate() - dt.timedelta(days=200),
    )  # fmt: skip
    employment_end(
        record=record, by=None, end_date=timezone.localdate() - dt.timedelta(days=3),
        end_reason="dismissed",
    )  # fmt: skip
    base = signed_in("town_a")
    visit(page, base + reverse("programs:rural-monitoring"), "monitoring page")
    open_by(page, page.get_by_role("link", name="失业预警"))
    assert page.get_by_role("link", name="张三", exact=True).is_visible()
    assert_accessible(page, "watch list")


def test_a_support_is_recorded_by_keyboard_alone(page: Page, signed_in, base_a) -> None:  # noqa: ANN001
    base = signed_in("town_a")
    page.goto(base + reverse("programs:rural-base", args=[base_a.pk]))
    tab_to(page, "#id_kind")
    page.keyboard.press("ArrowDown")  # the first way of support after "请选择"
    tab_to(page, "#id_amount")
    page.keyboard.type("3000")
    # The date starts at today.
    tab_to(page, "form[action$='/supports/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    supports = RuralBaseSupport.objects.filter(base=base_a, amount=3000)
    assert supports.count() == 1
