"""QUALITY.md: ≤ 15 SQL queries per page. Walks every page each role reaches (its menu, the
pages no link leads to, and one page of each kind linked from those, like the browser walk) in
a demo district, and counts the queries of each.

The demo district is built once for the module (≈18 s of CPU on SQLite); the other tests that
need one and only read it are here too, at the end (the overview's budget and batched figures,
the auxiliary employment demo), instead of each building its own."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from html import unescape
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import (
    employer_a_create,
    person_a_create,
    personas_create,
    plan_create,
    register_counted,
    rows_for_the_module,
)
from jiuye.accounts.models import User
from jiuye.actionplan.models import Plan
from jiuye.core import timeline
from jiuye.core.indicators import compiled_figures_clear, prefetch_many, registry
from jiuye.core.tests.pages import (
    NOT_PAGES,
    Personas,
    page_kind,
    pages_to_visit,
)
from jiuye.employment.models import EmploymentForm
from jiuye.people.models import Person
from jiuye.programs.demo.auxiliary import demo_auxiliary
from jiuye.programs.models.auxiliary import (
    AuxIncome,
    AuxInstitution,
    AuxMembership,
    LabourAllocation,
    LabourDelivery,
)
from jiuye.reference import selectors as reference_selectors
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

BUDGET = 15
# With a demo district a role reaches more kinds of page than the browser walk opens.
MAX_PAGES = 220
# The roles of the browser walk (test_browser.py), which CI runs in the SQLite suite only: here
# the pages it opens are opened on PostgreSQL too, and must answer 200 (town_b as well: a link a
# town officer may not follow, to another town's provider's scorecard, was found this way).
PERSONAS = ["admin", "district", "liaison", "town_a", "town_b", "leader", "employer", "jobseeker"]

MAIN = re.compile(r"<main\b.*?</main>", re.S)
HREF = re.compile(r"<a\b[^>]*\bhref=\"([^\"]+)\"")


def links_in_main(html: str) -> list[str]:
    """Same-site page links inside <main>, as paths without query or fragment."""
    main = MAIN.search(html)
    paths = []
    for href in HREF.findall(main.group(0) if main else ""):
        path = unescape(href).split("#")[0].split("?")[0]
        if path.startswith("/") and not path.startswith("//") and not NOT_PAGES.search(path):
            paths.append(path)
    return paths


def _demo_district() -> dict[str, Any]:
    """The personas, the plan, and persons, employment, casework, declarations, jobs and
    training as `make run` has them (after the personas' own records, so every village's
    coverage tallies are fresh)."""
    personas = personas_create(person_a_create(), employer_a_create())
    plan = plan_create()
    call_command("demo_data", persons=300, seed=5, stdout=StringIO())
    # The plan's years are past: their tallies are computed by the first view of each, once
    # (ADR 0005); the budget is for every view after that.
    for year in plan.years:
        call_command("refresh_coverage", year=year, everything=True, stdout=StringIO())
    # The district pages' kept figures are counted by the first view after a deployment, or
    # by this command (ADR 0015); the budget is for every view after that.
    call_command("refresh_figures", stdout=StringIO())
    return {"personas": {name: user.pk for name, user in personas.items()}, "plan": plan.pk}


@pytest.fixture(scope="module")
def demo_built(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:  # noqa: ANN001
    """Built once for the module's tests (≈18 s of CPU each time); each test's own rows are
    rolled back around it."""
    folder = tmp_path_factory.mktemp("budget")
    for built in rows_for_the_module(django_db_blocker, folder, _demo_district):
        yield {**built, "media": folder / "media"}


@pytest.fixture
def demo_district(demo_built, settings, _media_in_tmp) -> None:  # noqa: ANN001, PT019
    # The files the demo stored are where the test looks for them.
    settings.MEDIA_ROOT = str(Path(demo_built["media"]))


@pytest.fixture
def personas(demo_built) -> Personas:  # noqa: ANN001
    """The demo district's personas, read afresh for each test."""
    return {name: User.objects.get(pk=pk) for name, pk in demo_built["personas"].items()}


@pytest.fixture
def warm_reference_cache(monkeypatch, settings, demo_district) -> None:  # noqa: ANN001
    """The reference tables a running server keeps in memory (reference.selectors), loaded once
    and kept for the whole walk however long it takes; and the kept figures counted by the
    demo district stay fresh as long. (Past ``JIUYE_FIGURES_MAX_AGE`` a page also queues their
    recount, which the tests' immediate task backend runs inside the request, and the budget
    counted it: the walk failed whenever it took over 300 s, on a loaded machine.)"""
    monkeypatch.setattr(reference_selectors, "CACHE_SECONDS", float("inf"))
    settings.JIUYE_FIGURES_MAX_AGE = 10**9
    reference_selectors.departments()
    reference_selectors.district_and_towns()
    reference_selectors.working_age_rule(timezone.localdate())


