"""The audit trail (changes, via django-auditlog) and the access log (reveals, exports, sign-ins).

Single-row saves of registered models are recorded by auditlog's signals, with the actor taken
from the request by its middleware. Bulk writes skip signals, so every bulk service calls
``audit_bulk`` with the same before/after shape.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.bulk import fast_insert_values
from jiuye.core.labels import field_label, parse_list, value_label
from jiuye.core.models import AccessEvent
from jiuye.core.together import read_together

# Never copied into the audit trail: secrets, and encrypted identifiers (their blind index
# still shows that the value changed).
SENSITIVE_FIELDS = [
    "password",
    "security_stamp",
    "last_login",
    "id_number",
    "certificate_number",  # holds the whole ID number
    "phone",
]


def register(model: type[Model], *, exclude: Sequence[str] = ()) -> None:
    auditlog.register(model, exclude_fields=[*SENSITIVE_FIELDS, *exclude])


def created_fresh(instance: Model) -> Model:
    """Tell an instance about to be saved as a new row that no row points at it through a
    one-to-one yet (none can). auditlog's diff of a created row reads every relation of the
    model, reverse one-to-ones included, and otherwise asks the database for each: it finds
    nothing and remembers that, the state this leaves without the queries (3 for an account, 5
    for a person)."""
    for relation in instance._meta.related_objects:
        if relation.one_to_one:
            relation.set_cached_value(instance, None)
    return instance


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def audit_bulk(
    *,
    model: type[Model],
    changes: Iterable[tuple[Model, dict[str, tuple[Any, Any]]]],
    action: int,
    actor: Any = None,
    batch: str = "",
    additional_data: dict[str, Any] | None = None,
) -> int:
    """Write one audit entry per row of a bulk create/update/delete.

    ``changes`` pairs each object with ``{field: (before, after)}``; ``batch`` ties the entries
    to an import batch so the trail can be read per import. ``additional_data`` is stored on
    every entry beside the batch (e.g. the ids of the records a summary entry stands for).
    """
    content_type_id = ContentType.objects.get_for_model(model).pk
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    now = timezone.now()
    extra = {**({"batch": batch} if batch else {}), **(additional_data or {})} or None
    entries = [
        {
            "content_type_id": content_type_id,
            "object_pk": str(obj.pk),
            "object_repr": str(obj)[:200],
            "action": action,
            "changes": {
                name: [_text(before), _text(after)]
                for name, (before, after) in diff.items()
                if name not in SENSITIVE_FIELDS
            },
            "changes_text": "",
            "actor_id": actor_id,
            "timestamp": now,
            "additional_data": extra,
        }
        for obj, diff in changes
    ]
    fast_insert_values(LogEntry, entries)
    return len(entries)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log(
    *,
    action: str,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    obj: Model | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AccessEvent:
    """Append one entry to the access log."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return AccessEvent.objects.create(
        action=action,
        user=user if getattr(user, "pk", None) else None,
        username=username or getattr(user, "username", ""),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        reason=reason,
        detail=detail or {},
        ip_address=client_ip(request),
    )


# Bookkeeping every record has: the entry itself says who and when; the row names the record.
_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
BOOKKEEPING_FIELDS = {"id", "version", "created_at", "created_by", "updated_at", "updated_by"}


@dataclass
class ChangeRow:
    label: str
    before: str
    after: str


def describe_entries(entries: Sequence[LogEntry]) -> None:
    """Give each change-log entry what the page shows: ``action_label`` and ``change_rows``
    (field label, value before, value after), in words a user reads: labels instead of field
    codes, choice labels, local times and the related records' names (one query for the whole
    page, whatever the models). Fields with no label (search terms, blind indexes) are left
    out."""
    action_labels = {
        LogEntry.Action.CREATE: _("新增"),
        LogEntry.Action.UPDATE: _("修改"),
        LogEntry.Action.DELETE: _("删除"),
        LogEntry.Action.ACCESS: _("查看"),
    }
    plans = []
    wanted: dict[Any, set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        fields = []
        for name, values in (entry.changes_dict or {}).items():
            field = _shown_field(model, name)
            if field is None:
                continue
            fields.append((field, values))
            if getattr(field, "related_model", None) is not None:
                wanted[field.related_model].update(_keys(values))
        plans.append((entry, fields))
    related = _related_names(wanted)
    for entry, fields in plans:
        entry.action_label = action_labels.get(entry.action, "")
        # A record without a name of its own was logged under ids: show none rather than codes
        # (the changes below name the person, course or referral it belongs to).
        code = entry.object_repr == entry.object_pk or _UUID.search(entry.object_repr)
        code = code or " object (" in entry.object_repr
        entry.object_label = "" if code else entry.object_repr
        # An import's entries link to its batch; other bulk writes (the demo data) name theirs.
        extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        batch = str(extra.get("batch") or "")
        entry.import_batch = _uuid_text(batch)
        entry.bulk_source = "" if entry.import_batch else batch
        entry.change_rows = [
            ChangeRow(
                field_label(field.model, field.name),
                value_label(field, values[0] if values else None, related),
                value_label(field, values[1] if len(values) > 1 else None, related),
            )
            for field, values in fields
        ]


def _uuid_text(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return ""


def _shown_field(model: type[Model] | None, name: str) -> Any:
    if model is None or name in BOOKKEEPING_FIELDS or name in SENSITIVE_FIELDS:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "concrete", False) and not getattr(field, "many_to_many", False):
        return None  # a reverse relation
    return field if field_label(model, name) else None


def _keys(values: Sequence[Any]) -> set[str]:
    """The keys of related records a change names: one per value, or each item of a list (a
    many-to-many field's change, as an import audits it)."""
    keys = set()
    for value in values:
        if value in (None, "None"):
            continue
        items = parse_list(str(value))
        keys.update(str(item) for item in (items if items is not None else [value]))
    return keys


def _related_names(wanted: dict[Any, set[str]]) -> dict[tuple[Any, str], str]:
    """The names of the records, of any models, read in one statement (``read_together``).
    A model whose name shows a related record's declares it (``name_relations``), which is
    selected with it: naming them all then costs no further query."""
    models, querysets = [], []
    for model, keys in wanted.items():
        pk = model._meta.pk
        valid = []
        for key in keys:
            try:
                valid.append(pk.to_python(key))
            except ValidationError:
                continue
        if not valid:
            continue
        query = model._base_manager.filter(pk__in=valid).order_by("pk")
        relations = getattr(model, "name_relations", ())
        models.append(model)
        querysets.append(query.select_related(*relations) if relations else query)
    names: dict[tuple[Any, str], str] = {}
    for model, rows in zip(models, read_together(querysets), strict=True):
        for obj in rows:
            names[(model, str(obj.pk))] = str(obj)
    return names
