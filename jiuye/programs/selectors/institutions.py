"""Reads of employment service institutions (action 十): organisational data at a region (every
one for district staff, administrators and leaders, a town officer's own town's), their yearly
checklists, and the count of institutions meeting every item of the checklist in a year; the
service exchange and contest events (organisational data at the region they are held in, read
like the institutions) and the count of events held in a year."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator
from jiuye.core.scoping import scope_for
from jiuye.programs.models import ChecklistEntry, EventParticipant, ServiceEvent, ServiceInstitution
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


def events_held(region: Region, year: int) -> QuerySet[ServiceEvent]:
    """Live service exchange and contest events held in the region in the year."""
    return ServiceEvent.objects.filter(
        archived_at__isnull=True, region__code__startswith=region.prefix, date__year=year
    )


@declare_figures("programs.institutions")
def _figures(region: Region, year: int) -> dict[str, Any]:
    return {
        "standardized": CountOf(standardized(region, year).values("pk")),
        "events": CountOf(events_held(region, year).values("pk")),
    }


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


def events_visible(user: Any) -> QuerySet[ServiceEvent]:
    if getattr(user, "role", None) not in READERS:
        return ServiceEvent.objects.none()
    return scope_for(user, ServiceEvent)


def events_for_list(queryset: QuerySet[ServiceEvent], *, year: int) -> QuerySet[ServiceEvent]:
    """The year's events with ``n_participants``."""
    return (
        queryset.filter(date__year=year)
        .select_related("organiser", "region")
        .annotate(n_participants=Count("participants"))
        .order_by("-date", "name")
    )


def participants_of(event: ServiceEvent) -> QuerySet[EventParticipant]:
    return event.participants.select_related("institution__region").order_by("institution__name")


def _events_url(region: Region, year: int) -> str:
    return f"{reverse('programs:service-events')}?{urlencode({'year': year})}"


@indicator(
    code="programs.service_exchange_events",
    name=gettext_lazy("举办的残疾人就业服务交流和竞赛活动数"),
    name_en="Employment service exchange and contest events held",
    unit=gettext_lazy("次"),
    action=10,
    records_url=_events_url,
)
def service_exchange_events(region: Region, year: int) -> int:
    return figures_of(region, year, "programs.institutions")["events"] or 0


def participants_visible(user: Any) -> QuerySet[EventParticipant]:
    """Institutions taking part in the events the user reads (scoped like the event)."""
    if getattr(user, "role", None) not in READERS:
        return EventParticipant.objects.none()
    return scope_for(user, EventParticipant)
