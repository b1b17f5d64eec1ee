"""The whole review's results, to the letter, on a fixed set of declarations: every line's
person, count, checks (code, status, sentence, values) and conflict, and every declaration's
figures and worked steps, as the review computes them and as it stores them. The expected
results are kept in ``data/review_golden.json``, written by the review before its checks and
levy were made faster (issue 19): a faster way must give the same results, on both databases.
Regenerate only for an intended change of result: ``JIUYE_WRITE_GOLDEN=1 pytest <this file>``."""

from __future__ import annotations

import datetime as dt
import json
import os
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from conftest import TOWN_A, make_uscc
from jiuye.employers import services
from jiuye.employers.models import Declaration, DeclaredEmployee, Employer
from jiuye.employers.services.review import (
    COMPUTED_FIELDS,
    LOCKED,
    review_context,
    review_read,
    review_rows,
    review_run,
    year_pairs,
)
from jiuye.employers.tests.declaration_fixtures import YEAR
from jiuye.employers.tests.declaration_fixtures import line as _line
from jiuye.employers.tests.declaration_fixtures import person as _person
from jiuye.employers.tests.test_quota_review_sql import _generate
from jiuye.people.models import Person
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "data" / "review_golden.json"
# The results a review stores on a declaration (its digest, policy and time aside).
STORED = [f for f in COMPUTED_FIELDS if f not in ("review_digest", "policy", "computed_at")]


def _more_levies() -> None:
    """Declarations for the levy's other roads: staff counted monthly,
    an average wage above the cap, a wage total with cents, an agency with no disabled staff,
    a small enterprise at the exemption's limit."""
    town = Region.objects.get(code=TOWN_A)
    persons = [_person(600 + n, grade=1 + n % 4) for n in range(4)]
    cases: list[tuple[str, dict[str, Any], int]] = [
        ("private", {"staff_monthly": [str(100 + n % 2 * 6) for n in range(12)]}, 1),
        ("soe", {"staff_annual": 250, "wage_total": 250 * 400000}, 2),
        ("institution", {"staff_annual": 77, "wage_total": "6543210.57"}, 1),
        ("agency", {"staff_annual": 333, "wage_total": 333 * 91000}, 0),
        ("private", {"staff_annual": 30, "wage_total": 30 * 60000}, 0),
        ("private", {"staff_annual": 31, "wage_total": 31 * 60000}, 0),
    ]
    for n, (kind, figures, lines) in enumerate(cases):
        employer = Employer.objects.create(
            name=f"征收单位{n}",
            uscc=make_uscc(f"91440199MA7T{n:04d}X"),
            kind=kind,
            region=town,
        )
        declaration = services.declaration_start(employer=employer, year=YEAR, by=None)
        figures = {"wage_total": 100 * 70000, **figures}
        declaration = services.declaration_save(declaration=declaration, by=None, **figures)
        for who in persons[n % 2 : n % 2 + lines]:
            services.employee_add(declaration=declaration, by=None, **_line(who))
        services.declaration_submit(declaration=declaration, by=None)


def _plain(value: Any) -> Any:
    """A value as text that tells 2, 2.0 and 2.00 apart (and a person by name)."""
    if isinstance(value, list | dict):
        return json.loads(json.dumps(value))
    if value is None or isinstance(value, bool):
        return value
    return str(value)


def _computed() -> dict[str, Any]:
    """What the review computes (before the database rounds it), keyed by employer and line
    position: the same as one review's rows, without the digest and the time."""
    names = dict(Declaration.objects.values_list("pk", "employer__name"))
    persons = dict(Person.objects.values_list("pk", "name"))
    lines_at = {
        pk: (names[d], position, name)
        for pk, d, position, name in DeclaredEmployee.objects.values_list(
            "pk", "declaration_id", "position", "name"
        )
    }
    context = review_context(year_pairs(YEAR))
    with connection.cursor() as cursor:
        work = review_read(
            cursor,
            connection,
            "d.year = %s AND d.status NOT IN (%s, %s)",
            [YEAR, *LOCKED],
            skip_unchanged=False,
        )
    results = review_run(work, context)
    rows, lines = review_rows(work, results, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    declarations = {}
    for (computed, _written), row in zip(results, rows, strict=True):
        declarations[names[row[0]]] = {
            name: _plain(value) for name, value in computed.items() if name != "review_digest"
        } | {"row": [_plain(v) for v in row[2:-1]]}
    out_lines = {}
    for pk, person, counts, checks, conflict in lines:
        employer, position, name = lines_at[pk]
        out_lines[f"{employer} {position} {name}"] = [
            persons.get(person),
            _plain(counts),
            json.loads(checks),
            conflict,
        ]
    return {"declarations": declarations, "lines": out_lines}


def _stored() -> dict[str, Any]:
    declarations = {
        row[0]: [_plain(v) for v in row[1:]]
        for row in Declaration.objects.filter(year=YEAR)
        .exclude(status__in=LOCKED)
        .values_list("employer__name", "status", *STORED)
    }
    lines = {
        f"{employer} {position} {name}": [person, _plain(counts), checks, conflict]
        for employer, position, name, person, counts, checks, conflict in (
            DeclaredEmployee.objects.filter(declaration__year=YEAR).values_list(
                "declaration__employer__name",
                "position",
                "name",
                "person__name",
                "counts",
                "checks",
                "conflict",
            )
        )
    }
    return {"declarations": declarations, "lines": lines}


def test_the_review_gives_the_kept_results_to_the_letter(reference) -> None:  # noqa: ANN001
    _generate(1)
    _more_levies()
    Declaration.objects.update(counted=77, levy_payable=1, steps=[], review_digest="")
    DeclaredEmployee.objects.update(counts=0, checks=[], conflict=False, person=None)
    computed = _computed()
    call_command("quota_review", year=YEAR, workers=1, stdout=StringIO())
    found = {"computed": computed, "stored": _stored()}
    if os.environ.get("JIUYE_WRITE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(found, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert found["computed"]["declarations"] == expected["computed"]["declarations"]
    assert found["computed"]["lines"] == expected["computed"]["lines"]
    assert found["stored"] == expected["stored"]
