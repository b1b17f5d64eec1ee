"""Fixtures of the consultation tests: a meeting of 东城街道 convened by 人社局."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiuye.programs.models import ConsultationMeeting
from jiuye.programs.services import consultation as services
from jiuye.reference.models import Department, Region

TOWN_A = "440199001000"
DISTRICT = "440199000000"


def dept(code: str) -> Department:
    return Department.objects.get(code=code)


def make_meeting(**fields: Any) -> ConsultationMeeting:
    values = {
        "title": "东城就业会商会",
        "held_on": dt.date(2025, 3, 1),
        "convener": dept("rsj"),
        "region": Region.objects.get(code=TOWN_A),
        "topics": "残疾人专场招聘",
        **fields,
    }
    return services.meeting_create(by=None, **values)


@pytest.fixture
def meeting_a(reference) -> ConsultationMeeting:  # noqa: ANN001
    return make_meeting()
