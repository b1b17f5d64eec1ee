"""Reads of employment service institutions (action 十): organisational data at a region (every
one for district staff, administrators and leaders, a town officer's own town's), their yearly
checklists, and the count of institutions meeting every item of the checklist in a year."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator
from jiuye.core.scoping import scope_for
from jiuye.programs.models import ChecklistEntry, ServiceInstitution
from jiuye.programs.models.institutions import ChecklistItem
from jiuye.reference.models import Region

READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)


def institutions_visible(user: Any) -> QuerySet[ServiceInstitution]:
    if getattr(user, "role", None) not in READERS:
        return ServiceInstitution.objects.none()
    return scope_for(user, ServiceInstitution)


def institutions_for_list(
    queryset: QuerySet[ServiceInstitution], *, year: int
) -> QuerySet[ServiceInstitution]:
    """Institutions with ``n_met``: the checklist items met in the year."""
    met = Q(checklist__year=year, checklist__met=True)
    return (
        queryset.select_related("region")
        .annotate(n_met=Count("checklist", filter=met))
        .order_by("name")
    )


def checklist_of(institution: ServiceInstitution, year: int) -> dict[str, ChecklistEntry]:
    rows = ChecklistEntry.objects.filter(institution=institution, year=year)
    return {row.item: row for row in rows}


def standardized(region: Region, year: int) -> QuerySet[ServiceInstitution]:
    return (
        ServiceInstitution.objects.filter(
            archived_at__isnull=True, region__code__startswith=region.prefix
        )
        .annotate(n_met=Count("checklist", filter=Q(checklist__year=year, checklist__met=True)))
        .filter(n_met=len(ChecklistItem.values))
    )


@declare_figures("programs.institutions")
def _figures(region: Region, year: int) -> dict[str, Any]:
    return {"standardized": CountOf(standardized(region, year).values("pk"))}


def _list_url(region: Region, year: int) -> str:
    return f"{reverse('programs:service-institutions')}?{urlencode({'year': year})}"


@indicator(
    code="programs.standardized_institutions",
    name=gettext_lazy("规范化建设全部达标的残疾人就业服务机构数"),
    name_en="Employment service institutions meeting every standardization item",
    unit=gettext_lazy("个"),
    action=10,
    records_url=_list_url,
)
def standardized_institutions(region: Region, year: int) -> int:
    return figures_of(region, year, "programs.institutions")["standardized"] or 0
