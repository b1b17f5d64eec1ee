"""Reads of action 六: rural bases (every base for district staff, administrators and leaders,
a town officer's own town's), the persons they employ, their supports, the monitored persons
with their employment needs, and the watch list of monitored persons who lost a job.

Persons employed at a base are computed, never typed: the open employment records (covering
the day) at the base's operator, when the operator is a registered employer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role
from jiuye.casework.models import NeedsRecord, ServiceKind, ServiceRecord, WantsWork
from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator, page_url
from jiuye.core.periods import reference_date
from jiuye.core.scoping import scope_for
from jiuye.employment.models import EmploymentRecord, covering_q
from jiuye.people.models import Person
from jiuye.programs.models.rural import RuralBase, RuralBaseSupport
from jiuye.reference.models import Region

READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)
WATCH_DAYS = 90
# casework service types of action 六 (casework/data/service_types.csv)
OUTREACH_TYPES = ("jobs_to_home", "skills_to_villages")


def bases_visible(user: Any) -> QuerySet[RuralBase]:
    if getattr(user, "role", None) not in READERS:
        return RuralBase.objects.none()
    return scope_for(user, RuralBase)


def supports_visible(user: Any) -> QuerySet[RuralBaseSupport]:
    if getattr(user, "role", None) not in READERS:
        return RuralBaseSupport.objects.none()
    return scope_for(user, RuralBaseSupport)


def base_staff(base: RuralBase, on: dt.date | None = None) -> QuerySet[EmploymentRecord]:
    """The open employment records at the base's operator."""
    if base.employer_id is None:
        return EmploymentRecord.objects.none()
    return (
        EmploymentRecord.objects.filter(covering_q(on or timezone.localdate()))
        .filter(employer_id=base.employer_id)
        .select_related("person__region")
        .order_by("person__name", "start_date")
    )


def base_staff_count(base: RuralBase, on: dt.date | None = None) -> int:
    return base_staff(base, on).values("person").distinct().count()


def bases_for_list(
    queryset: QuerySet[RuralBase],
    *,
    kind: str = "",
    industry: str = "",
    town: str = "",
    on: dt.date | None = None,
) -> QuerySet[RuralBase]:
    """Filtered bases with ``n_employed`` (persons employed there on the day)."""
    qs = queryset.select_related("region__parent", "employer")
    if kind:
        qs = qs.filter(kind=kind)
    if industry:
        qs = qs.filter(industry=industry)
    if town:
        qs = qs.filter(region__code__startswith=town[:9])
    sub = (
        EmploymentRecord.objects.filter(covering_q(on or timezone.localdate()))
        .filter(employer_id=OuterRef("employer_id"))
        .order_by()
        .values("employer_id")
        .annotate(n=Count("person", distinct=True))
        .values("n")
    )
    return qs.annotate(n_employed=Coalesce(Subquery(sub, output_field=IntegerField()), Value(0)))


def base_supports(base: RuralBase) -> QuerySet[RuralBaseSupport]:
    return base.supports.filter(archived_at__isnull=True).select_related("department")


def monitored(queryset: QuerySet[Person]) -> QuerySet[Person]:
    """Persons currently flagged 防返贫监测 (a category, risk not eliminated), not archived."""
    return queryset.filter(
        archived_at__isnull=True, monitoring_risk_eliminated__isnull=True
    ).exclude(monitoring_category="")


def monitored_with_needs(user: Any, *, year: int | None = None) -> QuerySet[Person]:
    """The monitored persons in the user's scope, each with ``current_needs`` (the current needs
    registration of the year, a list of at most one) and ``open_jobs`` (open records today)."""
    year = year or timezone.localdate().year
    today = timezone.localdate()
    needs = NeedsRecord.objects.filter(year=year, is_current=True)
    jobs = EmploymentRecord.objects.filter(covering_q(today)).select_related("employer")
    return (
        monitored(scope_for(user, Person))
        .select_related("region__parent", "category", "grade")
        .prefetch_related(
            Prefetch("needs_records", queryset=needs, to_attr="current_needs"),
            Prefetch("employment_records", queryset=jobs, to_attr="open_jobs"),
        )
        .order_by("region_id", "name")
    )


def watch_list(user: Any, *, on: dt.date | None = None) -> QuerySet[EmploymentRecord]:
    """Employment records that ended in the last 90 days (up to ``on``) of monitored persons in
    the user's scope who have no job covering ``on``: the persons to act on first."""
    on = on or timezone.localdate()
    since = on - dt.timedelta(days=WATCH_DAYS)
    persons = monitored(scope_for(user, Person))
    working = EmploymentRecord.objects.filter(covering_q(on), person=OuterRef("person"))
    return (
        EmploymentRecord.objects.filter(
            archived_at__isnull=True,
            end_date__range=(since, on),
            person__in=persons.values("pk"),
        )
        .filter(~Exists(working))
        .select_related("person__region__parent", "employer")
        .order_by("-end_date", "person__name")
    )


