"""Reads of employers and declarations: the review queue, conflicts, the public-sector
statistics of action 一 with year-on-year discrepancies, and the public disclosure."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from jiuye.employers.models import (
    Declaration,
    DeclarationStatus,
    DeclaredEmployee,
    Employer,
)

# The declaration that stands for an employer and year: the confirmed one, else the open one.
LIVE = (
    DeclarationStatus.DRAFT,
    DeclarationStatus.SUBMITTED,
    DeclarationStatus.RETURNED,
    DeclarationStatus.CONFIRMED,
)


def employers_search(
    *, queryset: QuerySet[Employer], filters: dict[str, Any]
) -> QuerySet[Employer]:
    qs = queryset.filter(archived_at__isnull=True)
    if text := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__contains=text) | Q(uscc__iexact=text))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("town"):
        qs = qs.filter(region__code__startswith=filters["town"][:9])
    return qs.select_related("region").order_by("name")


def declarations_of(employer: Employer) -> QuerySet[Declaration]:
    return Declaration.objects.filter(employer=employer).order_by("-year", "-version")


def declaration_for_detail(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    return queryset.select_related("employer__region", "policy__region", "confirmed_by")


def employees_for_detail(declaration: Declaration) -> QuerySet[DeclaredEmployee]:
    return declaration.employees.select_related("person__grade", "person__category").order_by(
        "position", "name"
    )


def review_queue(
    *, queryset: QuerySet[Declaration], year: int | None = None
) -> QuerySet[Declaration]:
    """Declarations waiting for staff: submitted ones first by submission time."""
    qs = queryset.filter(status=DeclarationStatus.SUBMITTED)
    if year:
        qs = qs.filter(year=year)
    return (
        qs.select_related("employer")
        .annotate(
            conflicts=Count(
                "employees", filter=Q(employees__conflict=True, employees__staff_decision="")
            ),
            unknown=Count("employees", filter=Q(employees__person__isnull=True)),
        )
        .order_by("submitted_at")
    )


def conflicts(*, year: int) -> list[dict[str, Any]]:
    """Persons claimed by more than one employer in a year (for district staff): one entry per
    person with every claiming line."""
    lines = (
        DeclaredEmployee.objects.filter(
            conflict=True,
            declaration__year=year,
            declaration__status__in=[
                DeclarationStatus.SUBMITTED,
                DeclarationStatus.RETURNED,
                DeclarationStatus.CONFIRMED,
            ],
        )
        .select_related("declaration__employer")
        .order_by("id_number_index", "declaration__employer__name")
    )
    grouped: dict[str, dict[str, Any]] = {}
    for line in lines:
        entry = grouped.setdefault(line.id_number_index, {"name": line.name, "lines": []})
        entry["lines"].append(line)
    return list(grouped.values())


def live_declarations(year: int) -> QuerySet[Declaration]:
    """One declaration per employer for the year: its confirmed version if any, else the one
    in progress (superseded versions never)."""
    confirmed = Declaration.objects.filter(year=year, status=DeclarationStatus.CONFIRMED)
    open_only = Declaration.objects.filter(year=year, status__in=LIVE[:3]).exclude(
        employer__in=confirmed.values("employer")
    )
    return Declaration.objects.filter(
        Q(pk__in=confirmed.values("pk")) | Q(pk__in=open_only.values("pk"))
    )


@dataclass
class UnitRow:
    employer: Employer
    declaration: Declaration | None
    previous: Declaration | None
    flags: list[str] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        if self.declaration is None or self.previous is None:
            return None
        return self.declaration.counted - self.previous.counted


def public_sector_statistics(
    *, year: int, queryset: QuerySet[Employer] | None = None
) -> list[UnitRow]:
    """Action 一: every agency and public institution with its declaration of the year and of
    the year before, flagging a count that dropped and persons counted last year who are
    missing now (for staff to verify)."""
    employers = (
        (queryset or Employer.objects.all())
        .filter(
            archived_at__isnull=True,
            kind__in=[Employer.Kind.AGENCY, Employer.Kind.INSTITUTION],
        )
        .order_by("kind", "name")
    )
    this_year = {d.employer_id: d for d in live_declarations(year)}
    last_year = {d.employer_id: d for d in live_declarations(year - 1)}
    counted_now = set(
        DeclaredEmployee.objects.filter(
            declaration__in=list(this_year.values()), counts__gt=0
        ).values_list("declaration__employer_id", "id_number_index")
    )
    counted_before = DeclaredEmployee.objects.filter(
        declaration__in=list(last_year.values()), counts__gt=0
    ).values_list("declaration__employer_id", "id_number_index", "name")
    missing: dict[Any, list[str]] = {}
    for employer_id, index, name in counted_before:
        if employer_id in this_year and (employer_id, index) not in counted_now:
            missing.setdefault(employer_id, []).append(name)
    rows = []
    for employer in employers:
        row = UnitRow(employer, this_year.get(employer.pk), last_year.get(employer.pk))
        if row.declaration is None:
            row.flags.append(_("未申报"))
        elif row.change is not None and row.change < 0:
            row.flags.append(_("安排人数比上年减少 %(n)s") % {"n": f"{abs(row.change):g}"})
        if employer.pk in missing:
            row.flags.append(
                _("上年计入的 %(n)d 人本年未计入：%(names)s")
                % {"n": len(missing[employer.pk]), "names": "、".join(missing[employer.pk])}
            )
        rows.append(row)
    return rows


def levy_totals(year: int) -> dict[str, Decimal]:
    confirmed = Declaration.objects.filter(year=year, status=DeclarationStatus.CONFIRMED)
    totals = confirmed.aggregate(
        before=Sum("levy_before"), payable=Sum("levy_payable"), counted=Sum("counted")
    )
    return {k: v or Decimal(0) for k, v in totals.items()}
