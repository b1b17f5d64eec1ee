"""The leaders' overview (issue 16) over N persons (PostgreSQL), beside the raw SQL of its sums.

The page reads every plan indicator for the district in each plan year and for every town in
the chosen year, plus the registry by category and grade, quota compliance and placements by
form. The baseline, measured in the same run and process, is the registry and coverage
aggregates written by hand as raw SQL: registered and working-age persons per town with the
category × grade counts, and action 十's coverage per town (bench_coverage's statement) — the
part of the page's work that grows with the number of persons.

Data: bench_coverage's generator (persons, employment records, service records and yearly
cases, ``INSERT … SELECT generate_series``) and the shipped plan table imported for the years
around this one. Size: ``--persons N`` (or ``BENCH_OVERVIEW_PERSONS``; default 100,000 — the
issue's target size is 1,000,000, which takes long to generate on the 2-core machine).
``BENCH_KEEP=1`` keeps the database. ``BENCH_OVERVIEW_SQLITE=1`` also copies the generated rows
into a migrated SQLite file and measures the same page and raw SQL there (the generator is
PostgreSQL SQL, so it needs a PostgreSQL DATABASE_URL all the same); without PostgreSQL the
bench is skipped with a note.
"""

from __future__ import annotations

import os
import sys
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PERSONS = 100_000
TARGET_MS = 300
PLAN = ROOT / "jiuye" / "actionplan" / "data" / "plan_2022_2024.txt"
TASKS = ROOT / "jiuye" / "actionplan" / "data" / "tasks_2022_2024.csv"


def _registry_sql(year: int) -> tuple[str, list[Any]]:
    """Registered and working-age persons per town, by category and grade: one statement."""
    import datetime as dt

    from jiuye.reference.selectors import working_age_rule

    on = min(dt.date(year, 12, 31), dt.date.today())
    rule = working_age_rule(on)

    def years_before(n: int) -> dt.date:
        return on.replace(year=on.year - n) if (on.month, on.day) != (2, 29) else on

    youngest = years_before(rule.min_age)
    sql = """
        SELECT substr(p.region_id, 1, 9) AS town, p.category_id, p.grade_id, count(*),
            count(*) FILTER (WHERE (p.sex = 'M' AND p.birth_date <= %s AND p.birth_date > %s)
                               OR (p.sex = 'F' AND p.birth_date <= %s AND p.birth_date > %s))
        FROM people_person p
        WHERE p.archived_at IS NULL AND p.region_id LIKE '440199%%'
        GROUP BY 1, 2, 3
    """
    params = [
        youngest,
        years_before(rule.male_max_age + 1),
        youngest,
        years_before(rule.female_max_age + 1),
    ]
    return sql, params


