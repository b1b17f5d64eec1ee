"""Reads of blind massage: establishments (organisational data at a region: every
establishment for district staff, administrators and leaders, a town officer's own town's), their
blind staff, and practitioners' qualifications.

Blind staff are computed, never typed: the open employment records (covering today) of the
establishment's employer whose person has the category 视力残疾 (code 1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jiuye.accounts.models import Role
from jiuye.core.scoping import scope_for
from jiuye.employment.models import EmploymentRecord, covering_q
from jiuye.training.models import MassageEstablishment

BLIND = "1"  # reference.DisabilityCategory code of 视力残疾
READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)


def establishments_visible(user: Any) -> QuerySet[MassageEstablishment]:
    if getattr(user, "role", None) not in READERS:
        return MassageEstablishment.objects.none()
    return scope_for(user, MassageEstablishment)


def _blind_records(on: dt.date) -> QuerySet[EmploymentRecord]:
    return EmploymentRecord.objects.filter(covering_q(on), person__category__code=BLIND)


def blind_staff(
    establishment: MassageEstablishment, on: dt.date | None = None
) -> QuerySet[EmploymentRecord]:
    """The open employment records at the establishment's employer of blind persons."""
    if establishment.employer_id is None:
        return EmploymentRecord.objects.none()
    return (
        _blind_records(on or timezone.localdate())
        .filter(employer_id=establishment.employer_id)
        .select_related("person__region")
        .order_by("person__name", "start_date")
    )


def blind_staff_count(establishment: MassageEstablishment, on: dt.date | None = None) -> int:
    """Blind persons (each counted once) employed there on the day."""
    return blind_staff(establishment, on).values("person").distinct().count()


def establishments_for_list(
    queryset: QuerySet[MassageEstablishment],
    *,
    kind: str = "",
    town: str = "",
    on: dt.date | None = None,
) -> QuerySet[MassageEstablishment]:
    """Filtered establishments with ``n_blind`` (blind persons employed there on the day)."""
    qs = queryset.select_related("region__parent", "employer")
    if kind:
        qs = qs.filter(kind=kind)
    if town:
        qs = qs.filter(region__code__startswith=town[:9])
    sub = (
        _blind_records(on or timezone.localdate())
        .filter(employer_id=OuterRef("employer_id"))
        .order_by()
        .values("employer_id")
        .annotate(n=Count("person", distinct=True))
        .values("n")
    )
    return qs.annotate(n_blind=Coalesce(Subquery(sub, output_field=IntegerField()), Value(0)))
