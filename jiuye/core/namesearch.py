"""A search by part of a name (``name LIKE '%…%'``) that an index serves on PostgreSQL, for
the persons and the employers alike (issue 19).

A text of 3 characters or more is served by the column's trigram index. A shorter one has no
trigram: PostgreSQL would read every row, or walk the list's order index until it has found a
page (a rare name of two characters, 钟馗, walks the whole district). Those are served by a GIN
index on the name's characters (``string_to_array(name, NULL)``, built in and immutable),
which finds the names holding every character of the text; ``LIKE`` then keeps those holding
them side by side: the same rows. The index is made by each app's migration
(``chars_index``). SQLite has neither index and filters by ``LIKE`` alone.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection, migrations
from django.db.models import F, Func, Q, QuerySet, TextField, Value

# Texts of at most this many characters are looked up by their characters.
SHORT_SEARCH = 2
# The characters of a name, as the index holds them.
_CHARS = ArrayField(TextField())


def is_short(text: str) -> bool:
    return 0 < len(text.strip()) <= SHORT_SEARCH


def chars_index(index: str, table: str, column: str = "name") -> migrations.RunPython:
    """The migration operation that makes the characters index the searches below use, on
    PostgreSQL (nothing on SQLite), and drops it when reversed."""

    def forwards(_apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
                f"USING gin (string_to_array({column}, NULL))"
            )

    def backwards(_apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")

    return migrations.RunPython(forwards, backwards, elidable=False)


def _by_chars(text: str) -> bool:
    return connection.vendor == "postgresql" and is_short(text)


def with_name_chars(queryset: QuerySet, text: str, field: str = "name") -> QuerySet:
    """``queryset`` able to filter by ``name_has(text, field)``: the name's characters as the
    index holds them, for a short text on PostgreSQL (an alias, not selected)."""
    if not _by_chars(text):
        return queryset
    chars = Func(F(field), Value(None), function="string_to_array", output_field=_CHARS)
    return queryset.alias(**{_alias(field): chars})


def name_has(text: str, field: str = "name") -> Q:
    """The name contains ``text`` (the queryset passed through ``with_name_chars`` first)."""
    if _by_chars(text):
        return Q(**{f"{_alias(field)}__contains": list(text)}) & Q(**{f"{field}__contains": text})
    return Q(**{f"{field}__contains": text})


def _alias(field: str) -> str:
    """The alias of a (possibly related: ``employer__name``) field's characters."""
    return field.replace("__", "_") + "_chars"


def name_contains(queryset: QuerySet, text: str, field: str = "name") -> QuerySet:
    """The rows of ``queryset`` whose name contains ``text``."""
    return with_name_chars(queryset, text, field).filter(name_has(text, field))