def _measure(year: int) -> dict[str, Any]:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from bench.bench_coverage import _raw_sql as coverage_sql
    from bench.bench_coverage import _request, _timed
    from jiuye.accounts.models import Role
    from jiuye.accounts.services import user_create
    from jiuye.actionplan import views as plan_views
    from jiuye.actionplan.models import Plan
    from jiuye.core import views as core_views
    from jiuye.core.indicators import compiled_figures_clear, registry
    from jiuye.core.kept import refresh
    from jiuye.core.models import KeptFigures
    from jiuye.dashboards.selectors.overview import FIGURES, figures_args
    from jiuye.dashboards.views import overview as views
    from jiuye.reference.models import Region

    leader, _ = user_create(
        username="bench-leader", role=Role.LEADER, display_name="bench", password=None
    )
    town = Region.objects.get(code="440199001000")
    officer, _ = user_create(
        username="bench-town", role=Role.TOWN, display_name="bench", password=None, town=town
    )
    statements = [_registry_sql(year), coverage_sql(year)]

    def raw() -> list[Any]:
        out = []
        with connection.cursor() as cur:
            for sql, params in statements:
                cur.execute(sql, params)
                out.append(cur.fetchall())
        return out

    query = {"year": year}
    out: dict[str, Any] = {"raw_sql": _timed(raw)}

    def page(user: Any, view: Any = views.overview, path: str = "/dashboards/") -> Any:
        return view(_request(user, path, query))

    # What a viewer waits for: the page reading its figures as kept (core.kept, ADR 0015).
    page(leader).content  # noqa: B018  (the first view counts and keeps them)
    out["overview_district"] = _timed(lambda: page(leader).content)

    def stale() -> None:
        # Older than the maximum age: served as kept while a refresh is queued (the task
        # waits in the queue: no worker runs in the bench).
        KeptFigures.objects.update(
            made_at=timezone.now() - dt.timedelta(days=1), refreshing_since=None
        )
        page(leader).content  # noqa: B018

    out["overview_district_stale"] = _timed(stale)
    page(officer).content  # noqa: B018
    out["overview_town"] = _timed(lambda: page(officer).content)
    page(leader, plan_views.dashboard, "/plan/").content  # noqa: B018
    out["dashboard_district"] = _timed(lambda: page(leader, plan_views.dashboard, "/plan/").content)
    # What the background refresh costs (no viewer waits for it): counting every figure.
    district = Region.objects.get(code="440199000000")
    towns = list(Region.objects.filter(parent=district).order_by("code"))
    plan = Plan.objects.order_by("start_year").last()
    args = figures_args(plan, year, district, towns)
    out["refresh_district"] = _timed(lambda: refresh(FIGURES, args), runs=3)

    def cold() -> None:
        compiled_figures_clear()  # the first count in a minute builds the statement again
        refresh(FIGURES, args)

    out["refresh_district_cold"] = _timed(cold, runs=3)
    town_args = figures_args(plan, year, town, [])
    out["refresh_town"] = _timed(lambda: refresh(FIGURES, town_args), runs=3)
    # The home page a leader, a district officer and a town officer land on after signing in:
    # its main figures of the year (dashboards.selectors.home.FIGURES).
    district_officer, _ = user_create(
        username="bench-district", role=Role.DISTRICT, display_name="bench", password=None
    )
    for key, user in (
        ("home_leader", leader),
        ("home_district", district_officer),
        ("home_town", officer),
    ):
        page(user, core_views.home, "/").content  # noqa: B018
        out[key] = _timed(lambda user=user: page(user, core_views.home, "/").content)
    # Same numbers from the page and the raw SQL, or the comparison means nothing.
    response = page(leader)
    registry_rows, coverage_rows = raw()
    registered = sum(row[3] for row in registry_rows)
    working = sum(row[4] for row in registry_rows)
    unemployed = sum(row[1] for row in coverage_rows)
    values = {
        code: registry.get(code).value(district, year)
        for code in ("people.registered", "people.working_age", "casework.unemployed")
    }
    assert values["people.registered"] == registered, (values, registered)
    assert values["people.working_age"] == working, (values, working)
    assert values["casework.unemployed"] == unemployed, (values, unemployed)
    assert f"{registered:,}".encode() in response.content
    out["figures"] = {"registered": registered, "working_age": working, "unemployed": unemployed}
    return out


# The tables bench_coverage's generator fills (persons, their jobs, services and yearly cases),
# copied as they are into the SQLite copy.
COPIED = (
    "people_person",
    "employment_employmentrecord",
    "casework_servicerecord",
    "casework_annualcase",
)


