"""Fixtures and helpers of the outcome tests (imported by name into the test modules).

Providers, courses and enrolments are made directly with the ORM, so these tests do not depend
on the course and enrolment services; employment records go through
``employment.services`` like every real job. Dates are fixed in the past (YEAR) and the tests
pass ``on`` where stability depends on the day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import TOWN_A, TOWN_B, register_person
from jiuye.employers.models import Employer
from jiuye.employment.models import EmploymentForm, EmploymentRecord, EndReason, Source
from jiuye.employment.services import employment_end, employment_open
from jiuye.people.models import Person
from jiuye.reference.models import Region
from jiuye.training.models import (
    Course,
    CourseKind,
    CourseMode,
    Enrolment,
    EnrolmentStatus,
    Provider,
    ProviderKind,
)

make_person = register_person  # the tests of this app import it from here

YEAR = 2024
# The course of the hand counts: 1 March to 31 May YEAR, completions on 31 May; the
# conversion window (6 months) then ends on 30 November YEAR.
COURSE_START = dt.date(YEAR, 3, 1)
COURSE_END = dt.date(YEAR, 5, 31)
WINDOW_END = dt.date(YEAR, 11, 30)


def make_provider(name: str = "东城职业培训学校", town: str = TOWN_A, **fields: Any) -> Provider:
    values: dict[str, Any] = {
        "name": name,
        "kind": ProviderKind.TRAINING_ORG,
        "region": Region.objects.get(code=town),
    }
    values.update(fields)
    return Provider.objects.create(**values)


def make_course(provider: Provider, title: str = "电商客服培训班", **fields: Any) -> Course:
    values: dict[str, Any] = {
        "provider": provider,
        "title": title,
        "kind": CourseKind.ECOMMERCE,
        "mode": CourseMode.ONSITE,
        "start_date": COURSE_START,
        "end_date": COURSE_END,
        "places": 30,
    }
    values.update(fields)
    return Course.objects.create(**values)


def enrol(
    course: Course,
    person: Person,
    status: str = EnrolmentStatus.COMPLETED,
    completed_on: dt.date | None = None,
    **fields: Any,
) -> Enrolment:
    if status == EnrolmentStatus.COMPLETED and completed_on is None:
        completed_on = course.end_date
    return Enrolment.objects.create(
        course=course,
        person=person,
        status=status,
        enrolled_on=course.start_date - dt.timedelta(days=7),
        completed_on=completed_on,
        **fields,
    )


def job(
    person: Person,
    start: dt.date,
    end: dt.date | None = None,
    employer: Employer | None = None,
    **fields: Any,
) -> EmploymentRecord:
    values: dict[str, Any] = {"form": EmploymentForm.QUOTA}
    if employer is None:
        values["employer_name"] = "某某物流公司"
    else:
        values["employer"] = employer
    values.update(fields)
    record = employment_open(
        person=person, by=None, source=Source.STAFF, start_date=start, **values
    )
    if end is not None:
        record = employment_end(record=record, end_date=end, end_reason=EndReason.RESIGNED, by=None)
    return record


@pytest.fixture
def provider_a(reference) -> Provider:  # noqa: ANN001
    return make_provider()


@pytest.fixture
def provider_b(reference) -> Provider:  # noqa: ANN001
    return make_provider("西城盲人按摩实训基地", town=TOWN_B, kind=ProviderKind.MASSAGE_BASE)


@pytest.fixture
def course_a(provider_a) -> Course:  # noqa: ANN001
    return make_course(provider_a)


@pytest.fixture
def completer_a(personas, course_a) -> Enrolment:  # noqa: ANN001
    """张三 (东城, the job seeker's person) completed course_a and found a job in the window."""
    person = personas["jobseeker"].person
    job(person, dt.date(YEAR, 7, 1))
    return enrol(course_a, person)
