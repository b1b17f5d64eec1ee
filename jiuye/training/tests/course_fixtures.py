"""Fixtures and helpers of the provider and course tests (imported by name into the test
modules that use them).

provider_a is in 东城街道 (town_a's town), provider_b in 西城街道. course_a runs at provider_a
from 10 days ago to 20 days ahead with 2 places, open to 肢体 and 听力 persons.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import TOWN_A, TOWN_B
from jiuye.reference.models import Region
from jiuye.training.models import Course, Enrolment, EnrolmentStatus, Provider
from jiuye.training.services import courses as services


def today() -> dt.date:
    return timezone.localdate()


def make_provider(name: str = "东城职业技能培训学校", town: str = TOWN_A, **extra: Any) -> Provider:
    values: dict[str, Any] = {
        "name": name,
        "kind": "training_org",
        "region": Region.objects.get(code=town),
        "accessibility": ["step_free"],
        "designated_year": 2024,
    }
    values.update(extra)
    return services.provider_create(by=None, **values)


def make_course(provider: Provider, title: str = "电商直播培训班", **extra: Any) -> Course:
    values: dict[str, Any] = {
        "provider": provider,
        "title": title,
        "kind": "ecommerce",
        "mode": "onsite",
        "target_categories": [4, 2],
        "start_date": today() - dt.timedelta(days=10),
        "end_date": today() + dt.timedelta(days=20),
        "hours": 80,
        "places": 2,
        "funding_source": "残疾人就业保障金",
        "certificate_kind": "completion",
    }
    values.update(extra)
    return services.course_create(by=None, **values)


def enrol(course: Course, person: Any, status: str = EnrolmentStatus.ENROLLED) -> Enrolment:
    """An enrolment made directly (these tests do not depend on the enrolment services)."""
    return Enrolment.objects.create(
        course=course, person=person, status=status, enrolled_on=course.start_date
    )


@pytest.fixture
def provider_a(reference) -> Provider:  # noqa: ANN001
    return make_provider()


@pytest.fixture
def provider_b(reference) -> Provider:  # noqa: ANN001
    return make_provider("西城盲人按摩实训基地", TOWN_B, kind="massage_base", accessibility=[])


@pytest.fixture
def course_a(provider_a) -> Course:  # noqa: ANN001
    return make_course(provider_a)


@pytest.fixture
def course_b(provider_b) -> Course:  # noqa: ANN001
    return make_course(
        provider_b, "盲人保健按摩培训班", kind="health_massage", target_categories=[1]
    )