def _sqlite_value(value: Any) -> Any:
    """A PostgreSQL value as Django keeps it in SQLite (UUIDs as 32 hex digits, JSON as text)."""
    import datetime as dt
    import json
    import uuid
    from decimal import Decimal

    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _sqlite_copy(year: int) -> dict[str, Any]:
    """The same data in SQLite: a migrated file with the reference data, the generated rows
    copied over from this PostgreSQL database, then the same page and raw SQL measured there
    (a child process, the same keys so the ciphertexts read)."""
    import sqlite3
    import subprocess
    import tempfile
    import time

    from django.db import connection

    from bench.scratch import child_result

    folder = Path(tempfile.mkdtemp(prefix="jiuye-bench-overview-sqlite-"))
    path = folder / "overview.sqlite3"
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{path}"
    for command in (["migrate", "--noinput", "-v0"], ["load_reference"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    start = time.perf_counter()
    target = sqlite3.connect(path)
    for table in COPIED:
        with connection.cursor() as cur:
            cur.execute(f"SELECT * FROM {table}")  # noqa: S608 (a table name of this file)
            columns = [c[0] for c in cur.description]
            marks = ", ".join("?" for _c in columns)
            insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            while rows := cur.fetchmany(20_000):
                target.executemany(insert, [tuple(map(_sqlite_value, r)) for r in rows])
    target.commit()
    target.execute("ANALYZE")
    target.close()
    copied = time.perf_counter() - start
    outcome = child_result(["-m", "bench.bench_overview", "--sqlite-child", str(year)], env)
    return outcome if "failed" in outcome else {"copy_s": copied, **outcome}


def _prepare(year: int) -> None:
    """The plan and the coverage tallies, as a deployment has them."""
    from django.core.management import call_command

    call_command(
        "import_plan",
        str(PLAN),
        tasks=TASKS,
        years=f"{year - 1}-{year + 1}",
        stdout=StringIO(),
    )
    for each in range(year - 2, year + 2):
        call_command("refresh_coverage", year=each, everything=True, stdout=StringIO())


def _sqlite_child(year: int) -> None:
    import django

    from bench.scratch import plain_static_files, result

    django.setup()
    plain_static_files()
    _prepare(year)
    result(_measure(year))


def _child() -> None:
    import django

    from bench.scratch import plain_static_files, result

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench.bench_coverage import _generate

    plain_static_files()
    year = timezone.localdate().year
    persons = int(os.environ.get("BENCH_OVERVIEW_PERSONS", DEFAULT_PERSONS))
    timings = _generate(persons, year)
    _prepare(year)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM people_person")
        n_persons = cur.fetchone()[0]
    outcome = {"persons": n_persons, "generate_s": timings, "year": year, **_measure(year)}
    if os.environ.get("BENCH_OVERVIEW_SQLITE", "") not in ("", "0", "false"):
        outcome["sqlite"] = _sqlite_copy(year)
    result(outcome)


def _print(outcome: dict[str, Any]) -> None:
    print(f"  data: {outcome['persons']:,} persons; year {outcome['year']}")
    gen = outcome["generate_s"]
    print("  generated in " + ", ".join(f"{k} {v:.1f} s" for k, v in gen.items()))
    print("  PostgreSQL")
    _print_measures(outcome)
    sqlite = outcome.get("sqlite")
    if sqlite is not None:
        if "failed" in sqlite:
            print(f"  SQLite: failed: {sqlite['failed']}")
        else:
            print(f"  SQLite (the same rows copied in {sqlite['copy_s']:.1f} s)")
            _print_measures(sqlite)


def _print_measures(outcome: dict[str, Any]) -> None:
    raw = outcome["raw_sql"]["median_ms"]
    print(f"  {'measure':<44} {'median':>9} {'best':>9} {'queries':>8}  note")
    rows = [
        ("raw SQL: registry + coverage per town (baseline)", "raw_sql"),
        ("overview page, district (leader), figures kept", "overview_district"),
        ("overview page, district, kept figures stale", "overview_district_stale"),
        ("overview page, one town (town officer)", "overview_town"),
        ("plan dashboard, district (leader)", "dashboard_district"),
        ("refresh (background): district and towns", "refresh_district"),
        ("refresh, district, statement rebuilt", "refresh_district_cold"),
        ("refresh (background): one town", "refresh_town"),
        ("home page, leader", "home_leader"),
        ("home page, district officer", "home_district"),
        ("home page, town officer", "home_town"),
    ]
    for label, key in rows:
        m = outcome[key]
        note = ""
        if key.startswith("refresh"):
            note = f"{m['median_ms'] / raw:.1f}× raw; no viewer waits for it"
        elif key != "raw_sql":
            met = "met" if m["median_ms"] < TARGET_MS else "MISSED"
            note = f"{m['median_ms'] / raw:.1f}× raw; {met} (< {TARGET_MS} ms)"
        print(
            f"  {label:<44} {m['median_ms']:>7.1f}ms {m['best_ms']:>7.1f}ms "
            f"{m['queries']:>8}  {note}"
        )
    print(f"  figures checked against the raw SQL: {outcome['figures']}")


def main() -> None:
    from bench.scratch import run_in_scratch

    run_in_scratch("bench.bench_overview", "jiuye_bench_overview", _print)


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.path.insert(0, str(ROOT))
        _child()
    elif "--sqlite-child" in sys.argv:
        sys.path.insert(0, str(ROOT))
        _sqlite_child(int(sys.argv[sys.argv.index("--sqlite-child") + 1]))
    else:
        if "--persons" in sys.argv:
            os.environ["BENCH_OVERVIEW_PERSONS"] = sys.argv[sys.argv.index("--persons") + 1]
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        main()
