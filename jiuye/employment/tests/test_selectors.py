"""Who is employed on a day, and action 十's population: the boundary cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import VILLAGE_A, make_id_number
from jiuye.core.timeline import facts_for
from jiuye.employment import selectors, services
from jiuye.employment.models import EmploymentForm, Source
from jiuye.people.models import LifeStatus
from jiuye.people.services import person_register, person_set_life_status
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 6, 30)


def _person(seq: int, birth: str = "19900307", *, name: str = "测试"):  # noqa: ANN202
    return person_register(
        name=f"{name}{seq}",
        id_number=make_id_number(birth=birth, seq=seq),
        region=Region.objects.get(code=VILLAGE_A),
    )


def _job(person, start: dt.date, end: dt.date | None = None, **extra):  # noqa: ANN001, ANN202
    return services.employment_open(
        person=person,
        by=None,
        source=Source.STAFF,
        form=extra.pop("form", EmploymentForm.FLEXIBLE),
        start_date=start,
        end_date=end,
        end_reason="contract_ended" if end else "",
        **extra,
    )


def _population(on: dt.date = DAY) -> set[str]:
    town = Region.objects.get(code="440199001000")
    return set(selectors.unemployed_working_age(region=town, on=on).values_list("name", flat=True))


def test_a_job_covers_its_first_and_last_day(reference) -> None:  # noqa: ANN001
    person = _person(1)
    _job(person, dt.date(2024, 1, 1), DAY)
    assert selectors.status_on(person, DAY).employed
    assert selectors.status_on(person, dt.date(2024, 1, 1)).employed
    assert not selectors.status_on(person, DAY + dt.timedelta(days=1)).employed
    assert not selectors.status_on(person, dt.date(2023, 12, 31)).employed
    # The job ends on the reference day: the person is still employed that day…
    assert "测试1" not in _population(DAY)
    # …and unemployed the day after.
    assert "测试1" in _population(DAY + dt.timedelta(days=1))


def test_employment_status_comes_from_employment_records(person_a, personas) -> None:  # noqa: ANN001
    today = timezone.localdate()
    assert not selectors.status_on(person_a, today).employed
    assert str(selectors.status_on(person_a, today)) == "未就业"
    # The person page shows it as a fact the employment app registers (the registry app does not
    # import employment): the same status, read with the timeline's records.
    (fact,) = [f for f in facts_for(person_a, personas["district"], today) if f.label == "就业状态"]
    assert fact.template == "employment/_person_status.html"
    assert not fact.context["status"].employed
    _job(person_a, dt.date(2020, 5, 1), employer_name="社区工厂")
    del person_a.__dict__["_employment_records"]
    (fact,) = [f for f in facts_for(person_a, personas["district"], today) if f.label == "就业状态"]
    assert fact.context["status"].employed
    assert "社区工厂" in str(fact.context["status"])


def test_an_open_job_covers_every_later_day_and_archiving_takes_it_out(reference) -> None:  # noqa: ANN001
    person = _person(2)
    record = _job(person, dt.date(2020, 5, 1))
    assert "测试2" not in _population()
    services.employment_archive(record=record, reason="录错了人", by=None)
    assert "测试2" in _population()


def test_a_man_turning_60_leaves_working_age_on_his_birthday(reference) -> None:  # noqa: ANN001
    _person(3, birth="19640630", name="满六十")  # 60 on DAY
    _person(11, birth="19640701", name="差一天")  # a man (odd sequence), 59 on DAY, 60 the next day
    names = _population()
    assert "满六十3" not in names
    assert "差一天11" in names
    assert "差一天11" not in _population(dt.date(2024, 7, 1))


def test_a_death_or_move_counts_the_person_only_before_it(reference, settings) -> None:  # noqa: ANN001
    died = _person(5, name="已故")
    moved = _person(6, name="迁出")
    person_set_life_status(person=died, status=LifeStatus.DECEASED, on=DAY)
    person_set_life_status(person=moved, status=LifeStatus.MOVED, on=dt.date(2024, 7, 15))
    names = _population(DAY)
    assert "已故5" not in names  # died that day: not in the population of that day
    assert "迁出6" in names  # moved away later: still here on DAY
    assert "迁出6" not in _population(dt.date(2024, 7, 15))
    assert "已故5" in _population(DAY - dt.timedelta(days=1))


def test_an_overlapping_job_is_flagged_unless_it_is_a_second_job(reference) -> None:  # noqa: ANN001
    person = _person(7)
    first = _job(person, dt.date(2023, 1, 1), employer_name="甲公司", form=EmploymentForm.QUOTA)
    assert not first.needs_review
    second = _job(person, dt.date(2024, 1, 1), employer_name="乙公司", form=EmploymentForm.QUOTA)
    assert second.needs_review
    assert "2023-01-01" in second.review_note
    third = _job(person, dt.date(2024, 2, 1), second_job=True)
    assert not third.needs_review
    # Ending the first job the day before the second started resolves the flag on review.
    services.employment_end(
        record=first, end_date=dt.date(2023, 12, 31), end_reason="resigned", by=None
    )
    services.employment_archive(record=third, reason="重复", by=None)
    second.refresh_from_db()
    assert not second.needs_review


def test_bad_dates_are_refused_with_the_reason(reference) -> None:  # noqa: ANN001
    from django.core.exceptions import ValidationError

    person = _person(8, birth="20100101")
    with pytest.raises(ValidationError) as error:
        _job(person, dt.date(2020, 1, 1))
    assert "16周岁" in str(error.value)
    adult = _person(9)
    with pytest.raises(ValidationError) as error:
        _job(adult, dt.date.today() + dt.timedelta(days=3))
    assert "不能晚于今天" in str(error.value)
    with pytest.raises(ValidationError) as error:
        _job(person, dt.date(2009, 12, 31))
    assert "开始日期早于本人出生日期（2010-01-01），请核对。" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.employment_open(
            person=adult,
            by=None,
            source=Source.STAFF,
            form=EmploymentForm.QUOTA,
            start_date=dt.date(2020, 1, 1),
        )
    assert "用人单位" in str(error.value)
