"""Inserting many rows fast, for imports.

Django's bulk_create compiles SQL for every small batch (SQLite allows few parameters per
statement), which costs more than the insert itself. Here the statement is compiled once and the
rows go to the driver's executemany. Every value still goes through its field's pre_save and
get_db_prep_save, so defaults, auto timestamps and encrypted fields behave exactly as in a save.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router
from django.db.models import AutoField, BigAutoField, Model, SmallAutoField

_AUTO = (AutoField, BigAutoField, SmallAutoField)
CHUNK = 2000


def fast_insert(model: type[Model], objs: Iterable[Model]) -> int:
    """INSERT the objects (no signals, no returned ids: auto-increment ids stay unset)."""
    objs = list(objs)
    if not objs:
        return 0
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, _AUTO)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), CHUNK):
            rows = [
                tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
                for obj in objs[start : start + CHUNK]
            ]
            cursor.executemany(sql, rows)
    return len(objs)


def fast_insert_values(model: type[Model], rows: list[dict]) -> int:
    """INSERT rows given as {attname: python value}; missing fields take their defaults.

    Skips building model instances, which costs more than the insert for narrow rows such as
    audit entries.
    """
    if not rows:
        return 0
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, _AUTO)]
    defaults = {f.attname: f.get_default() for f in fields}
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(
                sql,
                [
                    tuple(
                        f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection)
                        for f in fields
                    )
                    for row in rows[start : start + CHUNK]
                ],
            )
    return len(rows)
