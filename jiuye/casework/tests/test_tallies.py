"""The coverage tallies (ADR 0005) are a cache of the live selectors: after every kind of write
they give the live figures, a new reference day recomputes them, and the worklist they count
lists the same persons in the same order as the live query."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from conftest import VILLAGE_B
from jiuye.casework import selectors, services
from jiuye.casework.models import CoverageTally, ServiceRecord, WantsWork
from jiuye.casework.services.tallies import tallies_refresh
from jiuye.casework.tests.test_coverage import (
    TODAY,
    TOWN,
    VILLAGE_A2,
    YEAR,
    _needs,
    _person,
    _serve,
    _verify,
    town,  # noqa: F401 - the hand-counted fixture
)
from jiuye.core import tallies as core_tallies
from jiuye.core.models import DirtyRegion
from jiuye.employment import services as employment_services
from jiuye.employment.models import EmploymentForm, EmploymentRecord, Source
from jiuye.people.models import LifeStatus, Person
from jiuye.people.services import person_archive, person_set_life_status, person_update
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

DISTRICT = "440199000000"
AREAS = (DISTRICT, TOWN, "440199002000", VILLAGE_A2)


def _table(result: selectors.Coverage) -> list[tuple[object, ...]]:
    return [
        (r.code, r.unemployed, r.verified, r.wanting, r.needs, r.served)
        for r in [*result.rows, result.total]
    ]


def _live_counts(region: Region, today: dt.date) -> dict[str, int]:
    def count(status: str = "", q=None) -> int:  # noqa: ANN001
        qs = selectors.worklist(
            queryset=Person.objects.all(), region=region, year=YEAR, status=status, today=today
        )
        return (qs.filter(q) if q is not None else qs).count()

    counts = {status: count(status) for status in selectors.WORKLIST_STATUSES}
    counts["unemployed"] = count()
    counts.update({key: count(q=q) for key, q in selectors.TODO_SEGMENTS})
    return counts


def assert_tallies_are_live(today: dt.date = TODAY) -> None:
    for code in AREAS:
        region = Region.objects.get(code=code)
        tallied = selectors.coverage(region=region, year=YEAR, today=today)
        assert _table(tallied) == _table(
            selectors.coverage_live(region=region, year=YEAR, today=today)
        ), code
        assert selectors.coverage_figures(
            region=Region.objects.get(code=code), year=YEAR, today=today
        ) == selectors.coverage_figures_live(
            region=Region.objects.get(code=code), year=YEAR, today=today
        ), code
        counts = selectors.worklist_counts(region=region, year=YEAR, today=today)
        live = _live_counts(region, today)
        assert {k: counts[k] for k in live} == live, code


def test_the_tallies_start_as_the_hand_count(town) -> None:  # noqa: ANN001, F811
    result = selectors.coverage(region=Region.objects.get(code=TOWN), year=YEAR, today=TODAY)
    assert (result.total.unemployed, result.total.verified, result.total.served) == (9, 6, 2)
    assert_tallies_are_live()
    assert not DirtyRegion.objects.filter(code__startswith="440199001").exists()


def _record_service(p: dict) -> None:
    _serve(p[2], dt.date(YEAR, 3, 10))


def _register_needs(p: dict) -> None:
    _needs(p[8], dt.date(YEAR, 7, 1))


def _verify_with_a_change_of_wish(p: dict) -> None:
    for seq in (3, 9):
        person = Person.objects.get(pk=p[seq].pk)
        _verify(person, dt.date(YEAR, 7, 1), changes={"wish_to_work": "yes"})


def open_a_job_for(person: Person) -> None:
    """A flexible job from June of the year, recorded by staff."""
    employment_services.employment_open(
        person=person,
        by=None,
        source=Source.STAFF,
        form=EmploymentForm.FLEXIBLE,
        start_date=dt.date(YEAR, 6, 1),
    )


def _open_a_job(p: dict) -> None:
    open_a_job_for(p[1])


def _end_a_job(p: dict) -> None:
    record = EmploymentRecord.objects.get(person=p[5])
    employment_services.employment_end(
        record=record, end_date=dt.date(YEAR, 6, 30), end_reason="resigned", by=None
    )


def _archive_a_job(p: dict) -> None:
    record = EmploymentRecord.objects.get(person=p[5])
    employment_services.employment_archive(record=record, reason="重复录入", by=None)


def _move_to_another_town(p: dict) -> None:
    person = Person.objects.get(pk=p[1].pk)
    person_update(
        person=person, by=None, version=person.version, region=Region.objects.get(code=VILLAGE_B)
    )


def _die(p: dict) -> None:
    person_set_life_status(person=p[10], status=LifeStatus.DECEASED, on=dt.date(YEAR, 8, 1))


def _archive_the_person(p: dict) -> None:
    person_archive(person=p[7], reason="重复登记", by=None)


def _archive_a_service(p: dict) -> None:
    record = ServiceRecord.objects.filter(person=p[1], service_type="job_recommendation").get()
    services.service_archive(record=record, reason="录入错误", by=None)


def _needs_say_no(p: dict) -> None:
    _needs(p[1], dt.date(YEAR, 9, 1), WantsWork.NO)


@pytest.mark.parametrize(
    "write",
    [
        _record_service,
        _register_needs,
        _verify_with_a_change_of_wish,
        _open_a_job,
        _end_a_job,
        _archive_a_job,
        _move_to_another_town,
        _die,
        _archive_the_person,
        _archive_a_service,
        _needs_say_no,
    ],
)
def test_the_tallies_follow_every_kind_of_write(town, write: Callable) -> None:  # noqa: ANN001, F811
    assert_tallies_are_live()  # computed, fresh
    before = _table(selectors.coverage(region=Region.objects.get(code=DISTRICT), year=YEAR))
    write(town)
    # Every write of a person, casework, registry or employment, moved the tallies itself in
    # its transaction (TallyStep, registry_step): nothing is left for a recount.
    assert not DirtyRegion.objects.exists()
    assert_tallies_are_live()
    assert not DirtyRegion.objects.filter(code__startswith="440199").exists()
    # The write did change a figure (else this test could not fail).
    assert _table(
        selectors.coverage(region=Region.objects.get(code=DISTRICT), year=YEAR, today=TODAY)
    ) != before or write in (_archive_a_job,)


def test_a_new_reference_day_recomputes_the_running_year(town) -> None:  # noqa: ANN001, F811
    # While 2024 runs, its reference day is today: someone turning 60 or a job starting
    # tomorrow changes the figures without any write.
    june = dt.date(YEAR, 6, 1)
    assert_tallies_are_live(today=june)
    assert set(CoverageTally.objects.filter(year=YEAR).values_list("as_of", flat=True)) == {june}
    employment_services.employment_open(
        person=town[1],
        by=None,
        source=Source.STAFF,
        form=EmploymentForm.FLEXIBLE,
        start_date=dt.date(YEAR, 6, 2),  # a job starting the next day
    )
    tallies_refresh(region=Region.objects.get(code=DISTRICT), year=YEAR, today=june)
    next_day = june + dt.timedelta(days=1)
    assert_tallies_are_live(today=next_day)
    assert set(CoverageTally.objects.filter(year=YEAR).values_list("as_of", flat=True)) == {
        next_day
    }


def test_a_mark_written_during_a_refresh_is_not_lost(town) -> None:  # noqa: ANN001, F811
    core_tallies.mark_dirty([VILLAGE_A2])
    seen = core_tallies.pending("440199001")
    core_tallies.mark_dirty([VILLAGE_A2])  # a write committed while the refresh computed
    core_tallies.clear(seen)
    assert DirtyRegion.objects.filter(code=VILLAGE_A2).count() == 1


def test_a_mark_on_another_year_recomputes_that_year_too(town) -> None:  # noqa: ANN001, F811
    assert_tallies_are_live()
    selectors.coverage(region=Region.objects.get(code=TOWN), year=YEAR - 1, today=TODAY)
    _verify(town[9], dt.date(YEAR - 1, 5, 1))
    # Reading 2024 clears the mark; 2023's tally of the village was recomputed with it.
    assert_tallies_are_live()
    assert not DirtyRegion.objects.exists()
    region = Region.objects.get(code=TOWN)
    assert _table(selectors.coverage(region=region, year=YEAR - 1, today=TODAY)) == _table(
        selectors.coverage_live(region=region, year=YEAR - 1, today=TODAY)
    )


@pytest.mark.parametrize("status", ["", *selectors.WORKLIST_STATUSES])
@pytest.mark.parametrize("order", ["village", "todo"])
@pytest.mark.parametrize("area", [TOWN, VILLAGE_A2])
def test_the_worklist_pages_list_the_live_persons_in_the_live_order(
    town,  # noqa: ANN001, F811
    status: str,
    order: str,
    area: str,
) -> None:
    region = Region.objects.get(code=area)
    args = {"queryset": Person.objects.all(), "region": region, "year": YEAR, "today": TODAY}
    live = list(selectors.worklist(**args, status=status, order=order))
    pages = selectors.worklist_pages(**args, status=status, order=order)
    assert pages.count() == len(live)
    for size in (1, 2, 4):
        walked = [
            p for start in range(0, len(live) + size, size) for p in pages[start : start + size]
        ]
        assert [p.pk for p in walked] == [p.pk for p in live], size
        assert [selectors.case_marks(p) for p in walked] == [selectors.case_marks(p) for p in live]


def test_the_command_refreshes_the_district(town, capsys) -> None:  # noqa: ANN001, F811
    call_command("refresh_coverage", year=YEAR, everything=True)
    assert "written" in capsys.readouterr().out
    villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="440199")
    assert CoverageTally.objects.filter(year=YEAR).count() == villages.count()


def test_a_persons_import_marks_the_villages_it_touched(town, tmp_path) -> None:  # noqa: ANN001, F811
    from jiuye.core.importing import run_import
    from jiuye.people.tests.test_import_fast_paths import row, write

    assert_tallies_are_live()
    path = write(tmp_path / "persons.csv", [row(seq) for seq in range(1, 4)])
    run_import(kind="persons", path=path, original_name=path.name, dry_run=False)
    assert_tallies_are_live()


def test_an_imports_villages_are_recounted_in_the_background_once_it_commits(
    town,  # noqa: F811
    tmp_path,
    django_capture_on_commit_callbacks,
) -> None:  # noqa: ANN001
    """The first reader of coverage or a worklist after a large import does not wait for the
    recount (1–2 s at 1,000,000 persons, with other readers queued behind its lock): once the
    import commits, one task recounts what it marked (the task worker; at once in tests)."""
    from jiuye.core.importing import run_import
    from jiuye.people.tests.test_import_fast_paths import row, write

    assert_tallies_are_live()
    _as_if_committed()
    path = write(tmp_path / "persons.csv", [row(seq) for seq in range(1, 4)])
    with django_capture_on_commit_callbacks() as queued:
        result = run_import(kind="persons", path=path, original_name=path.name, dry_run=False)
    assert result.created == 3
    assert core_tallies.pending(), "the import marks the villages it touched"
    refreshes = [c for c in queued if c is core_tallies._refresh]
    assert len(refreshes) == 1, "one recount per transaction"
    tallied = {t.pk: t.refreshed_at for t in CoverageTally.objects.all()}
    refreshes[0]()  # as at the commit
    assert not core_tallies.pending()
    assert {t.pk: t.refreshed_at for t in CoverageTally.objects.all()} != tallied
    with CaptureQueriesContext(connection) as captured:
        assert_tallies_are_live()
    assert not [q for q in captured if "INSERT" in q["sql"] or "UPDATE" in q["sql"]]


def test_a_dry_run_queues_no_recount(town, tmp_path, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001, F811
    from jiuye.core.importing import run_import
    from jiuye.people.tests.test_import_fast_paths import row, write

    _as_if_committed()
    marks = core_tallies.pending()
    path = write(tmp_path / "persons.csv", [row(seq) for seq in range(1, 4)])
    with django_capture_on_commit_callbacks() as queued:
        run_import(kind="persons", path=path, original_name=path.name, dry_run=True)
    assert core_tallies._refresh not in queued
    assert core_tallies.pending() == marks


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory lock")
# Committed: a refresh's lock lasts until its transaction ends, and the test's would hold it.
@pytest.mark.django_db(transaction=True)
def test_a_reader_shows_the_last_counts_while_another_process_recounts(town, settings) -> None:  # noqa: ANN001, F811
    """While the task worker recounts what an import marked (seconds at 1,000,000 persons),
    the coverage page and the worklists show the tallies as last counted instead of queueing
    behind its lock; the marks stay, and the read after the recount is live again."""
    from jiuye.casework.services.tallies import _REFRESH_LOCK

    # The recount queued at the mark's commit is not run here: another process holds the lock.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert_tallies_are_live()
    region = Region.objects.get(code=TOWN)
    before = _table(selectors.coverage(region=region, year=YEAR, today=TODAY))
    # As an import writes: persons changed without a step, their village marked.
    Person.objects.filter(region_id=VILLAGE_A2).update(
        archived_at=dt.datetime(YEAR, 3, 1, tzinfo=dt.UTC)
    )
    core_tallies.mark_dirty([VILLAGE_A2])
    other = connection.get_new_connection(connection.get_connection_params())
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")  # a reader that waits fails, not hangs
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [_REFRESH_LOCK])  # the recount runs
        shown = selectors.coverage(region=region, year=YEAR, today=TODAY)
        assert _table(shown) == before
        # And the page says so, with when the counts it shows were made.
        counted = CoverageTally.objects.get(village_id=VILLAGE_A2, year=YEAR).refreshed_at
        assert shown.counted_at == counted
        assert core_tallies.pending(), "the marks stay for the recount"
        other.execute("SELECT pg_advisory_unlock(%s)", [_REFRESH_LOCK])
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    recounted = selectors.coverage(region=region, year=YEAR, today=TODAY)
    assert _table(recounted) != before
    assert recounted.counted_at is None
    assert not core_tallies.pending()
    assert_tallies_are_live()


def _import_archives_village_a2() -> None:
    """As an import writes, committed: persons changed without a step, their village marked
    (which queues the recount for the task worker)."""
    with transaction.atomic():
        Person.objects.filter(region_id=VILLAGE_A2).update(
            archived_at=dt.datetime(YEAR, 3, 1, tzinfo=dt.UTC)
        )
        core_tallies.mark_dirty([VILLAGE_A2])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory lock")
# Committed: the recount is queued when the marks commit.
@pytest.mark.django_db(transaction=True)
def test_a_reader_shows_the_last_counts_while_the_recount_waits_for_the_worker(
    town,  # noqa: ANN001, F811
    settings,  # noqa: ANN001
    client_for,  # noqa: ANN001
) -> None:
    """Between an import's commit and the task worker taking up the recount it queued, the
    reader shows the tallies as last counted instead of recounting the same marks itself, and
    the coverage page and the worklist say so; a recount queued longer ago than
    QUEUED_RECOUNT_SECONDS (no worker running) is not waited for."""
    from django_tasks_db.models import DBTaskResult

    from jiuye.casework.services import tallies as services_tallies

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert_tallies_are_live()
    region = Region.objects.get(code=TOWN)
    before = _table(selectors.coverage(region=region, year=YEAR, today=TODAY))
    _import_archives_village_a2()
    queued = DBTaskResult.objects.get(task_path=services_tallies.refresh_marked_task.module_path)
    assert queued.status == "READY"
    assert _table(selectors.coverage(region=region, year=YEAR, today=TODAY)) == before
    assert core_tallies.pending(), "the marks stay for the recount"
    district = client_for("district")
    pages = [
        f"/casework/coverage/?year={YEAR}&region={TOWN}",
        f"/casework/worklist/?year={YEAR}&town={TOWN}",
        f"/casework/worklist/?year={YEAR}&town={TOWN}&order=todo",
    ]
    counted = CoverageTally.objects.get(village_id=VILLAGE_A2, year=YEAR).refreshed_at
    when = timezone.localtime(counted).strftime("%Y-%m-%d %H:%M")
    for url in pages:
        body = district.get(url).content.decode()
        assert f"这里的人数是 {when} 统计的" in body, url
    # The coverage table's Excel file says so too, under its title.
    export = f"/casework/coverage/export.xlsx?year={YEAR}&region={TOWN}"
    rows = list(load_workbook(io.BytesIO(district.get(export).content)).active.values)
    assert f"这里的人数是 {when} 统计的" in rows[1][0]
    assert core_tallies.pending(), "a page read is no recount either"
    DBTaskResult.objects.filter(pk=queued.pk).update(
        enqueued_at=timezone.now()
        - dt.timedelta(seconds=services_tallies.QUEUED_RECOUNT_SECONDS + 1)
    )
    after = _table(selectors.coverage(region=region, year=YEAR, today=TODAY))
    assert after != before
    assert not core_tallies.pending()
    assert_tallies_are_live()
    for url in pages:
        assert "正在后台重新统计" not in district.get(url).content.decode(), url
    rows = list(load_workbook(io.BytesIO(district.get(export).content)).active.values)
    assert rows[1][0] == "区划代码"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory lock")
# Committed: the recount is queued when the marks commit.
@pytest.mark.django_db(transaction=True)
def test_kept_figures_say_when_their_counts_wait_for_the_recount(
    town,  # noqa: ANN001, F811
    plan,  # noqa: ANN001
    settings,  # noqa: ANN001
    client_for,  # noqa: ANN001
) -> None:
    """The plan dashboard, the overview, the map and the home pages read their figures as kept
    (ADR 0015). Built in a request while an import's recount waits for the task worker, they
    hold the last counts: the row keeps when those were made, the page says so, and the
    background rebuild is queued at once; that rebuild waits for the recount (it recounts) and
    the note goes."""
    from django_tasks_db.models import DBTaskResult

    from jiuye.actionplan import selectors as plan_selectors
    from jiuye.casework.services import tallies as services_tallies
    from jiuye.core import kept as core_kept
    from jiuye.core.models import KeptFigures
    from jiuye.dashboards.selectors import overview

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    region = Region.objects.get(code=TOWN)
    code = "casework.unemployed"
    # The plan dashboard's figures (one region: coverage_figures) and the overview's (the year
    # and the one before: coverage_figures_many).
    kinds = {
        "dashboard": (plan_selectors.VALUES, plan_selectors.values_args(region, YEAR)),
        "overview": (overview.FIGURES, overview.figures_args(plan, YEAR, region, [])),
    }

    def value(name: str, data: dict) -> str:  # noqa: ANN001
        values = data["values"]
        return values[code] if name == "dashboard" else values[f"{TOWN}|{YEAR}"][code]

    before = {name: value(name, core_kept.refresh(*kind).data) for name, kind in kinds.items()}
    _import_archives_village_a2()
    assert DBTaskResult.objects.get(task_path=services_tallies.refresh_marked_task.module_path)
    counted = CoverageTally.objects.get(village_id=VILLAGE_A2, year=YEAR).refreshed_at

    # The first view after a deployment builds in its request, without waiting.
    KeptFigures.objects.all().delete()
    for name, kind in kinds.items():
        shown = core_kept.kept(*kind)
        assert value(name, shown.data) == before[name], name
        assert (shown.stale_counts_at, shown.fresh, shown.refreshing) == (counted, False, True)
        row = KeptFigures.objects.get(scope=core_kept.scope_of(*kind))
        assert row.stale_counts_at == counted, name
        assert row.refreshing_since is not None, "the rebuild is queued at once"
    rebuilds = DBTaskResult.objects.filter(task_path=core_kept.refresh_task.module_path)
    assert [r.status for r in rebuilds] == ["READY", "READY"]
    # A viewer before the rebuild: the last counts, said to be, with their time. The kept row
    # is young, but its stale counts make it due (the queued rebuild is not queued twice).
    when = timezone.localtime(counted).strftime("%Y-%m-%d %H:%M")
    note = f"走访覆盖的人数（行动五、行动十的指标）是 {when} 统计的"
    dashboard = f"/plan/?year={YEAR}&town={TOWN}"
    assert note in client_for("district").get(dashboard).content.decode()
    # The overview's downloads say so too, under the time the figures were counted.
    export = f"/dashboards/overview/registry.xlsx?year={YEAR}&town={TOWN}"
    sheet = load_workbook(io.BytesIO(client_for("district").get(export).content)).active
    lines = [row[0] for row in sheet.iter_rows(max_row=2, values_only=True)]
    assert lines[0].startswith("数字统计于 ")
    assert f"走访覆盖的人数（行动五、行动十的指标）是 {when} 统计的" in lines[1]
    assert rebuilds.count() == 2
    assert core_tallies.pending(), "a page read is no recount"

    # The task worker takes up the rebuilds before the recount: they wait for (do) the count.
    for rebuild in rebuilds:
        core_kept.refresh_task.call(**rebuild.args_kwargs["kwargs"])
    assert not core_tallies.pending()
    for name, kind in kinds.items():
        row = KeptFigures.objects.get(scope=core_kept.scope_of(*kind))
        assert (row.stale_counts_at, row.refreshing_since) == (None, None), name
        assert value(name, row.data) != before[name], name
    assert "正在后台重新统计" not in client_for("district").get(dashboard).content.decode()
    assert_tallies_are_live()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory lock")
@pytest.mark.django_db(transaction=True)
def test_the_annual_report_waits_for_the_recount(town, plan, settings) -> None:  # noqa: ANN001, F811
    """The annual report (the command, or the page's background job) prints the counts of the
    moment it is made: it does not take the last counts while an import's recount waits."""
    from jiuye.casework.services import tallies as services_tallies
    from jiuye.dashboards.services.report import report_write

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    region = Region.objects.get(code=TOWN)
    assert_tallies_are_live()  # every village counted: a reader may show them as last counted
    _import_archives_village_a2()
    assert services_tallies._recount_queued()
    report_write(year=YEAR, region=region, now=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    assert not core_tallies.pending(), "the report recounted instead of taking the last counts"
    assert_tallies_are_live()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory lock")
@pytest.mark.django_db(transaction=True)
def test_the_indicators_api_answers_with_the_recounted_figures(town, settings, personas) -> None:  # noqa: ANN001, F811
    """The API's indicators are live values with no note beside them: while an import's
    recount waits for the worker, the API does not answer with the counts from before."""
    from django.test import Client

    from jiuye.api import services as api_services

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _key, token = api_services.apikey_create(
        name="统计", owner=personas["admin"], role="district", by=personas["admin"]
    )

    def unemployed() -> str:
        answer = Client().get(
            f"/api/v1/indicators?year={YEAR}&region={TOWN}", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert answer.status_code == 200, answer.content
        items = answer.json()["items"]
        return next(i["value"] for i in items if i["code"] == "casework.unemployed")

    before = unemployed()
    _import_archives_village_a2()
    assert unemployed() != before
    assert not core_tallies.pending()
    assert_tallies_are_live()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory lock")
@pytest.mark.django_db(transaction=True)
def test_a_years_freeze_stores_the_recounted_figures(town, settings, personas) -> None:  # noqa: ANN001, F811
    """A freeze keeps the year's figures for good: while an import's recount waits for the
    worker, it does not store the counts from before."""
    from jiuye.actionplan.models import IndicatorSnapshot
    from jiuye.actionplan.services.targets import year_freeze

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    region = Region.objects.get(code=TOWN)
    assert_tallies_are_live()  # every village counted: a reader may show them as last counted
    before = selectors.coverage_figures(region=region, year=YEAR).unemployed
    _import_archives_village_a2()
    year_freeze(year=YEAR, regions=[Region.objects.get(code=TOWN)], by=personas["district"])
    frozen = IndicatorSnapshot.objects.get(indicator_code="casework.unemployed", region=region)
    assert frozen.value != before
    assert not core_tallies.pending(), "the freeze recounted instead of taking the last counts"
    assert_tallies_are_live()


def _as_if_committed() -> None:
    """The fixture's writes queued a recount for the commit of the test's transaction, which
    never comes; a recount is queued once per transaction, so run it now, as a commit would."""
    for _savepoints, callback, _robust in connection.run_on_commit:
        if callback is core_tallies._refresh:
            callback()
    connection.run_on_commit = [
        each for each in connection.run_on_commit if each[1] is not core_tallies._refresh
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_tallies_equal_a_full_recount_after_random_writes(town, seed: int) -> None:  # noqa: ANN001, F811
    """Random casework and registry writes to random persons, the coverage read (so refreshed)
    after some of them: every read, and the end, equal the live count of everything."""
    rng = random.Random(seed)
    persons = list(town.values())
    assert_tallies_are_live()
    for step in range(12):
        person = Person.objects.get(pk=rng.choice(persons).pk)
        day = dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
        kind = rng.choice(("serve", "verify", "needs", "wish", "move"))
        if kind == "serve":
            _serve(person, day, rng.choice(("job_recommendation", "career_guidance")))
        elif kind == "verify":
            _verify(person, day, changes={"wish_to_work": rng.choice(("yes", "no"))})
        elif kind == "needs":
            _needs(person, day, rng.choice((WantsWork.YES, WantsWork.NO)))
        elif kind == "wish":
            person_update(
                person=person,
                by=None,
                version=person.version,
                wish_to_work=rng.choice(("yes", "no")),
            )
        else:
            village = rng.choice((VILLAGE_A2, VILLAGE_B, "440199001001"))
            person_update(
                person=person,
                by=None,
                version=person.version,
                region=Region.objects.get(code=village),
            )
        if rng.random() < 0.5:
            assert_tallies_are_live()
    assert_tallies_are_live()
    assert not DirtyRegion.objects.filter(code__startswith="440199").exists()


@pytest.mark.parametrize("area", [TOWN, VILLAGE_A2])
def test_the_page_conditions_select_the_persons_of_the_definitions(town, area: str) -> None:  # noqa: ANN001, F811
    """PAGE_STATUS_Q and PAGE_SEGMENTS (one case join) select exactly STATUS_Q's and
    TODO_SEGMENTS' persons (through the relation), persons without a case included."""
    base = selectors.worklist(
        queryset=Person.objects.all(), region=Region.objects.get(code=area), year=YEAR, today=TODAY
    )
    pairs = [
        *((selectors.STATUS_Q[k], selectors.PAGE_STATUS_Q[k]) for k in selectors.WORKLIST_STATUSES),
        *(
            (q, page_q)
            for (_k, q), (_p, page_q) in zip(
                selectors.TODO_SEGMENTS, selectors.PAGE_SEGMENTS, strict=True
            )
        ),
    ]
    seen = set()
    for definition, page in pairs:
        expected = [p.pk for p in base.filter(definition)]
        assert [p.pk for p in base.filter(page)] == expected
        seen.update(expected)
    assert seen == {p.pk for p in base}  # every person is in some status


def test_a_casework_write_in_a_marked_village_leaves_it_to_the_recount(
    town,  # noqa: ANN001, F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A person registered (the village marked, its tally not yet counting them) and at once
    given a needs registration: the tally is not moved from a count it never had (that took
    ``needs_missing`` below zero), the village stays marked, and the next read is right."""
    assert_tallies_are_live()
    with monkeypatch.context() as patched:  # registered as an import would: marked only
        patched.setattr(core_tallies, "_steppers", [])
        person = _person(60, VILLAGE_A2, wish_to_work="yes")
    assert DirtyRegion.objects.filter(code=VILLAGE_A2).count() == 1
    _needs(person, dt.date(YEAR, 5, 1))
    assert DirtyRegion.objects.filter(code=VILLAGE_A2).count() >= 2  # registration, and the step
    assert_tallies_are_live()


def test_a_services_import_that_changes_a_wish_and_its_rollback_keep_the_tallies_live(
    town,  # noqa: F811
    tmp_path,
) -> None:  # noqa: ANN001
    """The import writes the person's wish to work before the yearly cases are rebuilt: the
    tallies' step must count it (wanting, needs missing), or its village be recounted."""
    from jiuye.casework.tests.test_import_services import HEADER, run, write_csv

    assert_tallies_are_live()
    person = (
        Person.objects.filter(region__code__startswith=TOWN[:9], archived_at__isnull=True)
        .exclude(wish_to_work="yes")
        .order_by("pk")
        .first()
    )
    day = dt.date(YEAR, 3, 1).isoformat()
    row = [
        person.id_number,
        "就业需求登记",
        day,
        "入户走访",
        "",
        "",
        "王专干",
        "",
        "是",
        "客服",
        "",
    ]
    result = run(write_csv(tmp_path / "needs.csv", [row], HEADER))
    assert result.created == 1 and not result.errors
    assert Person.objects.get(pk=person.pk).wish_to_work == "yes"
    assert_tallies_are_live()
    # Undone: the wish put back is counted too.
    from jiuye.core.importing import batch_rollback

    batch_rollback(batch=result.batch, by=None)
    assert Person.objects.get(pk=person.pk).wish_to_work == person.wish_to_work
    assert_tallies_are_live()
