"""Reads of a person's casework records (services, needs registrations) and of the
hard-to-employ survey (action 五)."""

from __future__ import annotations

from django.db.models import (
    F,
    Max,
    Q,
    QuerySet,
)

from jiuye.casework.models import (
    NeedsRecord,
    ServiceRecord,
    ServiceType,
)
from jiuye.people.models import Person
from jiuye.people.selectors import persons_in_region
from jiuye.reference.models import Region

# The statuses the worklist can be narrowed to (each is a gap of the coverage dashboard).
# --- hard-to-employ survey (action 五) -------------------------------------------------------


def hard_to_employ_survey(*, queryset: QuerySet[Person], region: Region) -> QuerySet[Person]:
    """Every hard-to-employ person of the region on the register, with the date of their last
    visit (any year) and of their last service, least recently visited first."""
    visits = Q(service_records__archived_at__isnull=True)
    return (
        persons_in_region(region=region, queryset=queryset)
        .filter(hard_to_employ_date__isnull=False)
        .annotate(
            last_visit_on=Max(
                "service_records__date",
                filter=visits & Q(service_records__service_type__is_visit=True),
            ),
            last_service_on=Max("service_records__date", filter=visits),
        )
        .select_related("region", "category", "grade")
        .order_by(F("last_visit_on").asc(nulls_first=True), "region_id", "name")
    )


# --- a person's casework --------------------------------------------------------------------


def services_of(person: Person) -> QuerySet[ServiceRecord]:
    return (
        ServiceRecord.objects.filter(person=person)
        .select_related("service_type", "officer")
        .order_by("-date", "-created_at")
    )


def needs_of(person: Person) -> QuerySet[NeedsRecord]:
    return (
        NeedsRecord.objects.filter(person=person)
        .select_related("desired_region")
        .order_by("-year", "-registered_on", "-created_at")
    )


def current_needs(person: Person, year: int) -> NeedsRecord | None:
    return NeedsRecord.objects.filter(person=person, year=year, is_current=True).first()


def service_types(kind: str | None = None) -> QuerySet[ServiceType]:
    qs = ServiceType.objects.filter(disabled_at__isnull=True)
    return qs.filter(kind=kind) if kind else qs
