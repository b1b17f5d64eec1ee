"""Reads of the audit trail and the access log, for the district staff's audit pages."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet

from jiuye.core.models import AccessEvent


def _day_range(qs: QuerySet, field: str, start: dt.date | None, end: dt.date | None) -> QuerySet:
    if start:
        qs = qs.filter(**{f"{field}__date__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__date__lte": end})
    return qs


def change_entries(
    *,
    actor: str = "",
    model: str = "",
    text: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    batch: str = "",
) -> QuerySet[LogEntry]:
    qs = LogEntry.objects.select_related(
        "actor__town", "actor__department", "actor__employer", "content_type"
    ).order_by("-timestamp", "-id")
    if actor:
        qs = qs.filter(
            Q(actor__username__icontains=actor) | Q(actor__display_name__icontains=actor)
        )
    if model:
        app_label, _, model_name = model.partition(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model_name)
    if text:
        qs = qs.filter(Q(object_repr__icontains=text) | Q(object_pk=text))
    if batch:
        qs = qs.filter(additional_data__batch=batch)
    return _day_range(qs, "timestamp", start, end)


def access_events(
    *,
    username: str = "",
    action: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[AccessEvent]:
    qs = AccessEvent.objects.select_related(
        "user__town", "user__department", "user__employer"
    ).order_by("-at", "-id")
    if username:
        qs = qs.filter(username__icontains=username)
    if action:
        qs = qs.filter(action=action)
    return _day_range(qs, "at", start, end)
