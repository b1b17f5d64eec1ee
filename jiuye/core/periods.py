"""Which day stands for a plan year when a figure is computed, and counting months from a day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def reference_date(year: int, today: dt.date | None = None) -> dt.date:
    """The end of the year, or today while the year is still running."""
    today = today or timezone.localdate()
    return min(dt.date(year, 12, 31), today)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th
