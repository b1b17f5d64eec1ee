"""Reads of job fairs: who sees which fair, a fair's results, and the figures of action 二.

A fair is organisational data (every staff role and job seeker may read it; an employer the
fairs it takes part in); its registered seekers are personal data, scoped like persons.

Results are counted from the records, never typed in: employers and postings taking part,
seekers registered and attended, and from the referrals made at the fair (``Referral.fair``)
the interviews (reached the interview step), offers (reached the offer step, or hired) and hires.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jiuye.accounts.models import Role
from jiuye.jobs.models import Fair, FairEmployer, FairSeeker, Referral, ReferralStatus

RESULT_KEYS = (
    "employers",
    "postings",
    "registered",
    "attended",
    "referrals",
    "interviews",
    "offers",
    "hires",
)


def fairs_visible(user: Any) -> QuerySet[Fair]:
    """Fairs a user may read: every staff role and job seeker all of them; an employer those it
    takes part in; nobody else any."""
    qs = Fair.objects.all()
    role = getattr(user, "role", None)
    if role == Role.EMPLOYER:
        return qs.filter(participants__employer_id=user.employer_id)
    if role in (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER, Role.DEPARTMENT):
        return qs
    if role == Role.JOBSEEKER:
        return qs.filter(archived_at__isnull=True)
    return qs.none()


def _count(queryset: QuerySet[Any], **filters: Any) -> Coalesce:
    sub = (
        queryset.filter(fair=OuterRef("pk"), **filters)
        .order_by()
        .values("fair")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def with_results(queryset: QuerySet[Fair]) -> QuerySet[Fair]:
    """Each fair with its results as attributes (one query for a whole page of fairs)."""
    postings = (
        Fair.postings.through.objects.filter(fair=OuterRef("pk"))
        .order_by()
        .values("fair")
        .annotate(n=Count("pk"))
        .values("n")
    )
    referrals = Referral.objects.all()
    return queryset.annotate(
        r_employers=_count(FairEmployer.objects.all()),
        r_postings=Coalesce(Subquery(postings, output_field=IntegerField()), Value(0)),
        r_registered=_count(FairSeeker.objects.all()),
        r_attended=_count(FairSeeker.objects.all(), attended=True),
        r_referrals=_count(referrals),
        r_interviews=_count(referrals, interview_on__isnull=False),
        r_offers=Coalesce(
            Subquery(
                Referral.objects.filter(fair=OuterRef("pk"))
                .filter(Q(offer_on__isnull=False) | Q(status=ReferralStatus.HIRED))
                .order_by()
                .values("fair")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        r_hires=_count(referrals, status=ReferralStatus.HIRED),
    )


def results_of(fair: Fair) -> dict[str, int]:
    """The results of a fair annotated by ``with_results``."""
    return {key: getattr(fair, f"r_{key}") for key in RESULT_KEYS}


def fair_results(fair: Fair) -> dict[str, int]:
    """employers, postings, registered, attended, referrals, interviews, offers, hires."""
    annotated = with_results(Fair.objects.filter(pk=fair.pk)).get()
    return results_of(annotated)


def fairs_for_list(
    queryset: QuerySet[Fair], *, year: int | None = None, upcoming: bool = False
) -> QuerySet[Fair]:
    qs = queryset.select_related("region")
    if year:
        qs = qs.filter(date__year=year)
    if upcoming:
        qs = qs.filter(date__gte=timezone.localdate()).order_by("date", "name")
    return with_results(qs)


def held(region_prefix: str, start: dt.date, end: dt.date) -> QuerySet[Fair]:
    """Fairs held in a region within the period: dated in it and not in the future."""
    return Fair.objects.filter(
        archived_at__isnull=True,
        region__code__startswith=region_prefix,
        date__range=(start, min(end, timezone.localdate())),
    )


def employers_taking_part(region_prefix: str, start: dt.date, end: dt.date) -> QuerySet[Any]:
    """The distinct employers (``employer_id`` values) that came to the fairs held in a region
    within the period."""
    fairs = held(region_prefix, start, end).values("pk")
    return FairEmployer.objects.filter(fair__in=fairs, attended=True).values("employer").distinct()
