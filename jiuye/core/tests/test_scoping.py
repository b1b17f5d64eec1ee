from __future__ import annotations

import pytest
from django.http import Http404

from jiuye.core.scoping import get_scoped_or_404, may_keep, region_in_scope, scope_for
from jiuye.employers.models import Employer
from jiuye.people.models import Person


@pytest.fixture
def world(personas, person_a, person_b, employer_a, employer_b):  # noqa: ANN001, ANN201
    return personas


@pytest.mark.parametrize(
    ("persona", "persons", "employers"),
    [
        ("admin", {"张三", "李四"}, {"东城示范企业", "西城示范企业"}),
        ("district", {"张三", "李四"}, {"东城示范企业", "西城示范企业"}),
        ("town_a", {"张三"}, {"东城示范企业"}),
        ("town_b", {"李四"}, {"西城示范企业"}),
        ("liaison", set(), set()),
        # Leaders read aggregates and organisations, never a person.
        ("leader", set(), {"东城示范企业", "西城示范企业"}),
        ("employer", set(), {"东城示范企业"}),
        ("jobseeker", {"张三"}, set()),
    ],
)
def test_each_role_sees_exactly_its_own_scope(world, persona, persons, employers) -> None:  # noqa: ANN001
    user = world[persona]
    assert {p.name for p in scope_for(user, Person)} == persons
    assert {e.name for e in scope_for(user, Employer)} == employers


def test_a_town_officer_gets_404_for_a_person_of_another_town(world, person_b) -> None:  # noqa: ANN001
    with pytest.raises(Http404):
        get_scoped_or_404(world["town_a"], Person, pk=person_b.pk)
    assert get_scoped_or_404(world["town_b"], Person, pk=person_b.pk) == person_b


def test_a_malformed_id_is_a_404_not_a_crash(world) -> None:  # noqa: ANN001
    with pytest.raises(Http404):
        get_scoped_or_404(world["district"], Person, pk="not-a-uuid")


def test_a_disabled_user_sees_nothing(world) -> None:  # noqa: ANN001
    user = world["district"]
    user.is_active = False
    assert not scope_for(user, Person).exists()


def test_scope_narrows_an_existing_queryset(world, person_a) -> None:  # noqa: ANN001
    qs = Person.objects.filter(name="张三")
    assert list(scope_for(world["town_b"], qs)) == []
    assert list(scope_for(world["town_a"], qs)) == [person_a]


def test_region_scope_uses_the_town_prefix(world) -> None:  # noqa: ANN001
    assert region_in_scope(world["town_a"], "440199001203")
    assert not region_in_scope(world["town_a"], "440199002001")
    assert region_in_scope(world["district"], "440199002001")
    assert not region_in_scope(world["leader"], "440199002001")


@pytest.mark.django_db
def test_district_staff_keep_records_everywhere_and_a_town_officer_in_their_town(
    personas,  # noqa: ANN001
) -> None:
    town_a, town_b = "440199001000", "440199002000"
    assert may_keep(None, town_a)
    assert may_keep(personas["district"], town_b)
    assert may_keep(personas["town_a"], town_a)
    assert not may_keep(personas["town_a"], town_b)
    assert not may_keep(personas["leader"], town_a)
    assert not may_keep(personas["district"], "")
