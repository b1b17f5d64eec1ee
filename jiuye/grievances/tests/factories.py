"""Grievances as the public form files them, for the tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import TOWN_A
from jiuye.grievances.models import About, Category, Kind
from jiuye.grievances.services import Filed, grievance_file


def file_grievance(**overrides: Any) -> Filed:
    """A complaint about 东城街道 (town A) with a phone number, unless told otherwise."""
    values: dict[str, Any] = {
        "kind": Kind.COMPLAINT,
        "category": Category.SERVICE,
        "about": About.TOWN,
        "town": TOWN_A,
        "text": "去街道办残疾人就业补贴，等了两个小时没人接待。",
        "contact_name": "王先生",
        "contact_phone": "13812345678",
    }
    values.update(overrides)
    return grievance_file(**values)


def filed_on(day: dt.date, **overrides: Any) -> Filed:
    return file_grievance(today=day, **overrides)
