"""Fixtures of the platform tests: 东城示范企业 (employer_a, 东城街道) as a delivery platform."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiuye.employment.models import EmploymentForm, EmploymentRecord, Source
from jiuye.employment.services import employment_open
from jiuye.programs.models import PlatformPartner
from jiuye.programs.services import platforms as services


def make_partner(employer: Any, **fields: Any) -> PlatformPartner:
    values = {
        "employer": employer,
        "platform_kinds": ["food_delivery", "express"],
        "since": dt.date(2024, 3, 1),
        **fields,
    }
    return services.partner_create(by=None, **values)


def work_through(
    person: Any, employer: Any, start: dt.date, subtype: str = "delivery", **extra: Any
) -> EmploymentRecord:
    return employment_open(
        person=person,
        by=None,
        source=Source.STAFF,
        form=EmploymentForm.FLEXIBLE,
        new_form_subtype=subtype,
        employer=employer,
        employer_name=employer.name,
        job_title="配送员",
        start_date=start,
        **extra,
    )


@pytest.fixture
def partner_a(employer_a) -> PlatformPartner:  # noqa: ANN001
    return make_partner(employer_a)
