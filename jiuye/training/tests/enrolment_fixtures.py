"""Fixtures and helpers of the enrolment, attendance and certificate tests (imported by name into
the test modules that use them).

Providers and courses are made directly with the ORM, so these tests do not depend on the course
services. The personas of the root conftest: person_a (张三, 东城街道, bound to the job seeker)
and person_b (李四, 西城街道).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import TOWN_A
from jiuye.reference.models import Region
from jiuye.training.models import (
    Course,
    CourseKind,
    CourseMode,
    Enrolment,
    Provider,
    ProviderKind,
)
from jiuye.training.services import enrolments as services


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def make_provider(name: str = "东城职业技能培训中心", town: str = TOWN_A) -> Provider:
    return Provider.objects.create(
        name=name, kind=ProviderKind.TRAINING_ORG, region=Region.objects.get(code=town)
    )


def make_course(provider: Provider | None = None, **fields: Any) -> Course:
    values: dict[str, Any] = {
        "provider": provider or make_provider(),
        "title": "电商客服培训班",
        "kind": CourseKind.ECOMMERCE,
        "mode": CourseMode.ONSITE,
        "start_date": days_ago(10),
        "end_date": today() + dt.timedelta(days=20),
        "hours": 60,
        "places": 2,
    }
    values.update(fields)
    return Course.objects.create(**values)


def enrol(course: Course, person: Any, **kw: Any) -> Enrolment:
    return services.enrolment_create(course=course, person=person, by=None, **kw)


@pytest.fixture
def course_a(reference) -> Course:  # noqa: ANN001
    """A course of a 东城 provider running now (started 10 days ago, ends in 20), 2 places."""
    return make_course()


@pytest.fixture
def enrolment_a(course_a, personas) -> Enrolment:  # noqa: ANN001
    """person_a (张三, 东城, the job seeker's person) enrolled in course_a 10 days ago."""
    return enrol(course_a, personas["jobseeker"].person, enrolled_on=days_ago(10))
