"""Reads of medical massage (action 八): medical institutions (organisational data at their
employer's region), applications (about persons, scoped like them), and the employment rate of
qualified practitioners in medical institutions.

A practitioner is qualified on a day when their massage qualification (training) has a medical
certificate number obtained on or before it; they are employed in a medical institution when an
employment record covering the day is at a registered medical institution or at a blind medical
massage clinic (training's establishments of that kind).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator, page_url
from jiuye.core.periods import reference_date
from jiuye.core.scoping import scope_for
from jiuye.employment.models import EmploymentRecord, covering_q
from jiuye.people.models import Person
from jiuye.programs.models import MassageApplication, MedicalInstitution
from jiuye.reference.models import Region
from jiuye.training.models import EstablishmentKind, MassageEstablishment
from jiuye.training.selectors.outcomes import rate

READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)
KEEPERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)


def institutions_visible(user: Any) -> QuerySet[MedicalInstitution]:
    if getattr(user, "role", None) not in READERS:
        return MedicalInstitution.objects.none()
    return scope_for(user, MedicalInstitution)


def applications_visible(user: Any) -> QuerySet[MassageApplication]:
    if getattr(user, "role", None) not in KEEPERS:
        return MassageApplication.objects.none()
    return scope_for(user, MassageApplication)


def applications_for_list(
    queryset: QuerySet[MassageApplication], *, kind: str = "", status: str = ""
) -> QuerySet[MassageApplication]:
    qs = queryset.select_related("person__region")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_on", "created_at")


def qualified_practitioners(prefix: str, on: dt.date) -> QuerySet[Person]:
    return Person.objects.filter(
        region__code__startswith=prefix,
        archived_at__isnull=True,
        massage_qualification__medical_certificate_date__lte=on,
    ).exclude(massage_qualification__medical_certificate_number="")


def _in_medical_institution(on: dt.date) -> Exists:
    # A union cannot be a subquery filter on every database: two IN lists instead.
    clinics = MassageEstablishment.objects.filter(
        archived_at__isnull=True, kind=EstablishmentKind.MEDICAL_CLINIC, employer__isnull=False
    ).values("employer_id")
    registered = MedicalInstitution.objects.filter(archived_at__isnull=True).values("employer_id")
    records = EmploymentRecord.objects.filter(covering_q(on), person=OuterRef("pk"))
    return Exists(records.filter(employer_id__in=registered)) | Exists(
        records.filter(employer_id__in=clinics)
    )


@declare_figures("programs.massage")
def _figures(region: Region, year: int) -> dict[str, Any]:
    on = reference_date(year)
    qualified = qualified_practitioners(region.prefix, on)
    return {
        "qualified": CountOf(qualified.values("pk")),
        "employed": CountOf(qualified.filter(_in_medical_institution(on)).values("pk")),
    }


def employment_figures(region: Region, on: dt.date | None = None) -> dict[str, int]:
    """Qualified practitioners of the region and those employed in medical institutions on the
    day (today unless given), for a page."""
    on = on or timezone.localdate()
    qualified = qualified_practitioners(region.prefix, on)
    return {
        "qualified": qualified.count(),
        "employed": qualified.filter(_in_medical_institution(on)).count(),
    }


@indicator(
    code="programs.medical_massage_employment_rate",
    name=gettext_lazy("盲人医疗按摩人员在医疗机构就业率"),
    name_en="Qualified blind medical massage practitioners employed in medical institutions",
    unit="%",
    action=8,
    records_url=page_url("programs:medical-institutions"),
)
def medical_massage_employment_rate(region: Region, year: int) -> Decimal:
    f = figures_of(region, year, "programs.massage")
    return rate(f["employed"] or 0, f["qualified"] or 0) or Decimal(0)
