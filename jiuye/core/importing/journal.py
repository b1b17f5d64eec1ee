"""The write half of a declared kind, the same for every kind: the bulk write (changed
fields only, many-to-many rows, batch stamp, version or time-of-change stamp), one journal
shape, audit entries, and rollback that refuses when a row was edited after the import."""

from __future__ import annotations

import datetime as dt
import json
import operator
from dataclasses import dataclass
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db.models import CASCADE, Model, ProtectedError, signals
from django.utils import timezone

from jiuye.core.audit import audit_bulk
from jiuye.core.bulk import RowInsert, fast_insert, fast_insert_values
from jiuye.core.conflicts import actor
from jiuye.core.crypto import EncryptedTextField, encrypt
from jiuye.core.importing.base import RollbackError, journal_value
from jiuye.core.models import ImportBatch, ImportRecord

Changes = dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class Undone:
    """What a rollback undid, for the kind's ``after_rollback``: the batch, the records it had
    created (now deleted), the records put back with their changes, and who rolled back."""

    batch: ImportBatch
    created: list[Model]
    restored: list[tuple[Model, Changes]]
    by: Any

    @property
    def records(self) -> list[Model]:
        """Every record the rollback touched: the deleted ones and the ones put back."""
        return [*self.created, *(record for record, _diff in self.restored)]


