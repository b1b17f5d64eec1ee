"""Helpers shared by the declaration page tests: registered persons with a certificate, lines
of a staff list, and declarations in a given state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse

from conftest import VILLAGE_A, make_id_number
from jiuye.employers import services
from jiuye.employers.models import Declaration, Employer
from jiuye.people.models import Person
from jiuye.people.services import person_register
from jiuye.reference.models import DisabilityCategory, DisabilityGrade, QuotaPolicy, Region

# Policy 2024 of the demo district: ratio 1.5 %, minimum wage 2,300, social average wage
# 106,000, cap 2×, reductions 50 % / 90 %, enterprises of ≤ 30 staff exempt.
YEAR = 2024


def person(seq: int, grade: int = 3, name: str = "", **extra: Any) -> Person:
    id_number = make_id_number(seq=seq)
    return person_register(
        name=name or f"职工{seq}",
        id_number=id_number,
        region=Region.objects.get(code=VILLAGE_A),
        certificate_number=f"{id_number}4{grade}",
        category=DisabilityCategory.objects.get(code=4),
        grade=DisabilityGrade.objects.get(code=grade),
        **extra,
    )


def line(who: Person, **extra: Any) -> dict[str, Any]:
    values = {
        "name": who.name,
        "id_number": who.id_number,
        "certificate_number": who.certificate_number,
        "contract_type": "fixed",
        "contract_start": dt.date(2023, 1, 1),
        "contract_end": dt.date(2025, 12, 31),
        "monthly_wage": Decimal("4000"),
        "insurance_months": 12,
    }
    values.update(extra)
    return values


def form_line(who: Person, **extra: Any) -> dict[str, str]:
    """A line as the add form posts it."""
    values = {key: str(value) for key, value in line(who).items()}
    values.update(dispatch_agency="", counts_here="1", **extra)
    return values


def declare(
    employer: Employer,
    lines: list[dict[str, Any]],
    *,
    staff: int = 200,
    wages: int = 200 * 80000,
    year: int = YEAR,
    submit: bool = False,
    confirm: bool = False,
) -> Declaration:
    declaration = services.declaration_start(employer=employer, year=year, by=None)
    services.declaration_save(
        declaration=declaration, by=None, staff_annual=staff, wage_total=wages
    )
    for values in lines:
        services.employee_add(declaration=declaration, by=None, **values)
    services.declaration_compute(declaration)
    if submit or confirm:
        services.declaration_submit(declaration=declaration, by=None)
    if confirm:
        services.declaration_confirm(declaration=declaration, by=None)
    declaration.refresh_from_db()
    return declaration


def declaration_url(name: str, declaration: Declaration, *args: object) -> str:
    """The address of one of a declaration's pages (``employers:<name>``)."""
    return reverse(f"employers:{name}", args=[declaration.pk, *args])


def social_average_wage(year: int, amount: int) -> None:
    """Set the policy's local social average wage (DOMAIN's worked examples use 60,000)."""
    from conftest import TOWN_A
    from jiuye.reference.selectors import quota_policy

    policy = quota_policy(TOWN_A, year)
    QuotaPolicy.objects.filter(pk=policy.pk).update(social_average_wage=amount)


def public_unit(name: str, uscc_body: str, kind: str = "agency") -> Employer:
    from conftest import TOWN_A, make_uscc

    return Employer.objects.create(
        name=name, uscc=make_uscc(uscc_body), kind=kind, region=Region.objects.get(code=TOWN_A)
    )
