"""The switches CI's PostgreSQL suite sets (conftest.py, ADR 0017) leave out what they say and
nothing else, and a transactional test's flush empties every table on either database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from conftest import register_person
from jiuye.people.models import Consent, Person
from jiuye.reference.models import Region

ROOT = Path(__file__).resolve().parents[3]
MODULES = ["jiuye/grievances/tests/test_browser.py", "jiuye/grievances/tests/test_views.py"]
KEPT = "test_a_complaint_is_filed_and_looked_up_by_keyboard_alone"  # also_on_postgresql


def collected(**switches: str) -> set[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"JIUYE_BROWSER_TESTS", "JIUYE_DATABASE_TESTS_ONLY"}
    }
    result = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", *MODULES],
        cwd=ROOT,
        env=environment | switches,
        capture_output=True,
        text=True,
        check=True,
    )
    return {line for line in result.stdout.splitlines() if "::" in line}


def test_the_postgresql_suite_leaves_out_the_browser_tests_but_those_marked_and_only_them() -> None:
    every = collected()
    browser = {name for name in every if name.startswith(MODULES[0])}
    kept = {name for name in browser if name.endswith("::" + KEPT)}
    views = every - browser
    assert views and kept and browser - kept
    assert collected(JIUYE_BROWSER_TESTS="skip") == views | kept
    # The views module's tests all use the database; the switch keeps them.
    assert collected(JIUYE_BROWSER_TESTS="skip", JIUYE_DATABASE_TESTS_ONLY="1") == views | kept


@pytest.mark.django_db(transaction=True)
def test_a_flush_empties_tables_linked_by_foreign_keys(reference) -> None:  # noqa: ANN001
    person = register_person(101, "张三")
    Consent.objects.create(
        person=person, purpose=Consent.Purpose.CONTACT, policy_version="v1", given_at=timezone.now()
    )
    assert Consent.objects.exists()
    # As the test case's own flush does (sequences kept), without the content types and
    # permissions it writes again afterwards.
    call_command(
        "flush", interactive=False, verbosity=0, reset_sequences=False, inhibit_post_migrate=True
    )
    assert not Person.objects.exists()
    assert not Consent.objects.exists()
    assert not Region.objects.exists()
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            assert cursor.fetchone() is None, table
