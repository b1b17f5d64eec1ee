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


def test_the_trigram_index_exists_on_postgresql_only() -> None:
    if connection.vendor != "postgresql":
        assert "person_name_trgm" not in _indexes()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition


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


def test_the_names_characters_have_their_index_on_postgresql_only() -> None:
    """people 0009: a search of one or two characters (no trigram) is served by it."""
    if connection.vendor != "postgresql":
        assert "person_name_chars" not in _indexes()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_name_chars'")
        (definition,) = cursor.fetchone()
    assert "gin (string_to_array((name)::text, NULL::text))" in definition
