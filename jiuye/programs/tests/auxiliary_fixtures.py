"""Fixtures of the auxiliary employment tests: an institution in 东城 (town A) and one in 西城
(town B), a labour project of the district, a member (person_a of the root conftest)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from conftest import TOWN_A, TOWN_B
from jiuye.programs.models.auxiliary import AuxInstitution, AuxMembership, LabourProject
from jiuye.programs.services import auxiliary as services
from jiuye.reference.models import Region

DISTRICT = "440199000000"


def institution(name: str, town: str = TOWN_A, **over: Any) -> AuxInstitution:
    values: dict[str, Any] = {
        "name": name,
        "kind": "sunshine_home",
        "region": Region.objects.get(code=town),
        "capacity": 30,
        "accessibility": ["step_free"],
        "operator": "街道残联",
    }
    values.update(over)
    return services.institution_create(by=None, **values)


def project(code: str = "LX2025-001", volume: int = 1000, **over: Any) -> LabourProject:
    values: dict[str, Any] = {
        "code": code,
        "name": "手工串珠",
        "source_name": "示范饰品厂",
        "work_content": "按样品串珠",
        "unit": "件",
        "unit_price": Decimal("0.50"),
        "volume": volume,
        "start_date": dt.date(2025, 1, 1),
        "end_date": dt.date(2025, 12, 31),
        "region": Region.objects.get(code=DISTRICT),
        "collected_on": dt.date(2025, 1, 2),
    }
    values.update(over)
    return services.project_create(by=None, **values)


def member(place: AuxInstitution, person: Any, **over: Any) -> AuxMembership:
    values: dict[str, Any] = {
        "start_date": dt.date(2025, 2, 1),
        "hours_per_week": Decimal(20),
        "monthly_income": Decimal(800),
    }
    values.update(over)
    return services.membership_create(institution=place, person=person, by=None, **values)


@pytest.fixture
def home_a(reference) -> AuxInstitution:  # noqa: ANN001
    return institution("东城阳光家园")


@pytest.fixture
def home_b(reference) -> AuxInstitution:  # noqa: ANN001
    return institution("西城残疾人之家", TOWN_B, kind="disabled_home")


@pytest.fixture
def bead_project(reference) -> LabourProject:  # noqa: ANN001
    return project()