class JournalledWrites:
    """Mixed into ``DeclaredKind``; needs ``model``, ``many()``, ``versioned``,
    ``label_model``, ``changed_since`` and ``in_use`` from it.

    A change named ``"<relation>.<field>"`` in ``prepare``'s changes (a service record's
    needs registration, say) is a related record's: it counts the row as updated, is audited
    and journalled with the rest, but the kind writes it (``after_write``) and puts it back
    (``after_rollback`` gets it in ``restored`` as ``(None, value before)``). An update's
    journal entry also keeps the batch that wrote the record before (``import_batch_id``),
    which a rollback puts back."""

    model: Any
    changed_since: Any
    in_use: Any

    def _through(self, name: str) -> tuple[Any, str, str]:
        relation = self.model._meta.get_field(name)
        through = relation.remote_field.through
        source = relation.m2m_field_name() + "_id"
        target = relation.m2m_reverse_field_name() + "_id"
        return through, source, target

    def _stamp(self, record: Model) -> dict[str, Any]:
        if self.versioned:
            return {"_version": record.version}
        return {"_updated_at": record.updated_at.isoformat()}

    def _stored(self, name: str, value: Any) -> Any:
        field = self._concrete().get(name)
        if isinstance(field, EncryptedTextField):
            return encrypt(value) if value else ""
        return journal_value(value)

    def _concrete(self) -> dict[str, Any]:
        return {f.attname: f for f in self.model._meta.concrete_fields}

    @property
    def stamped(self) -> bool:
        """Whether each record remembers the batch that last wrote it (``import_batch``)."""
        return "import_batch_id" in self._concrete()

    def write(
        self,
        *,
        creates: list[Model],
        updates: list[tuple[Model, Changes]],
        batch: ImportBatch,
        by: Any,
    ) -> None:
        self.before_write(creates=creates, updates=updates, by=by)
        who, now = actor(by), timezone.now()
        many = {f.target for f in self.many()}
        links: dict[str, list[Any]] = {name: [] for name in many}
        stamped = self.stamped
        for record in creates:
            if stamped:
                record.import_batch = batch
            record.created_at = record.updated_at = now
            for name in many:
                links[name].extend((record.pk, key) for key in record._many.get(name, []))
        self.insert(creates)
        was, batches = {}, {}
        for record, diff in updates:
            was[record.pk] = record.updated_at
            if stamped:
                # The batch before this one comes back with a rollback.
                batches[record.pk] = {"import_batch_id": journal_value(record.import_batch_id)}
                record.import_batch = batch
            record.updated_at = now
            if self.versioned:
                record.version += 1
            for name in many & set(diff):
                through, source, _target = self._through(name)
                through.objects.filter(**{source: record.pk}).delete()
                links[name].extend((record.pk, key) for key in diff[name][1])
        if updates:
            # "needs.desired_jobs": a related record's value, written by the kind's after_write.
            names = {n for _r, diff in updates for n in diff if n not in many and "." not in n}
            names |= {"updated_by_id", "updated_at"} | ({"import_batch_id"} if stamped else set())
            if self.versioned:
                names.add("version")
            concrete = self._concrete()
            self.model._default_manager.bulk_update(
                [r for r, _d in updates], sorted(concrete[n].name for n in names), batch_size=1000
            )
        for name, pairs in links.items():
            through, source, target = self._through(name)
            through.objects.bulk_create(
                [through(**{source: a, target: b}) for a, b in pairs], batch_size=1000
            )
        # Plain rows: one per created record is most of a large import's journal. They differ
        # only by the record and its stamp, so the rest is converted once and copied.
        label = self.label_model
        if creates:
            insert = RowInsert(ImportRecord, late=("object_id", "before"))
            alike = insert.early(
                {"batch_id": batch.pk, "model": label, "action": ImportRecord.Action.CREATED}
            )
            stamp = self._created_stamp(creates)
            if stamp is not None:
                _journal_alike(insert, alike, [str(r.pk) for r in creates], stamp)
            else:
                insert.statement.execute(
                    insert.finish(alike.copy(), {"object_id": str(r.pk), "before": self._stamp(r)})
                    for r in creates
                )
        journal = []
        for record, diff in updates:
            before = {n: self._stored(n, b) for n, (b, _a) in diff.items()}
            before.update(batches.get(record.pk, {}))
            before.update(self._stamp(record), _was=was[record.pk].isoformat())
            journal.append(
                {
                    "batch_id": batch.pk,
                    "model": label,
                    "object_id": str(record.pk),
                    "action": ImportRecord.Action.UPDATED,
                    "before": before,
                }
            )
        fast_insert_values(ImportRecord, journal)
        self.audit_creates(creates, batch=batch, by=who)
        if updates:
            audit_bulk(
                model=self.model,
                changes=updates,
                action=LogEntry.Action.UPDATE,
                actor=who,
                batch=str(batch.pk),
            )
        self.after_write(creates=creates, updates=updates, batch=batch, by=by)

    def _created_stamp(self, creates: list[Model]) -> dict[str, Any] | None:
        """The journal stamp every created record of one write shares (created records start
        at the same version), or None if they differ (a time of change the insert set per
        record)."""
        key = operator.attrgetter("version" if self.versioned else "updated_at")
        first = key(creates[0])
        return self._stamp(creates[0]) if all(key(r) == first for r in creates) else None

    def insert(self, creates: list[Model]) -> None:
        fast_insert(self.model, creates)

    def audit_creates(self, creates: list[Model], *, batch: ImportBatch, by: Any) -> None:
        if creates:
            audit_bulk(
                model=self.model,
                changes=[(r, {"import_batch": (None, batch.pk)}) for r in creates],
                action=LogEntry.Action.CREATE,
                actor=by,
                batch=str(batch.pk),
            )

    def before_write(
        self, *, creates: list[Model], updates: list[tuple[Model, Changes]], by: Any
    ) -> None:
        """Values computed over the whole chunk before it is written (review flags that
        compare a row with the others); a change added to an update's changes is written,
        journaled and audited like the row's own."""

    def after_write(
        self, *, creates: list[Model], updates: list[tuple[Model, Changes]], batch: Any, by: Any
    ) -> None:
        """Whatever else a write changes (dirty regions, recomputed cases, review flags)."""

    # --- rollback -----------------------------------------------------------------------

    def edited_since(self, record: Model, before: dict[str, Any]) -> bool:
        if "_version" in before:
            return record.version != before["_version"]
        if "_updated_at" in before:
            return record.updated_at.isoformat() != before["_updated_at"]
        return False

    def rollback(self, batch: ImportBatch, *, by: Any) -> None:
        who = actor(by)
        journal = list(ImportRecord.objects.filter(batch=batch, model=self.label_model))
        ids = [e.object_id for e in journal]
        records = {
            str(r.pk): r
            for part in _parts(ids)
            for r in self.model._default_manager.filter(pk__in=part)
        }
        for entry in journal:
            record = records.get(entry.object_id)
            if record is not None and self.edited_since(record, entry.before):
                raise RollbackError(self.changed_since % {"record": record})
        created = [
            records[e.object_id]
            for e in journal
            if e.action == ImportRecord.Action.CREATED and e.object_id in records
        ]
        self.before_rollback(batch=batch, created=created, by=by)
        try:
            for pks in _parts([r.pk for r in created]):
                for f in self.many():
                    through, source, _target = self._through(f.target)
                    through.objects.filter(**{f"{source}__in": pks}).delete()
            delete_audited(self.model, created, batch=batch, who=who)
        except ProtectedError as exc:
            names = "、".join(sorted({str(o._meta.verbose_name) for o in exc.protected_objects}))
            raise RollbackError(self.in_use % {"error": names}) from exc
        restored = self._restore(journal, records, who)
        if restored:
            audit_bulk(
                model=self.model,
                changes=restored,
                action=LogEntry.Action.UPDATE,
                actor=who,
                batch=str(batch.pk),
            )
        self.after_rollback(Undone(batch, created, restored, by))

    def _restore(
        self, journal: list[ImportRecord], records: dict[str, Model], who: Any
    ) -> list[tuple[Model, Changes]]:
        concrete, many = self._concrete(), {f.target for f in self.many()}
        restored = []
        for entry in journal:
            record = records.get(entry.object_id)
            if entry.action != ImportRecord.Action.UPDATED or record is None:
                continue
            values, diff = {}, {}
            for name, stored in entry.before.items():
                if name.startswith("_"):
                    continue
                if name in many:
                    through, source, target = self._through(name)
                    through.objects.filter(**{source: record.pk}).delete()
                    through.objects.bulk_create(
                        [through(**{source: record.pk, target: key}) for key in stored]
                    )
                    continue
                if "." in name:  # a related record's: put back by the kind's after_rollback
                    diff[name] = (None, stored)
                    continue
                field = concrete[name]
                value = stored if isinstance(field, EncryptedTextField) else _python(field, stored)
                values[name] = value
                diff[name] = (getattr(record, name), value)
            if self.versioned:
                # The version before the import: a form opened then may save again, one
                # opened on the imported values sees a conflict.
                values["version"] = entry.before["_version"] - 1
            # Unversioned records get back their time of change, so an earlier batch that
            # wrote them can still be undone after this one.
            was = entry.before.get("_was")
            values["updated_at"] = (
                dt.datetime.fromisoformat(was) if was and not self.versioned else timezone.now()
            )
            self.model._default_manager.filter(pk=record.pk).update(updated_by=who, **values)
            restored.append((record, diff))
        return restored

    def before_rollback(self, *, batch: ImportBatch, created: list[Model], by: Any) -> None:
        """Refuse (RollbackError) or tidy up before the batch's records go."""

    def after_rollback(self, undone: Undone) -> None:
        """Whatever else undoing the batch changes (dirty regions, recomputed cases)."""


