"""The audit trail (changes, via django-auditlog) and the access log (reveals, exports, sign-ins).

Single-row saves of registered models are recorded by auditlog's signals, with the actor taken
from the request by its middleware. Bulk writes skip signals, so every bulk service calls
``audit_bulk`` with the same before/after shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from jiuye.core.bulk import fast_insert_values
from jiuye.core.models import AccessEvent

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
