"""The registry search by part of a name is served by a trigram index on PostgreSQL (people
0006); on SQLite the migration leaves nothing behind."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return {
            index
            for index, _info in connection.introspection.get_constraints(
                cursor, "people_person"
            ).items()
        }


def test_the_keyset_order_has_its_index() -> None:
    assert "person_region_name" in _indexes()


@pytest.mark.parametrize(
    ("index", "made_with"),
    [
        ("person_name_trgm", "gin_trgm_ops"),
        # people 0009: a search of one or two characters (no trigram) is served by it.
        ("person_name_chars", "gin (string_to_array((name)::text, NULL::text))"),
    ],
)
def test_the_name_indexes_exist_on_postgresql_only(index: str, made_with: str) -> None:
    if connection.vendor != "postgresql":
        assert index not in _indexes()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        (definition,) = cursor.fetchone()
    assert made_with in definition


def test_the_name_has_finer_statistics_on_postgresql() -> None:
    """people 0008: the planner's estimate of a name search comes from 1,000 histogram
    entries; with the default 100 a rare text was estimated at 5 % of the registry and its
    search walked half the (region, name) index (bench/README.md)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'people_person'::regclass AND attname = 'name'"
        )
        assert cursor.fetchone() == (1000,)
