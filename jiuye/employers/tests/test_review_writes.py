"""What the year's review writes: only the lines whose result changed (``DeferredUpdate`` with
``only_changed``: a line whose person, count, checks and conflict are already stored is not
rewritten), on both databases."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError

from jiuye.core.bulk import DeferredUpdate, EncodedJson
from jiuye.employers.models import Declaration, DeclaredEmployee
from jiuye.employers.services.review import LINE_RESULT_FIELDS
from jiuye.employers.tests.declaration_fixtures import YEAR, declare, line, person
from jiuye.people.models import Person
from jiuye.reference.models import QuotaPolicy

pytestmark = pytest.mark.django_db


def _stored() -> dict:
    return {
        row[0]: row[1:]
        for row in DeclaredEmployee.objects.values_list(
            "pk", "person_id", "counts", "checks", "conflict"
        )
    }


def test_only_changed_rows_are_written(reference, employer_a) -> None:  # noqa: ANN001
    known, gone = person(501), person(502, grade=1)
    declaration = declare(employer_a, [line(known), line(gone)], submit=True)
    first, second = declaration.employees.order_by("position", "name")
    before = _stored()
    assert before[first.pk][0] == known.pk and before[first.pk][3] is False

    def row(pk, person_id, counts, checks, conflict):  # noqa: ANN001, ANN202
        return [pk, person_id, counts, checks, conflict]

    # The same values (one JSON already encoded, as the review sends it), then a change.
    same = [
        row(
            first.pk, known.pk, before[first.pk][1], EncodedJson(_json(before[first.pk][2])), False
        ),
        row(second.pk, *before[second.pk]),
    ]
    with DeferredUpdate(DeclaredEmployee, LINE_RESULT_FIELDS, only_changed=True) as update:
        update.add(same)
        update.flush()
        assert update.written == 0
        update.add([row(second.pk, None, Decimal(0), [{"code": "x"}], True)])
    assert update.written == 1
    after = _stored()
    assert after[first.pk] == before[first.pk]
    assert after[second.pk] == (None, Decimal(0), [{"code": "x"}], True)
    # Without the option every row sent is written, changed or not.
    with DeferredUpdate(DeclaredEmployee, LINE_RESULT_FIELDS) as update:
        update.add([row(first.pk, *before[first.pk])])
    assert update.written == 1


def _json(value: object) -> str:
    import json

    return json.dumps(value)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row versions (xmin) are PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_a_recomputation_that_changes_nothing_rewrites_no_line(reference, employer_a) -> None:  # noqa: ANN001
    declare(employer_a, [line(person(511)), line(person(512))], submit=True)
    call_command("quota_review", year=YEAR, stdout=StringIO())

    def versions() -> dict:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, xmin::text FROM employers_declaredemployee")
            return dict(cursor.fetchall())

    before, stored = versions(), _stored()
    call_command("quota_review", year=YEAR, all=True, workers=1, stdout=StringIO())
    assert _stored() == stored
    assert versions() == before


def test_after_the_review_a_link_is_checked_at_commit_again(reference, employer_a) -> None:  # noqa: ANN001
    """On PostgreSQL the review checks the policies it sets at each of its writes (beside its
    workers, not all at commit); the caller's transaction then checks links at commit again,
    as Django declares them."""
    declaration = declare(employer_a, [line(person(521))], submit=True)
    call_command("quota_review", year=YEAR, all=True, workers=1, stdout=StringIO())
    declaration.refresh_from_db()
    policy = declaration.policy_id
    assert policy is not None
    rows = Declaration.objects.filter(pk=declaration.pk)
    # A policy that does not exist: no error before commit (here, none is reached) ...
    rows.update(policy_id=QuotaPolicy.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1)
    # ... and put right before the test's own end-of-test check of every constraint.
    rows.update(policy_id=policy)


def test_a_line_s_person_is_a_link_without_a_foreign_key_that_still_protects(
    reference,  # noqa: ANN001
    employer_a,  # noqa: ANN001
) -> None:
    """ADR 0019: the database keeps no foreign key for a declared line's registry person (each
    computation sets it again from the blind index); the ORM still refuses to delete a person
    a line links, and the line reads its person as before."""
    known = person(541)
    declaration = declare(employer_a, [line(known)], submit=True)
    employee = declaration.employees.select_related("person").get()
    assert employee.person == known
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, DeclaredEmployee._meta.db_table)
    on_person = [info for info in found.values() if info["columns"] == ["person_id"]]
    assert [info["foreign_key"] for info in on_person if info["foreign_key"]] == []
    assert any(info["index"] for info in on_person)  # merges still find its lines by index
    with pytest.raises(ProtectedError):
        known.delete()
    assert Person.objects.filter(pk=known.pk).exists()


def test_repeated_checks_are_sent_once_and_stored_the_same(reference, employer_a) -> None:  # noqa: ANN001
    """``repeated``: each distinct checks list goes once to a table of values (PostgreSQL) and
    the lines name it by number; what is stored is what the plain write stores."""
    declaration = declare(employer_a, [line(person(531 + n)) for n in range(3)], submit=True)
    one, two, three = declaration.employees.order_by("position", "name")
    shared = [{"code": "a", "status": "pass", "params": {"n": 1}}]
    rows = [
        [one.pk, None, Decimal(1), EncodedJson(_json(shared)), False],
        [two.pk, None, Decimal(2), shared, True],
        [three.pk, None, Decimal(0), [], False],
    ]
    with DeferredUpdate(
        DeclaredEmployee, LINE_RESULT_FIELDS, only_changed=True, repeated=("checks",)
    ) as update:
        update.add([list(row) for row in rows[:2]])
        update.flush()
        update.add([list(rows[2])])
    assert update.written == 3
    stored = _stored()
    assert stored[one.pk] == (None, Decimal(1), shared, False)
    assert stored[two.pk] == (None, Decimal(2), shared, True)
    assert stored[three.pk] == (None, Decimal(0), [], False)
    # The same values again (the first by its text): nothing written.
    with DeferredUpdate(
        DeclaredEmployee, LINE_RESULT_FIELDS, only_changed=True, repeated=("checks",)
    ) as update:
        update.add([list(row) for row in rows])
    assert update.written == 0
    assert _stored() == stored