def wants_work(needs: list[NeedsRecord]) -> bool:
    return bool(needs) and needs[0].wants_work == WantsWork.YES


# --- indicators -----------------------------------------------------------------------------


class SumOf(Subquery):
    """``(SELECT COALESCE(SUM(x), 0) FROM (<queryset>))`` as an expression, beside
    ``core.indicators.CountOf``; the queryset selects the one column to add up."""

    template = "(SELECT COALESCE(SUM(summed.%(column)s), 0) FROM (%(subquery)s) summed)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet[Any], column: str) -> None:
        super().__init__(queryset.order_by().values(column))
        self.extra["column"] = column


def _live_bases(region: Region, year: int) -> QuerySet[RuralBase]:
    return RuralBase.objects.filter(
        Q(established_on__isnull=True) | Q(established_on__lte=dt.date(year, 12, 31)),
        archived_at__isnull=True,
        region__code__startswith=region.prefix,
    )


def monitored_helped(region: Region, year: int) -> QuerySet[Person]:
    """Persons of the region monitored in the year (identified by its end, risk not eliminated
    before its start) with a registered need of the year (wanting work) and at least one
    service in the year."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    needs = NeedsRecord.objects.filter(
        person=OuterRef("pk"), year=year, is_current=True, wants_work=WantsWork.YES
    )
    served = ServiceRecord.objects.filter(
        person=OuterRef("pk"),
        date__range=(start, end),
        archived_at__isnull=True,
        service_type__kind=ServiceKind.SERVICE,
    )
    return (
        Person.objects.filter(region__code__startswith=region.prefix, archived_at__isnull=True)
        .exclude(monitoring_category="")
        .filter(Q(monitoring_identified__isnull=True) | Q(monitoring_identified__lte=end))
        .filter(
            Q(monitoring_risk_eliminated__isnull=True) | Q(monitoring_risk_eliminated__gte=start)
        )
        .filter(Exists(needs), Exists(served))
    )


@declare_figures("programs.rural")
def _expressions(region: Region, year: int) -> dict[str, Any]:
    bases = _live_bases(region, year)
    employed = (
        EmploymentRecord.objects.filter(covering_q(reference_date(year)))
        .filter(employer_id__in=bases.filter(employer__isnull=False).values("employer_id"))
        .values("person_id")
        .distinct()
    )
    return {
        "bases": CountOf(bases.values("pk")),
        "employed": CountOf(employed),
        "driven": SumOf(bases, "driven"),
        "helped": CountOf(monitored_helped(region, year).values("pk")),
        "outreach": CountOf(
            ServiceRecord.objects.filter(
                service_type_id__in=OUTREACH_TYPES,
                date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
                archived_at__isnull=True,
                person__region__code__startswith=region.prefix,
            ).values("pk")
        ),
    }


def _figures(region: Region, year: int) -> dict[str, int]:
    return {k: v or 0 for k, v in figures_of(region, year, "programs.rural").items()}


@indicator(
    code="programs.rural_bases",
    name=_("农村残疾人就业基地和帮扶车间数"),
    name_en="Rural employment bases and assistance workshops",
    unit=_("个"),
    action=6,
    records_url=page_url("programs:rural-bases"),
)
def rural_bases(region: Region, year: int) -> int:
    return _figures(region, year)["bases"]


@indicator(
    code="programs.rural_base_employed",
    name=_("在农村就业基地和帮扶车间就业的残疾人数"),
    name_en="Persons with disabilities employed at rural bases and workshops",
    unit=_("人"),
    action=6,
    records_url=page_url("programs:rural-bases"),
)
def rural_base_employed(region: Region, year: int) -> int:
    return _figures(region, year)["employed"]


@indicator(
    code="programs.rural_base_driven",
    name=_("农村就业基地和帮扶车间带动的残疾人数"),
    name_en="Persons with disabilities driven by rural bases and workshops",
    unit=_("人"),
    action=6,
    records_url=page_url("programs:rural-bases"),
)
def rural_base_driven(region: Region, year: int) -> int:
    return _figures(region, year)["driven"]


@indicator(
    code="programs.monitored_with_needs_helped",
    name=_("有就业需求并获得服务的防返贫监测对象数"),
    name_en="Monitored persons with a registered need who got a service",
    unit=_("人"),
    action=6,
    records_url=page_url("programs:rural-monitoring"),
)
def monitored_with_needs_helped(region: Region, year: int) -> int:
    return _figures(region, year)["helped"]


@indicator(
    code="programs.rural_outreach_services",
    name=_("送岗入户、送技术下乡服务人次"),
    name_en="Jobs brought to the home and skills brought to the village (services)",
    unit=_("次"),
    action=6,
    records_url=page_url("programs:rural-monitoring"),
)
def rural_outreach_services(region: Region, year: int) -> int:
    return _figures(region, year)["outreach"]
