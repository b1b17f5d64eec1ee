"""Reads of auxiliary employment and the labour-project bank (action 五), and its plan
indicators.

Institutions, projects and allocations are organisational data: administrators, district staff
and leaders see all, a town officer those located in their town. Members and their income are
personal data, scoped like the person.

Indicators of a region and year (institutions counted where they are, members and income where
their institution is, projects where they were collected, allocations where they went):
- ``programs.aux_institutions``: institutions operating (not archived, status 运营中, opened by
  the end of the year or with no opening date).
- ``programs.aux_members``: persons attending an institution on at least one day of the year.
- ``programs.labour_projects_collected``: projects put into the bank during the year.
- ``programs.labour_projects_allocated``: projects with at least one allocation during the year.
- ``programs.aux_income_per_member``: the average income paid to a member for a month: the
  income entries of the year (one per member and month) summed, divided by their number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role
from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator, page_url
from jiuye.core.scoping import scope_for
from jiuye.programs.models.auxiliary import (
    AuxIncome,
    AuxInstitution,
    AuxMembership,
    InstitutionStatus,
    LabourAllocation,
    LabourDelivery,
    LabourProject,
)
from jiuye.reference.models import Region

READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)
KEEPERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
ZERO = Value(0)


def institutions_visible(user: Any) -> QuerySet[AuxInstitution]:
    if getattr(user, "role", None) not in READERS:
        return AuxInstitution.objects.none()
    return scope_for(user, AuxInstitution)


def projects_visible(user: Any) -> QuerySet[LabourProject]:
    if getattr(user, "role", None) not in READERS:
        return LabourProject.objects.none()
    return scope_for(user, LabourProject)


def allocations_visible(user: Any) -> QuerySet[LabourAllocation]:
    if getattr(user, "role", None) not in READERS:
        return LabourAllocation.objects.none()
    return scope_for(user, LabourAllocation)


def memberships_visible(user: Any) -> QuerySet[AuxMembership]:
    if getattr(user, "role", None) not in KEEPERS:
        return AuxMembership.objects.none()
    return scope_for(user, AuxMembership)


def current_q(on: dt.date, prefix: str = "") -> Q:
    """Memberships (or, with a prefix, their owners) that cover a day."""
    return Q(**{f"{prefix}start_date__lte": on, f"{prefix}archived_at__isnull": True}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


def institutions_for_list(
    queryset: QuerySet[AuxInstitution], *, kind: str = "", town: str = "", status: str = ""
) -> QuerySet[AuxInstitution]:
    """Filtered institutions with ``n_members`` (attending today)."""
    qs = queryset.select_related("region__parent")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if town:
        qs = qs.filter(region__code__startswith=town[:9])
    members = (
        AuxMembership.objects.filter(current_q(timezone.localdate()), institution=OuterRef("pk"))
        .order_by()
        .values("institution")
        .annotate(n=Count("person", distinct=True))
        .values("n")
    )
    return qs.annotate(n_members=Coalesce(Subquery(members, output_field=IntegerField()), ZERO))


def _delivered_of_allocation() -> Subquery:
    sub = (
        LabourDelivery.objects.filter(allocation=OuterRef("pk"), archived_at__isnull=True)
        .order_by()
        .values("allocation")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), ZERO)


def projects_for_list(
    queryset: QuerySet[LabourProject], *, year: int | None = None, search: str = ""
) -> QuerySet[LabourProject]:
    """Projects with ``allocated`` and ``delivered`` (live allocations and their deliveries)."""
    qs = queryset.select_related("region", "source_employer")
    if year:
        qs = qs.filter(collected_on__year=year)
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(code__contains=search))
    allocated = (
        LabourAllocation.objects.filter(project=OuterRef("pk"), archived_at__isnull=True)
        .order_by()
        .values("project")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    delivered = (
        LabourDelivery.objects.filter(
            allocation__project=OuterRef("pk"),
            archived_at__isnull=True,
            allocation__archived_at__isnull=True,
        )
        .order_by()
        .values("allocation__project")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    return qs.annotate(
        allocated=Coalesce(Subquery(allocated, output_field=IntegerField()), ZERO),
        delivered=Coalesce(Subquery(delivered, output_field=IntegerField()), ZERO),
    )


def allocations_of_project(project: LabourProject, user: Any) -> QuerySet[LabourAllocation]:
    """The project's allocations the user may see, with ``delivered``."""
    return (
        allocations_visible(user)
        .filter(project=project)
        .select_related("institution__region")
        .annotate(delivered=_delivered_of_allocation())
        .order_by("archived_at", "-allocated_on", "institution__name")
    )


def allocations_of_institution(institution: AuxInstitution) -> QuerySet[LabourAllocation]:
    """The institution's live allocations with ``delivered`` and their projects."""
    return (
        LabourAllocation.objects.filter(institution=institution, archived_at__isnull=True)
        .select_related("project")
        .annotate(delivered=_delivered_of_allocation())
        .order_by("-allocated_on")
    )


def deliveries_of_institution(institution: AuxInstitution) -> QuerySet[LabourDelivery]:
    return (
        LabourDelivery.objects.filter(allocation__institution=institution, archived_at__isnull=True)
        .select_related("allocation__project")
        .order_by("-delivered_on")
    )


def members_of_institution(institution: AuxInstitution, user: Any) -> QuerySet[AuxMembership]:
    """The institution's live memberships the user may see, with ``income_total`` (every
    month) and ``income_months`` (how many months were paid)."""
    paid = AuxIncome.objects.filter(membership=OuterRef("pk"), archived_at__isnull=True)
    total = paid.order_by().values("membership").annotate(s=Sum("amount")).values("s")
    months = paid.order_by().values("membership").annotate(n=Count("pk")).values("n")
    money = DecimalField(max_digits=12, decimal_places=2)
    return (
        memberships_visible(user)
        .filter(institution=institution, archived_at__isnull=True)
        .select_related("person__region")
        .annotate(
            income_total=Coalesce(Subquery(total, output_field=money), Value(Decimal(0))),
            income_months=Coalesce(Subquery(months, output_field=IntegerField()), ZERO),
        )
        .order_by("end_date", "person__name")
    )


