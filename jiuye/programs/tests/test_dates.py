"""The programs' "not after today" rules go through the shared check (core.dates): the form
shows the field's label with today's date, the same words as every other form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_id_number
from jiuye.core.tests.responses import html_of
from jiuye.programs.models.charity import EmploymentLeader
from jiuye.programs.services import platforms

pytestmark = pytest.mark.django_db


def test_the_leader_form_refuses_a_recognition_day_after_today_in_the_shared_words(
    client_for, person_a
) -> None:  # noqa: ANN001
    today = timezone.localdate()
    form = {
        "id_number": make_id_number(seq=101),
        "business_name": "张三网店",
        "recognised_on": (today + dt.timedelta(days=1)).isoformat(),
    }
    html = html_of(client_for("town_a").post(reverse("programs:leader-create"), form))
    assert f"认定日期不能晚于今天（{today:%Y-%m-%d}）。" in html
    assert not EmploymentLeader.objects.exists()
    form["recognised_on"] = today.isoformat()
    assert client_for("town_a").post(reverse("programs:leader-create"), form).status_code == 302


def test_a_service_rule_names_its_field_and_today(reference) -> None:  # noqa: ANN001
    today = timezone.localdate()
    errors = platforms.partner_check({"since": today + dt.timedelta(days=3)}, None, None)
    assert errors["since"] == [f"开始助残合作日期不能晚于今天（{today:%Y-%m-%d}）。"]
    assert "since" not in platforms.partner_check({"since": today}, None, None)