def walk(client: Client, start: list[str]) -> dict[str, tuple[int, int]]:
    """Path → (status, queries) of every page kind reached from ``start``."""
    queue = list(start)
    kinds = {page_kind(path) for path in queue}
    seen: dict[str, tuple[int, int]] = {}
    referrer: dict[str, str] = {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        seen[path] = (response.status_code, len(captured.captured_queries))
        if os.environ.get("JIUYE_QUERY_REPORT") and response.status_code != 200:
            print(f"{path} answered {response.status_code}, linked from {referrer.get(path)}")
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for link in links_in_main(response.content.decode()):
                if page_kind(link) not in kinds:
                    kinds.add(page_kind(link))
                    queue.append(link)
                    referrer[link] = path
    assert not queue, f"more than {MAX_PAGES} kinds of page: {queue}"
    return seen


@pytest.mark.query_budget
@pytest.mark.usefixtures("demo_district", "warm_reference_cache")
def test_no_page_any_role_reaches_runs_more_than_15_queries(personas: Personas, client_for) -> None:  # noqa: ANN001
    """One walk per role over one demo district (building it is the slow part)."""
    over, failed, counted = [], [], 0
    for name in PERSONAS:
        client = client_for(name)
        client.get("/")  # the session's first touch is a write, once per minute at most
        pages = walk(client, pages_to_visit(name, personas))
        assert len(pages) > 3, name
        counted += len(pages)
        failed += [f"{name} {path}: {code}" for path, (code, _) in pages.items() if code != 200]
        over += [
            f"{name} {path}: {queries}"
            for path, (status, queries) in pages.items()
            if status == 200 and queries > BUDGET
        ]
        if os.environ.get("JIUYE_QUERY_REPORT"):
            for path, (status, queries) in pages.items():
                print(f"{name}\t{status}\t{queries}\t{path}")
    assert counted > 100
    assert not failed, f"{len(failed)} page(s) did not answer 200:\n" + "\n".join(failed)
    assert not over, f"{len(over)} page(s) over {BUDGET} queries:\n" + "\n".join(over)


@pytest.mark.query_budget
@pytest.mark.usefixtures("demo_district", "warm_reference_cache")
def test_every_demo_persons_page_runs_at_most_15_queries(client_for) -> None:  # noqa: ANN001
    """The walk opens one person's page; a person's timeline reads every program in one
    statement (ADR 0009), so every person's page keeps the budget, the busiest first."""
    persons = timeline.with_presence(Person.objects.all())
    flags = [name for name in persons.query.annotations if name.startswith("timeline_has_")]
    busiest = sorted(
        persons.values_list("pk", *flags),
        key=lambda row: sum(bool(flag) for flag in row[1:]),
        reverse=True,
    )
    assert sum(bool(flag) for flag in busiest[0][1:]) >= 4  # some take part in many programs
    client = client_for("district")
    client.get("/")
    over, opened = [], 0
    for pk, *_ in busiest:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/people/{pk}/")
        if response.status_code == 200:
            opened += 1
            if os.environ.get("JIUYE_QUERY_REPORT"):
                print(f"person\t{len(captured.captured_queries)}\t/people/{pk}/")
            if len(captured.captured_queries) > BUDGET:
                over.append(f"/people/{pk}/: {len(captured.captured_queries)}")
    assert opened > 250
    assert not over, f"{len(over)} person page(s) over {BUDGET} queries:\n" + "\n".join(over)


@pytest.mark.query_budget
@pytest.mark.usefixtures("demo_district", "warm_reference_cache")
def test_the_change_log_keeps_the_budget_whatever_records_its_entries_name(
    client_for,  # noqa: ANN001
) -> None:
    """Issue 19: the change log read the names of each related model with a query of its own,
    so a page whose entries named records of many models ran over 15 (16 for a mix of the
    plan's entries). Here one change per audited model of the demo district, naming every
    record it relates to (38 models): the names are read in one query, every page keeps the
    budget and shows each record by its name, not its id."""
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog

    from jiuye.core import selectors
    from jiuye.core.audit import audit_bulk, describe_entries

    named: dict[Any, set[str]] = {}
    before = LogEntry.objects.count()
    for model in auditlog.get_models():
        record = model._base_manager.order_by("pk").first()
        changes = {}
        for field in model._meta.concrete_fields if record is not None else ():
            value = getattr(record, field.attname)
            if field.is_relation and value is not None:
                changes[field.name] = (None, str(value))
                named.setdefault(field.related_model, set()).add(str(value))
        if changes:
            audit_bulk(model=model, changes=[(record, changes)], action=LogEntry.Action.UPDATE)
    assert len(named) >= 12, named.keys()
    entries = list(selectors.change_entries()[: LogEntry.objects.count() - before])
    with CaptureQueriesContext(connection) as read:
        describe_entries(entries)
    assert len(read.captured_queries) == 1, [q["sql"][-200:] for q in read.captured_queries]
    client = client_for("admin")
    client.get("/")
    pages = -(-len(entries) // 50)
    assert pages >= 2
    for number in range(1, pages + 1):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/audit/changes/", {"page": number})
        assert response.status_code == 200
        assert len(captured.captured_queries) <= BUDGET, number
        page = response.content.decode()
        ids = {key for keys in named.values() for key in keys if len(key) == 36}
        # (Some names are made of ids themselves: an enrolment's, a consent's.)
        assert not [key for key in ids if f"→ {key}</li>" in page]


# --- other tests over the same demo district ------------------------------------------------

DISTRICT = "440199000000"
OVERVIEW = reverse("dashboards:overview")


@pytest.fixture
def overview_year(demo_built) -> int:  # noqa: ANN001
    """The overview's year of the demo's plan, with conftest's ``register_counted`` rows
    added (as dashboards/tests/test_views_overview.py's ``counted``)."""
    plan = Plan.objects.get(pk=demo_built["plan"])
    year = min(max(dt.date.today().year, plan.start_year), plan.end_year)
    register_counted(year)
    return year


@pytest.mark.query_budget
@pytest.mark.usefixtures("demo_district")
def test_the_overview_answers_in_at_most_fifteen_queries(
    client_for,
    overview_year,
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    """The overview with a year chosen, for a leader (every town) and a town officer."""
    client = client_for("leader")
    client.get(OVERVIEW, {"year": overview_year})  # tallies and reference tables computed once
    with django_assert_max_num_queries(BUDGET):
        response = client.get(OVERVIEW, {"year": overview_year})
    assert response.status_code == 200
    town = client_for("town_a")
    town.get(OVERVIEW, {"year": overview_year})
    with django_assert_max_num_queries(BUDGET):
        assert town.get(OVERVIEW, {"year": overview_year}).status_code == 200


@pytest.mark.usefixtures("demo_district")
def test_the_batched_figures_equal_each_indicator_computed_alone(overview_year) -> None:  # noqa: ANN001
    """Every indicator for the district in two years and for three towns in the later one,
    fetched together (the towns counted in one grouped pass per figure under the district, the
    district's counts added up from them), equals ``compute`` of a fresh Region, one by one.
    The district's current year is fetched with them: the demo's records are recent, and most
    program figures count nothing in the plan's years (32 of the 40 that were zero in every
    pair of the plan's years, on the demo this test built before, count something there)."""
    compiled_figures_clear()
    district, towns = reference_selectors.district_and_towns()
    # Three towns are enough for the towns' grouped pass (one statement whatever the towns);
    # the district's sums come from every town's group.
    pairs = [(district, overview_year - 1), (district, overview_year)]
    pairs += [(t, overview_year) for t in towns[:3]] + [(district, dt.date.today().year)]
    prefetch_many(pairs)
    nonzero = 0
    for region, year in pairs:
        for ind in registry.all():
            alone = Region.objects.get(code=region.code)
            batched = ind.value(region, year)
            assert batched == ind.compute(alone, year), (ind.code, region.code, year)
            nonzero += bool(batched)
    assert nonzero > 50  # the demo data gives most figures something to count


@pytest.mark.usefixtures("demo_district")
def test_the_demo_fills_institutions_members_projects_and_income_once() -> None:
    """demo_data's auxiliary employment seeder (programs/demo/auxiliary.py) made its
    institutions, members, projects and income, and does not make them twice."""
    assert AuxInstitution.objects.count() >= 2
    assert AuxMembership.objects.filter(employment__form=EmploymentForm.AUXILIARY).exists()
    assert LabourAllocation.objects.exists() and LabourDelivery.objects.exists()
    assert AuxIncome.objects.exists()
    assert demo_auxiliary(seed=5) == 0
