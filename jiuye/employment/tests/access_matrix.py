"""Rows of the URL × role access matrix for these pages (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiuye.core.tests.matrix import PERSONAL, Kwargs, access, alike
from jiuye.employment.models import EmploymentForm, EmploymentRecord, Source
from jiuye.employment.services import employment_open


def _record(w: dict[str, Any]) -> EmploymentRecord:
    """An open record of person_a (东城街道): out of town_b's scope."""
    person = w["personas"]["jobseeker"].person
    record = EmploymentRecord.objects.filter(person=person).first()
    return record or employment_open(
        person=person,
        by=None,
        source=Source.STAFF,
        form=EmploymentForm.FLEXIBLE,
        start_date=dt.date(2024, 1, 1),
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
PERSON: Kwargs = lambda w: {"pk": w["personas"]["jobseeker"].person_id}  # noqa: E731
RECORD: Kwargs = lambda w: {"pk": _record(w).pk}  # noqa: E731

# Leaders, liaisons, employers and job seekers: 403 (a job seeker's own record included).
MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "employment:create": (PERSON, access(PERSONAL, town_b=404)),
    **alike(
        RECORD,
        access(PERSONAL, town_b=404),
        "employment:detail",
        "employment:edit",
        "employment:end",
        "employment:archive",
    ),
    "employment:resolve": (RECORD, access(PERSONAL, ok=405)),
    "employment:review": (NONE, access(PERSONAL)),
    "employment:export": (NONE, access(PERSONAL)),
}
