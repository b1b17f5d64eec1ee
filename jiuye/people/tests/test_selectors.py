"""Reads of the registry: the search (each filter, search-first, scope) and the old selectors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B
from jiuye.core.scoping import scope_for
from jiuye.people.forms import PersonSearchForm
from jiuye.people.models import Person
from jiuye.people.selectors import (
    AGE_BANDS,
    persons_for_list,
    persons_search,
    working_age_persons,
)
from jiuye.people.services import person_archive
from jiuye.people.tests.conftest import category, certificate_for, grade
from jiuye.reference.models import Region

TODAY = dt.date(2024, 6, 15)


def names(qs) -> set[str]:  # noqa: ANN001
    return {p.name for p in qs}


def search(**filters) -> set[str]:  # noqa: ANN003
    return names(persons_search(queryset=Person.objects.all(), filters=filters, today=TODAY))


def test_nothing_is_listed_until_a_filter_is_given(person_a, person_b) -> None:  # noqa: ANN001
    assert search() == set()
    assert search(name="", town=None, working_age=False) == set()
    # A year or "include archived" alone only refines a search; they are not one.
    assert search(year=2024, include_archived=True) == set()
    assert search(name="张") == {"张三"}


def test_an_unknown_filter_is_a_programming_error(person_a) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        search(nmae="张")


def test_name_matches_any_part(make_person) -> None:  # noqa: ANN001
    make_person("欧阳小明")
    make_person("小明")
    make_person("王五")
    assert search(name="小明") == {"欧阳小明", "小明"}
    assert search(name=" 欧阳 ") == {"欧阳小明"}


def test_id_and_certificate_numbers_match_exactly_through_the_blind_indexes(
    make_person, person_a
) -> None:  # noqa: ANN001
    other = make_person("持证人", category=category(4), grade=grade(2))
    other_certificate = certificate_for(other.id_number, 4, 2)
    from jiuye.people.services import person_update

    person_update(person=other, by=None, version=1, certificate_number=other_certificate)
    assert search(id_number=person_a.id_number.lower()) == {"张三"}
    assert search(certificate_number=other_certificate) == {"持证人"}
    assert search(certificate_number=certificate_for(other.id_number, 4, 3)) == set()


def test_town_village_and_region_take_everyone_under_them(make_person) -> None:  # noqa: ANN001
    make_person("东一", village=VILLAGE_A)
    make_person("东二", village="440199001002")
    make_person("西一", village=VILLAGE_B)
    assert search(town=Region.objects.get(code=TOWN_A)) == {"东一", "东二"}
    assert search(village=Region.objects.get(code=VILLAGE_A)) == {"东一"}
    assert search(village=VILLAGE_B) == {"西一"}  # a code does as well as a Region
    assert search(region=Region.objects.get(code="440199000000")) == {"东一", "东二", "西一"}
    assert search(region=TOWN_B) == {"西一"}


def test_category_and_grade(make_person) -> None:  # noqa: ANN001
    make_person("视一", category=category(1), grade=grade(1))
    make_person("视三", category=category(1), grade=grade(3))
    make_person("肢三", category=category(4), grade=grade(3))
    assert search(category=category(1)) == {"视一", "视三"}
    assert search(grade=3) == {"视三", "肢三"}
    assert search(category=category(1), grade=grade(3)) == {"视三"}


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("16-24", {"刚满16", "24岁末"}),
        ("25-34", {"刚满25"}),
        ("35-44", set()),
        ("45-59", {"59岁末"}),
        ("60+", {"刚满60"}),
    ],
)
def test_age_bands_count_whole_years_on_the_day(make_person, band, expected) -> None:  # noqa: ANN001
    make_person("不满16", birth="20080616")  # 16 tomorrow
    make_person("刚满16", birth="20080615")
    make_person("24岁末", birth="19990616")  # 25 tomorrow
    make_person("刚满25", birth="19990615")
    make_person("59岁末", birth="19640616")
    make_person("刚满60", birth="19640615")
    assert search(age_band=band) == expected


def test_the_age_bands_of_the_form_are_the_selectors_bands(personas) -> None:  # noqa: ANN001
    form = PersonSearchForm(user=personas["district"])
    assert [key for key, _ in form.fields["age_band"].choices if key] == list(AGE_BANDS)


def test_working_age_uses_the_rule_on_today_or_at_the_end_of_the_year(make_person) -> None:  # noqa: ANN001
    make_person("男59", birth="19650101", male=True)  # 59 on TODAY
    make_person("女55", birth="19690101", male=False)  # 55 on TODAY: past 54
    make_person("男15", birth="20090101", male=True)  # 15 on TODAY
    assert search(working_age=True) == {"男59"}
    # At the end of 2022 the woman was 53 and the boy 13.
    assert search(working_age=True, year=2022) == {"男59", "女55"}


def test_wish_hard_to_employ_and_monitoring(make_person) -> None:  # noqa: ANN001
    make_person("想工作", wish_to_work="yes")
    make_person("困难", hard_to_employ_date=dt.date(2023, 3, 1))
    make_person("监测中", monitoring_category="edge", monitoring_identified=dt.date(2023, 1, 1))
    make_person(
        "已消除",
        monitoring_category="edge",
        monitoring_identified=dt.date(2022, 1, 1),
        monitoring_risk_eliminated=dt.date(2023, 1, 1),
    )
    assert search(wish_to_work="yes") == {"想工作"}
    assert search(hard_to_employ=True) == {"困难"}
    assert search(monitoring=True) == {"监测中"}


def test_archived_persons_are_left_out_unless_asked_for(person_a, personas) -> None:  # noqa: ANN001
    person_archive(person=person_a, reason="重复", by=personas["district"])
    assert search(name="张三") == set()
    assert search(name="张三", include_archived=True) == {"张三"}


def test_a_region_filter_narrows_the_scope_and_never_widens_it(
    person_a, person_b, personas
) -> None:  # noqa: ANN001
    scoped = scope_for(personas["town_a"], Person)
    assert names(persons_search(queryset=scoped, filters={"town": TOWN_B})) == set()
    assert names(persons_search(queryset=scoped, filters={"name": "李四"})) == set()
    assert names(persons_search(queryset=scoped, filters={"region": "440199000000"})) == {"张三"}


def test_a_search_joins_what_a_list_row_shows(make_person, django_assert_num_queries) -> None:  # noqa: ANN001
    for i in range(5):
        make_person(f"王{i}", category=category(4), grade=grade(2))
    with django_assert_num_queries(1):
        rows = list(persons_search(queryset=Person.objects.all(), filters={"name": "王"}))
        labels = [(p.region.parent.name, p.category.name, p.grade.name) for p in rows]
    assert len(labels) == 5


def test_the_indicator_selectors_still_count_the_registered(person_a, person_b, personas) -> None:  # noqa: ANN001
    district = Region.objects.get(code="440199000000")
    on = timezone.localdate()
    assert names(
        persons_for_list(queryset=Person.objects.all(), region=district, working_age_on=on)
    )
    assert set(working_age_persons(region=district, on=on)) == {person_a, person_b}
    person_archive(person=person_b, reason="重复", by=personas["district"])
    assert set(working_age_persons(region=district, on=on)) == {person_a}
