"""Deliveries and members' income are corrected or archived with a reason (never deleted),
through the services, with the allocation and once-a-month rules still holding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiuye.core.conflicts import ConflictError
from jiuye.core.tests.responses import html_of
from jiuye.programs.models.auxiliary import AuxIncome, LabourDelivery
from jiuye.programs.services import auxiliary as services
from jiuye.programs.tests import auxiliary_fixtures as fx

pytestmark = pytest.mark.django_db

home_a, bead_project = fx.home_a, fx.bead_project
DAY = dt.date(2025, 3, 20)


def _allocation(project, place, quantity=100):  # noqa: ANN001, ANN202
    return services.allocation_create(
        project=project, institution=place, by=None, quantity=quantity, allocated_on=DAY
    )


def _deliver(allocation, quantity, day=DAY):  # noqa: ANN001, ANN202
    return services.delivery_create(
        allocation=allocation, by=None, quantity=quantity, delivered_on=day
    )


def test_a_delivery_is_corrected_within_what_the_allocation_owes(bead_project, home_a) -> None:  # noqa: ANN001
    allocation = _allocation(bead_project, home_a)
    first, _second = _deliver(allocation, 60), _deliver(allocation, 30)
    with pytest.raises(ValidationError) as error:
        services.delivery_update(delivery=first, by=None, version=1, quantity=71)
    assert "调配 100件，已交付 30件，还可交付 70件" in error.value.message_dict["quantity"][0]
    corrected = services.delivery_update(delivery=first, by=None, version=1, quantity=70)
    assert (corrected.quantity, corrected.version) == (70, 2)
    with pytest.raises(ConflictError):
        services.delivery_update(delivery=first, by=None, version=1, note="旧页面")
    with pytest.raises(ValidationError) as early:
        services.delivery_update(
            delivery=first, by=None, version=2, delivered_on=DAY - dt.timedelta(days=1)
        )
    assert "不能早于调配日期" in early.value.message_dict["delivered_on"][0]


def test_an_archived_delivery_is_owed_again_and_kept(bead_project, home_a, personas) -> None:  # noqa: ANN001
    allocation = _allocation(bead_project, home_a)
    wrong = _deliver(allocation, 100)
    with pytest.raises(ValidationError):
        _deliver(allocation, 1)
    with pytest.raises(ValidationError) as blank:
        services.delivery_archive(delivery=wrong, by=None, reason=" ")
    assert "请填写归档原因" in str(blank.value)
    with pytest.raises(ValidationError):
        services.delivery_archive(delivery=wrong, by=personas["town_b"], reason="重复录入")
    services.delivery_archive(delivery=wrong, by=personas["town_a"], reason="重复录入")
    assert LabourDelivery.objects.get(pk=wrong.pk).archived_reason == "重复录入"
    _deliver(allocation, 100)  # the quantity is owed again
    with pytest.raises(ValidationError) as refused:
        services.delivery_update(delivery=wrong, by=None, version=None, quantity=1)
    assert "已归档，不能再修改" in str(refused.value)


def test_a_delivery_an_income_names_is_not_archived(bead_project, home_a, person_a) -> None:  # noqa: ANN001
    allocation = _allocation(bead_project, home_a)
    delivery = _deliver(allocation, 10)
    membership = fx.member(home_a, person_a)
    services.income_record(
        membership=membership, by=None, month=DAY, amount=Decimal(5), delivery=delivery
    )
    with pytest.raises(ValidationError) as error:
        services.delivery_archive(delivery=delivery, by=None, reason="录错")
    assert "有 1 条收入记录对应这次交付" in str(error.value)


def test_income_is_corrected_and_archived_and_the_month_is_free_again(
    home_a, person_a, personas
) -> None:  # noqa: ANN001
    membership = fx.member(home_a, person_a)
    march = services.income_record(membership=membership, by=None, month=DAY, amount=Decimal(650))
    april = services.income_record(
        membership=membership, by=None, month=dt.date(2025, 4, 3), amount=Decimal(600)
    )
    with pytest.raises(ValidationError) as taken:
        services.income_update(income=april, by=None, version=1, month=dt.date(2025, 3, 9))
    assert "已经登记过" in str(taken.value)
    with pytest.raises(ValidationError):
        services.income_update(income=april, by=None, version=1, amount=Decimal(-1))
    same = services.income_update(income=march, by=None, version=1, amount=Decimal(660))
    assert same.amount == Decimal(660) and same.month == dt.date(2025, 3, 1)
    with pytest.raises(ValidationError):
        services.income_archive(income=march, by=personas["town_b"], reason="录错")
    services.income_archive(income=march, by=personas["town_a"], reason="录错了月份")
    services.income_update(income=april, by=None, version=1, month=dt.date(2025, 3, 31))
    assert AuxIncome.objects.filter(archived_at__isnull=True).get().month == dt.date(2025, 3, 1)
    assert AuxIncome.objects.count() == 2


def test_the_pages_correct_and_archive_a_delivery_and_an_income(
    client_for, bead_project, home_a, person_a, personas
) -> None:  # noqa: ANN001
    allocation = _allocation(bead_project, home_a)
    delivery = _deliver(allocation, 40)
    client = client_for("town_a")
    page = html_of(client.get(reverse("programs:aux-institution", args=[home_a.pk])))
    url = reverse("programs:aux-delivery", args=[delivery.pk])
    assert url in page and "更正 2025-03-20 的交付" in page
    form = {"quantity": "101", "delivered_on": "2025-03-20", "note": "", "version": "1"}
    html = html_of(client.post(url, form))
    assert "<title>错误：" in html and "还可交付 100件" in html
    assert client.post(url, {**form, "quantity": "45"}).status_code == 302
    delivery.refresh_from_db()
    assert delivery.quantity == 45
    change = LogEntry.objects.filter(
        content_type__model="labourdelivery", action=LogEntry.Action.UPDATE
    ).latest("timestamp")
    assert change.actor == personas["town_a"]
    html = html_of(client.post(url, {"archive-reason": ""}))
    assert "请填写归档原因" in html
    assert client.post(url, {"archive-reason": "重复录入"}).status_code == 302
    assert LabourDelivery.objects.get().is_archived
    assert client_for("town_b").get(url).status_code == 404

    membership = fx.member(home_a, person_a)
    income = services.income_record(membership=membership, by=None, month=DAY, amount=Decimal(650))
    member_page = html_of(client.get(reverse("programs:aux-member", args=[membership.pk])))
    income_url = reverse("programs:aux-income", args=[income.pk])
    assert income_url in member_page
    form = {"month": "2025-03-01", "amount": "700", "delivery": "", "version": "1"}
    assert client.post(income_url, form).status_code == 302
    income.refresh_from_db()
    assert income.amount == Decimal(700)
    assert client.post(income_url, {"archive-reason": "录错了人"}).status_code == 302
    assert AuxIncome.objects.get().archived_reason == "录错了人"
    assert client_for("leader").get(income_url).status_code == 403
