"""The qualification form's certificate day takes its not-after-today check from core.dates,
with the hint to copy the certificate's day (the service says the same)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jiuye.training.forms.massage import QualificationForm
from jiuye.training.services.massage import certificate_date_errors


def test_a_certificate_day_after_today_is_named_with_today() -> None:
    today = timezone.localdate()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    form = QualificationForm(
        {"medical_certificate_number": "YA1", "medical_certificate_date": tomorrow}
    )
    form.is_valid()
    expected = f"医疗按摩资格取得日期不能晚于今天（{today:%Y-%m-%d}）。请填写证书上的日期。"
    assert form.errors["medical_certificate_date"] == [expected]
    assert certificate_date_errors(today + dt.timedelta(days=1)) == [expected]
    assert certificate_date_errors(today) == []
