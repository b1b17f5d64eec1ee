"""Fixtures of the matching tests: job seekers and postings made to order.

A test module assigns the fixtures it uses at module level (``posting_of =
matching_fixtures.posting_of``), as the posting tests do. Regions come from the reference data
(``TOWN_A`` 东城街道 and its villages, ``TOWN_B`` 西城街道).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import TOWN_A, VILLAGE_A, make_id_number
from jiuye.casework.models import NeedsRecord, WantsWork
from jiuye.employers.models import Employer
from jiuye.jobs.models import Fair, FairKind, Hours, Posting, PostingStatus
from jiuye.jobs.services import fairs as fair_services
from jiuye.jobs.services.postings import posting_create
from jiuye.people.models import Person, WishToWork
from jiuye.people.services import person_register
from jiuye.reference.models import DisabilityCategory, DisabilityGrade, Region

# Another village of 东城街道, a village of 南岗镇 (same county), and none outside the county
# ships with the reference data: ``far_region`` adds one.
VILLAGE_A2 = "440199001002"
VILLAGE_C = "440199003200"
FAR_VILLAGE = "440106001001"

# Sequence numbers of made-up ID numbers (three digits): unique within a test, reused across
# the session (each test's database is rolled back), clear of the personas' numbers.
_seq = itertools.cycle(range(400, 1000))


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_seeker(
    name: str,
    *,
    village: str = VILLAGE_A,
    category: int | None = 4,
    grade: int | None = 3,
    needs: dict[str, Any] | None = None,
    birth: str = "19900307",
    **fields: Any,
) -> Person:
    """A job seeker of working age who wants work, with a needs registration when ``needs``
    is given (hours, expected_wage, desired_jobs, remote_ok, year)."""
    fields.setdefault("wish_to_work", WishToWork.YES)
    person = person_register(
        name=name,
        id_number=make_id_number(birth=birth, seq=next(_seq)),
        region=region(village),
        category=DisabilityCategory.objects.get(pk=category) if category else None,
        grade=DisabilityGrade.objects.get(pk=grade) if grade else None,
        **fields,
    )
    if needs is not None:
        values = dict(needs)
        year = values.pop("year", timezone.localdate().year)
        if "expected_wage" in values and values["expected_wage"] is not None:
            values["expected_wage"] = Decimal(str(values["expected_wage"]))
        NeedsRecord.objects.create(
            person=person,
            year=year,
            registered_on=dt.date(year, 1, 15),
            wants_work=WantsWork.YES,
            **values,
        )
    return person


def make_posting(employer: Employer, **fields: Any) -> Posting:
    """A published posting of ``employer`` made through the postings service (which keeps
    its jieba terms). Categories and grades are codes."""
    values: dict[str, Any] = {
        "employer": employer,
        "title": "电商客服",
        "region": region(fields.pop("village", VILLAGE_A)),
        "hours": Hours.FULL_TIME,
    }
    values.update(fields)
    return posting_create(by=None, status=PostingStatus.PUBLISHED, **values)


def make_fair(name: str, postings: list[Posting], persons: Iterable[Person] = ()) -> Fair:
    """An on-site fair of 东城 with ``postings`` and ``persons`` registered."""
    fair = fair_services.fair_create(
        by=None,
        name=name,
        kind=FairKind.ONSITE,
        date=timezone.localdate(),
        place="区文化中心",
        region=Region.objects.get(code=TOWN_A),
        organiser="区残联",
        target_groups=[],
        description="",
    )
    fair.postings.set(postings)
    for person in persons:
        fair_services.fair_register_seeker(fair=fair, person=person, by=None)
    return fair


@pytest.fixture
def far_region(reference) -> Region:  # noqa: ANN001
    """A village in another county (广州市越秀区), for "距离较远"."""
    for code, name, level, parent in (
        ("440106000000", "越秀区", Region.Level.COUNTY, "440100000000"),
        ("440106001000", "北京街道", Region.Level.TOWN, "440106000000"),
        (FAR_VILLAGE, "北京街社区", Region.Level.VILLAGE, "440106001000"),
    ):
        Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent_id": parent}
        )
    return Region.objects.get(code=FAR_VILLAGE)


@pytest.fixture
def posting_of(employer_a) -> Callable[..., Posting]:  # noqa: ANN001
    def make(**fields: Any) -> Posting:
        return make_posting(employer_a, **fields)

    return make


@pytest.fixture
def match_world(personas, employer_a):  # noqa: ANN001, ANN201
    """A published posting in 东城街道 (电商客服, open to every category) and job seekers:
    two in 东城街道, one in 西城街道, one with hearing disability; plus person_a (the job
    seeker persona, 东城街道) made a job seeker too."""
    from jiuye.people.services import person_update

    person_a = personas["jobseeker"].person
    person_update(
        person=person_a,
        by=None,
        version=person_a.version,
        wish_to_work=WishToWork.YES,
        category=DisabilityCategory.objects.get(pk=4),
        grade=DisabilityGrade.objects.get(pk=3),
        skills="电商客服",
    )
    posting = make_posting(
        employer_a, skills=["电商", "客服"], region=region(TOWN_A), title="电商客服"
    )
    people = {
        "near": make_seeker("王东", village=VILLAGE_A, skills="电商 客服 打字"),
        "town": make_seeker("赵东", village=VILLAGE_A2, skills="客服"),
        "west": make_seeker("钱西", village="440199002001", skills="电商 客服"),
        "deaf": make_seeker("孙聋", village=VILLAGE_A, category=2, skills="电商"),
    }
    return {"posting": posting, "people": people}
