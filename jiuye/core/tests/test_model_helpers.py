"""Tests for the helpers the domain models are declared with: core.fields, the scope paths of
core.scoping, and the abstract bases of core.models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from jiuye.casework.models import ServiceRecord
from jiuye.core.fields import import_batch_fk, optional_decimal, optional_fk, user_fk
from jiuye.core.models import choice_labels, range_check
from jiuye.core.scoping import employer_scope, person_scope
from jiuye.employers.models import DeclaredEmployee, Employer
from jiuye.jobs.models import AccessFeature, Referral
from jiuye.people.models import Person
from jiuye.training.models import Attendance


def kwargs_of(field: models.Field) -> dict:
    return field.deconstruct()[3]


def test_a_user_link_survives_the_account_and_has_no_reverse_accessor() -> None:
    kwargs = kwargs_of(user_fk("经办人"))
    assert kwargs["to"] == settings.AUTH_USER_MODEL.lower()
    assert kwargs["on_delete"] is models.SET_NULL
    assert kwargs["null"] and kwargs["blank"]
    assert kwargs["related_name"] == "+"
    assert kwargs["verbose_name"] == "经办人"


def test_an_optional_link_protects_what_it_points_to() -> None:
    field = optional_fk("people.Person", "持证人", related_name="certificates")
    kwargs = kwargs_of(field)
    assert type(field) is models.ForeignKey
    assert kwargs["on_delete"] is models.PROTECT
    assert kwargs["null"] and kwargs["blank"]
    assert kwargs["related_name"] == "certificates"


def test_an_optional_link_can_be_one_to_one() -> None:
    field = optional_fk("people.Person", field=models.OneToOneField)
    assert type(field) is models.OneToOneField
    assert "verbose_name" not in kwargs_of(field)


def test_a_record_outlives_the_import_batch_that_wrote_it() -> None:
    kwargs = kwargs_of(import_batch_fk())
    assert kwargs["to"] == "core.importbatch"
    assert kwargs["on_delete"] is models.SET_NULL
    assert kwargs["related_name"] == "+"


def test_an_optional_decimal_has_two_places_and_may_be_empty() -> None:
    kwargs = kwargs_of(optional_decimal("经费（元）", max_digits=12))
    assert (kwargs["max_digits"], kwargs["decimal_places"]) == (12, 2)
    assert kwargs["null"] and kwargs["blank"]


def test_a_record_about_a_person_is_scoped_like_the_person() -> None:
    assert person_scope() == {"region": "person__region", "person": "person_id"}
    assert ServiceRecord.scope_paths == person_scope()
    assert Attendance.scope_paths == {
        "region": "enrolment__person__region",
        "person": "enrolment__person_id",
    }
    assert Referral.scope_paths == {
        "region": "person__region",
        "person": "person_id",
        "employer": "posting__employer_id",
    }


def test_a_record_of_an_employer_is_scoped_like_the_employer() -> None:
    assert employer_scope() == {"region": "employer__region", "employer": "employer_id"}
    assert DeclaredEmployee.scope_paths == {
        "region": "declaration__employer__region",
        "employer": "declaration__employer_id",
    }


def test_an_organisation_is_scoped_by_its_region_and_leaders_may_read_it() -> None:
    assert Employer.scope_paths == {"region": "region", "employer": "id"}
    assert Employer.scope_personal is False
    assert Person.scope_personal is True


def test_a_person_and_a_declared_employee_show_their_numbers_masked() -> None:
    for record in (
        Person(name="张三", id_number="110101199003071234", certificate_number=""),
        DeclaredEmployee(
            name="张三", id_number="110101199003071234", certificate_number="11010119900307123411"
        ),
    ):
        assert str(record) == "张三（110***********1234）"
        assert record.masked_id_number == "110***********1234"
    assert record.masked_certificate_number != record.certificate_number


def test_a_range_check_keeps_the_end_from_falling_before_the_start() -> None:
    check = range_check("start_date", "end_date", name="campaign_end_after_start")
    assert check.condition == Q(end_date__gte=F("start_date"))
    assert check.name == "campaign_end_after_start"


def test_a_range_check_may_leave_its_ends_open() -> None:
    check = range_check("wage_min", "wage_max", name="wage", open_ends=("wage_max", "wage_min"))
    assert check.condition == (
        Q(wage_max__isnull=True) | Q(wage_min__isnull=True) | Q(wage_max__gte=F("wage_min"))
    )


def test_choice_labels_name_each_stored_code_and_keep_an_unknown_one() -> None:
    assert choice_labels(AccessFeature, ["braille", "retired_code"]) == [
        "盲文或电子文档",
        "retired_code",
    ]
