"""Reads of action 七: the bureau's lines in the user's scope, the unmatched ones, the
graduation-year worklist, the year-end employment rate and the one file per graduate.

Employment is read from employment records only (``covering_q``): a graduate of a year counts
as employed when a record covers the year's reference date (31 December, or today while the
year runs). A service is a casework service record; a policy briefing is one of the type
``policy_publicity``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jiuye.casework.models import ServiceRecord
from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator, page_url
from jiuye.core.periods import reference_date
from jiuye.core.scoping import scope_for
from jiuye.employment.models import EmploymentRecord, covering_q
from jiuye.jobs.models import FairSeeker, Referral
from jiuye.people.models import Person
from jiuye.programs.models.graduates import GraduateRecord
from jiuye.reference.models import Region
from jiuye.training.models import Enrolment
from jiuye.training.selectors.outcomes import rate

POLICY_BRIEFING = "policy_publicity"


def graduates_visible(user: Any) -> QuerySet[GraduateRecord]:
    """The lines the user may see: their persons' (a town), all (district staff)."""
    return scope_for(user, GraduateRecord)


def unmatched_lines(user: Any) -> QuerySet[GraduateRecord]:
    """Lines no registered person answers to, open (to register or reject) and rejected.
    Scoping leaves a town officer none: a line without a person is the district's."""
    return graduates_visible(user).filter(person__isnull=True).order_by("archived_at", "name")


def _last_service() -> Subquery:
    services = ServiceRecord.objects.filter(person=OuterRef("person"), archived_at__isnull=True)
    return Subquery(
        services.order_by().values("person").annotate(last=Max("date")).values("last")[:1]
    )


def _count(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("person").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_progress(lines: QuerySet[GraduateRecord], on: dt.date) -> QuerySet[GraduateRecord]:
    """Each line with what was done for its person, in the same query: the last service date,
    how many services, enrolments and referrals, and whether employed on ``on``."""
    person = OuterRef("person")
    return lines.select_related("person__region").annotate(
        last_service=_last_service(),
        n_services=_count(ServiceRecord.objects.filter(person=person, archived_at__isnull=True)),
        n_trainings=_count(Enrolment.objects.filter(person=person)),
        n_referrals=_count(Referral.objects.filter(person=person)),
        employed=Exists(EmploymentRecord.objects.filter(covering_q(on), person=person)),
        employer_name=Subquery(
            EmploymentRecord.objects.filter(covering_q(on), person=person)
            .order_by("-start_date")
            .annotate(workplace=Coalesce("employer__name", "employer_name"))
            .values("workplace")[:1]
        ),
    )


def graduates_filtered(
    user: Any, *, year: int | None = None, query: str = "", matched: str = ""
) -> QuerySet[GraduateRecord]:
    """The list page's lines: open ones, of a graduation year, by name or school."""
    return lines_filtered(graduates_visible(user), year=year, query=query, matched=matched)


def lines_filtered(
    lines: QuerySet[GraduateRecord], *, year: int | None = None, query: str = "", matched: str = ""
) -> QuerySet[GraduateRecord]:
    """Of ``lines``, the open ones, of a graduation year, by name or school, matched or not."""
    lines = lines.filter(archived_at__isnull=True)
    if year:
        lines = lines.filter(graduation_year=year)
    if query:
        lines = lines.filter(Q(name__contains=query) | Q(school__contains=query))
    if matched == "yes":
        lines = lines.filter(person__isnull=False)
    elif matched == "no":
        lines = lines.filter(person__isnull=True)
    return lines


def worklist(user: Any, year: int, on: dt.date | None = None) -> QuerySet[GraduateRecord]:
    """Graduates of the year in the user's scope not employed on ``on`` (today), with the last
    service date, those never served (or served longest ago) first."""
    return worklist_of(graduates_visible(user), year, on)


def worklist_of(
    lines: QuerySet[GraduateRecord], year: int, on: dt.date | None = None
) -> QuerySet[GraduateRecord]:
    """Of ``lines``, the worklist: graduates of the year not employed on ``on`` (today)."""
    on = on or timezone.localdate()
    lines = lines.filter(graduation_year=year, person__isnull=False, archived_at__isnull=True)
    lines = lines.exclude(
        Exists(EmploymentRecord.objects.filter(covering_q(on), person=OuterRef("person")))
    )
    return with_progress(lines, on).order_by(Coalesce("last_service", dt.date(1900, 1, 1)), "name")


@dataclass(frozen=True)
class YearEnd:
    year: int
    on: dt.date
    graduates: int
    employed: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.employed, self.graduates)


