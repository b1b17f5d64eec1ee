"""A timeline provider that declares its models is called only for a person who has rows in
them, and the person page learns that in the statement that fetches the person."""

from __future__ import annotations

from typing import Any

import pytest

from jiuye.core import timeline
from jiuye.employment.models import EmploymentRecord
from jiuye.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls() -> Any:
    seen: dict[str, list[Any]] = {"none": [], "self": []}

    def of_records(person: Any, user: Any) -> list[timeline.Entry]:
        seen["none"].append(person.pk)
        return []

    def of_person(person: Any, user: Any) -> list[timeline.Entry]:
        seen["self"].append(person.pk)
        return []

    timeline._discover()  # the real providers first, so the restore below keeps them
    before = list(timeline._PROVIDERS)
    timeline.provider(of_records, concerns=((EmploymentRecord, "person"),))
    timeline.provider(of_person, concerns=((Person, "pk"),))
    yield seen
    timeline._PROVIDERS[:] = before


def test_a_provider_is_skipped_for_a_person_it_does_not_concern(
    calls, person_a, django_assert_num_queries
) -> None:  # noqa: ANN001
    person = timeline.with_presence(Person.objects.filter(pk=person_a.pk)).get()
    timeline.entries_for(person, None)
    assert calls["none"] == []  # no employment record: not called
    assert calls["self"] == [person_a.pk]  # the person is a row of Person: called


def test_a_person_fetched_without_presence_gets_every_provider(calls, person_a) -> None:  # noqa: ANN001
    timeline.entries_for(Person.objects.get(pk=person_a.pk), None)
    assert calls["none"] == [person_a.pk] and calls["self"] == [person_a.pk]


def test_the_flags_come_in_the_statement_that_fetches_the_person(
    calls, person_a, django_assert_num_queries
) -> None:  # noqa: ANN001
    with django_assert_num_queries(1):
        person = timeline.with_presence(Person.objects.filter(pk=person_a.pk)).get()
    assert any(key.startswith("timeline_has_") for key in vars(person))
