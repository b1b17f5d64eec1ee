"""Transfer requests (迁入申请): a town officer registers an ID number that is already registered
in another town. The officer is answered as for a new number (ADR 0011); the registered person
stays as they are until district staff approve, and then moves to the requested village with
the values the officer gave, never the name. The officer is notified of the decision.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import DateField, Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import conflicts
from jiuye.core.conflicts import actor
from jiuye.core.masking import mask_id_number
from jiuye.core.roles import Role
from jiuye.core.scoping import scope_for
from jiuye.notifications.selectors import reviewers
from jiuye.notifications.services import Event, notify
from jiuye.people.models import Person, TransferRequest, TransferStatus
from jiuye.people.services.person import (
    EDITABLE_FIELDS,
    DuplicatePersonError,
    person_register,
    person_update,
)
from jiuye.reference.models import Region

DECIDERS = frozenset({Role.ADMIN, Role.DISTRICT})
# What an approved request may change besides the village: never the name (a file or form
# never renames a registered person), nor the ID number that found them.
TRANSFER_FIELDS = EDITABLE_FIELDS - {"name", "id_number", "region"}
NOTIFICATION_KIND = "transfer_request"


def _dump(values: dict[str, Any]) -> str:
    plain: dict[str, Any] = {}
    for name, value in values.items():
        if name not in TRANSFER_FIELDS:
            continue
        if isinstance(value, Model):
            value = value.pk
        elif isinstance(value, QuerySet | list | tuple | set):
            value = [v.pk if isinstance(v, Model) else v for v in value]
        plain[name] = value
    return json.dumps(plain, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def transfer_values(request: TransferRequest) -> dict[str, Any]:
    """The values the request would apply, typed as ``person_update`` takes them."""
    stored = json.loads(request.values or "{}")
    values: dict[str, Any] = {}
    for name, value in stored.items():
        if name not in TRANSFER_FIELDS:
            continue
        field = Person._meta.get_field(name)
        if field.many_to_many:
            value = list(field.related_model.objects.filter(pk__in=value or []))
        elif field.is_relation:
            value = None if value is None else field.related_model.objects.filter(pk=value).first()
        elif isinstance(field, DateField) and value:
            value = dt.date.fromisoformat(value)
        values[name] = value
    return values


def transfer_request_create(
    *,
    person: Person,
    region: Region | str,
    name: str,
    values: dict[str, Any],
    by: Any,
    batch: Any = None,
) -> TransferRequest:
    """Ask district staff to move ``person`` (registered outside ``by``'s scope) to ``region``
    with ``values``. Nothing about the person changes here.

    The same user asking again about the same person while their request is pending (a second
    import of the file, the form after an import) renews that request with what they gave
    last, and its batch, instead of queueing a second one: the district decides once."""
    region_id = region.pk if isinstance(region, Region) else region
    who = actor(by)
    with transaction.atomic():
        request = (
            TransferRequest.objects.select_for_update()
            .filter(person=person, created_by=who, status=TransferStatus.PENDING)
            .first()
            if who is not None
            else None
        ) or TransferRequest(person=person, created_by=who)
        request.region_id = region_id
        request.name = (name or "").strip()[:50]
        request.values = _dump(values)
        request.import_batch = batch
        request.updated_by = who
        with set_actor(who):  # the audit trail names the requester, from a background import
            request.save()
    notify(
        event=Event(
            key=f"transfer:{request.pk}:submitted:{request.updated_at:%Y%m%d%H%M%S%f}",
            kind="transfer_submitted",
            title=_("迁入申请待审核：%(name)s") % {"name": request.name},
            body=_("申请迁入 %(region)s。") % {"region": request.region.name},
            url=reverse("people:transfers"),
        ),
        recipients=reviewers(),
    )
    return request


def person_register_or_transfer(
    *, by: Any, name: str, id_number: str, region: Region, **fields: Any
) -> Person | TransferRequest:
    """Register a person; when the number is registered outside ``by``'s scope, ask for the
    transfer instead (the form's values were checked exactly as for a new person first)."""
    try:
        return person_register(by=by, name=name, id_number=id_number, region=region, **fields)
    except DuplicatePersonError as error:
        if actor(by) is None or scope_for(by, Person).filter(pk=error.existing_id).exists():
            raise
        person = Person.objects.get(pk=error.existing_id)
    return transfer_request_create(person=person, region=region, name=name, values=fields, by=by)


def _locked_pending(request: TransferRequest) -> TransferRequest:
    return conflicts.locked_pending(TransferRequest.objects, pk=request.pk, what=_("这份迁入申请"))


def _decide(request: TransferRequest, status: str, reason: str, by: Any) -> None:
    request.status = status
    request.reason = reason
    request.decided_at = timezone.now()
    request.decided_by = request.updated_by = by
    with set_actor(by):
        request.save()


def _notify(request: TransferRequest, *, title: str, body: str, url: str = "") -> None:
    if request.created_by_id is None:
        return
    notify(
        event=Event(
            key=f"transfer:{request.pk}:{request.status}",
            kind=NOTIFICATION_KIND,
            title=title,
            body=body,
            url=url,
        ),
        recipients=[request.created_by],
    )


def _check_decider(by: Any) -> None:
    if getattr(by, "role", None) not in DECIDERS:
        raise ValidationError(_("只有区残联工作人员可以审核迁入申请。"), code="forbidden")


@transaction.atomic
def transfer_approve(*, request: TransferRequest, by: Any) -> Person:
    """Move the person to the requested village and apply the requested values (never the
    name); tell the requester."""
    _check_decider(by)
    request = _locked_pending(request)
    person = Person.objects.get(pk=request.person_id)
    updated = person_update(
        person=person,
        by=by,
        version=person.version,
        region=request.region,
        **transfer_values(request),
    )
    _decide(request, TransferStatus.APPROVED, "", by)
    _notify(
        request,
        title=_("迁入申请已通过：%(name)s") % {"name": request.name},
        body=_("身份证号 %(id)s 的人员已迁入 %(region)s，现在由您负责。")
        % {"id": mask_id_number(updated.id_number), "region": request.region.name},
        url=reverse("people:detail", kwargs={"pk": updated.pk}),
    )
    return updated


@transaction.atomic
def transfer_refuse(*, request: TransferRequest, reason: str, by: Any) -> TransferRequest:
    """Refuse with a reason the requester reads; the person is not changed."""
    _check_decider(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不同意的理由，申请人会看到这段话。")})
    request = _locked_pending(request)
    _decide(request, TransferStatus.REFUSED, reason, by)
    _notify(
        request,
        title=_("迁入申请未通过：%(name)s") % {"name": request.name},
        body=_("身份证号 %(id)s 的迁入申请未通过。区残联的意见：%(reason)s")
        % {"id": request.person.masked_id_number, "reason": reason},
    )
    return request


def transfers_withdraw(*, batch: Any, by: Any) -> int:
    """The pending requests of an import batch that is undone are withdrawn (kept, for the
    audit trail); an approved one makes the batch impossible to undo (the caller checks)."""
    count = 0
    pending = TransferRequest.objects.filter(import_batch=batch, status=TransferStatus.PENDING)
    for request in pending:
        _decide(request, TransferStatus.WITHDRAWN, "", actor(by))
        count += 1
    return count
