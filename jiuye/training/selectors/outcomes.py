"""Outcomes of training, computed from employment records and never stored.

- A completer is an enrolment with status completed (and a completion date).
- Converted: the person has an employment record (not archived) that started on or after the
  course's start date and on or before ``add_months(completed_on, N)`` (N =
  ``settings.JIUYE_CONVERSION_MONTHS``). A job that started before the course is not a
  conversion, even if it is still open. The earliest such record is "that job".
- Stability is due when that job's start + M months (``JIUYE_TRAINING_STABILITY_MONTHS``) is on
  or before ``on`` (today unless given); stable when some record (not archived) of the person
  covers that date (the end date is the last day worked).
- Completion rate = completers ÷ (completers + dropped + still enrolled in a course that ended).

Every queryset handed in must already be scoped (``core.scoping.scope_for``). A computation
costs three queries whatever the size: the completers with their courses and persons, their
employment records, and the counts of the other statuses; the rest is Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jiuye.core.listing import narrowed
from jiuye.core.periods import add_months
from jiuye.employment.models import EmploymentRecord
from jiuye.training.models import Course, Enrolment, EnrolmentStatus

GROUPINGS = ("course", "provider", "kind", "year")


class Job(Protocol):
    start_date: dt.date
    end_date: dt.date | None
    archived_at: Any


def conversion_months() -> int:
    return int(getattr(settings, "JIUYE_CONVERSION_MONTHS", 6))


def stability_months() -> int:
    return int(getattr(settings, "JIUYE_TRAINING_STABILITY_MONTHS", 6))


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _covers(job: Job, on: dt.date) -> bool:
    return (
        job.archived_at is None
        and job.start_date <= on
        and (job.end_date is None or job.end_date >= on)
    )


def first_job(
    jobs: Iterable[Job], *, course_start: dt.date, completed_on: dt.date, months: int
) -> Job | None:
    """The earliest record (not archived) that started within the conversion window."""
    last = add_months(completed_on, months)
    inside = [j for j in jobs if j.archived_at is None and course_start <= j.start_date <= last]
    return min(inside, key=lambda j: j.start_date, default=None)


def outcome(
    jobs: list[Job],
    *,
    course_start: dt.date,
    completed_on: dt.date,
    months: int,
    stable_months: int,
    on: dt.date,
) -> tuple[Job | None, dt.date | None, bool | None]:
    """(that job, its stability date, stable): stable is None while the date is still to come
    (or when there is no job)."""
    job = first_job(jobs, course_start=course_start, completed_on=completed_on, months=months)
    if job is None:
        return None, None, None
    stability_date = add_months(job.start_date, stable_months)
    if stability_date > on:
        return job, stability_date, None
    return job, stability_date, any(_covers(j, stability_date) for j in jobs)


@dataclass
class OutcomeRow:
    """One completer: the enrolment (with course and person), that job and stability."""

    enrolment: Enrolment
    first_job: EmploymentRecord | None
    stability_date: dt.date | None
    stable: bool | None

    @property
    def converted(self) -> bool:
        return self.first_job is not None

    @property
    def stable_due(self) -> bool:
        return self.stable is not None


@dataclass
class OutcomeFigures:
    completers: int = 0
    converted: int = 0
    stable: int = 0
    stable_due: int = 0
    dropped: int = 0
    unfinished: int = 0  # still enrolled in a course that has ended
    rows: list[OutcomeRow] = field(default_factory=list)

    def add(self, row: OutcomeRow) -> None:
        self.rows.append(row)
        self.completers += 1
        self.converted += row.converted
        self.stable_due += row.stable_due
        self.stable += bool(row.stable)

    @property
    def finished(self) -> int:
        return self.completers + self.dropped + self.unfinished

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completers, self.finished)

    @property
    def conversion_rate(self) -> Decimal | None:
        return rate(self.converted, self.completers)

    @property
    def stability_rate(self) -> Decimal | None:
        return rate(self.stable, self.stable_due)


def completers(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return enrolments.filter(status=EnrolmentStatus.COMPLETED, completed_on__isnull=False)


Key = Callable[[Enrolment], Hashable]

_KEYS: dict[str, Key] = {
    "course": lambda e: e.course_id,
    "provider": lambda e: e.course.provider_id,
    "kind": lambda e: e.course.kind,
    "year": lambda e: e.completed_on.year,
}
# How the enrolments that did not complete are grouped for the completion rate.
_OTHER_KEYS = {
    "course": "course_id",
    "provider": "course__provider_id",
    "kind": "course__kind",
}


def _other_counts(
    enrolments: QuerySet[Enrolment], by: str | None, on: dt.date
) -> dict[Hashable, tuple[int, int]]:
    """{group: (dropped, unfinished)} in one query."""
    dropped = Q(status=EnrolmentStatus.DROPPED)
    unfinished = Q(status=EnrolmentStatus.ENROLLED, course__end_date__lt=on)
    qs = enrolments.order_by().filter(dropped | unfinished)
    if by == "year":
        # Dropped in the year they left; unfinished in the year their course ended.
        rows = qs.values_list("status", "dropped_on", "course__end_date")
        counts: dict[Hashable, list[int]] = defaultdict(lambda: [0, 0])
        for status, dropped_on, end in rows:
            if status == EnrolmentStatus.DROPPED:
                counts[(dropped_on or end).year][0] += 1
            else:
                counts[end.year][1] += 1
        return {k: (v[0], v[1]) for k, v in counts.items()}
    counts_of = {"d": Count("pk", filter=dropped), "u": Count("pk", filter=unfinished)}
    if by is None:
        total = qs.aggregate(**counts_of)
        return {None: (total["d"], total["u"])}
    field_name = _OTHER_KEYS[by]
    aggregated = qs.values(field_name).annotate(**counts_of)
    return {row[field_name]: (row["d"], row["u"]) for row in aggregated}


def conversion_by(
    enrolments: QuerySet[Enrolment],
    by: str | None = None,
    *,
    months: int | None = None,
    on: dt.date | None = None,
) -> dict[Hashable, OutcomeFigures]:
    """Figures per course, provider, kind or year (the year of completion), or one group
    (key None) when ``by`` is None. Three queries in all."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    months = conversion_months() if months is None else months
    stable_months = stability_months()
    on = on or timezone.localdate()
    done = list(
        completers(enrolments)
        .select_related("course__provider", "person__region")
        .order_by("completed_on", "person__name", "pk")
    )
    jobs: dict[Any, list[EmploymentRecord]] = defaultdict(list)
    if done:
        records = (
            EmploymentRecord.objects.filter(
                person__in=completers(enrolments).values("person_id"), archived_at__isnull=True
            )
            .select_related("employer")
            .order_by("start_date", "created_at")
        )
        for record in records:
            jobs[record.person_id].append(record)
    key = _KEYS[by] if by else (lambda e: None)
    figures: dict[Hashable, OutcomeFigures] = defaultdict(OutcomeFigures)
    for enrolment in done:
        job, stability_date, stable = outcome(
            jobs[enrolment.person_id],
            course_start=enrolment.course.start_date,
            completed_on=enrolment.completed_on,
            months=months,
            stable_months=stable_months,
            on=on,
        )
        figures[key(enrolment)].add(OutcomeRow(enrolment, job, stability_date, stable))
    for group, (dropped, unfinished) in _other_counts(enrolments, by, on).items():
        figures[group].dropped = dropped
        figures[group].unfinished = unfinished
    if by is None and None not in figures:
        figures[None] = OutcomeFigures()
    return dict(figures)


