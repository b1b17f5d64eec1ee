"""Reads of enrolments, attendance and certificates. Every read of a person's training passes
through ``core.scoping.scope_for``; courses are organisational and open to every staff role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from jiuye.accounts.models import Role
from jiuye.core.scoping import scope_for
from jiuye.training.models import (
    Attendance,
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
)

ON_SHEET = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


def courses_for_enrolment(user: Any) -> QuerySet[Course]:
    """Courses a user may enrol persons in or take attendance for: any course for staff who
    handle personal data (a district course takes persons of every town); none for others."""
    if getattr(user, "role", None) in (Role.ADMIN, Role.DISTRICT, Role.TOWN):
        return Course.objects.select_related("provider")
    return Course.objects.none()


def courses_open_to_requests() -> QuerySet[Course]:
    return Course.objects.filter(archived_at__isnull=True).select_related("provider")


def enrolments_of_course(user: Any, course: Course) -> QuerySet[Enrolment]:
    return (
        scope_for(user, Enrolment)
        .filter(course=course)
        .select_related("person__region", "person__category")
        .annotate(
            n_present=Count("attendance", filter=Q(attendance__present=True)),
            n_absent=Count("attendance", filter=Q(attendance__present=False)),
        )
        .order_by("person__name", "created_at")
    )


def attendance_sheet(user: Any, course: Course, day: dt.date) -> list[Enrolment]:
    """The enrolled and completed persons of the course in the user's scope, each with
    ``marked`` (a row exists for the day) and ``came`` (present that day)."""
    that_day = Attendance.objects.filter(enrolment=OuterRef("pk"), date=day)
    return list(
        scope_for(user, Enrolment)
        .filter(course=course, status__in=ON_SHEET)
        .select_related("person")
        .annotate(
            marked=Exists(that_day),
            came=Exists(that_day.filter(present=True)),
        )
        .order_by("person__name", "created_at")
    )


def attendance_summary(enrolment: Enrolment) -> dict[str, Any]:
    rows = list(enrolment.attendance.order_by("date").values_list("date", "present"))
    present = sum(1 for _day, came in rows if came)
    return {
        "present": present,
        "absent": len(rows) - present,
        "absent_days": [day for day, came in rows if not came],
    }


def certificates_for_list(
    user: Any, *, kind: str = "", year: int | None = None
) -> QuerySet[Certificate]:
    qs = scope_for(user, Certificate).select_related("person__region", "enrolment__course")
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(issued_on__year=year)
    return qs.order_by("-issued_on", "number")