def delete_audited(
    model: type[Model], records: list[Model], *, batch: ImportBatch, who: Any
) -> None:
    """Delete records a rollback removes, each audited once, with the batch and its values.
    auditlog's signal would add a second entry per record, and for each record read its
    reverse one-to-ones first (a person: two queries and an insert, 84 % of the time to roll
    back 20,000 persons on PostgreSQL), so it is off for them. The audited records a deletion
    cascades to (a person's consents) are deleted first, as any deletion is, so each of them
    still gets its entry from the signal."""
    audit_bulk(
        model=model,
        changes=[(r, _deleted_values(model, r)) for r in records],
        action=LogEntry.Action.DELETE,
        actor=who,
        batch=str(batch.pk),
    )
    cascaded = _cascaded(model)
    for pks in _parts([r.pk for r in records]):
        for relation in cascaded:
            relation.related_model._base_manager.filter(
                **{f"{relation.field.name}__in": pks}
            ).delete()
        with disable_auditlog():
            model._default_manager.filter(pk__in=pks).delete()


def _deleted_values(model: type[Model], record: Model) -> Changes:
    """A deleted record's stored values, as auditlog's entry for a deletion keeps them (its own
    fields, without those the model's audit leaves out; none that is empty)."""
    if not auditlog.contains(model):
        return {}
    left_out = set(auditlog.get_model_fields(model)["exclude_fields"])
    return {
        f.name: (value, None)
        for f in model._meta.concrete_fields
        if f.name not in left_out and (value := getattr(record, f.attname)) is not None
    }


def _cascaded(model: type[Model]) -> list[Any]:
    """The relations to ``model`` whose records go with it (``CASCADE``) and whose deletion
    sends signals (audited models): the ones a deletion of ``model`` would audit."""
    return [
        relation
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.auto_created
        and not relation.concrete
        and (relation.one_to_one or relation.one_to_many)
        and relation.on_delete is CASCADE
        and (
            signals.pre_delete.has_listeners(relation.related_model)
            or signals.post_delete.has_listeners(relation.related_model)
        )
    ]


def _journal_alike(
    insert: RowInsert, alike: list[Any], ids: list[str], stamp: dict[str, Any]
) -> None:
    """The journal rows of records created by one write, which differ only by the record:
    one ``INSERT … SELECT`` over the ids sent as one JSON array, in their order (the rows,
    their ids and their order are those of a row-by-row insert; the database builds them
    instead of the importing process, ≈ 10 % of a large persons import's own time)."""
    statement = insert.statement
    connection = statement.connection
    quote = connection.ops.quote_name
    postgresql = connection.vendor == "postgresql"
    values = insert.finish(alike.copy(), {"object_id": "", "before": stamp})
    selected, params = [], []
    for position, field in enumerate(statement.fields):
        if field.attname == "object_id":
            selected.append("j.value")
        elif postgresql and field.get_internal_type() == "JSONField":
            selected.append("CAST(%s AS jsonb)")
            params.append(values[position])
        else:
            selected.append("%s")
            params.append(values[position])
    if postgresql:
        source = (
            "json_array_elements_text(CAST(%s AS json)) WITH ORDINALITY AS j(value, n) ORDER BY j.n"
        )
    else:
        source = "json_each(%s) AS j ORDER BY j.key"
    table = quote(statement.model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in statement.fields)
    # Identifiers from the model's metadata, quoted; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) SELECT {', '.join(selected)} FROM {source}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, json.dumps(ids)])


def _parts(items: list[Any], size: int = 900) -> list[list[Any]]:
    """Slices small enough for one ``IN (…)`` on every database (SQLite counts parameters)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def _python(field: Any, stored: Any) -> Any:
    if stored is None:
        return None
    if field.is_relation:
        return field.target_field.to_python(stored)
    return field.to_python(stored)
