"""The switches CI's suites set (conftest.py, ADR 0017) leave out what they say and nothing
else, the longest tests are handed out first, and a transactional test's flush empties every
table on either database (and the rows of a new test database come back after it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from conftest import register_person
from jiuye.casework.models import ServiceType
from jiuye.jobs.models import MatchWeight, Occupation
from jiuye.people.models import Consent, Person
from jiuye.reference.models import QuotaPolicy, Region

ROOT = Path(__file__).resolve().parents[3]
MODULES = ["jiuye/grievances/tests/test_browser.py", "jiuye/grievances/tests/test_views.py"]
KEPT = "test_a_complaint_is_filed_and_looked_up_by_keyboard_alone"  # also_on_postgresql


SWITCHES = {"JIUYE_BROWSER_TESTS", "JIUYE_DATABASE_TESTS_ONLY", "JIUYE_QUERY_BUDGET_TESTS"}


def collect(modules: list[str], **switches: str) -> tuple[list[str], str]:
    """The tests collected in their order, and pytest's last line (how many were deselected)."""
    environment = {key: value for key, value in os.environ.items() if key not in SWITCHES}
    result = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", *modules],
        cwd=ROOT,
        env=environment | switches,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    return [line for line in lines if "::" in line], lines[-1]


def collected(**switches: str) -> set[str]:
    return set(collect(MODULES, **switches)[0])


def test_the_postgresql_suite_leaves_out_the_browser_tests_but_those_marked_and_only_them() -> None:
    every = collected()
    browser = {name for name in every if name.startswith(MODULES[0])}
    kept = {name for name in browser if name.endswith("::" + KEPT)}
    views = every - browser
    assert views and kept and browser - kept
    assert collected(JIUYE_BROWSER_TESTS="skip") == views | kept
    # The views module's tests all use the database; the switch keeps them.
    assert collected(JIUYE_BROWSER_TESTS="skip", JIUYE_DATABASE_TESTS_ONLY="1") == views | kept


def test_the_sqlite_suite_leaves_out_the_query_budgets_only_and_runs_the_page_walk_first() -> None:
    """CI's SQLite suite sets JIUYE_QUERY_BUDGET_TESTS=skip: the tests marked query_budget
    (the PostgreSQL suite counts them) and nothing else are left out. In either suite, and in
    ``make test``, the browser walk of every role is handed out first."""
    budgets = "jiuye/core/tests/test_query_budget.py"
    kept, summary = collect(
        [budgets, "jiuye/core/tests/test_browser.py"], JIUYE_QUERY_BUDGET_TESTS="skip"
    )
    walk = [name for name in kept if "::test_every_page_a_role_can_reach_passes_axe[" in name]
    assert len(walk) == 8 and kept[: len(walk)] == walk
    marked = {
        "test_no_page_any_role_reaches_runs_more_than_15_queries",
        "test_every_demo_persons_page_runs_at_most_15_queries",
        "test_the_change_log_keeps_the_budget_whatever_records_its_entries_name",
        "test_the_overview_answers_in_at_most_fifteen_queries",
    }
    assert not {name for name in kept if name.split("::")[-1] in marked}
    assert "(4 deselected)" in summary, summary
    # The module's other tests read the same demo district and stay.
    assert f"{budgets}::test_the_batched_figures_equal_each_indicator_computed_alone" in kept


@pytest.mark.django_db(transaction=True)
def test_after_a_transactional_tests_flush_the_new_databases_rows_are_there_again() -> None:
    """The walk handed out first flushes the database before every other test on its worker;
    the tests after it find the rows of a new test database, under the same ids."""

    class Flushing(TransactionTestCase):
        def runTest(self) -> None:  # noqa: N802 (unittest's name)
            pass

    models = [Region, QuotaPolicy, ServiceType, Occupation, MatchWeight, ContentType, LogEntry]
    before = {model: sorted(model.objects.values_list("pk", flat=True)) for model in models}
    assert all(before.values()), before
    Flushing()._fixture_teardown()
    assert {model: sorted(model.objects.values_list("pk", flat=True)) for model in models} == before
    assert (
        ContentType.objects.get_for_model(Region).pk
        == ContentType.objects.get(app_label="reference", model="region").pk
    )


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
