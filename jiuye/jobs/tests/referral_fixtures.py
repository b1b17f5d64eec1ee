"""Fixtures and helpers of the referral, follow-up and fair tests (imported by name into the
test modules that use them).

Postings are made directly (published now), so these tests do not depend on the postings
services. The personas of the root conftest: person_a (张三, 东城街道, bound to the job seeker)
and person_b (李四, 西城街道); employer_a (东城, bound to the employer persona) and employer_b.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import TOWN_A, register_person
from jiuye.core.periods import add_months
from jiuye.employers.models import Employer
from jiuye.employment.models import EmploymentForm
from jiuye.jobs.models import Fair, FairKind, Hours, Posting, PostingStatus, Referral
from jiuye.jobs.services import referrals as services
from jiuye.people.models import Person
from jiuye.reference.models import Region

make_person = register_person  # the tests of this app import it from here


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def make_posting(employer: Employer, **fields: Any) -> Posting:
    values: dict[str, Any] = {
        "employer": employer,
        "title": "网络客服",
        "region": employer.region,
        "hours": Hours.FULL_TIME,
        "status": PostingStatus.PUBLISHED,
        "published_at": timezone.now(),
    }
    values.update(fields)
    return Posting.objects.create(**values)


def consent(person: Person) -> Any:
    return services.consent_give(person=person, by=None)


def refer(person: Person, posting: Posting, on: dt.date | None = None, **kw: Any) -> Referral:
    """Refer (recording the consent first when it is missing)."""
    if services.active_consent(person) is None:
        consent(person)
    return services.referral_create(
        person=person, posting=posting, by=None, channel=kw.pop("channel", "staff"), on=on, **kw
    )


def hire(referral: Referral, start: dt.date, **kw: Any) -> Any:
    referral.refresh_from_db()
    return services.referral_hire(
        referral=referral,
        by=None,
        start_date=start,
        form=kw.pop("form", EmploymentForm.QUOTA),
        version=referral.version,
        **kw,
    )


def months_ago(n: int, extra_days: int = 0) -> dt.date:
    return add_months(today(), -n) - dt.timedelta(days=extra_days)


@pytest.fixture
def posting_a(personas) -> Posting:  # noqa: ANN001
    """A published posting of employer_a (东城街道), the employer persona's own."""
    return make_posting(personas["employer"].employer, title="网络客服")


@pytest.fixture
def posting_b(employer_b) -> Posting:  # noqa: ANN001
    """A published posting of employer_b (西城街道): not the employer persona's."""
    return make_posting(employer_b, title="仓库理货员")


@pytest.fixture
def referral_a(personas, posting_a) -> Referral:  # noqa: ANN001
    """person_a (东城, consented) referred 10 days ago to employer_a's posting."""
    return refer(personas["jobseeker"].person, posting_a, on=days_ago(10))


@pytest.fixture
def fair_a(personas, posting_a) -> Fair:  # noqa: ANN001
    """A fair held in 东城街道 a week ago, employer_a taking part with posting_a."""
    from jiuye.jobs.services import fairs

    fair = fairs.fair_create(
        by=None,
        name="东城残疾人专场招聘会",
        kind=FairKind.ONSITE,
        date=days_ago(7),
        place="东城文化中心",
        region=Region.objects.get(code=TOWN_A),
        organiser="区残联",
        target_groups=["graduates"],
        description="",
    )
    employer = personas["employer"].employer
    fairs.fair_add_employer(fair=fair, employer=employer, by=None)
    fairs.fair_set_postings(fair=fair, employer=employer, postings=[posting_a], by=None)
    return fair
