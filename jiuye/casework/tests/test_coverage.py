"""The three coverage rates of action 十, the worklist statuses and campaign tallies, counted by
hand on a small town."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import VILLAGE_A, VILLAGE_B
from jiuye.casework import selectors, services
from jiuye.casework.models import AnnualCase, Channel, ServiceRecord, ServiceType, WantsWork
from jiuye.casework.tests.conftest import worklist_person, worklist_record
from jiuye.employment import services as employment_services
from jiuye.employment.models import EmploymentForm, Source
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

YEAR = 2024
TODAY = dt.date(2025, 3, 1)  # the year is over: its reference day is 31 December
TOWN = "440199001000"
VILLAGE_A2 = "440199001002"


def _person(seq: int, village: str = VILLAGE_A, **extra):  # noqa: ANN003, ANN202
    return worklist_person(seq, f"人{seq}", village, **extra)


def _serve(person, day: dt.date, code: str = "job_recommendation", **extra):  # noqa: ANN001, ANN003, ANN202
    return worklist_record(person, code, day, **extra)


def _verify(person, day: dt.date, **extra):  # noqa: ANN001, ANN003, ANN202
    return services.verification_record(
        person=person, by=None, date=day, channel=Channel.HOME_VISIT, **extra
    )


def _needs(person, day: dt.date, wants: str = WantsWork.YES, **extra):  # noqa: ANN001, ANN003, ANN202
    if wants == WantsWork.NO:
        extra.setdefault("not_wanting_reason", "health")
    return services.needs_register(
        person=person, by=None, date=day, channel=Channel.PHONE, wants_work=wants, **extra
    )


@pytest.fixture
def town(reference):  # noqa: ANN001, ANN201
    """Ten persons in two villages of 东城街道; by hand:

    village 001: 1 verified, wants work, needs registered 3-01, served 3-05 → all three
                 2 verified, wants work, needs registered, served only BEFORE registration
                 3 verified, does not want work (needs says no)
                 4 not verified, wants work (registry), nothing else
                 5 employed all year → not in the population
                 6 verified in 2023 only → not verified in 2024
    village 002: 7 verified, wants work, needs registered, served in 2025 → not served in 2024
                 8 verified, wants work, no needs registration
                 9 nothing at all
                 10 verified twice, needs registered, served twice → counted once each
    """
    p = {i: _person(i, VILLAGE_A if i <= 6 else VILLAGE_A2) for i in range(1, 11)}
    _verify(p[1], dt.date(YEAR, 2, 1))
    _needs(p[1], dt.date(YEAR, 3, 1))
    _serve(p[1], dt.date(YEAR, 3, 5))
    _verify(p[2], dt.date(YEAR, 2, 1))
    _serve(p[2], dt.date(YEAR, 2, 10))
    _needs(p[2], dt.date(YEAR, 3, 1))
    _verify(p[3], dt.date(YEAR, 2, 1))
    _needs(p[3], dt.date(YEAR, 2, 1), WantsWork.NO)
    _verify(p[4], dt.date(YEAR, 1, 1), changes={"wish_to_work": "yes"})
    ServiceRecord.objects.filter(person=p[4]).update(
        archived_at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    )
    services.recompute_cases([p[4].pk], [YEAR])
    employment_services.employment_open(
        person=p[5],
        by=None,
        source=Source.STAFF,
        form=EmploymentForm.FARMING,
        start_date=dt.date(2019, 1, 1),
    )
    _verify(p[6], dt.date(YEAR - 1, 11, 1))
    _verify(p[7], dt.date(YEAR, 5, 1))
    _needs(p[7], dt.date(YEAR, 5, 1))
    _serve(p[7], dt.date(YEAR + 1, 1, 5))
    _verify(p[8], dt.date(YEAR, 6, 1), changes={"wish_to_work": "yes"})
    _verify(p[10], dt.date(YEAR, 4, 1))
    _verify(p[10], dt.date(YEAR, 9, 1))
    _needs(p[10], dt.date(YEAR, 4, 1))
    _serve(p[10], dt.date(YEAR, 4, 2))
    _serve(p[10], dt.date(YEAR, 10, 2), "career_guidance")
    return p


def test_coverage_counts_match_the_hand_count(town) -> None:  # noqa: ANN001
    result = selectors.coverage(region=Region.objects.get(code=TOWN), year=YEAR, today=TODAY)
    rows = {row.code: row for row in result.rows}
    a, b = rows[VILLAGE_A], rows[VILLAGE_A2]
    assert (a.unemployed, a.verified, a.wanting, a.needs, a.served) == (5, 3, 3, 2, 1)
    assert (b.unemployed, b.verified, b.wanting, b.needs, b.served) == (4, 3, 3, 2, 1)
    total = result.total
    assert (total.unemployed, total.verified, total.wanting, total.needs, total.served) == (
        9,
        6,
        6,
        4,
        2,
    )
    assert total.verified_rate == Decimal("66.7")
    assert total.needs_rate == Decimal("66.7")
    assert total.served_rate == Decimal("50.0")
    # Every village of the town has a row, the empty ones too.
    assert len(result.rows) == Region.objects.filter(parent_id=TOWN).count()


def test_district_coverage_has_one_row_per_town(town) -> None:  # noqa: ANN001
    result = selectors.coverage(
        region=Region.objects.get(code="440199000000"), year=YEAR, today=TODAY
    )
    rows = {row.code: row for row in result.rows}
    assert rows[TOWN].unemployed == 9
    assert rows["440199002000"].unemployed == 0
    assert result.total.verified == 6


def test_worklist_statuses_are_the_gaps(town) -> None:  # noqa: ANN001
    from jiuye.people.models import Person

    def names(status: str) -> set[str]:
        return set(
            selectors.worklist(
                queryset=Person.objects.all(),
                region=Region.objects.get(code=TOWN),
                year=YEAR,
                status=status,
                today=TODAY,
            ).values_list("name", flat=True)
        )

    assert names("not_verified") == {"人4", "人6", "人9"}
    assert names("needs_missing") == {"人4", "人8"}
    assert names("not_served") == {"人2", "人7"}
    assert names("done") == {"人1", "人3", "人10"}
    todo = list(
        selectors.worklist(
            queryset=Person.objects.all(),
            region=Region.objects.get(code=TOWN),
            year=YEAR,
            order="todo",
            today=TODAY,
        ).values_list("name", flat=True)
    )
    assert set(todo[:3]) == {"人4", "人6", "人9"}
    assert set(todo[-3:]) == {"人1", "人3", "人10"}


def test_a_double_submit_creates_one_record(reference) -> None:  # noqa: ANN001
    person = _person(31)
    first = _serve(person, dt.date(YEAR, 3, 1), idempotency_key="form-abc")
    second = _serve(person, dt.date(YEAR, 3, 1), idempotency_key="form-abc")
    assert first.pk == second.pk
    assert ServiceRecord.objects.filter(person=person).count() == 1
    needs = _needs(person, dt.date(YEAR, 3, 2), idempotency_key="form-def")
    assert _needs(person, dt.date(YEAR, 3, 2), idempotency_key="form-def").pk == needs.pk
    assert person.needs_records.count() == 1


def test_future_and_prebirth_dates_are_refused(reference) -> None:  # noqa: ANN001
    person = _person(32)
    with pytest.raises(ValidationError) as error:
        _serve(person, dt.date.today() + dt.timedelta(days=1))
    assert "不能晚于今天" in str(error.value)
    with pytest.raises(ValidationError) as error:
        _verify(person, dt.date(1980, 1, 1))
    assert "出生日期" in str(error.value)
    assert not ServiceRecord.objects.filter(person=person).exists()


def test_a_town_officer_cannot_record_for_another_town(personas) -> None:  # noqa: ANN001
    other = _person(33, VILLAGE_B)
    with pytest.raises(ValidationError):
        services.service_record_create(
            person=other,
            service_type=ServiceType.objects.get(pk="career_guidance"),
            by=personas["town_a"],
            date=dt.date(YEAR, 3, 1),
            channel=Channel.PHONE,
        )


def test_re_registering_needs_keeps_history_and_follows_the_answer(reference) -> None:  # noqa: ANN001
    person = _person(34)
    _needs(person, dt.date(YEAR, 2, 1))
    _needs(person, dt.date(YEAR, 5, 1), WantsWork.NO)
    person.refresh_from_db()
    assert person.wish_to_work == "no"
    assert person.needs_records.count() == 2
    assert person.needs_records.filter(is_current=True).get().registered_on == dt.date(YEAR, 5, 1)
    case = AnnualCase.objects.get(person=person, year=YEAR)
    assert case.wants_work == "no"


def test_campaign_tally_counts_target_group_services_in_the_period(reference) -> None:  # noqa: ANN001
    hard = _person(41, hard_to_employ_date=dt.date(2020, 1, 1))
    other_town = _person(43, VILLAGE_B, hard_to_employ_date=dt.date(2020, 1, 1))
    plain = _person(45)
    campaign = services.campaign_save(
        by=None,
        name="2024年就业援助月",
        start_date=dt.date(YEAR, 1, 1),
        end_date=dt.date(YEAR, 1, 31),
        target_groups=["hard_to_employ"],
        quotas={TOWN: 2, "440199002000": 1},
    )
    _serve(hard, dt.date(YEAR, 1, 10))
    _serve(hard, dt.date(YEAR, 1, 20), "career_guidance")
    _serve(hard, dt.date(YEAR, 2, 1))  # after the period
    _serve(plain, dt.date(YEAR, 1, 10))  # not in the target group
    _serve(other_town, dt.date(YEAR, 1, 15))
    rows = {row.code: row for row in selectors.campaign_tally(campaign)}
    assert (rows[TOWN].persons, rows[TOWN].services, rows[TOWN].quota) == (1, 2, 2)
    assert rows[TOWN].rate == Decimal("50.0")
    assert (rows["440199002000"].persons, rows["440199002000"].quota) == (1, 1)
    assert rows["440199003000"].quota is None