def year_end(user: Any, year: int, today: dt.date | None = None) -> YearEnd:
    """The graduates of the year in the user's scope (distinct persons) and how many of them
    are employed on 31 December of the year (today while it runs): one query."""
    on = reference_date(year, today)
    persons = Person.objects.filter(
        pk__in=graduates_visible(user)
        .filter(graduation_year=year, person__isnull=False, archived_at__isnull=True)
        .values("person")
    )
    counts = persons.aggregate(
        graduates=Count("pk"),
        employed=Count(
            "pk",
            filter=Q(
                Exists(EmploymentRecord.objects.filter(covering_q(on), person=OuterRef("pk")))
            ),
        ),
    )
    return YearEnd(year=year, on=on, graduates=counts["graduates"], employed=counts["employed"])


@dataclass
class GraduateFile:
    """One file per graduate (一人一档): every line read from the record it belongs to."""

    person: Person
    study: list[GraduateRecord]
    briefings: list[ServiceRecord]
    services: list[ServiceRecord]
    trainings: list[Enrolment]
    fairs: list[FairSeeker]
    referrals: list[Referral]
    employment: list[EmploymentRecord]


def graduate_file(person: Person) -> GraduateFile:
    """The file of a person the caller has already found in the user's scope: one query per
    section, whatever the number of lines. The matching's ranked postings are one link away
    (jobs:match-person): ranking them here too would take the page past its query budget."""
    services = list(
        ServiceRecord.objects.filter(person=person, archived_at__isnull=True)
        .select_related("service_type")
        .order_by("-date", "-created_at")
    )
    return GraduateFile(
        person=person,
        study=list(GraduateRecord.objects.filter(person=person).order_by("-entry_year")),
        briefings=[s for s in services if s.service_type_id == POLICY_BRIEFING],
        services=[s for s in services if s.service_type_id != POLICY_BRIEFING],
        trainings=list(
            Enrolment.objects.filter(person=person)
            .select_related("course__provider")
            .order_by("-enrolled_on")
        ),
        fairs=list(
            FairSeeker.objects.filter(person=person)
            .select_related("fair")
            .order_by("-registered_on")
        ),
        referrals=list(
            Referral.objects.filter(person=person)
            .select_related("posting__employer")
            .order_by("-referred_on")
        ),
        employment=list(
            EmploymentRecord.objects.filter(person=person, archived_at__isnull=True)
            .select_related("employer")
            .order_by("-start_date")
        ),
    )


# --- indicators (action 七) -------------------------------------------------------------------


def _graduates_of(region: Region, year: int) -> QuerySet[GraduateRecord]:
    return GraduateRecord.objects.filter(
        graduation_year=year,
        archived_at__isnull=True,
        person__region__code__startswith=region.prefix,
    )


@declare_figures("graduates")
def graduate_figures(region: Region, year: int) -> dict[str, Any]:
    """Graduates of the year living in the region (matched lines, distinct persons), those
    served in the year and those employed on its reference date, as one statement."""
    lines = _graduates_of(region, year)
    served = ServiceRecord.objects.filter(
        person=OuterRef("person"),
        archived_at__isnull=True,
        date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
    )
    employed = EmploymentRecord.objects.filter(
        covering_q(reference_date(year)), person=OuterRef("person")
    )
    return {
        "known": CountOf(lines.values("person_id").distinct()),
        "served": CountOf(lines.filter(Exists(served)).values("person_id").distinct()),
        "employed": CountOf(lines.filter(Exists(employed)).values("person_id").distinct()),
    }


def _figures(region: Region, year: int) -> dict[str, int]:
    return {k: v or 0 for k, v in figures_of(region, year, "graduates").items()}


@indicator(
    code="programs.graduates_known",
    name=gettext_lazy("掌握残疾人高校毕业生人数"),
    name_en="Graduates with disabilities known (exchanged with the education bureau)",
    unit=gettext_lazy("人"),
    action=7,
    records_url=page_url("programs:graduates-worklist", year="year"),
)
def graduates_known(region: Region, year: int) -> int:
    return _figures(region, year)["known"]


@indicator(
    code="programs.graduates_served",
    name=gettext_lazy("得到就业服务的残疾人毕业生人数"),
    name_en="Graduates with disabilities who received an employment service in the year",
    unit=gettext_lazy("人"),
    action=7,
    records_url=page_url("programs:graduates-worklist", year="year"),
)
def graduates_served(region: Region, year: int) -> int:
    return _figures(region, year)["served"]


@indicator(
    code="programs.graduates_employed",
    name=gettext_lazy("残疾人毕业生年底就业率"),
    name_en="Graduates with disabilities employed on 31 December of their graduation year",
    unit="%",
    action=7,
    records_url=page_url("programs:graduates-worklist", year="year"),
)
def graduates_employed(region: Region, year: int) -> Decimal:
    f = _figures(region, year)
    return rate(f["employed"], f["known"]) or Decimal(0)
