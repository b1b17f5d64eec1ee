"""Reads of training providers and courses.

Providers and courses are organisational data: every staff role reads them all, and employers
and job seekers read the courses that are not archived (never who enrolled). Enrolments are
personal data, scoped like persons (``core.scoping``); leaders see only counts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from jiuye.accounts.models import Role
from jiuye.core.scoping import town_prefix
from jiuye.training.models import Course, Enrolment, EnrolmentStatus, Provider

STAFF = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER, Role.DEPARTMENT)
PUBLIC = (Role.EMPLOYER, Role.JOBSEEKER)
# Enrolments that take a place: requests wait for staff, drop-outs have left.
SEATED = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


def providers_visible(user: Any) -> QuerySet[Provider]:
    """Every staff role reads every provider; nobody else any."""
    if getattr(user, "role", None) in STAFF:
        return Provider.objects.all()
    return Provider.objects.none()


def courses_visible(user: Any) -> QuerySet[Course]:
    """Every staff role reads every course; employers and job seekers those not archived."""
    role = getattr(user, "role", None)
    if role in STAFF:
        return Course.objects.all()
    if role in PUBLIC:
        return Course.objects.filter(archived_at__isnull=True)
    return Course.objects.none()


def provider_search(
    qs: QuerySet[Provider], *, q: str = "", kind: str = "", town: str = ""
) -> QuerySet[Provider]:
    if q:
        qs = qs.filter(name__contains=q)
    if kind:
        qs = qs.filter(kind=kind)
    if town:
        qs = qs.filter(region__code__startswith=town_prefix(town))
    return qs


def providers_for_list(qs: QuerySet[Provider]) -> QuerySet[Provider]:
    """Providers with their region and the number of their (not archived) courses, one query."""
    return (
        qs.select_related("region")
        .annotate(n_courses=Count("courses", filter=Q(courses__archived_at__isnull=True)))
        .order_by("name", "pk")
    )


def course_search(
    qs: QuerySet[Course],
    *,
    q: str = "",
    kind: str = "",
    provider: Any = None,
    year: int | None = None,
    town: str = "",
) -> QuerySet[Course]:
    """Narrow courses by words of the title or the provider's name, type, provider, the year
    the course starts or ends in, and the town the provider is in."""
    for word in (q or "").split():
        qs = qs.filter(Q(title__contains=word) | Q(provider__name__contains=word))
    if kind:
        qs = qs.filter(kind=kind)
    if provider:
        qs = qs.filter(provider=provider)
    if year:
        qs = qs.filter(start_date__year__lte=year, end_date__year__gte=year)
    if town:
        qs = qs.filter(provider__region__code__startswith=town_prefix(town))
    return qs


def _seated_count() -> Coalesce:
    sub = (
        Enrolment.objects.filter(course=OuterRef("pk"), status__in=SEATED)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def courses_for_list(qs: QuerySet[Course]) -> QuerySet[Course]:
    """Courses with provider, region and seats taken (``n_seated``) in one query."""
    return (
        qs.select_related("provider__region")
        .annotate(n_seated=_seated_count())
        .order_by("-start_date", "title", "pk")
    )


def seats_taken(course: Course) -> int:
    """Places taken: persons enrolled and completed (a request takes no place until staff
    confirm it; a drop-out gives it back)."""
    return Enrolment.objects.filter(course=course, status__in=SEATED).count()


def enrolment_counts(course: Course) -> dict[str, int]:
    """How many enrolments of each status a course has (figures, no person), one query."""
    counts = dict.fromkeys(EnrolmentStatus.values, 0)
    rows = (
        Enrolment.objects.filter(course=course).order_by().values("status").annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts
