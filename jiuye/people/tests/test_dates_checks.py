"""The person record's days of things that happened (certificate issued, monitoring, hard to
employ, life status) go through the shared not-after-today check: the field's label and today."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiuye.people.services import person_check, person_set_life_status

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)


def test_each_past_day_of_the_record_is_named_with_today() -> None:
    later = TODAY + dt.timedelta(days=1)
    errors = person_check(
        {
            "certificate_issued": later,
            "monitoring_category": "x",
            "monitoring_identified": later,
            "monitoring_risk_eliminated": later,
            "hard_to_employ_date": later,
        },
        today=TODAY,
    )
    assert errors["certificate_issued"] == "发证日期不能晚于今天（2026-12-05）。"
    assert errors["monitoring_identified"] == "纳入监测日期不能晚于今天（2026-12-05）。"
    assert errors["monitoring_risk_eliminated"] == "风险消除日期不能晚于今天（2026-12-05）。"
    assert errors["hard_to_employ_date"] == "认定就业困难日期不能晚于今天（2026-12-05）。"
    assert "certificate_issued" not in person_check({"certificate_issued": TODAY}, today=TODAY)


def test_a_life_status_change_after_today_is_refused(person_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        person_set_life_status(
            person=person_a, status="deceased", on=timezone.localdate() + dt.timedelta(days=1)
        )
    assert error.value.message_dict["life_status_date"][0].startswith("状态变更日期不能晚于今天（")
