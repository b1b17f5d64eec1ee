"""Fixtures and helpers of the competition and blind massage tests (imported by name into the
test modules that use them).

The world of the root conftest: person_a (张三, 东城街道, bound to the job seeker persona) and
person_b (李四, 西城街道); employer_a (东城, bound to the employer persona) and employer_b.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import TOWN_A, VILLAGE_A, register_person
from jiuye.employers.models import Employer
from jiuye.employment.models import EmploymentForm, EmploymentRecord, Source
from jiuye.employment.services import employment_open
from jiuye.people.models import Person
from jiuye.reference.models import DisabilityCategory, Region
from jiuye.training.models import Competition, CompetitionLevel, MassageEstablishment
from jiuye.training.services import competitions, massage

BLIND = "1"


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def make_person(seq: int, name: str, village: str = VILLAGE_A, category: str = "") -> Person:
    extra: dict[str, Any] = {}
    if category:
        extra["category"] = DisabilityCategory.objects.get(code=category)
    return register_person(seq, name, village, **extra)


def employ(person: Person, employer: Employer, start: dt.date, **fields: Any) -> EmploymentRecord:
    return employment_open(
        person=person,
        by=None,
        source=Source.STAFF,
        form=EmploymentForm.CONCENTRATED,
        employer=employer,
        job_title="按摩师",
        start_date=start,
        **fields,
    )


def make_competition(
    name: str = "东城残疾人职业技能竞赛", region: str = TOWN_A, **kw: Any
) -> Competition:
    values: dict[str, Any] = {
        "name": name,
        "level": CompetitionLevel.DISTRICT,
        "date": days_ago(30),
        "place": "东城文化中心",
        "organiser": "区残联",
        "region": Region.objects.get(code=region),
        "trades": "盲人按摩、电子商务",
    }
    values.update(kw)
    return competitions.competition_create(by=None, **values)


def make_establishment(
    name: str = "东城盲人按摩所", region: str = VILLAGE_A, **kw: Any
) -> MassageEstablishment:
    values: dict[str, Any] = {
        "name": name,
        "kind": "medical_clinic",
        "licence_number": "PDY-2024-001",
        "region": Region.objects.get(code=region),
        "address": "东城路1号",
        "owner": None,
        "owner_name": "王师傅",
        "employer": None,
    }
    values.update(kw)
    return massage.establishment_create(by=None, **values)


@pytest.fixture
def competition_a(reference) -> Competition:  # noqa: ANN001
    return make_competition()


@pytest.fixture
def establishment_a(employer_a) -> MassageEstablishment:  # noqa: ANN001
    return make_establishment(employer=employer_a)
