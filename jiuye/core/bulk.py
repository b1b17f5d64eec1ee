"""Inserting many rows fast, for imports.

Django's bulk_create compiles SQL for every small batch (SQLite allows few parameters per
statement), which costs more than the insert itself. Here the statement is compiled once and the
rows go to the driver's executemany. Every value still goes through its field's
get_db_prep_save, so encrypted fields and JSON behave exactly as in a save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections, router
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SlugField,
    SmallAutoField,
    SmallIntegerField,
    TextField,
)

_AUTO = (AutoField, BigAutoField, SmallAutoField)
# Exact types whose Python values the drivers take as they are (subclasses such as the
# encrypted field are not in the list, so they still convert).
_AS_IS = {
    CharField,
    TextField,
    SlugField,
    BooleanField,
    IntegerField,
    SmallIntegerField,
    BigIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    AutoField,
    BigAutoField,
    SmallAutoField,
}
CHUNK = 2000


def _passes_as_is(field: Field) -> bool:
    if type(field) is ForeignKey:
        return type(field.target_field) in _AS_IS
    return type(field) in _AS_IS


def _insert(model: type[Model], items: list[Any], value: Callable[[Field, Any], Any]) -> int:
    if not items:
        return 0
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, _AUTO)]
    quote = connection.ops.quote_name
    # Identifiers come from the model's own metadata and are quoted; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    plain = [_passes_as_is(f) for f in fields]
    pairs = list(zip(fields, plain, strict=True))
    with connection.cursor() as cursor:
        for start in range(0, len(items), CHUNK):
            cursor.executemany(
                sql,
                [
                    tuple(
                        value(f, item) if as_is else f.get_db_prep_save(value(f, item), connection)
                        for f, as_is in pairs
                    )
                    for item in items[start : start + CHUNK]
                ],
            )
    return len(items)


def fast_insert(model: type[Model], objs: Iterable[Model]) -> int:
    """INSERT model instances (no signals; auto-increment ids stay unset). pre_save runs, so
    auto timestamps are filled as in a save."""
    return _insert(model, list(objs), lambda f, obj: f.pre_save(obj, True))


def fast_insert_values(model: type[Model], rows: list[dict[str, Any]]) -> int:
    """INSERT rows given as {attname: python value}; missing fields take their defaults.
    Skips building instances, which costs more than the insert for narrow rows (audit)."""
    defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}
    return _insert(model, rows, lambda f, row: row.get(f.attname, defaults[f.attname]))