def conversion(
    enrolments: QuerySet[Enrolment], *, months: int | None = None, on: dt.date | None = None
) -> OutcomeFigures:
    """Completers, converted, stable and stability due (with the rows behind them) of a
    scoped queryset of enrolments."""
    return conversion_by(enrolments, None, months=months, on=on)[None]


def outcome_filter(
    enrolments: QuerySet[Enrolment],
    *,
    course: Any = None,
    provider: Any = None,
    kind: str = "",
    year: int | None = None,
) -> QuerySet[Enrolment]:
    """Narrow a scoped queryset; ``year`` is the year of completion (or of leaving, or of the
    course's end, for those who did not complete)."""
    qs = narrowed(enrolments, course=course, course__provider=provider, course__kind=kind)
    if year:
        qs = qs.filter(
            Q(completed_on__year=year)
            | Q(status=EnrolmentStatus.DROPPED, dropped_on__year=year)
            | Q(status=EnrolmentStatus.ENROLLED, course__end_date__year=year)
        )
    return qs


@dataclass
class CourseScore:
    course: Course
    figures: OutcomeFigures


def scorecard(provider: Any, *, on: dt.date | None = None) -> list[CourseScore]:
    """The provider's courses (not archived), best conversion rate first, then most completers;
    courses without completers last. Four queries."""
    courses = list(
        Course.objects.filter(provider=provider, archived_at__isnull=True).order_by(
            "-start_date", "title"
        )
    )
    figures = conversion_by(
        Enrolment.objects.filter(course__provider=provider, course__archived_at__isnull=True),
        "course",
        on=on,
    )
    scores = [CourseScore(c, figures.get(c.pk) or OutcomeFigures()) for c in courses]
    scores.sort(
        key=lambda s: (
            s.figures.conversion_rate is None,
            -(s.figures.conversion_rate or 0),
            -s.figures.completers,
        )
    )
    return scores


def provider_totals(scores: list[CourseScore]) -> OutcomeFigures:
    """The provider's figures over its courses (without the rows)."""
    total = OutcomeFigures()
    for score in scores:
        f = score.figures
        total.completers += f.completers
        total.converted += f.converted
        total.stable += f.stable
        total.stable_due += f.stable_due
        total.dropped += f.dropped
        total.unfinished += f.unfinished
    return total
