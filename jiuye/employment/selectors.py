"""Reads of employment records: a person's status on a day, and the working-age unemployed
population of a region on a day (the list action 十 works on)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from jiuye.employment.models import EmploymentRecord, covering_q
from jiuye.people.models import LifeStatus, Person
from jiuye.people.selectors import working_age_persons
from jiuye.reference.models import Region


@dataclass
class EmploymentStatus:
    """What the records say about one person on one day."""

    on: dt.date
    records: list[EmploymentRecord] = field(default_factory=list)

    @property
    def employed(self) -> bool:
        return bool(self.records)

    def __str__(self) -> str:
        if not self.records:
            return gettext("未就业")
        return gettext("、").join(
            gettext("%(form)s（%(place)s）")
            % {"form": r.get_form_display(), "place": r.workplace or r.job_title or "—"}
            for r in self.records
        )


def records_of(person: Person) -> QuerySet[EmploymentRecord]:
    """A person's records, newest first, archived ones included (the page marks them)."""
    return (
        EmploymentRecord.objects.filter(person=person)
        .select_related("employer")
        .order_by("-start_date", "-created_at")
    )


def records_list(person: Person) -> list[EmploymentRecord]:
    """``records_of`` read once per Person instance: the person page's status and timeline
    share one query."""
    cache = person.__dict__.setdefault("_employment_records", None)
    if cache is None:
        cache = person.__dict__["_employment_records"] = list(records_of(person))
    return cache


def status_on(person: Person, on: dt.date, *, shared: bool = False) -> EmploymentStatus:
    """The person's status on a day. ``shared``: from the records the person page's timeline
    also reads (one query for both; the instance must not outlive the request)."""
    if shared:
        return EmploymentStatus(on=on, records=[r for r in records_list(person) if r.covers(on)])
    records = list(
        EmploymentRecord.objects.filter(covering_q(on), person=person).select_related("employer")
    )
    return EmploymentStatus(on=on, records=records)


def employed_on_q(on: dt.date) -> Q:
    """Persons with a record covering the day (one correlated EXISTS, no join that repeats)."""
    covering = EmploymentRecord.objects.filter(covering_q(on), person=OuterRef("pk"))
    return Q(Exists(covering))


def alive_on_q(on: dt.date) -> Q:
    """On the register on that day: neither dead nor moved away by then (a death or move dated
    after the day still counts the person on it)."""
    return Q(life_status=LifeStatus.ACTIVE) | Q(life_status_date__gt=on)


def unemployed_working_age(
    *, region: Region, on: dt.date, queryset: QuerySet[Person] | None = None
) -> QuerySet[Person]:
    """Working-age persons of the region, alive and not moved away, not archived, with no
    employment record covering the day."""
    return (
        working_age_persons(region=region, on=on, queryset=queryset)
        .filter(alive_on_q(on))
        .exclude(employed_on_q(on))
    )


def records_to_review(*, queryset: QuerySet[EmploymentRecord]) -> QuerySet[EmploymentRecord]:
    return (
        queryset.filter(needs_review=True, archived_at__isnull=True)
        .select_related("person__region", "employer")
        .order_by("person__region_id", "person__name", "-start_date")
    )


def records_for_export(*, queryset: QuerySet[EmploymentRecord]) -> QuerySet[EmploymentRecord]:
    """Records as the export writes them (the caller scopes): not archived, with the person and
    employer each row names, grouped by village and person."""
    return (
        queryset.filter(archived_at__isnull=True)
        .select_related("person", "employer")
        .order_by("person__region_id", "person__name", "person_id", "start_date")
    )
