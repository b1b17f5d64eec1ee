"""Fixtures of the casework tests (each area prefixes its fixture names)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from conftest import VILLAGE_A, make_id_number, register_person
from jiuye.casework import services
from jiuye.casework.models import Channel, ServiceType
from jiuye.core.tests.forms import posted
from jiuye.people.services import person_register, person_update
from jiuye.reference.models import Region

# --- campaigns and public-welfare posts (test_views_campaigns/posts, test_browser_campaigns) --


@pytest.fixture
def campaign_service_types(reference) -> None:  # noqa: ANN001
    """The service types shipped by migration 0003. A transactional (browser) test empties the
    database when it ends, and the root ``reference`` fixture does not bring these back."""
    if not ServiceType.objects.filter(pk="public_welfare_placement").exists():
        import_module("jiuye.casework.migrations.0002_service_types").load(django_apps, None)


@pytest.fixture
def campaign_world(campaign_service_types, personas, person_a, person_b):  # noqa: ANN001, ANN201
    """A campaign running this month for hard-to-employ persons (quota 东城 2, 西城 1), with
    services counted by hand:

    东城: person_a (hard-to-employ) served twice in the period, once before it → 1 person, 2
          services; a plain person (not in the target group) served → not counted.
    西城: person_b (hard-to-employ) served once → 1 person, 1 service.
    """
    today = timezone.localdate()
    start = today - dt.timedelta(days=20)
    for person in (person_a, person_b):
        person_update(
            person=person,
            by=None,
            version=person.version,
            hard_to_employ_date=dt.date(2020, 1, 1),
        )
    plain = person_register(
        name="王五", id_number=make_id_number(seq=303), region=Region.objects.get(code=VILLAGE_A)
    )

    def serve(person, day, code="job_recommendation"):  # noqa: ANN001, ANN202
        return worklist_record(person, code, day)

    campaign = services.campaign_save(
        by=personas["district"],
        name="就业援助月",
        start_date=start,
        end_date=today + dt.timedelta(days=10),
        target_groups=["hard_to_employ"],
        quotas={"440199001000": 2, "440199002000": 1},
    )
    serve(person_a, start + dt.timedelta(days=1))
    serve(person_a, start + dt.timedelta(days=2), "career_guidance")
    serve(person_a, start - dt.timedelta(days=3))  # before the period
    serve(plain, start + dt.timedelta(days=1))  # not in the target group
    serve(person_b, start + dt.timedelta(days=5))
    return campaign


@pytest.fixture
def campaign_other(personas):  # noqa: ANN001, ANN201
    """A campaign with a quota for 西城 only: 东城's officer does not see it."""

    return services.campaign_save(
        by=personas["district"],
        name="西城专项服务",
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 1, 31),
        target_groups=["all"],
        quotas={"440199002000": 4},
    )


def _post_make(by, town: str, **extra):  # noqa: ANN001, ANN003, ANN202

    today = timezone.localdate()
    fields = {
        "unit": "东城社区服务中心",
        "title": "助残协理员",
        "count": 2,
        "funding_start": today - dt.timedelta(days=60),
        "funding_end": today + dt.timedelta(days=300),
        **extra,
    }
    return services.post_save(by=by, region=Region.objects.get(code=town), **fields)


@pytest.fixture
def post_a(campaign_service_types, personas):  # noqa: ANN001, ANN201
    """A post in 东城街道 with two places, funded from 60 days ago for a year."""
    return _post_make(personas["district"], "440199001000")


@pytest.fixture
def post_b(campaign_service_types, personas):  # noqa: ANN001, ANN201
    """A post in 西城街道."""
    return _post_make(personas["district"], "440199002000", unit="西城敬老院", title="护理员")


# --- the worklist and the coverage dashboard (test_views_worklist/coverage, test_indicators,
# test_query_budget, test_browser_worklist) ---------------------------------------------------

WORKLIST_VILLAGE_A2 = "440199001002"


def worklist_day(month: int, day: int) -> dt.date:
    """A day of this year, never after today (a service can't be dated in the future)."""
    today = timezone.localdate()
    return min(dt.date(today.year, month, day), today)


def worklist_person(seq: int, name: str, village: str = VILLAGE_A, **extra):  # noqa: ANN003, ANN201
    return register_person(seq, name, village, **extra)


