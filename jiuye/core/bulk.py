"""Inserting many rows fast, for imports.

Django's bulk_create compiles SQL for every small batch (SQLite allows few parameters per
statement), which costs more than the insert itself. Here the statement is compiled once and the
rows go to the driver's executemany, or on PostgreSQL through ``COPY ... FROM STDIN`` (psycopg's
executemany sends one statement per row; COPY streams them all). Values are converted per field
type the way a save converts them (encryption, UUIDs, dates, JSON), with converters chosen once
per statement and applied only to the columns that need one.
"""

from __future__ import annotations

import enum
import json
import operator
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, router
from django.db.models import (
    NOT_PROVIDED,
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
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

from jiuye.core.crypto import PREFIX, EncryptedTextField, encrypt, keyring

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
# SQLite's page cache while a bulk write runs (KiB). Its default of 2 MB is far smaller than the
# indexes of a registry table (random UUIDs and blind indexes: tens of MB per 100,000 rows), so
# inserts would keep re-reading index pages from the OS instead of finding them in the cache.
# 32 MB, not 64: a 100,000-row person import took the same CPU with either (the pages it misses
# come from the OS's file cache), and the other 32 MB were an eighth of the 256 MB a
# 1,000,000-row import may use (bench/README.md, issue 19).
SQLITE_BULK_CACHE_KIB = 32 * 1024
_ENCRYPTED_PREFIX = PREFIX + ":"
_FLAT = {int, str, bool, float, type(None)}


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _passes_as_is(field: Field) -> bool:
    if type(field) is ForeignKey:
        return type(field.target_field) in _AS_IS
    return type(field) in _AS_IS


def _same_as_last(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Remember the last conversion: a batch stamps the same timestamp on every row."""
    last_in: list[Any] = [object(), None]

    def converted(value: Any) -> Any:
        if value is not last_in[0]:
            last_in[0], last_in[1] = value, convert(value)
        return last_in[1]

    return converted


def _converter(field: Field, connection: Any) -> Callable[[Any], Any] | None:
    """A direct converter for common field types (None: no conversion needed), computed once
    per statement instead of walking get_db_prep_save's chain for every value."""
    if _passes_as_is(field):
        return None
    target = field.target_field if type(field) is ForeignKey else field
    if isinstance(target, EncryptedTextField):
        ring = keyring()
        # What looks_encrypted asks, in one call: "v1:<a configured key id>:" in front.
        sealed = tuple(f"{_ENCRYPTED_PREFIX}{kid}:" for kid in ring.keys)

        def seal(value: Any) -> Any:
            if not value:
                return value
            text = str(value)
            if text.startswith(sealed):
                return text
            return encrypt(text, ring=ring)

        return seal
    if type(target) is UUIDField:
        if connection.features.has_native_uuid_field:
            return None

        def uuid_hex(value: Any) -> Any:
            return value.hex if isinstance(value, uuid.UUID) else value

        # A foreign key usually names the same record on every row (the batch, the user).
        return _same_as_last(uuid_hex) if field.is_relation else uuid_hex
    if type(target) is DateField:
        return lambda v: v.isoformat() if v is not None else None
    if type(target) is DateTimeField:
        return _same_as_last(connection.ops.adapt_datetimefield_value)
    if type(target) is JSONField:
        adapt_json, encoder = connection.ops.adapt_json_value, target.encoder
        if connection.vendor == "postgresql":
            # The statement is a COPY, which sends every value as text: the JSON text itself,
            # which the server reads into jsonb as it reads the adapted value. The driver's
            # adapter would encode it again for every row, remembered or not.
            def adapt_json(value: Any, encoder: Any) -> Any:
                return json.dumps(value, cls=encoder)

        empty_list = adapt_json([], encoder)
        # Most rows hold an empty list (the usual default), and a journal's rows the same
        # small value ({"_version": 1}): each is adapted once, not once per row.
        last: list[Any] = [None, object(), None]
        # Short lists of plain values (a person's assistive needs: a few of a fixed set of
        # codes) repeat across rows: each distinct one is adapted once.
        lists: dict[tuple[Any, ...], Any] = {}

        def adapt(value: Any) -> Any:
            if value is None:
                return None
            if value == []:
                return empty_list
            if (
                value.__class__ is list
                and len(value) <= 8
                and all(v.__class__ in _FLAT for v in value)
            ):
                key = tuple(value)
                adapted = lists.get(key)
                if adapted is None:
                    adapted = adapt_json(list(key), encoder)
                    if len(lists) < 4096:
                        lists[key] = adapted
                return adapted
            if value.__class__ is last[1].__class__ and value == last[1]:
                return last[2]
            adapted = adapt_json(value, encoder)
            # Remembered only when small and flat: comparing large values would cost what it
            # saves, and a copy of a flat dict cannot change behind this back.
            if (
                value.__class__ is dict
                and len(value) <= 4
                and all(v.__class__ in _FLAT for v in value.values())
            ):
                last[1], last[2] = dict(value), adapted
            return adapted

        return adapt
    return lambda v: field.get_db_prep_save(v, connection)


class _Statement:
    """One INSERT (or COPY) of a model's concrete columns, compiled once."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.connection = connections[router.db_for_write(model)]
        self.fields = [f for f in model._meta.concrete_fields if not isinstance(f, _AUTO)]
        self.converters = [
            (i, convert)
            for i, f in enumerate(self.fields)
            if (convert := _converter(f, self.connection)) is not None
        ]
        self.copy = self.connection.vendor == "postgresql"

    def convert(self, values: list[Any]) -> list[Any]:
        for i, convert in self.converters:
            values[i] = convert(values[i])
        return values

    def execute(self, rows: Iterable[list[Any]]) -> None:
        quote = self.connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in self.fields)
        with self.connection.cursor() as cursor:
            if self.copy:
                # Identifiers come from the model's own metadata and are quoted.
                sql = f"COPY {table} ({columns}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
                table, columns, ", ".join(["%s"] * len(self.fields))
            )
            chunk: list[list[Any]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= CHUNK:
                    cursor.executemany(sql, chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)


def fast_insert(model: type[Model], objs: Iterable[Model]) -> int:
    """INSERT model instances (no signals; auto-increment ids stay unset). pre_save runs, so
    auto timestamps are filled as in a save."""
    items = list(objs)
    if not items:
        return 0
    statement = _Statement(model)
    fields = statement.fields
    statement.execute(statement.convert([f.pre_save(obj, True) for f in fields]) for obj in items)
    return len(items)


def fast_insert_values(model: type[Model], rows: list[dict[str, Any]]) -> int:
    """INSERT rows given as {attname: python value}; missing fields take their defaults.
    Skips building instances, which costs more than the insert for narrow rows (audit)."""
    if not rows:
        return 0
    insert = RowInsert(model)
    insert.statement.execute(insert.values(row) for row in rows)
    return len(rows)


class RowInsert:
    """How ``fast_insert_values`` turns a row ({attname: python value}) into the statement's
    values, split so that most of it can run ahead of the write (in an import's worker
    process): ``early(row)`` converts every column but the ``late`` ones, which only the
    writer knows (the batch, the time of the write, the user), and ``finish(values, row)``
    converts those from the final row. ``finish(early(r), r)`` equals ``values(r)`` for a row
    ``r`` that gives every late column."""

    def __init__(self, model: type[Model], late: tuple[str, ...] = ()) -> None:
        self.statement = statement = _Statement(model)
        fields = statement.fields
        # Constant defaults are merged in once per row at C speed; a callable default (a new
        # UUID, a timestamp) is called for each row that lacks the value, as a save would.
        self.per_row = [
            (f.attname, f.get_default)
            for f in fields
            if f.default is not NOT_PROVIDED and callable(f.default)
        ]
        dynamic = {name for name, _make in self.per_row}
        # A choice's default as its plain value, not the enum member (the same text in the
        # database): rows built ahead in a worker process are pickled back, and unpickling
        # an enum member costs a look-up by value.
        self.constant = {
            f.attname: _plain(f.get_default()) for f in fields if f.attname not in dynamic
        }
        self.pick = operator.itemgetter(*[f.attname for f in fields])
        self.single = len(fields) == 1
        position = {f.attname: i for i, f in enumerate(fields)}
        converters = dict(statement.converters)
        self.late = [(position[name], name, converters.get(position[name])) for name in late]
        late_positions = {i for i, _name, _convert in self.late}
        self.early_converters = [(i, c) for i, c in statement.converters if i not in late_positions]

    def _picked(self, row: dict[str, Any]) -> list[Any]:
        merged = {**self.constant, **row}
        for name, make in self.per_row:
            if name not in row:
                merged[name] = make()
        picked = self.pick(merged)
        return [picked] if self.single else list(picked)

    def values(self, row: dict[str, Any]) -> list[Any]:
        return self.statement.convert(self._picked(row))

    def early(self, row: dict[str, Any]) -> list[Any]:
        values = self._picked(row)
        for i, convert in self.early_converters:
            values[i] = convert(values[i])
        return values

    def finish(self, values: list[Any], row: dict[str, Any]) -> list[Any]:
        for i, name, convert in self.late:
            value = row[name]
            values[i] = value if convert is None else convert(value)
        return values


@contextmanager
def bulk_writes(using: str = "default") -> Iterator[None]:
    """Tune the connection for a long run of inserts, and put it back as it was afterwards."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_BULK_CACHE_KIB:d}")
    try:
        yield
    finally:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {before:d}")


class EncodedJson(str):
    """A JSON field's value already encoded (``json.dumps``), by a worker process say:
    ``fast_update`` writes the text as it is."""

    __slots__ = ()


def _update_converter(field: Field, connection: Any) -> Callable[[Any], Any] | None:
    """How ``fast_update`` prepares one column: as a save would, except the common types that
    PostgreSQL's COPY takes as they are (asking the field costs more than the write): None."""
    if isinstance(field, JSONField):
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            def encode(value: Any) -> Any:
                return None if value is None else Jsonb(value)
        else:

            def encode(value: Any) -> Any:
                return field.get_db_prep_save(value, connection)

        return lambda value: str(value) if type(value) is EncodedJson else encode(value)
    if connection.vendor == "postgresql":
        if isinstance(field, (UUIDField, BooleanField, DecimalField, DateField, DateTimeField)):
            return None
        if type(field) in (CharField, TextField):
            return None
        if isinstance(field, ForeignKey) and isinstance(field.target_field, UUIDField):
            return None
    return lambda value: field.get_db_prep_save(value, connection)


def fast_update(model: type[Model], objs: Iterable[Model], fields: list[str]) -> int:
    """Write ``fields`` of many objects back by primary key, values prepared by each field as
    a save would. ``bulk_update`` builds one CASE per field and row, which costs more to
    compile in Python than the database spends on the rows. On PostgreSQL ``COPY`` into a
    session-local table and one joined ``UPDATE``; elsewhere ``UPDATE … WHERE pk = ?`` with
    ``executemany``. No signals, no audit: for computed columns whose inputs are audited where
    they change (a declaration's results, say)."""
    attnames = [model._meta.pk.attname] + [model._meta.get_field(name).attname for name in fields]
    return fast_update_rows(
        model, [[getattr(obj, name) for name in attnames] for obj in objs], fields
    )


def fast_update_rows(
    model: type[Model], rows: list[list[Any]], fields: list[str], *, only_changed: bool = False
) -> int:
    """``fast_update`` of rows given as ``[pk, *values]``, values in the order of ``fields``
    (``only_changed``: see ``DeferredUpdate``)."""
    if not rows:
        return 0
    with DeferredUpdate(model, fields, only_changed=only_changed) as update:
        update.add(rows)
    return len(rows)


class DeferredUpdate:
    """Many ``fast_update_rows`` into one table: rows are sent as they come (``add``: on
    PostgreSQL by ``COPY`` into one session-local table) and applied by ``flush`` (one joined
    ``UPDATE``) or when the block ends. Elsewhere each ``add`` is an ``executemany``.

    ``only_changed``: a row whose stored columns already hold the values sent is not written
    (``IS DISTINCT FROM`` in the ``UPDATE``'s condition): no new row version, no index entries,
    no foreign key check. ``written`` counts the rows the database wrote.

    ``repeated``: JSON fields whose values repeat from row to row (a declared line's checks: a
    few dozen distinct lists among 300,000 lines). On PostgreSQL each distinct value is sent
    once, into a second session-local table, and the rows carry its number: the server parses
    each JSON text once instead of once per row, and the scratch table stays small."""

    def __init__(
        self,
        model: type[Model],
        fields: list[str],
        *,
        only_changed: bool = False,
        repeated: tuple[str, ...] = (),
    ) -> None:
        self.model = model
        self.only_changed = only_changed
        self.written = 0
        self.connection = connections[router.db_for_write(model)]
        meta = model._meta
        self.columns = [meta.get_field(name) for name in fields]
        self.postgresql = self.connection.vendor == "postgresql"
        # Positions in a row ([pk, *values]) of the repeated JSON values (PostgreSQL only).
        self.repeated = [1 + fields.index(name) for name in repeated] if self.postgresql else []
        self.prepare = [
            (n, convert)
            for n, field in enumerate((meta.pk, *self.columns))
            if n not in self.repeated
            and (convert := _update_converter(field, self.connection)) is not None
        ]
        self.scratch = ""
        self.values = ""
        # Each distinct JSON text sent, by its number in the values' table.
        self.numbers: dict[str, int] = {}
        self.waiting = 0

    def __enter__(self) -> DeferredUpdate:
        return self

    def __exit__(self, kind: Any, *_rest: Any) -> None:
        if self.postgresql and self.scratch and self.connection.connection is not None:
            with self.connection.cursor() as cursor:
                if kind is None:
                    self._apply(cursor)
                if not self.connection.needs_rollback and not (
                    kind is not None and self.connection.in_atomic_block
                ):
                    cursor.execute(f"DROP TABLE IF EXISTS {self.scratch}")
                    if self.values:
                        cursor.execute(f"DROP TABLE IF EXISTS {self.values}")

    def _rows(self, rows: list[list[Any]]) -> list[list[Any]]:
        for row in rows:
            for n, convert in self.prepare:
                row[n] = convert(row[n])
        return rows

    def _numbered(self, rows: list[list[Any]]) -> list[tuple[int, str]]:
        """Replace each repeated JSON value by its number; the texts not sent before."""
        numbers, new = self.numbers, []
        for row in rows:
            for n in self.repeated:
                value = row[n]
                if value is None:
                    continue
                # The text the field's own adapter would send (json.dumps, no encoder).
                text = str(value) if type(value) is EncodedJson else json.dumps(value)
                number = numbers.get(text)
                if number is None:
                    number = numbers[text] = len(numbers) + 1
                    new.append((number, text))
                row[n] = number
        return new

    def add(self, rows: list[list[Any]]) -> None:
        """Send ``rows`` (``[pk, *values]``; converted in place)."""
        if not rows:
            return
        rows = self._rows(rows)
        connection, meta = self.connection, self.model._meta
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if not self.postgresql:
                assignments = ", ".join(f"{quote(field.column)} = %s" for field in self.columns)
                table, pk = quote(meta.db_table), quote(meta.pk.column)
                sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
                if self.only_changed:
                    same = " AND ".join(f"{quote(field.column)} IS %s" for field in self.columns)
                    sql += f" AND NOT ({same})"
                    cursor.executemany(sql, [[*row[1:], row[0], *row[1:]] for row in rows])
                else:
                    cursor.executemany(sql, [[*row[1:], row[0]] for row in rows])
                self.written += max(cursor.rowcount, 0)
                return
            if not self.scratch:
                # Only quoted names and column types from the model go into the text.
                self.scratch = quote(f"fast_update_{meta.db_table}"[:63])
                definitions = ", ".join(
                    [f"pk {meta.pk.db_type(connection)}"]
                    + [
                        f"c{n} "
                        + ("integer" if n + 1 in self.repeated else field.db_type(connection))
                        for n, field in enumerate(self.columns)
                    ]
                )
                cursor.execute(f"DROP TABLE IF EXISTS {self.scratch}")
                cursor.execute(f"CREATE TEMP TABLE {self.scratch} ({definitions})")
                if self.repeated:
                    self.values = quote(f"fast_update_{meta.db_table}"[:56] + "_values")
                    cursor.execute(f"DROP TABLE IF EXISTS {self.values}")
                    cursor.execute(
                        f"CREATE TEMP TABLE {self.values} (n integer PRIMARY KEY, v jsonb)"
                    )
            if self.repeated:
                new = self._numbered(rows)
                if new:
                    with cursor.cursor.copy(f"COPY {self.values} FROM STDIN") as copy:
                        for entry in new:
                            copy.write_row(entry)
                    cursor.execute(f"ANALYZE {self.values}")
            # COPY, not parameters: Django binds parameters on the client, so a long VALUES
            # list costs more to quote in Python than the update costs the server.
            with cursor.cursor.copy(f"COPY {self.scratch} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        self.waiting += len(rows)

    def flush(self) -> None:
        """Apply the rows sent so far."""
        if self.postgresql and self.waiting:
            with self.connection.cursor() as cursor:
                self._apply(cursor)

    def _apply(self, cursor: Any) -> None:
        if not self.waiting:
            return
        quote = self.connection.ops.quote_name
        meta = self.model._meta
        table, pk = quote(meta.db_table), quote(meta.pk.column)
        # Without statistics the planner guesses the scratch table's size and may scan the
        # whole target table for every call instead of probing its key. Only the key's: the
        # statistics of a JSON column (the checks) cost more than the update.
        cursor.execute(f"ANALYZE {self.scratch} (pk)")
        # A repeated JSON value: its text by its number, from the values' table.
        sent = [
            f"j{n}.v" if n + 1 in self.repeated else f"v.c{n}" for n in range(len(self.columns))
        ]
        joins = "".join(
            f" LEFT JOIN {self.values} AS j{n - 1} ON j{n - 1}.n = v.c{n - 1}"
            for n in self.repeated
        )
        sets = ", ".join(
            f"{quote(field.column)} = {value}"
            for field, value in zip(self.columns, sent, strict=True)
        )
        changed = ""
        if self.only_changed:
            stored = ", ".join(f"{table}.{quote(field.column)}" for field in self.columns)
            changed = f" AND ({stored}) IS DISTINCT FROM ({', '.join(sent)})"
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM {self.scratch} AS v{joins} "  # noqa: S608
            f"WHERE {table}.{pk} = v.pk{changed}"
        )
        self.written += max(cursor.rowcount, 0)
        cursor.execute(f"TRUNCATE {self.scratch}")
        self.waiting = 0
