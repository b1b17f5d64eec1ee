"""Reads of referrals, placements and follow-ups.

Personal data: every queryset handed in must already be scoped (``core.scoping.scope_for``);
``referrals_visible`` does that for a user, and for an employer also keeps only the persons
whose consent to share their profile with employers stands today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)

from jiuye.accounts.models import Role
from jiuye.core.listing import narrowed
from jiuye.core.scoping import scope_for
from jiuye.jobs.models import FollowUp, Referral, ReferralStatus
from jiuye.jobs.selectors.fairs import fair_results  # noqa: F401  (part of this module's API)
from jiuye.people.models import Consent

__all__ = [
    "StabilityRow",
    "applicants_for_employer",
    "fair_results",
    "follow_up_state",
    "follow_ups_due",
    "follow_ups_for_worklist",
    "placements",
    "referral_filter",
    "referrals_for_list",
    "referrals_visible",
    "stability",
    "stability_due",
    "still_employed_q",
    "status_counts",
]


def consent_q(path: str = "person") -> Q:
    """Rows whose person (reached by ``path``) has a standing share-with-employers consent."""
    return Q(
        Exists(
            Consent.objects.filter(
                person=OuterRef(path),
                purpose=Consent.Purpose.SHARE_WITH_EMPLOYERS,
                withdrawn_at__isnull=True,
            )
        )
    )


def applicants_for_employer(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """An employer's applicants: referrals (already scoped to its postings) whose person's
    consent stands. Withdrawing the consent hides the person at once."""
    return queryset.filter(consent_q())


def referrals_visible(user: Any) -> QuerySet[Referral]:
    qs = scope_for(user, Referral)
    if getattr(user, "role", None) == Role.EMPLOYER:
        qs = applicants_for_employer(qs)
    return qs


def referrals_for_list(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return queryset.select_related(
        "person__region", "person__category", "person__grade", "posting__employer", "fair"
    ).order_by("-referred_on", "-created_at")


def referral_filter(
    queryset: QuerySet[Referral],
    *,
    posting: Any = None,
    person: Any = None,
    status: str = "",
    town: str = "",
    year: int | None = None,
) -> QuerySet[Referral]:
    """Narrow a (scoped) queryset. ``year``: placements by the year their job started when the
    status asked for is "hired" (as the plan indicators count them), else the year referred."""
    qs = narrowed(
        queryset,
        posting=posting,
        person=person,
        status=status,
        person__region__code__startswith=town[:9],
    )
    if year:
        if status == ReferralStatus.HIRED:
            qs = qs.filter(employment_record__start_date__year=year)
        else:
            qs = qs.filter(referred_on__year=year)
    return qs


def status_counts(queryset: QuerySet[Referral]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in the pipeline's order, zeros included."""
    counts = dict(
        queryset.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return [(value, str(label), counts.get(value, 0)) for value, label in ReferralStatus.choices]


# --- placements and stability -----------------------------------------------------------------


def placements(queryset: QuerySet[Referral], start: dt.date, end: dt.date) -> QuerySet[Referral]:
    """Hired referrals whose job (a live employment record) started within [start, end]."""
    return queryset.filter(
        status=ReferralStatus.HIRED,
        employment_record__archived_at__isnull=True,
        employment_record__start_date__range=(start, end),
    )


@dataclass(frozen=True)
class StabilityRow:
    referral: Referral
    start: dt.date
    checked_on: dt.date
    still_employed: bool


def stability_due(
    referrals: QuerySet[Referral], *, window_months: int, start: dt.date | None, end: dt.date
) -> QuerySet[FollowUp]:
    """The stability dates due in [start, end]: the follow-up at the window month (start of the
    job + N months) of every placement among the referrals whose employment record is live."""
    if window_months not in FollowUp.MONTHS:
        raise ValueError(f"the stability window must be one of {FollowUp.MONTHS} months")
    due = FollowUp.objects.filter(
        months=window_months,
        due_on__lte=end,
        referral__in=referrals.filter(
            status=ReferralStatus.HIRED, employment_record__archived_at__isnull=True
        ).values("pk"),
    )
    return due.filter(due_on__gte=start) if start else due


def still_employed_q() -> Q:
    """Stability follow-ups whose job had not ended before the stability date (the end date is
    the last day worked)."""
    return Q(referral__employment_record__end_date__isnull=True) | Q(
        referral__employment_record__end_date__gte=F("due_on")
    )


def stability(
    referrals: QuerySet[Referral], *, window_months: int = 6, on: dt.date
) -> tuple[int, int, list[StabilityRow]]:
    """Of the placements whose stability date has passed by ``on``, how many were still
    employed on that date: (numerator, denominator, the rows behind them). A placement started
    too recently is not counted at all; an archived record neither."""
    due = (
        stability_due(referrals, window_months=window_months, start=None, end=on)
        .select_related("referral__employment_record", "referral__person")
        .annotate(stable=ExpressionWrapper(still_employed_q(), output_field=BooleanField()))
        .order_by("due_on", "pk")
    )
    rows = [
        StabilityRow(
            referral=f.referral,
            start=f.referral.employment_record.start_date,
            checked_on=f.due_on,
            still_employed=bool(f.stable),
        )
        for f in due
    ]
    return sum(row.still_employed for row in rows), len(rows), rows


# --- follow-ups -------------------------------------------------------------------------------

NOT_NEEDED = "not_needed"
DONE = "done"
DUE = "due"
OVERDUE = "overdue"
UPCOMING = "upcoming"


def _needed_q() -> Q:
    """Follow-ups still wanted: the job had not ended (nor the record been archived) by the due
    day. One ended before then shows as not needed."""
    return Q(referral__employment_record__archived_at__isnull=True) & (
        Q(referral__employment_record__end_date__isnull=True)
        | Q(referral__employment_record__end_date__gte=F("due_on"))
    )


def follow_up_state(follow_up: FollowUp, on: dt.date) -> str:
    if follow_up.done_on is not None:
        return DONE
    record = follow_up.referral.employment_record
    if (
        record is None
        or record.is_archived
        or (record.end_date is not None and record.end_date < follow_up.due_on)
    ):
        return NOT_NEEDED
    if follow_up.due_on < on:
        return OVERDUE
    if follow_up.due_on == on:
        return DUE
    return UPCOMING


def follow_ups_due(queryset: QuerySet[FollowUp], on: dt.date) -> QuerySet[FollowUp]:
    """Undone follow-ups due on or before ``on`` whose job had not ended by the due day."""
    return queryset.filter(_needed_q(), done_on__isnull=True, due_on__lte=on).order_by(
        "due_on", "months"
    )


def follow_ups_for_worklist(
    queryset: QuerySet[FollowUp],
    *,
    on: dt.date,
    months: int | None = None,
    done: bool | None = None,
    horizon_days: int | None = 31,
) -> QuerySet[FollowUp]:
    """The worklist: by default the undone ones that are due, overdue or due within
    ``horizon_days`` (None: all of them), earliest first; ``done=True`` the recorded ones,
    latest first; ``months`` one round (1, 3, 6 or 12). Follow-ups no longer needed are left
    out of the undone list."""
    qs = queryset.select_related(
        "referral__person__region",
        "referral__posting__employer",
        "referral__employment_record",
        "done_by",
    )
    if months:
        qs = qs.filter(months=months)
    if done:
        return qs.filter(done_on__isnull=False).order_by("-done_on", "due_on")
    qs = qs.filter(_needed_q(), done_on__isnull=True)
    if horizon_days is not None:
        qs = qs.filter(due_on__lte=on + dt.timedelta(days=horizon_days))
    return qs.order_by("due_on", "months")
