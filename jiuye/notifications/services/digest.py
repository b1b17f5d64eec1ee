"""The daily run: every app's registered reminders (reports and follow-ups due), then one digest
per person of what they have not read yet, through the digest channels."""

from __future__ import annotations

import datetime as dt
import pkgutil
from collections import defaultdict
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from jiuye.notifications.models import Notification
from jiuye.notifications.services.channels import CHANNELS, Channel

# name -> function(today) -> number of notifications written. Apps register theirs in their
# services (the package or any module of it) with ``@daily_reminder("...")``; the daily run
# imports all of them first (reminders_discover), so the list is complete.
REMINDERS: dict[str, Callable[[dt.date], int]] = {}

DIGEST_LIMIT = 20


def daily_reminder(name: str) -> Callable[[Callable[[dt.date], int]], Callable[[dt.date], int]]:
    def register(func: Callable[[dt.date], int]) -> Callable[[dt.date], int]:
        REMINDERS[name] = func
        return func

    return register


def reminders_discover() -> None:
    """Import every app's ``services``, each module of a services package included: a process
    that has not imported the module a reminder is declared in (the task worker) must still
    run it."""
    from django.apps import apps

    for app in apps.get_app_configs():
        name = f"{app.name}.services"
        try:
            package = import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        for module in pkgutil.iter_modules(getattr(package, "__path__", [])):
            import_module(f"{name}.{module.name}")


def digest_channels() -> list[Channel]:
    names = getattr(settings, "NOTIFICATION_DIGEST_CHANNELS", [])
    return [CHANNELS[name]() for name in names if name != "inapp"]


def digest_text(user: Any, rows: list[Notification], unread: int) -> tuple[str, str]:
    subject = ngettext(
        "就业平台：您有 %(n)d 条未读通知", "就业平台：您有 %(n)d 条未读通知", unread
    ) % {"n": unread}
    lines = [f"· {n.title}" for n in rows[:DIGEST_LIMIT]]
    if unread > len(lines):
        lines.append(_("……还有 %(n)d 条，请登录平台查看。") % {"n": unread - len(lines)})
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    lines.append(_("通知中心：%(url)s") % {"url": f"{base}/notifications/"})
    return subject, "\n".join(lines)


def digest_send(*, now: dt.datetime | None = None) -> int:
    """One message per person with unread notifications not yet in a digest; each notification
    is in one digest only. Returns the number of people written to."""
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(read_at__isnull=True, digested_at__isnull=True)
        .select_related("user")
        .order_by("user_id", "-created_at")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in pending:
        if n.user.is_active:
            by_user[n.user_id].append(n)
    unread = dict(
        Notification.objects.filter(user_id__in=by_user, read_at__isnull=True)
        .values_list("user_id")
        .annotate(n=Count("id"))
    )
    told = 0
    senders = digest_channels()
    for user_id, rows in by_user.items():
        user = rows[0].user
        subject, text = digest_text(user, rows, unread.get(user_id, len(rows)))
        # Every channel sends (no short-circuit), the person counts once.
        sent = [channel.send(user=user, subject=subject, text=text) for channel in senders]
        told += any(sent)
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(digested_at=now)
    return told


def run_daily(*, today: dt.date | None = None) -> dict[str, int]:
    """Reminders first (so today's are in today's digest), then the digest."""
    today = today or timezone.localdate()
    result = {name: func(today) for name, func in sorted(REMINDERS.items())}
    result["digest"] = digest_send()
    return result


@task()
def daily_notifications() -> dict[str, int]:
    """The daily run as a background task (enqueue from cron or a scheduler)."""
    reminders_discover()
    return run_daily()