def memberships_for_list(
    queryset: QuerySet[AuxMembership], *, current_only: bool = True
) -> QuerySet[AuxMembership]:
    qs = queryset.filter(archived_at__isnull=True).select_related(
        "person__region", "institution__region"
    )
    if current_only:
        qs = qs.filter(current_q(timezone.localdate()))
    return qs.order_by("institution__name", "person__name")


def project_flow(project: LabourProject) -> dict[str, int]:
    """Volume collected → allocated → delivered (live allocations and their deliveries)."""
    allocated = (
        LabourAllocation.objects.filter(project=project, archived_at__isnull=True).aggregate(
            n=Sum("quantity")
        )["n"]
        or 0
    )
    delivered = (
        LabourDelivery.objects.filter(
            allocation__project=project,
            archived_at__isnull=True,
            allocation__archived_at__isnull=True,
        ).aggregate(n=Sum("quantity"))["n"]
        or 0
    )
    return {
        "volume": project.volume,
        "allocated": allocated,
        "delivered": delivered,
        "unallocated": project.volume - allocated,
    }


# --- indicators -----------------------------------------------------------------------------


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@declare_figures("programs.auxiliary")
def _figures(region: Region, year: int) -> dict[str, Any]:
    start, end = _year(year)
    prefix = region.prefix
    institutions = AuxInstitution.objects.filter(
        region__code__startswith=prefix,
        archived_at__isnull=True,
        status=InstitutionStatus.OPERATING,
    ).filter(Q(opened_on__isnull=True) | Q(opened_on__lte=end))
    members = AuxMembership.objects.filter(
        institution__region__code__startswith=prefix,
        archived_at__isnull=True,
        start_date__lte=end,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    collected = LabourProject.objects.filter(
        region__code__startswith=prefix, archived_at__isnull=True, collected_on__range=(start, end)
    )
    allocated = LabourAllocation.objects.filter(
        institution__region__code__startswith=prefix,
        archived_at__isnull=True,
        allocated_on__range=(start, end),
    )
    income = AuxIncome.objects.filter(
        membership__institution__region__code__startswith=prefix,
        archived_at__isnull=True,
        membership__archived_at__isnull=True,
        month__range=(start, end),
    )
    return {
        "institutions": CountOf(institutions.values("pk")),
        "members": CountOf(members.values("person_id").distinct()),
        "collected": CountOf(collected.values("pk")),
        "allocated": CountOf(allocated.values("project_id").distinct()),
        "income_entries": CountOf(income.values("pk")),
        # One group: every row shares archived_at (NULL), so this is the sum of them all.
        "income_total": Subquery(
            income.order_by().values("archived_at").annotate(s=Sum("amount")).values("s")[:1],
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
    }


def figures(region: Region, year: int) -> dict[str, Any]:
    values = figures_of(region, year, "programs.auxiliary")
    return {key: value or 0 for key, value in values.items()}


@indicator(
    code="programs.aux_institutions",
    name=_("辅助性就业机构数"),
    name_en="Auxiliary employment institutions operating",
    unit=_("个"),
    action=5,
    records_url=page_url("programs:aux-institutions"),
)
def aux_institutions(region: Region, year: int) -> int:
    return figures(region, year)["institutions"]


@indicator(
    code="programs.aux_members",
    name=_("辅助性就业人数"),
    name_en="Persons in auxiliary employment",
    unit=_("人"),
    action=5,
    records_url=page_url("programs:aux-members"),
)
def aux_members(region: Region, year: int) -> int:
    return figures(region, year)["members"]


@indicator(
    code="programs.labour_projects_collected",
    name=_("收集入库的劳动项目数"),
    name_en="Labour projects collected into the bank",
    unit=_("个"),
    action=5,
    records_url=page_url("programs:labour-projects"),
)
def labour_projects_collected(region: Region, year: int) -> int:
    return figures(region, year)["collected"]


@indicator(
    code="programs.labour_projects_allocated",
    name=_("调配到机构的劳动项目数"),
    name_en="Labour projects allocated to institutions",
    unit=_("个"),
    action=5,
    records_url=page_url("programs:labour-projects"),
)
def labour_projects_allocated(region: Region, year: int) -> int:
    return figures(region, year)["allocated"]


@indicator(
    code="programs.aux_income_per_member",
    name=_("辅助性就业人员月均收入"),
    name_en="Average monthly income of a member in auxiliary employment",
    unit=_("元"),
    action=5,
    records_url=page_url("programs:aux-institutions"),
)
def aux_income_per_member(region: Region, year: int) -> Decimal:
    f = figures(region, year)
    if not f["income_entries"]:
        return Decimal(0)
    return (Decimal(f["income_total"]) / f["income_entries"]).quantize(Decimal("0.01"))


def deliveries_visible(user: Any) -> QuerySet[LabourDelivery]:
    """Deliveries of the institutions the user keeps (scoped like the institution)."""
    if getattr(user, "role", None) not in KEEPERS:
        return LabourDelivery.objects.none()
    return scope_for(user, LabourDelivery)


def incomes_visible(user: Any) -> QuerySet[AuxIncome]:
    """Members' income the user may see (personal data: scoped like the person)."""
    if getattr(user, "role", None) not in KEEPERS:
        return AuxIncome.objects.none()
    return scope_for(user, AuxIncome)
