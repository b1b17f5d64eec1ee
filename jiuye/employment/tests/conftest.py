"""Helpers of the employment tests: records of the shared persons, and import files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jiuye.employment.models import EmploymentForm, EmploymentRecord, Source
from jiuye.employment.services import employment_open
from jiuye.people.models import Person


@pytest.fixture
def open_job(personas) -> Callable[..., EmploymentRecord]:  # noqa: ANN001
    """``open_job(person, start, **fields)``: a record as staff would enter it."""

    def make(person: Person, start: dt.date = dt.date(2024, 1, 1), **fields: Any):  # noqa: ANN202
        fields.setdefault("form", EmploymentForm.FLEXIBLE)
        return employment_open(
            person=person, by=personas["district"], source=Source.STAFF, start_date=start, **fields
        )

    return make


@pytest.fixture
def record_a(open_job, person_a, employer_a) -> EmploymentRecord:  # noqa: ANN001
    """person_a (东城街道) employed by employer_a since 2024-01-01."""
    return open_job(
        person_a,
        form=EmploymentForm.QUOTA,
        employer=employer_a,
        job_title="客服专员",
        monthly_wage=3500,
    )


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    lines = [",".join(header), *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
