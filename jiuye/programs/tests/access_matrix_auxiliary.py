"""Rows of the URL × role access matrix for the auxiliary employment pages (see
core/tests/test_url_matrix.py).

The world: an institution in a 东城 village with person_a (张三, 东城) as a member, and a
labour project collected by 东城. Institutions and projects are read by administrators, district
staff, leaders and the town officer of their town (西城's officer: 404); kept by
administrators, district staff and 东城's officer. Members are personal: leaders 403, 西城's
officer 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jiuye.core.tests.matrix import Kwargs, access
from jiuye.programs.models.auxiliary import (
    AuxIncome,
    AuxInstitution,
    AuxMembership,
    LabourAllocation,
    LabourDelivery,
    LabourProject,
)
from jiuye.programs.services import auxiliary as services
from jiuye.reference.models import Region

READERS = {"admin", "district", "town_a", "town_b", "leader"}
KEEPERS = {"admin", "district", "town_a", "town_b"}
KEEPERS_A = {"admin", "district", "town_a"}


def _institution(w: dict[str, Any]) -> AuxInstitution:
    found = AuxInstitution.objects.filter(name="矩阵阳光家园").first()
    return found or services.institution_create(
        by=None,
        name="矩阵阳光家园",
        kind="sunshine_home",
        region=Region.objects.get(code="440199001001"),
        capacity=20,
    )


def _membership(w: dict[str, Any]) -> AuxMembership:
    place = _institution(w)
    found = AuxMembership.objects.filter(institution=place).first()
    return found or services.membership_create(
        institution=place,
        person=w["personas"]["jobseeker"].person,
        by=None,
        start_date=dt.date(2025, 2, 1),
    )


def _project(w: dict[str, Any]) -> LabourProject:
    found = LabourProject.objects.filter(code="矩阵-1").first()
    return found or services.project_create(
        by=None,
        code="矩阵-1",
        name="矩阵项目",
        source_name="示范厂",
        work_content="折纸盒",
        unit="件",
        unit_price=Decimal("0.2"),
        volume=100,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2030, 12, 31),
        region=Region.objects.get(code="440199001000"),
        collected_on=dt.date(2025, 1, 1),
    )


def _allocation(w: dict[str, Any]) -> LabourAllocation:
    project = _project(w)
    found = LabourAllocation.objects.filter(project=project).first()
    return found or services.allocation_create(
        project=project,
        institution=_institution(w),
        by=None,
        quantity=10,
        allocated_on=dt.date(2025, 2, 1),
    )


def _delivery(w: dict[str, Any]) -> LabourDelivery:
    allocation = _allocation(w)
    found = allocation.deliveries.first()
    return found or services.delivery_create(
        allocation=allocation, by=None, quantity=4, delivered_on=dt.date(2025, 3, 1)
    )


def _income(w: dict[str, Any]) -> AuxIncome:
    membership = _membership(w)
    found = membership.incomes.first()
    return found or services.income_record(
        membership=membership, by=None, month=dt.date(2025, 3, 1), amount=Decimal(600)
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
INSTITUTION: Kwargs = lambda w: {"pk": _institution(w).pk}  # noqa: E731
MEMBERSHIP: Kwargs = lambda w: {"pk": _membership(w).pk}  # noqa: E731
PROJECT: Kwargs = lambda w: {"pk": _project(w).pk}  # noqa: E731
ALLOCATION: Kwargs = lambda w: {"pk": _allocation(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "programs:aux-institutions": (NONE, access(READERS)),
    "programs:aux-institution-create": (NONE, access(KEEPERS)),
    "programs:aux-institutions-export": (NONE, access(READERS)),
    "programs:aux-institution": (INSTITUTION, access(KEEPERS_A | {"leader"}, town_b=404)),
    "programs:aux-institution-edit": (INSTITUTION, access(KEEPERS_A, town_b=404)),
    "programs:aux-member-add": (INSTITUTION, access(KEEPERS_A, town_b=404)),
    "programs:aux-delivery-add": (INSTITUTION, access(KEEPERS_A, town_b=404)),
    "programs:aux-income-add": (INSTITUTION, access(KEEPERS_A, town_b=404)),
    "programs:aux-members": (NONE, access(KEEPERS)),
    "programs:aux-members-export": (NONE, access(KEEPERS)),
    "programs:aux-member": (MEMBERSHIP, access(KEEPERS_A, town_b=404)),
    "programs:labour-projects": (NONE, access(READERS)),
    "programs:labour-project-create": (NONE, access(KEEPERS)),
    "programs:labour-projects-export": (NONE, access(READERS)),
    "programs:labour-project": (PROJECT, access(KEEPERS_A | {"leader"}, town_b=404)),
    "programs:labour-project-edit": (PROJECT, access(KEEPERS_A, town_b=404)),
    "programs:labour-project-allocate": (PROJECT, access(KEEPERS_A, town_b=404)),
    "programs:labour-allocation-withdraw": (ALLOCATION, access(KEEPERS_A, town_b=404)),
    "programs:aux-delivery": (lambda w: {"pk": _delivery(w).pk}, access(KEEPERS_A, town_b=404)),
    "programs:aux-income": (lambda w: {"pk": _income(w).pk}, access(KEEPERS_A, town_b=404)),
}
