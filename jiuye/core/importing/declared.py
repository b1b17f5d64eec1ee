"""A declared import kind: model, natural key, writer roles and typed fields, plus one domain
``validate`` hook. Everything else is written once for every kind: typed conversion,
the writer check, in-file duplicates, the look-up of existing rows per chunk, change detection
(a column the file does not have leaves its field alone), the bulk write with many-to-many
rows, batch stamping, the journal, audit entries, rollback that refuses when a row was edited
since (those in ``journal``), and the export from the same fields, so every export imports back.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import DateField, IntegerField, Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.importing.base import (
    CellError,
    ImportFileError,
    ImportKind,
    RowOutcome,
    apply_row,
)
from jiuye.core.importing.fields import Field, FieldError, ManyLookup, fold
from jiuye.core.importing.journal import JournalledWrites, actor

ErrorSink = Callable[[str, str], None]


class DeclaredKind(JournalledWrites, ImportKind):
    """Subclass, declare, register with ``register_kind``. Class attributes:

    - ``model``, ``fields`` (typed ``Field``s, in template order), ``natural_key`` (field
      keys whose values identify a record), ``key_label`` (how duplicates are named);
    - ``writers``: roles that may import (None: any role the upload page admits);
    - ``create_defaults``: values of a new record for columns the file does not have;
    - ``changed_since``, ``in_use``: the messages of a refused rollback.

    Hooks: ``resolve`` (row values → records, scope checks), ``validate`` (the domain check
    the service and form use, with the record as it is now), ``before_write`` (values
    computed over a whole chunk, e.g. review flags, kept in the journal), ``after_write`` and
    ``after_rollback`` (dirty regions, recomputed cases), ``export_queryset``.
    """

    fields: tuple[Field, ...] = ()
    natural_key: tuple[str, ...] = ()
    writers: tuple[str, ...] | None = None
    who: Any = gettext_lazy("这类数据")
    # The message for a role that may not import this kind (None: "只有……可以导入……").
    refused: Any = None
    create_defaults: dict[str, Any] = {}
    changed_since: Any = gettext_lazy(
        "这个批次导入的“%(record)s”之后又被修改过，不能自动撤销。请先撤销后面的批次，或逐个修改。"
    )
    in_use: Any = gettext_lazy(
        "这个批次导入的记录已被其他记录使用（%(error)s），不能撤销。如导入有误，请逐个修改或归档。"
    )

    def __init__(self) -> None:
        self.columns = self.fields
        self._by_key = {f.key: f for f in self.fields}

    @property
    def label_model(self) -> str:
        return self.model._meta.label

    @property
    def versioned(self) -> bool:
        return _versioned(self.model)

    # --- reading a row -------------------------------------------------------------------

    def begin(self) -> None:
        self._writer_checked = False
        for f in self.fields:
            f.reset()

    def check_writer(self, by: Any) -> None:
        if self._writer_checked or self.writers is None or actor(by) is None:
            return
        if by.role not in self.writers:
            if self.refused is not None:
                raise ImportFileError(str(self.refused))
            labels = dict(type(by)._meta.get_field("role").flatchoices)
            raise ImportFileError(
                _("只有%(roles)s可以导入%(what)s。")
                % {
                    "roles": "、".join(str(labels.get(r, r)) for r in self.writers),
                    "what": self.who,
                }
            )
        self._writer_checked = True

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        self.check_writer(by)
        out = RowOutcome()

        def error(key: str, message: str) -> None:
            out.errors.append(CellError(key, str(message)))

        for key, text in values.items():
            f = self._by_key[key]
            try:
                out.data[key] = f.parse(text, by=by) if text.strip() else f.empty()
            except FieldError as exc:
                error(key, f.invalid % {"v": text.strip()} if f.invalid else exc.message)
        if out.errors:
            return out
        self.resolve(out.data, error, by=by)
        if not out.errors:
            out.key = self.key_of(out.data)
        return out

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        """Turn row values into what the natural key and the write need (a course found by
        title and date, a person in the user's scope); report what does not fit."""

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        """The domain check, with the record as it is now (None for a new one). Returns
        ``{field key or "": [messages]}`` (a ValidationError's message_dict will do)."""
        return {}

    def check(self, data: dict[str, Any], current: Model | None, *, by: Any) -> list[CellError]:
        problems = self.validate(data, current, by=by) or {}
        return [
            CellError(key if key in self._by_key else "", str(message))
            for key, messages in problems.items()
            for message in messages
        ]

    # --- natural keys and existing records ----------------------------------------------

    def key_part(self, value: Any) -> str:
        if isinstance(value, Model):
            return str(value.pk)
        if isinstance(value, dt.date):
            return value.isoformat()
        return fold(str(value))

    def key_of(self, data: dict[str, Any]) -> str:
        return "|".join(self.key_part(data.get(k)) for k in self.natural_key)

    def _key_field(self, key: str) -> Any:
        """The model field a natural-key part stands for: a declared field's target, or a
        model attribute that ``resolve`` put into the row (an enrolment found from two
        columns)."""
        f = self._by_key.get(key)
        return self.model._meta.get_field(f.target if f is not None else key)

    def record_key(self, record: Model) -> str:
        parts = []
        for key in self.natural_key:
            field = self._key_field(key)
            value = getattr(record, field.attname)
            parts.append(str(value) if field.is_relation else self.key_part(value))
        return "|".join(parts)

    def existing_queryset(self) -> Any:
        return self.model._default_manager.all()

    def existing(self, keys: list[str]) -> dict[str, Model]:
        """Records of this chunk's keys, matched in Python on the whole key. The query is
        narrowed on the first key part when it is a record, a date or a number; a kind whose
        first part is free text overrides this (or the whole table is read per chunk)."""
        field = self._key_field(self.natural_key[0])
        parts = {key.split("|", 1)[0] for key in keys}
        candidates = self.existing_queryset()
        if field.is_relation:
            candidates = candidates.filter(**{f"{field.attname}__in": parts})
        elif isinstance(field, DateField):
            dates = [dt.date.fromisoformat(p) for p in parts]
            candidates = candidates.filter(**{f"{field.attname}__in": dates})
        elif isinstance(field, IntegerField):
            candidates = candidates.filter(**{f"{field.attname}__in": [int(p) for p in parts]})
        wanted, found = set(keys), {}
        for record in candidates.order_by("-created_at"):
            key = self.record_key(record)
            if key in wanted and key not in found:
                found[key] = record
        return found

    def merged(self, data: dict[str, Any], current: Model | None) -> dict[str, Any]:
        """The row's values by field key, with the record's own where the file has no column:
        what a domain check must see."""
        values = {}
        if current is not None:
            for f in self.fields:
                if f.target and not isinstance(f, ManyLookup):
                    values[f.key] = getattr(current, f.target)
        values.update(data)
        return values

    # --- writing ------------------------------------------------------------------------

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        """Model attributes a row sets: each field's, and the natural-key parts that
        ``resolve`` found (records not typed in a column of their own)."""
        values: dict[str, Any] = {}
        for key, value in data.items():
            f = self._by_key.get(key)
            if f is not None:
                values.update(f.values(value))
            elif key in self.natural_key:
                values[key] = value
        return values

    # Model attributes a kind sets from several columns (``model_values`` overridden).
    also_updates: tuple[str, ...] = ()

    def updatable(self) -> list[str]:
        names = list(self.also_updates)
        for f in self.fields:
            if f.update and f.key not in self.natural_key:
                names.extend(f.values(None))
        return names

    def many(self) -> list[ManyLookup]:
        return [f for f in self.fields if isinstance(f, ManyLookup)]

    def prepare(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        who = actor(by)
        values = self.model_values(data)
        if current is None:
            record = self.model(
                id=uuid.uuid4(),
                created_by=who,
                updated_by=who,
                **{**self.create_defaults, **values},
            )
            record._many = {f.target: data.get(f.key, []) for f in self.many()}
            return record, {}
        changes = apply_row(current, values, self.updatable())
        for f in self.many():
            before = sorted(r.pk for r in getattr(current, f.target).all())
            if f.key in data and data[f.key] != before:
                changes[f.target] = (before, data[f.key])
        if not changes:
            return None
        current.updated_by = who
        return current, changes

    # --- export -------------------------------------------------------------------------

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        return [f.export(obj, reveal=reveal) for f in self.fields]


@functools.cache
def _versioned(model: type[Model]) -> bool:
    # Asked for every record a write journals: the fields are walked once per model.
    return any(f.name == "version" for f in model._meta.concrete_fields)
