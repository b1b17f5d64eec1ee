"""Several querysets, of any models, read in one statement: ``read_together`` sends one
``UNION ALL`` in which each queryset's rows are one JSON object (its fields and those of the
relations it ``select_related``, and its annotations), and gives back the model instances,
related objects cached, as if each queryset had been read on its own (ADR 0009).

What the instances lack: deferred fields (every concrete field is read), ``prefetch_related``
and many-valued relations. A field whose value comes back through JSON is converted by its
type (dates, moments, decimals, UUIDs) and by its ``from_db_value`` (e.g. encrypted text)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connections, models
from django.db.models import F, IntegerField, QuerySet, Value, Window
from django.db.models.functions import JSONObject, RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

# PostgreSQL's functions take at most 100 arguments: a JSON object of at most 40 keys, and
# bigger rows nested as several.
CHUNK = 40
SOURCE = "together_source"
ROW = "together_row"
ORDER = "together_order"


def _convert(field: models.Field, value: Any, connection: Any) -> Any:
    """A value read back from JSON, as the field would have read it from its column."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        return moment
    if isinstance(field, models.DateField):
        return value if isinstance(value, dt.date) else parse_date(str(value))
    if isinstance(field, models.DecimalField):
        number = Decimal(str(value))
        return number.quantize(Decimal(1).scaleb(-field.decimal_places))
    if isinstance(field, models.JSONField):
        # SQLite puts a JSON column's text into the object as a string; PostgreSQL nests it.
        return json.loads(value) if connection.vendor == "sqlite" else value
    if hasattr(field, "from_db_value"):
        return field.from_db_value(value, None, connection)
    if isinstance(field, models.ForeignKey):
        return field.target_field.to_python(value)
    return field.to_python(value)


def _paths(queryset: QuerySet[Any]) -> list[tuple[str, ...]]:
    """The relations the queryset selects with its rows, parents before children."""
    selected = queryset.query.select_related
    paths: list[tuple[str, ...]] = [()]

    def walk(tree: Any, prefix: tuple[str, ...]) -> None:
        for name, below in (tree or {}).items():
            paths.append((*prefix, name))
            walk(below, (*prefix, name))

    if selected is True:
        raise ValueError("read_together needs the relations named in select_related")
    walk(selected, ())
    return paths


def _model_at(model: type[models.Model], path: tuple[str, ...]) -> list[Any]:
    """The relation fields along ``path`` (forward or reverse one-to-one, or many-to-one)."""
    fields = []
    for name in path:
        field = model._meta.get_field(name)
        fields.append(field)
        model = field.related_model
    return fields


def _concrete(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


class _Plan:
    """How one queryset's rows are written as JSON and read back."""

    def __init__(self, queryset: QuerySet[Any]) -> None:
        self.model = queryset.model
        self.paths = [(path, _model_at(self.model, path)) for path in _paths(queryset)]
        self.annotations = {
            name: expression.output_field for name, expression in queryset.query.annotations.items()
        }
        self.keys: dict[str, dict[str, Any]] = {}
        for number, (path, relations) in enumerate(self.paths):
            model = relations[-1].related_model if relations else self.model
            prefix = "".join(f"{name}__" for name in path)
            fields = _concrete(model)
            for start in range(0, len(fields), CHUNK):
                chunk = fields[start : start + CHUNK]
                key = f"{number}.{start // CHUNK}"
                self.keys[key] = {f.attname: F(prefix + f.attname) for f in chunk}
        for name in self.annotations:
            self.keys[f"@{name}"] = {name: F(name)}

    def expression(self) -> JSONObject:
        return JSONObject(**{key: JSONObject(**parts) for key, parts in self.keys.items()})

    def instance(self, row: dict[str, Any], db: str) -> models.Model:
        connection = connections[db]
        built: dict[tuple[str, ...], models.Model | None] = {}
        for number, (path, relations) in enumerate(self.paths):
            model = relations[-1].related_model if relations else self.model
            values: dict[str, Any] = {}
            for key, part in row.items():
                if key.startswith(f"{number}."):
                    values.update(part)
            fields = _concrete(model)
            pk = values.get(model._meta.pk.attname)
            if path and pk is None:
                obj = None
            else:
                converted = [_convert(f, values.get(f.attname), connection) for f in fields]
                obj = model.from_db(db, [f.attname for f in fields], converted)
            built[path] = obj
            if path:
                parent = built[path[:-1]]
                if parent is not None:
                    relation = relations[-1]
                    relation.set_cached_value(parent, obj)
                    if obj is not None and relation.one_to_one and not relation.concrete:
                        relation.field.set_cached_value(obj, parent)
        root = built[()]
        assert root is not None
        for name, output in self.annotations.items():
            setattr(root, name, _convert(output, row[f"@{name}"][name], connection))
        return root


def read_together(querysets: Sequence[QuerySet[Any]]) -> list[list[Any]]:
    """Each queryset's instances, in its order, read in one statement (none for no queryset)."""
    if not querysets:
        return []
    plans = [_Plan(queryset) for queryset in querysets]
    parts = []
    for number, (queryset, plan) in enumerate(zip(querysets, plans, strict=True)):
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering or ("pk",))
        parts.append(
            queryset.values(
                **{
                    SOURCE: Value(number, output_field=IntegerField()),
                    ORDER: Window(RowNumber(), order_by=ordering),
                    ROW: plan.expression(),
                }
            ).order_by()
        )
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    db = combined.db
    results: list[list[tuple[int, Any]]] = [[] for _ in querysets]
    for found in combined:
        row = found[ROW]
        if isinstance(row, str):
            row = json.loads(row)
        results[found[SOURCE]].append((found[ORDER], plans[found[SOURCE]].instance(row, db)))
    return [[obj for _, obj in sorted(rows, key=lambda pair: pair[0])] for rows in results]
