"""Auxiliary employment and the labour-project bank: members get an auxiliary employment
record, allocations never exceed a project's volume, deliveries never exceed an allocation,
income once a month, and every indicator on a hand-counted fixture."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection

from conftest import TOWN_A, TOWN_B, register_person
from jiuye.core.indicators import registry
from jiuye.employment.models import EmploymentForm, EmploymentRecord
from jiuye.programs.models.auxiliary import (
    AuxMembership,
    LabourAllocation,
)
from jiuye.programs.services import auxiliary as services
from jiuye.programs.tests import auxiliary_fixtures as fx
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

home_a, home_b, bead_project = fx.home_a, fx.home_b, fx.bead_project


def allocate(project, place, quantity, day=dt.date(2025, 3, 1), by=None):  # noqa: ANN001, ANN201
    return services.allocation_create(
        project=project, institution=place, by=by, quantity=quantity, allocated_on=day
    )


# --- members and their employment record --------------------------------------------------


def test_a_member_gets_an_auxiliary_employment_record_with_the_institution_and_income(
    home_a, person_a
) -> None:  # noqa: ANN001
    membership = fx.member(home_a, person_a)
    record = EmploymentRecord.objects.get(person=person_a)
    assert membership.employment == record
    assert record.form == EmploymentForm.AUXILIARY
    assert (record.employer_name, record.start_date) == ("东城阳光家园", dt.date(2025, 2, 1))
    assert record.monthly_wage == Decimal(800)
    assert record.end_date is None


def test_leaving_the_institution_ends_the_employment_record(home_a, person_a) -> None:  # noqa: ANN001
    membership = fx.member(home_a, person_a)
    services.membership_update(
        membership=membership, by=None, version=membership.version, end_date=dt.date(2025, 6, 30)
    )
    assert EmploymentRecord.objects.get(person=person_a).end_date == dt.date(2025, 6, 30)


def test_archiving_a_membership_archives_its_employment_record(home_a, person_a) -> None:  # noqa: ANN001
    membership = fx.member(home_a, person_a)
    services.membership_archive(membership=membership, by=None, reason="录错了")
    assert EmploymentRecord.objects.get(person=person_a).is_archived


def test_a_member_cannot_start_before_sixteen_with_the_employment_services_message(
    home_a, person_a
) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        fx.member(home_a, person_a, start_date=dt.date(2000, 1, 1))
    assert "年满16周岁" in str(error.value.message_dict["start_date"])
    assert not AuxMembership.objects.exists()


def test_two_overlapping_memberships_of_one_person_at_one_institution_are_refused(
    home_a, person_a
) -> None:  # noqa: ANN001
    fx.member(home_a, person_a)
    with pytest.raises(ValidationError) as error:
        fx.member(home_a, person_a, start_date=dt.date(2025, 3, 1))
    assert "时间不能重叠" in str(error.value)


def test_a_town_officer_cannot_register_another_towns_person(home_a, person_b, personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.membership_create(
            institution=home_a,
            person=person_b,
            by=personas["town_a"],
            start_date=dt.date(2025, 2, 1),
        )
    assert "不在您负责的范围内" in str(error.value)


def test_renaming_the_institution_renames_the_workplace_of_its_members(home_a, person_a) -> None:  # noqa: ANN001
    fx.member(home_a, person_a)
    services.institution_update(institution=home_a, by=None, version=None, name="东城阳光家园二期")
    assert EmploymentRecord.objects.get(person=person_a).employer_name == "东城阳光家园二期"


def test_an_institution_with_current_members_is_not_archived(home_a, person_a) -> None:  # noqa: ANN001
    fx.member(home_a, person_a)
    with pytest.raises(ValidationError) as error:
        services.institution_archive(institution=home_a, by=None, reason="撤销")
    assert "还有在册人员" in str(error.value)


# --- allocations ----------------------------------------------------------------------------


def test_allocations_up_to_the_volume_are_accepted(bead_project, home_a, home_b) -> None:  # noqa: ANN001
    allocate(bead_project, home_a, 600)
    allocate(bead_project, home_b, 400)
    assert services.allocated_total(bead_project) == 1000


def test_an_allocation_over_the_projects_volume_is_refused_with_a_clear_message(
    bead_project, home_a, home_b
) -> None:  # noqa: ANN001
    allocate(bead_project, home_a, 800)
    with pytest.raises(ValidationError) as error:
        allocate(bead_project, home_b, 300)
    message = error.value.message_dict["quantity"][0]
    assert "项目总量 1000件" in message
    assert "已调配 800件" in message
    assert "还可调配 200件" in message
    assert LabourAllocation.objects.count() == 1


def test_an_archived_allocation_frees_its_volume(bead_project, home_a, home_b) -> None:  # noqa: ANN001
    first = allocate(bead_project, home_a, 800)
    services.allocation_archive(allocation=first, by=None, reason="录错数量")
    allocate(bead_project, home_b, 1000)
    assert services.allocated_total(bead_project) == 1000


def test_a_projects_volume_cannot_go_below_what_was_allocated(bead_project, home_a) -> None:  # noqa: ANN001
    allocate(bead_project, home_a, 800)
    with pytest.raises(ValidationError) as error:
        services.project_update(project=bead_project, by=None, version=None, volume=500)
    assert "不能少于已调配的数量（800件）" in str(error.value)


@pytest.mark.django_db(transaction=True)
def test_two_allocations_at_the_same_moment_never_exceed_the_volume(reference) -> None:  # noqa: ANN001
    """Two threads allocate 700 of 1000 at once: the project row is locked (PostgreSQL) or the
    write transactions are IMMEDIATE (SQLite), so exactly one succeeds."""
    project = fx.project()
    places = [fx.institution("甲家园"), fx.institution("乙家园", TOWN_B)]
    barrier, outcomes = threading.Barrier(2), []

    def run(place) -> None:  # noqa: ANN001
        try:
            barrier.wait(timeout=5)
            allocate(project, place, 700)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # SQLite may answer "database is locked" instead of waiting
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in places]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert services.allocated_total(project) == 700


def test_a_town_officer_cannot_allocate_the_districts_project(
    bead_project, home_a, personas
) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        allocate(bead_project, home_a, 10, by=personas["town_a"])
    assert "这个劳动项目不在您负责的范围内" in str(error.value)


# --- deliveries and income ------------------------------------------------------------------


def test_deliveries_never_exceed_the_allocation(bead_project, home_a) -> None:  # noqa: ANN001
    allocation = allocate(bead_project, home_a, 100)
    services.delivery_create(
        allocation=allocation, by=None, quantity=60, delivered_on=dt.date(2025, 3, 20)
    )
    with pytest.raises(ValidationError) as error:
        services.delivery_create(
            allocation=allocation, by=None, quantity=50, delivered_on=dt.date(2025, 3, 25)
        )
    assert "还可交付 40件" in str(error.value)


def test_income_is_recorded_once_a_month_within_the_membership(home_a, person_a) -> None:  # noqa: ANN001
    membership = fx.member(home_a, person_a)
    services.income_record(
        membership=membership, by=None, month=dt.date(2025, 3, 15), amount=Decimal(650)
    )
    with pytest.raises(ValidationError) as again:
        services.income_record(
            membership=membership, by=None, month=dt.date(2025, 3, 1), amount=Decimal(1)
        )
    assert "已经登记过" in str(again.value)
    with pytest.raises(ValidationError) as before:
        services.income_record(
            membership=membership, by=None, month=dt.date(2025, 1, 1), amount=Decimal(1)
        )
    assert "在册期间" in str(before.value)


# --- indicators -----------------------------------------------------------------------------


def _value(code: str, town: str, year: int = 2025) -> Decimal:
    region = Region.objects.get(code=town)
    return registry.get(code).value(region, year)


def test_each_indicator_counts_the_hand_counted_fixture(home_a, home_b, person_a) -> None:  # noqa: ANN001
    """东城: two institutions (one suspended), three memberships in 2025 of two persons (one
    left in 2024, not counted), incomes 600 + 800 + 1000 in 2025 (and one in 2024, not
    counted). Projects: two collected in 2025, one in 2024; two allocated in 2025 to 东城."""
    fx.institution("东城暂停家园", status="suspended")
    second = register_person(301, "王五")
    third = register_person(302, "赵六")
    m1 = fx.member(home_a, person_a)
    m2 = fx.member(home_a, second, start_date=dt.date(2024, 5, 1))
    fx.member(home_a, third, start_date=dt.date(2023, 1, 1), end_date=dt.date(2024, 6, 30))
    fx.member(home_b, register_person(303, "钱七", village="440199002001"))
    for membership, month, amount in (
        (m1, dt.date(2025, 3, 1), 600),
        (m1, dt.date(2025, 4, 1), 800),
        (m2, dt.date(2025, 3, 1), 1000),
        (m2, dt.date(2024, 12, 1), 5000),
    ):
        services.income_record(membership=membership, by=None, month=month, amount=amount)
    first, second_project = fx.project("A-1"), fx.project("A-2", collected_on=dt.date(2025, 5, 1))
    fx.project("A-0", collected_on=dt.date(2024, 12, 1), start_date=dt.date(2024, 12, 1))
    allocate(first, home_a, 10)
    allocate(first, home_a, 10, day=dt.date(2025, 4, 1))
    allocate(second_project, home_a, 10)
    allocate(second_project, home_b, 10)

    assert _value("programs.aux_institutions", TOWN_A) == 1
    assert _value("programs.aux_members", TOWN_A) == 2
    assert _value("programs.aux_members", TOWN_B) == 1
    assert _value("programs.labour_projects_collected", "440199000000") == 2
    assert _value("programs.labour_projects_collected", TOWN_A) == 0
    assert _value("programs.labour_projects_allocated", TOWN_A) == 2
    assert _value("programs.labour_projects_allocated", TOWN_B) == 1
    assert _value("programs.aux_income_per_member", TOWN_A) == Decimal("800.00")
    assert _value("programs.aux_income_per_member", TOWN_B) == 0


# --- demo -----------------------------------------------------------------------------------


# What the demo makes (institutions, members, projects, income, once) is checked on the demo
# district core/tests/test_query_budget.py builds for its walk.


def test_changes_to_institutions_projects_and_allocations_are_in_the_audit_trail(
    home_a, bead_project
) -> None:  # noqa: ANN001
    allocate(bead_project, home_a, 10)
    services.institution_update(institution=home_a, by=None, version=None, capacity=35)
    logged = {e.content_type.model for e in LogEntry.objects.all()}
    assert {"auxinstitution", "labourproject", "labourallocation"} <= logged
    change = LogEntry.objects.filter(content_type__model="auxinstitution").latest("timestamp")
    assert change.changes_dict["capacity"] == ["30", "35"]
