"""The public-welfare post's leave form takes its not-after-today check from core.dates."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jiuye.casework.forms.campaigns import LeaveForm
from jiuye.employment.models import EndReason


def test_a_leaving_day_after_today_is_named_with_today() -> None:
    today = timezone.localdate()
    reason = EndReason.values[0]
    data = {"end_date": (today + dt.timedelta(days=2)).isoformat(), "end_reason": reason}
    form = LeaveForm(data, start=today - dt.timedelta(days=30))
    assert not form.is_valid()
    assert form.errors["end_date"] == [f"离岗日期不能晚于今天（{today:%Y-%m-%d}）。"]
    assert LeaveForm({**data, "end_date": today.isoformat()}, start=today).is_valid()
