"""``read_together`` gives back the same instances as reading each queryset on its own (every
field, the related objects selected with them, annotations, the order), in one statement; the
person page's timeline reads every provider's rows with it (ADR 0009)."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models

from conftest import rows_for_the_module
from jiuye.core import timeline
from jiuye.core.together import _paths, read_together
from jiuye.people.models import Person

pytestmark = pytest.mark.django_db


def _values(obj: models.Model | None) -> Any:
    if obj is None:
        return None
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _related(obj: models.Model, path: tuple[str, ...]) -> Any:
    for name in path:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def _picture(queryset: Any, objs: list[models.Model]) -> list[Any]:
    """Every field of each instance, of each related object selected, and the annotations."""
    return [
        (
            [_values(_related(obj, path)) for path in _paths(queryset)],
            {name: getattr(obj, name) for name in queryset.query.annotations},
        )
        for obj in objs
    ]


def _demo() -> None:
    call_command("demo_data", persons=80, seed=5, stdout=StringIO())


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:  # noqa: ANN001
    """The demo district, built once for the module (both tests only read it; ≈4 s of CPU
    each time on SQLite); each test is rolled back around it."""
    yield from rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("together"), _demo)


@pytest.mark.usefixtures("district")
def test_every_providers_rows_read_together_equal_the_rows_read_alone(
    django_assert_num_queries,
) -> None:  # noqa: ANN001
    timeline._discover()
    readers = [known.reads for known in timeline._PROVIDERS if known.reads]
    assert len(readers) >= 10
    compared = 0
    for person in Person.objects.all():
        querysets = [qs for reads in readers for qs in reads(person).values()]
        with django_assert_num_queries(1):
            together = read_together(querysets)
        for queryset, objs in zip(querysets, together, strict=True):
            alone = list(queryset)
            assert _picture(queryset, objs) == _picture(queryset, alone), queryset.model
            compared += len(alone)
    assert compared > 100


def test_no_queryset_no_query(django_assert_num_queries) -> None:  # noqa: ANN001
    with django_assert_num_queries(0):
        assert read_together([]) == []


@pytest.mark.usefixtures("district")
def test_a_busy_persons_timeline_is_one_query_besides_employment(
    django_assert_num_queries,
) -> None:  # noqa: ANN001
    persons = timeline.with_presence(Person.objects.all())
    busiest = max(
        persons, key=lambda p: sum(bool(v) for k, v in vars(p).items() if "timeline_has" in k)
    )
    assert sum(bool(v) for k, v in vars(busiest).items() if "timeline_has" in k) >= 3
    with django_assert_num_queries(2):  # employment's records, and every other provider's rows
        entries = timeline.entries_for(busiest, None)
    assert len({entry.kind for entry in entries}) >= 4
