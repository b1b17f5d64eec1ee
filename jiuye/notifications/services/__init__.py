"""Writes of notifications: ``notify`` (one per event and recipient, delivered through the
configured channels), marking read, the daily reminders and digest."""

from jiuye.notifications.services.channels import Channel, channels
from jiuye.notifications.services.digest import (
    daily_notifications,
    daily_reminder,
    digest_send,
    run_daily,
)
from jiuye.notifications.services.notify import (
    Event,
    mark_all_read,
    mark_read,
    notify,
)

__all__ = [
    "Channel",
    "Event",
    "channels",
    "daily_notifications",
    "daily_reminder",
    "digest_send",
    "mark_all_read",
    "mark_read",
    "notify",
    "run_daily",
]
