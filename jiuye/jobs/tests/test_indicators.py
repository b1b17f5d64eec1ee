"""The jobs plan indicators against a hand count: postings and fairs of the year, placements by
target group, and the stability rate of placements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B, register_person
from jiuye.core.indicators import registry
from jiuye.core.periods import add_months
from jiuye.employment.models import EmploymentForm, EndReason, NewFormSubtype, Source
from jiuye.employment.services import employment_end, employment_open
from jiuye.jobs.indicators import stability, window_months
from jiuye.jobs.models import (
    Fair,
    FairEmployer,
    FairKind,
    FollowUp,
    Posting,
    PostingStatus,
    Referral,
    ReferralChannel,
    ReferralStatus,
)
from jiuye.people.models import HukouType
from jiuye.reference.models import DisabilityCategory, Region

pytestmark = pytest.mark.django_db

YEAR = 2025
DISTRICT = "440199000000"


def _value(code: str, region: str, year: int = YEAR) -> Decimal:
    return registry.get(code).value(Region.objects.get(code=region), year)


def _posting(employer, **fields) -> Posting:  # noqa: ANN001
    values = {
        "employer": employer,
        "title": "网络客服",
        "region": employer.region,
        "hours": "full_time",
        "status": PostingStatus.PUBLISHED,
        "published_at": timezone.make_aware(dt.datetime(YEAR, 3, 1)),
    }
    values.update(fields)
    return Posting.objects.create(**values)


def _placed(person, posting, start: dt.date, end: dt.date | None = None, **fields) -> Referral:  # noqa: ANN001
    record = employment_open(
        person=person,
        by=None,
        source=Source.PLACEMENT,
        form=fields.pop("form", EmploymentForm.QUOTA),
        employer=posting.employer,
        job_title=posting.title,
        start_date=start,
        **fields,
    )
    if end is not None:
        employment_end(record=record, end_date=end, end_reason=EndReason.RESIGNED, by=None)
    referral = Referral.objects.create(
        person=person,
        posting=posting,
        channel=ReferralChannel.STAFF,
        status=ReferralStatus.HIRED,
        referred_on=start - dt.timedelta(days=10),
        closed_on=start,
        employment_record=record,
    )
    for months in FollowUp.MONTHS:
        FollowUp.objects.create(referral=referral, months=months, due_on=add_months(start, months))
    return referral


def _person(seq: int, village: str = VILLAGE_A, **fields):  # noqa: ANN202
    return register_person(seq, f"安置{seq}", village, **fields)


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_short_month() -> None:
    assert add_months(dt.date(2025, 1, 15), 6) == dt.date(2025, 7, 15)
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 3, 1), -6) == dt.date(2024, 9, 1)


def test_the_stability_rate_matches_the_hand_count(employer_a) -> None:  # noqa: ANN001
    posting = _posting(employer_a)
    # Counted in YEAR: the stability date (start + 6 months) falls in the year and has passed.
    _placed(_person(301), posting, dt.date(YEAR - 1, 9, 1), dt.date(YEAR - 1, 11, 1))  # left at 2
    _placed(_person(302), posting, dt.date(YEAR - 1, 10, 1))  # still employed
    _placed(_person(303), posting, dt.date(YEAR, 1, 10), dt.date(YEAR, 8, 20))  # left after 7
    _placed(_person(304), posting, dt.date(YEAR, 2, 1), dt.date(YEAR, 8, 1))  # left on the day
    # Not counted: started too recently (stability date next year) or counted last year.
    _placed(_person(305), posting, dt.date(YEAR, 9, 1))
    _placed(_person(306), posting, dt.date(YEAR - 1, 3, 1), dt.date(YEAR - 1, 4, 1))
    assert stability(Region.objects.get(code=DISTRICT), YEAR) == (3, 4)


def test_a_stability_date_still_to_come_is_not_counted_yet(employer_a) -> None:  # noqa: ANN001
    posting = _posting(employer_a)
    today = timezone.localdate()
    _placed(_person(311), posting, add_months(today, -7))  # stability date passed this year
    _placed(_person(312), posting, add_months(today, -3))  # stability date still to come
    district = Region.objects.get(code=DISTRICT)
    stable, counted = stability(district, today.year)
    assert (stable, counted) == (1, 1)
    assert _value("jobs.stability_rate", DISTRICT, today.year) == Decimal("100.0")


def test_the_window_must_be_one_of_the_follow_up_months(settings) -> None:  # noqa: ANN001
    settings.JIUYE_STABILITY_MONTHS = 5
    with pytest.raises(ImproperlyConfigured):
        window_months()


def test_placements_are_counted_by_target_group_and_region(employer_a) -> None:  # noqa: ANN001
    posting = _posting(employer_a)
    livestream = _posting(employer_a, title="直播助理", new_form_subtype=NewFormSubtype.LIVESTREAM)
    blind = _person(321, category=DisabilityCategory.objects.get(code="1"))
    graduate = _person(322, graduation_year=YEAR - 1, school="示范学院")
    rural = _person(323, village=VILLAGE_B, hukou_type=HukouType.RURAL)
    hard = _person(324, hard_to_employ_date=dt.date(YEAR - 2, 5, 1))
    _placed(blind, posting, dt.date(YEAR, 4, 1))
    _placed(graduate, posting, dt.date(YEAR, 5, 1))
    _placed(
        rural,
        livestream,
        dt.date(YEAR, 6, 1),
        form=EmploymentForm.FLEXIBLE,
        new_form_subtype=NewFormSubtype.LIVESTREAM,
    )
    _placed(hard, posting, dt.date(YEAR - 1, 6, 1))  # another year
    assert _value("jobs.placements", DISTRICT) == 3
    assert _value("jobs.placements", TOWN_A) == 2
    assert _value("jobs.placements", TOWN_B) == 1
    assert _value("jobs.placements_blind", DISTRICT) == 1
    assert _value("jobs.placements_graduates", DISTRICT) == 1
    assert _value("jobs.placements_rural", DISTRICT) == 1
    assert _value("jobs.placements_new_forms", DISTRICT) == 1
    assert _value("jobs.placements_hard_to_employ", DISTRICT) == 0
    assert _value("jobs.placements_hard_to_employ", DISTRICT, YEAR - 1) == 1
    assert _value("jobs.referrals", DISTRICT) == 3


def test_postings_and_fairs_of_the_year_are_counted_in_their_region(employer_a, employer_b) -> None:  # noqa: ANN001
    _posting(employer_a)
    _posting(employer_b)
    _posting(employer_a, published_at=timezone.make_aware(dt.datetime(YEAR - 1, 5, 1)))
    _posting(employer_a, status=PostingStatus.DRAFT, published_at=None)
    for name, kind, day, employers in [
        ("春风行动专场", FairKind.ONSITE, dt.date(YEAR, 3, 5), [employer_a, employer_b]),
        ("线上专场", FairKind.ONLINE, dt.date(YEAR, 9, 1), [employer_a]),
    ]:
        fair = Fair.objects.create(
            name=name,
            kind=kind,
            date=day,
            region=Region.objects.get(code=TOWN_A),
            organiser="区残联",
        )
        for employer in employers:
            FairEmployer.objects.create(fair=fair, employer=employer)
    assert _value("jobs.postings_published", DISTRICT) == 2
    assert _value("jobs.postings_published", TOWN_A) == 1
    assert _value("jobs.fairs_held", DISTRICT) == 2
    assert _value("jobs.fair_employers", DISTRICT) == 2
    assert _value("jobs.fairs_held", TOWN_B) == 0


def test_every_jobs_figure_costs_one_query_together(employer_a, django_assert_num_queries) -> None:  # noqa: ANN001
    region = Region.objects.get(code=DISTRICT)
    codes = [i.code for i in registry.all() if i.code.startswith("jobs.")]
    assert len(codes) == 11
    with django_assert_num_queries(1):
        for code in codes:
            registry.get(code).value(region, YEAR)
