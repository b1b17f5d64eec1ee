"""Inserting many rows fast, for imports.

Django's bulk_create compiles SQL for every small batch (SQLite allows few parameters per
statement), which costs more than the insert itself. Here the statement is compiled once and the
rows go to the driver's executemany. Values are converted per field type the way a save
converts them (encryption, UUIDs, dates, JSON), with converters chosen once per statement.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections, router
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SlugField,
    SmallAutoField,
    SmallIntegerField,
    TextField,
    UUIDField,
)

from jiuye.core.crypto import EncryptedTextField, encrypt, keyring, looks_encrypted

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


def _converter(field: Field, connection: Any) -> Callable[[Any], Any] | None:
    """A direct converter for common field types (None: no conversion needed), computed once
    per statement instead of walking get_db_prep_save's chain for every value."""
    if _passes_as_is(field):
        return None
    target = field.target_field if type(field) is ForeignKey else field
    if isinstance(target, EncryptedTextField):
        ring = keyring()
        return lambda v: v if not v or looks_encrypted(v) else encrypt(str(v), ring=ring)
    if type(target) is UUIDField and not connection.features.has_native_uuid_field:
        return lambda v: v.hex if isinstance(v, uuid.UUID) else v
    if type(target) is DateField:
        return lambda v: v.isoformat() if v is not None else None
    if type(target) is DateTimeField:
        adapt_datetime = connection.ops.adapt_datetimefield_value
        return lambda v: adapt_datetime(v)
    if type(target) is JSONField:
        adapt_json, encoder = connection.ops.adapt_json_value, target.encoder
        return lambda v: None if v is None else adapt_json(v, encoder)
    return lambda v: field.get_db_prep_save(v, connection)


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
    pairs = [(f, _converter(f, connection)) for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(items), CHUNK):
            cursor.executemany(
                sql,
                [
                    tuple(
                        value(f, item) if convert is None else convert(value(f, item))
                        for f, convert in pairs
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
