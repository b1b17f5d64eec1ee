"""The test personas (conftest.personas_create) are the accounts ``user_create`` makes: the
fixture skips the service's checks for speed, so it must not differ in anything else."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD, personas_create, register_person
from jiuye.accounts.models import User
from jiuye.accounts.services import user_create
from jiuye.people.models import Person

# What differs between two accounts made one after the other, whatever made them.
PER_ROW = {"id", "password", "date_joined", "security_stamp"}
BINDINGS = ("department", "town", "employer", "person")


def _row(user: User) -> dict[str, Any]:
    row = model_to_dict(User.objects.get(pk=user.pk))
    return {name: value for name, value in row.items() if name not in PER_ROW}


def _entry(user: User) -> dict[str, Any]:
    entry = LogEntry.objects.get_for_object(user).get()
    return {
        "action": entry.action,
        "object_repr": entry.object_repr,
        "actor": entry.actor_id,
        "additional_data": entry.additional_data,
        "changes": {k: v for k, v in entry.changes.items() if k not in PER_ROW},
        "changed": sorted(entry.changes),
    }


@pytest.mark.django_db
def test_each_persona_is_the_account_user_create_makes(reference, person_a, employer_a) -> None:  # noqa: ANN001
    for name, persona in personas_create(person_a, employer_a).items():
        row, entry = _row(persona), _entry(persona)
        assert persona.check_password(PASSWORD)
        binding = {f: getattr(persona, f) for f in BINDINGS if getattr(persona, f"{f}_id")}
        User.objects.filter(pk=persona.pk).delete()
        made, _ = user_create(
            username=name, role=persona.role, display_name=name, password=PASSWORD, **binding
        )
        assert _row(made) == row, name
        assert _entry(made) == entry, name


@pytest.mark.django_db
def test_the_personas_are_made_without_the_checks(reference, person_a, employer_a) -> None:  # noqa: ANN001
    with CaptureQueriesContext(connection) as made:
        personas_create(person_a, employer_a)
    # The account and its audit entry, for each of the eight; nothing read but the department
    # and the two towns the accounts are bound to.
    writes = [q["sql"] for q in made.captured_queries if not q["sql"].startswith("SELECT")]
    reads = [q["sql"] for q in made.captured_queries if q["sql"].startswith("SELECT")]
    assert [sql.split(" (")[0] for sql in writes] == [
        'INSERT INTO "accounts_user"',
        'INSERT INTO "auditlog_logentry"',
    ] * 8
    assert len(reads) == 3
    assert all(sql.split(" FROM ")[1].startswith('"reference_') for sql in reads), reads


def _one_to_one_columns(model: type) -> set[str]:
    """How a query for the row pointing at an instance through a one-to-one names its column."""
    return {
        f'"{relation.related_model._meta.db_table}"."{relation.field.column}" ='
        for relation in model._meta.related_objects
        if relation.one_to_one
    }


@pytest.mark.django_db
def test_a_new_account_or_person_is_not_looked_up_through_its_one_to_ones(reference) -> None:  # noqa: ANN001
    """Nothing can point at a row not made yet; the audit entry of its creation need not ask."""
    with CaptureQueriesContext(connection) as made:
        user_create(username="new", role="district", password=PASSWORD)
        register_person(77, "王五")
    asked = " ".join(query["sql"] for query in made.captured_queries)
    columns = _one_to_one_columns(User) | _one_to_one_columns(Person)
    assert len(columns) >= 5
    assert not [column for column in columns if column in asked]
