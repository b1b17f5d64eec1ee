"""The one way an app tells people that work has come to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiuye.notifications.models import Notification
from jiuye.notifications.services.channels import channels


@dataclass(frozen=True)
class Event:
    """What happened, said once for everyone it concerns.

    ``key`` names the event itself (``declaration:<id>:submitted:<time>``): delivering the same
    event again — a retried request, a re-run daily task — reaches nobody twice."""

    key: str
    kind: str
    title: str
    body: str = ""
    url: str = ""


def notify(*, event: Event, recipients: Iterable[Any], exclude: Any = None) -> list[Notification]:
    """Write the event for each recipient who does not have it yet and hand the new ones to the
    configured channels once the transaction commits. ``exclude`` (the person who acted) is
    never told of their own step. Returns the notifications written."""
    skip = getattr(exclude, "pk", None)
    users = {
        user.pk: user
        for user in recipients
        if user is not None and user.is_active and user.pk != skip
    }
    if not users:
        return []
    key = event.key[:200]
    have = set(
        Notification.objects.filter(user_id__in=users, dedupe_key=key).values_list(
            "user_id", flat=True
        )
    )
    fresh = [
        Notification(
            user=user,
            kind=event.kind[:40],
            title=str(event.title)[:200],
            body=str(event.body),
            url=event.url[:300],
            dedupe_key=key,
        )
        for pk, user in users.items()
        if pk not in have
    ]
    if not fresh:
        return []
    # Two requests delivering the same event at once: the unique constraint keeps one.
    written = Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    for channel in channels():
        transaction.on_commit(lambda channel=channel, rows=written: channel.send_each(rows))
    return written


def mark_read(*, user: Any, pk: int) -> bool:
    """Mark one of the user's own notifications read; False when it is not theirs."""
    return bool(
        Notification.objects.filter(user=user, pk=pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        or Notification.objects.filter(user=user, pk=pk).exists()
    )


def mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
