"""The follow-up form's leaving day goes through the shared not-after-today check (core.dates):
the field's label with today's date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jiuye.jobs.forms.referrals import FollowUpForm
from jiuye.jobs.models import FollowUpOutcome


def test_a_leaving_day_after_today_is_named_with_today() -> None:
    today = timezone.localdate()
    data = {
        "done_on": today.isoformat(),
        "outcome": FollowUpOutcome.LEFT,
        "left_on": (today + dt.timedelta(days=1)).isoformat(),
        "left_reason": "",
    }
    form = FollowUpForm(data, start=today - dt.timedelta(days=90))
    assert not form.is_valid()
    assert form.errors["left_on"] == [f"离职日期不能晚于今天（{today:%Y-%m-%d}）。"]
    form = FollowUpForm({**data, "left_on": today.isoformat()}, start=today)
    form.is_valid()
    assert "left_on" not in form.errors