def worklist_record(person, kind: str, day: dt.date, **extra):  # noqa: ANN001, ANN003, ANN201
    """Record a verification, a needs registration (wants work) or a service of a type."""
    common = {"person": person, "by": None, "date": day, "channel": Channel.PHONE}
    if kind == "verify":
        return services.verification_record(**common, **extra)
    if kind == "needs":
        return services.needs_register(**common, wants_work="yes", **extra)
    return services.service_record_create(
        **common, service_type=ServiceType.objects.get(pk=kind), **extra
    )


def worklist_service_types() -> None:
    """The service types come from a data migration; a transactional (browser) test empties
    the database when it ends, so load them again when they are missing."""
    if not ServiceType.objects.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("jiuye.casework.migrations.0002_service_types").load(apps, None)


@pytest.fixture
def worklist_town(personas):  # noqa: ANN001, ANN201
    """This year in 东城街道 (town_a) and one person in 西城, counted by hand:

    东城 village 001: 张三 (person_a) nothing at all            → 未核对
                      甲一 verified, needs registered, served  → done
                      甲四 hard-to-employ, verified, visited    → done (no wish to work known)
    东城 village 002: 甲二 verified, says he wants work          → 需求未登记
                      甲三 verified, needs registered           → 未服务
    西城 village 001: 乙一 nothing                               → 未核对 (not town_a's)

    Totals for 东城: unemployed 5, verified 4, wanting 3, needs 2, served 1; hard-to-employ 1,
    visited 1.
    """
    worklist_service_types()
    march = worklist_day(3, 2)
    people = {"张三": personas["jobseeker"].person}
    people["甲一"] = worklist_person(501, "甲一")
    worklist_record(people["甲一"], "verify", march)
    worklist_record(people["甲一"], "needs", march)
    worklist_record(people["甲一"], "job_recommendation", march)
    people["甲四"] = worklist_person(504, "甲四", hard_to_employ_date=dt.date(2020, 1, 1))
    worklist_record(people["甲四"], "verify", march)
    worklist_record(people["甲四"], "assistance_visit", march)
    people["甲二"] = worklist_person(502, "甲二", WORKLIST_VILLAGE_A2)
    worklist_record(people["甲二"], "verify", march, changes={"wish_to_work": "yes"})
    people["甲三"] = worklist_person(503, "甲三", WORKLIST_VILLAGE_A2)
    worklist_record(people["甲三"], "verify", march)
    worklist_record(people["甲三"], "needs", march)
    people["乙一"] = worklist_person(601, "乙一", "440199002001")
    return people


@pytest.fixture
def worklist_grow():  # noqa: ANN201
    """Add ``n`` more persons to 东城 village 001, each verified, registered and served, so a
    page can be measured with few and with many rows and records."""

    def grow(n: int, start: int = 700) -> None:
        day = worklist_day(3, 2)
        for seq in range(start, start + n):
            person = worklist_person(seq, f"丙{seq}")
            worklist_record(person, "verify", day)
            worklist_record(person, "needs", day)
            worklist_record(person, "job_recommendation", day)
            worklist_record(person, "career_guidance", day)

    return grow


# --- verification, needs, services, survey and the services import (test_views_records,
# test_import_services, test_browser_records) -------------------------------------------------


@pytest.fixture
def records_person(personas):  # noqa: ANN001, ANN201
    """person_a (东城街道) with an address, a phone and an education on the register."""
    person = personas["jobseeker"].person
    return person_update(
        person=person,
        by=None,
        version=person.version,
        address="建设路1号",
        phone="13812345678",
        education="junior",
    )


@pytest.fixture
def records_post():  # noqa: ANN201
    """``records_post(client, url, **fields)``: a form submit with the defaults a valid
    service form needs (a fresh idempotency key, today, by phone)."""
    import uuid

    def post(client, url: str, follow: bool = False, **fields):  # noqa: ANN001, ANN003, ANN202
        data = {
            "idempotency_key": str(uuid.uuid4()),
            "date": timezone.localdate().isoformat(),
            "channel": Channel.PHONE,
            "outcome": "done",
        }
        return client.post(url, posted(data, **fields), follow=follow)

    return post


@pytest.fixture
def records_service_types(reference):  # noqa: ANN001, ANN201
    """The shipped service types. A transactional (browser) test empties the database when it
    ends, data migrations included, so load them again when they are missing."""
    import importlib

    from django.apps import apps

    if not ServiceType.objects.filter(pk="verification").exists():
        importlib.import_module("jiuye.casework.migrations.0002_service_types").load(apps, None)
