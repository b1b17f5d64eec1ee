"""Reads of complaints and suggestions: a staff member's queue (scoped), its search, the
district's counts, and the filer's lookup by reference number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jiuye.core.scoping import scope_for
from jiuye.grievances.models import Category, Grievance, Kind, Satisfaction, Status

OVERDUE = "overdue"


def overdue_q(today: dt.date) -> Q:
    return Q(status=Status.OPEN, due_date__lt=today)


def grievances_for(user: Any) -> QuerySet[Grievance]:
    """What the user handles: a town officer their town's, a department liaison their
    department's, district staff every one (core.scoping)."""
    return scope_for(user, Grievance).select_related("department")


def grievances_search(
    records: QuerySet[Grievance],
    *,
    q: str = "",
    status: str = "",
    category: str = "",
    kind: str = "",
    unit: str = "",
    today: dt.date | None = None,
    **_ignored: Any,
) -> QuerySet[Grievance]:
    """``status`` is a Status or "overdue" (open past the due date); ``q`` finds a reference
    number or words of the text or the employer's name."""
    today = today or timezone.localdate()
    if q:
        records = records.filter(
            Q(reference__icontains=q.strip()) | Q(text__contains=q) | Q(employer_name__contains=q)
        )
    if status == OVERDUE:
        records = records.filter(overdue_q(today))
    elif status:
        records = records.filter(status=status)
    if category:
        records = records.filter(category=category)
    if kind:
        records = records.filter(kind=kind)
    if unit:
        records = records.filter(department_id=unit)
    return records.order_by("status", "due_date", "-created_at")


def grievance_by_reference(reference: str) -> Grievance | None:
    return Grievance.objects.select_related("department").filter(reference=reference).first()


@dataclass
class ReportRow:
    label: str
    total: int = 0
    complaints: int = 0
    suggestions: int = 0
    open: int = 0
    overdue: int = 0
    replied: int = 0
    satisfied: int = 0
    partly: int = 0
    unsatisfied: int = 0
    code: str = ""


@dataclass
class Report:
    by_category: list[ReportRow] = field(default_factory=list)
    by_unit: list[ReportRow] = field(default_factory=list)
    total: ReportRow = field(default_factory=lambda: ReportRow(""))
    overdue: list[Grievance] = field(default_factory=list)


def _counts(today: dt.date) -> dict[str, Any]:
    return {
        "total": Count("id"),
        "complaints": Count("id", filter=Q(kind=Kind.COMPLAINT)),
        "suggestions": Count("id", filter=Q(kind=Kind.SUGGESTION)),
        "open": Count("id", filter=Q(status=Status.OPEN)),
        "overdue": Count("id", filter=overdue_q(today)),
        "replied": Count("id", filter=Q(status=Status.REPLIED)),
        "satisfied": Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        "partly": Count("id", filter=Q(satisfaction=Satisfaction.PARTLY)),
        "unsatisfied": Count("id", filter=Q(satisfaction=Satisfaction.UNSATISFIED)),
    }


def grievance_report(
    records: QuerySet[Grievance], *, year: int | None = None, today: dt.date | None = None
) -> Report:
    """Counts by category and by responsible unit (of those filed in ``year``, or all), and
    every open grievance past its due date, in three queries."""
    today = today or timezone.localdate()
    if year is not None:
        records = records.filter(created_at__year=year)
    counts = _counts(today)
    labels = dict(Category.choices)
    by_category = {
        row["category"]: row for row in records.values("category").annotate(**counts).order_by()
    }
    report = Report()
    for code, label in labels.items():
        row = by_category.get(code, {})
        report.by_category.append(
            ReportRow(str(label), code=code, **{k: row.get(k, 0) for k in counts})
        )
    for row in (
        records.values("department_id", "department__name")
        .annotate(**counts)
        .order_by("-total", "department__name")
    ):
        report.by_unit.append(
            ReportRow(
                row["department__name"],
                code=row["department_id"],
                **{k: row[k] for k in counts},
            )
        )
    for name in counts:
        setattr(report.total, name, sum(getattr(r, name) for r in report.by_category))
    report.overdue = list(
        records.filter(overdue_q(today)).select_related("department").order_by("due_date")[:200]
    )
    return report
