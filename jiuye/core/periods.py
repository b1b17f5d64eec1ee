"""Which day stands for a plan year when a figure is computed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def reference_date(year: int, today: dt.date | None = None) -> dt.date:
    """The end of the year, or today while the year is still running."""
    today = today or timezone.localdate()
    return min(dt.date(year, 12, 31), today)
