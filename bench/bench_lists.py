"""Three list pages at scale, one request each (issue 19): the declaration review queue, the
employer name search and the postings list, before and after their indexes (PostgreSQL).

Run it on a database kept by ``bench/bench_quota.py`` (``BENCH_KEEP=1``: 100,000 employers
with 100,000 submitted declarations and 303,000 declared employees), at the migration before
these indexes; it adds 20,000 postings if there are none, times the former queries of each page
(its rows and its count, as the page runs them), applies the migrations, and times the new
ones. The baseline, in the same run, is one sequential count of each table (what one pass over
it costs). Best of five runs, wall and the server's own execution time (EXPLAIN ANALYZE)::

    DATABASE_URL=postgres://…/jiuye_bench_quota_NNN .venv/bin/python -m bench.bench_lists

``--pages`` and ``--compare`` time the three pages the load test found slow at 1,000,000
persons ("jobs for me", the registry search by town, employer searches of 1–2 characters) on
the load test's database, ``--pages`` also the registry's name searches of 1–2 characters;
see their comment below.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POSTINGS = 20_000
RUNS = 5


def _postings() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM jobs_posting")
        if cur.fetchone()[0]:
            return
        # Posting i of employer 1 + i*5: 90 % published, 5 % drafts, 5 % past their deadline.
        cur.execute(
            f"""
            INSERT INTO jobs_posting (
                id, created_at, updated_at, archived_at, archived_reason, version, title,
                openings, is_remote, new_form_subtype, hours, schedule, contract_type,
                education_min, skills, requirements, experience_years, accessibility,
                target_groups, benefits, description, deadline, status, published_at,
                review_note, terms, title_terms, employer_id, region_id)
            SELECT md5('j' || i)::uuid, now() - i * interval '1 minute', now(), NULL, '', 1,
                '岗位' || i, 1, i % 10 = 0, '', 'full_time', '', '', '', '[]'::jsonb, '', 0,
                '[]'::jsonb, '[]'::jsonb, '', '',
                CASE WHEN i % 20 = 1 THEN current_date - 1 ELSE current_date + 30 END,
                CASE WHEN i % 20 = 2 THEN 'draft' ELSE 'published' END,
                CASE WHEN i % 20 = 2 THEN NULL ELSE now() - i * interval '1 minute' END,
                '', '', '', e.id, e.region_id
            FROM generate_series(1, {POSTINGS}) AS i
            JOIN employers_employer e ON e.id = md5('e' || (1 + (i * 5) % 100000))::uuid
            """
        )
        cur.execute("VACUUM ANALYZE jobs_posting")


def _former_queue() -> Any:
    from django.db.models import Count, Q

    from jiuye.employers.models import Declaration

    return (
        Declaration.objects.filter(status="submitted")
        .select_related("employer")
        .annotate(
            conflicts=Count(
                "employees", filter=Q(employees__conflict=True, employees__staff_decision="")
            ),
            unknown=Count("employees", filter=Q(employees__person__isnull=True)),
        )
        .order_by("submitted_at", "pk")  # ties by id, as now (the bench's times are equal)
    )


def _former_search(text: str) -> Any:
    from django.db.models import Q

    from jiuye.employers.models import Employer

    return (
        Employer.objects.filter(archived_at__isnull=True)
        .filter(Q(name__contains=text) | Q(uscc__iexact=text))
        .select_related("region")
        .order_by("name")
    )


def _pages(new: bool) -> dict[str, Any]:
    """Each page as its view runs it: (rows query set, count query set, after-rows hook)."""
    from django.utils import timezone

    from jiuye.employers import selectors
    from jiuye.employers.models import Declaration, Employer
    from jiuye.jobs.models import Posting
    from jiuye.jobs.selectors.postings import posting_search, postings_for_list

    today = timezone.localdate()
    postings = postings_for_list(posting_search(Posting.objects.all(), on=today))
    if new:
        queue = selectors.review_queue(queryset=Declaration.objects.all())
        figures = selectors.with_review_figures

        def search(text: str) -> Any:
            return selectors.employers_search(queryset=Employer.objects.all(), filters={"q": text})
    else:
        queue, figures, search = _former_queue(), None, _former_search
    return {
        "review queue (50 of 100,000)": (queue, 50, figures),
        "employer search 单位12345 (3+ chars)": (search("单位12345"), 50, None),
        "employer search 单位 (2 chars, all match)": (search("单位"), 50, None),
        "employer list (no search)": (search(""), 50, None),
        "postings list (20 of 20,000)": (postings, 20, None),
    }


def _explain_ms(qs: Any) -> float:
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        return float(cur.fetchone()[0][0]["Execution Time"])


def _time(qs: Any, size: int, hook: Any) -> dict[str, Any]:
    best: dict[str, Any] = {}
    for _ in range(RUNS):
        start = time.perf_counter()
        cpu = time.process_time()
        rows = list(qs[:size])
        if hook:
            rows = hook(rows)
        count = qs.count()
        wall = time.perf_counter() - start
        if not best or wall < best["wall"]:
            best = {"wall": wall, "cpu": time.process_time() - cpu, "count": count}
    best["keys"] = [r.pk for r in rows]
    best["server_ms"] = _explain_ms(qs[:size]) + _explain_ms_count(qs)
    return best


def _explain_ms_count(qs: Any) -> float:
    """The server's time for the page's count, counted over the rows query as Django does for
    a grouped query (a plain one counts the same rows)."""
    from django.db import connection

    sql, params = qs.order_by().query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM ({sql}) AS c", params)
        return float(cur.fetchone()[0][0]["Execution Time"])


def _baseline() -> float:
    from django.db import connection

    best = None
    with connection.cursor() as cur:
        for _ in range(RUNS):
            start = time.perf_counter()
            for table in ("employers_declaration", "employers_employer", "jobs_posting"):
                cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
                cur.fetchone()
            took = time.perf_counter() - start
            best = took if best is None else min(best, took)
    return best or 0.0


# --- the three pages of issue 19's load test at 1,000,000 persons -----------------------------
#
# On a database built by ``bench/bench_load.py --build-only --keep`` (or the same generators:
# ``datagen.registry``, ``datagen.declarations``, ``datagen.postings`` and the load test's
# accounts), production settings:
#
#   --pages     each page through Django's test client, signed in as the load test's user:
#               median of PAGE_RUNS requests after one warm one (wall, CPU of this process,
#               queries and their SQL time), next to raw SQL baselines of the same run;
#   --compare   the former and the new query of each page side by side in one process, with
#               whether they give the same rows in the same order.
#
# ``--pages`` only opens URLs, so it runs on the tree before the change too (the "before").

PAGE_RUNS = 7
TOWN = "440199003000"


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _person_id(i: int) -> str:
    import hashlib
    import uuid

    return str(uuid.UUID(hashlib.md5(str(i).encode()).hexdigest()))  # noqa: S324


def _signed_in(username: str) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jiuye.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.get(username=username)
    client.force_login(user)
    if user.second_factor_required:
        session = client.session
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _raw_baselines() -> dict[str, float]:
    """Raw SQL in the same run: one pass over the registry and over the employers, and the
    20,000 open postings' scoring columns fetched (what "jobs for me" read before)."""
    from django.db import connection

    statements = {
        "count(*) of 1M persons": "SELECT count(*) FROM people_person",
        "count(*) of 100k employers": "SELECT count(*) FROM employers_employer",
        "fetch 20k postings' columns": (
            "SELECT id::text, region_id, is_remote, hours, wage_max::text, education_min, "
            "accessibility::text, terms, title_terms, title FROM jobs_posting"
        ),
    }
    out = {}
    with connection.cursor() as cur:
        for label, sql in statements.items():
            times = []
            for _ in range(PAGE_RUNS):
                start = time.perf_counter()
                cur.execute(sql)
                cur.fetchall()
                times.append(time.perf_counter() - start)
            out[label] = _median(times) * 1000
    return out


def _page_list() -> list[tuple[str, str, str]]:
    return [
        ("jobs for me (person 1)", "load-jobseeker-1", f"/jobs/persons/{_person_id(1)}/postings/"),
        ("people search by town", "load-district-1", f"/people/?town={TOWN}"),
        ("employer search 位 (1 char, all)", "load-district-1", "/employers/?q=位"),
        ("employer search 单位 (2 chars, all)", "load-district-1", "/employers/?q=单位"),
        ("employer search 华为 (2 chars, none)", "load-district-1", "/employers/?q=华为"),
        ("employer search 单位4711 (≥ 3 chars)", "load-district-1", "/employers/?q=单位4711"),
        # The persons are named 测试1 … 测试N: 试0 and 钟 are held by nobody (the whole
        # registry looked through), 测试 by everyone, 7 and 23 by some.
        ("people search 测试 (2 chars, all)", "load-district-1", "/people/?name=测试"),
        ("people search 试0 (2 chars, none)", "load-district-1", "/people/?name=试0"),
        ("people search 钟 (1 char, none)", "load-district-1", "/people/?name=钟"),
        ("people search 7 (1 char, some)", "load-district-1", "/people/?name=7"),
        ("people search 23 (2 chars, some)", "load-district-1", "/people/?name=23"),
        ("people search 测试4711 (≥ 3 chars)", "load-district-1", "/people/?name=测试4711"),
    ]


def _server_ms(statements: list[str]) -> float:
    """The server's own execution time (EXPLAIN ANALYZE) of a page's reads, summed: less
    moved than the wall time by waiting for a CPU on a busy machine."""
    import re

    from django.db import connection

    total = 0.0
    with connection.cursor() as cur:
        for sql in statements:
            sql = re.sub(r"^DECLARE .*? CURSOR WITH HOLD FOR ", "", sql)
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            total += float(cur.fetchone()[0][0]["Execution Time"])
    return total


def pages() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, ms in _raw_baselines().items():
        print(f"  baseline {label:34s} {ms:8.1f} ms")
    clients: dict[str, Any] = {}
    for label, user, path in _page_list():
        client = clients.setdefault(user, _signed_in(user))
        assert client.get(path).status_code == 200, path
        walls, cpus, sqls = [], [], []
        for _ in range(PAGE_RUNS):
            with CaptureQueriesContext(connection) as captured:
                start, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                walls.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu)
            sqls.append(sum(float(q["time"]) for q in captured.captured_queries))
        assert response.status_code == 200
        wall, cpu, sql = (_median(v) * 1000 for v in (walls, cpus, sqls))
        queries = len(captured.captured_queries)
        server = _server_ms([q["sql"] for q in captured.captured_queries])
        print(
            f"  {label:40s} median {wall:7.1f} ms  CPU {cpu:6.1f} ms  SQL {sql:6.1f} ms "
            f"(server {server:6.1f})  {queries:2d} queries"
        )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def _timed(run: Any) -> tuple[tuple[float, float], Any]:
    """(median wall ms, median CPU ms of this process) of PAGE_RUNS runs, and the result."""
    times, cpus, result = [], [], None
    for _ in range(PAGE_RUNS):
        start, cpu = time.perf_counter(), time.process_time()
        result = run()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return (_median(times) * 1000, _median(cpus) * 1000), result


def compare() -> None:
    """The former and the new queries of the three pages, side by side, same rows or not."""
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone

    from jiuye.core import keyset
    from jiuye.employers import selectors as employer_selectors
    from jiuye.employers.models import Employer
    from jiuye.jobs.selectors.matching import postings_for_person
    from jiuye.jobs.selectors.postings import open_postings
    from jiuye.people import selectors as people_selectors
    from jiuye.people.models import Person
    from jiuye.people.views import COUNT_CAP, PAGE_SIZE

    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    today = timezone.localdate()
    # Person 4 gets words (skills, preferences) so its skills and preferences are only bounded.
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE people_person SET skills = '电商 客服 打字', work_preferences = '客服' "
            "WHERE id = %s",
            [_person_id(4)],
        )
    rows = []
    for i in (1, 2, 3, 4):
        person = Person.objects.select_related("category", "grade").get(pk=_person_id(i))

        def ranked(prune: bool, person: Any = person) -> Any:
            ranking = postings_for_person(
                person=person, postings=open_postings(today), on=today, prune=prune
            )
            return ranking

        before_ms, before = _timed(lambda: ranked(False))  # noqa: B023
        after_ms, after = _timed(lambda: ranked(True))  # noqa: B023
        same = [(p.pk, m.score) for p, m in before.results] == [
            (p.pk, m.score) for p, m in after.results
        ] and (before.considered, before.excluded) == (after.considered, after.excluded)
        words = "with words" if person.skills else "no words"
        rows.append(
            (f"jobs for me, person {i} ({words})", before_ms, after_ms, same,
             f"scored {before.scored} → {after.scored}")
        )  # fmt: skip

    def former_town() -> Any:
        qs = (
            Person.objects.filter(archived_at__isnull=True)
            .filter(region__code__startswith=TOWN[:9])
            .select_related("region__parent", "category", "grade")
            .order_by("region_id", "name", "id")
        )
        return [p.pk for p in qs[: PAGE_SIZE + 1]], qs.count()

    def new_town() -> Any:
        qs = people_selectors.persons_search(queryset=Person.objects.all(), filters={"town": TOWN})
        return [p.pk for p in qs[: PAGE_SIZE + 1]], keyset.capped_count(qs, COUNT_CAP)

    before_ms, before = _timed(former_town)
    after_ms, after = _timed(new_town)
    shown = f"more than {COUNT_CAP}" if after[1] > COUNT_CAP else str(after[1])
    rows.append(
        ("people search by town: page + count", before_ms, after_ms, before[0] == after[0],
         f"count {before[1]:,} → {shown}")
    )  # fmt: skip
    for text in ("位", "单位", "华为", "7", "单位4711"):

        def former(text: str = text) -> Any:
            qs = (
                Employer.objects.filter(archived_at__isnull=True)
                .filter(Q(name__contains=text) | Q(uscc=text.upper()))
                .select_related("region")
                .order_by("name")
            )
            return [e.pk for e in qs[:50]], qs.count()

        def new(text: str = text) -> Any:
            filters = {"q": text}
            qs = employer_selectors.employers_search(
                queryset=Employer.objects.all(), filters=filters
            )
            if employer_selectors.is_short_search(filters):
                paginator = keyset.CappedPaginator(qs, 50, cap=employer_selectors.SHORT_CAP)
                return [e.pk for e in paginator.page(1)], paginator.count
            return [e.pk for e in qs[:50]], qs.count()

        before_ms, before = _timed(former)
        after_ms, after = _timed(new)
        rows.append(
            (f"employer search {text!r}: page + count", before_ms, after_ms,
             before[0] == after[0], f"count {before[1]:,} → {after[1]:,}")
        )  # fmt: skip
    for label, (b, b_cpu), (a, a_cpu), same, note in rows:
        print(
            f"  {label:42s} before {b:7.1f} ms (CPU {b_cpu:6.1f})  after {a:6.1f} ms "
            f"(CPU {a_cpu:6.1f})  {b / a:5.1f}×  same rows: {same}  {note}"
        )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


# --- the registry's name search on real names (--names) --------------------------------------
#
# The load test names its persons 测试1 … 测试N: every name holds 测 and 试, and digits, so
# its searches of 1–2 characters say little of a registry's real names. ``--names`` gives
# every person a name made as the demo's are (``people.demo.synthetic``: Guangdong's surnames,
# two or three characters), keeps the former names in ``bench_former_names`` and puts them back
# at the end; then times the registry search (its first page and its capped count, as the page
# runs them) the former way (``LIKE`` alone) and the new way (``core.namesearch``), side by side,
# with whether they give the same persons in the same order.

NAME_TEXTS = [
    ("陈", "the commonest surname"),
    ("芳", "a given name's character"),
    ("馗", "held by nobody"),
    ("陈伟", "surname and given"),
    ("伟芳", "two given characters"),
    ("欧阳", "a compound surname"),
    ("钟馗", "held by nobody"),
    ("陈伟强", "3 characters (trigram)"),
]


def _real_names() -> None:
    import random

    from django.db import connection

    from jiuye.people.demo.synthetic import _name

    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_former_names') IS NOT NULL")
        if cur.fetchone()[0]:
            return
        start = time.perf_counter()
        cur.execute("CREATE TABLE bench_former_names AS SELECT id, name FROM people_person")
        cur.execute("CREATE TEMP TABLE bench_real_names (id uuid, name text)")
        cur.execute("SELECT id FROM people_person ORDER BY id")
        ids = [row[0] for row in cur.fetchall()]
        rng = random.Random(1)
        with cur.copy("COPY bench_real_names (id, name) FROM STDIN") as copy:
            for n, pk in enumerate(ids):
                copy.write_row((pk, _name(rng, n % 2 == 0)))
        cur.execute(
            "UPDATE people_person p SET name = r.name FROM bench_real_names r WHERE p.id = r.id"
        )
        cur.execute("ANALYZE people_person")
        print(f"  {len(ids):,} persons renamed in {time.perf_counter() - start:.1f} s")


def _former_names() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE people_person p SET name = f.name FROM bench_former_names f "
            "WHERE p.id = f.id AND p.name <> f.name"
        )
        cur.execute("DROP TABLE bench_former_names")
        cur.execute("ANALYZE people_person")


def names() -> None:
    from django.db import connection

    from jiuye.core import keyset, namesearch
    from jiuye.people import selectors as people_selectors
    from jiuye.people.models import Person
    from jiuye.people.views import COUNT_CAP, PAGE_SIZE

    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    _real_names()
    try:
        for text, what in NAME_TEXTS:

            def search(text: str = text) -> Any:
                qs = people_selectors.persons_search(
                    queryset=Person.objects.all(), filters={"name": text}
                )
                return [p.pk for p in qs[: PAGE_SIZE + 1]], keyset.capped_count(qs, COUNT_CAP)

            by_chars = namesearch._by_chars
            namesearch._by_chars = lambda _text: False  # the former search: LIKE alone
            try:
                before_ms, before = _timed(search)
            finally:
                namesearch._by_chars = by_chars
            after_ms, after = _timed(search)
            (b, b_cpu), (a, a_cpu) = before_ms, after_ms
            shown = f"more than {COUNT_CAP}" if after[1] > COUNT_CAP else f"{after[1]:,}"
            print(
                f"  {text} ({what}, {shown} found): page + count before {b:7.1f} ms "
                f"(CPU {b_cpu:5.1f})  after {a:6.1f} ms (CPU {a_cpu:5.1f})  {b / a:5.1f}×  "
                f"same rows: {before == after}"
            )
    finally:
        if "--keep-names" not in sys.argv:
            _former_names()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM people_person")
        print(f"  persons: {cur.fetchone()[0]:,}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if "--pages" in sys.argv:
        from bench.scratch import plain_static_files

        plain_static_files()  # production settings, without collectstatic's manifest
        pages()
        return
    if "--compare" in sys.argv:
        compare()
        return
    if "--names" in sys.argv:
        names()
        return
    from django.core.management import call_command

    _postings()
    print(f"load average: {os.getloadavg()}")
    baseline = _baseline()
    print(f"baseline: one count(*) of each of the three tables: {baseline * 1000:7.1f} ms")
    before = {name: _time(*page) for name, page in _pages(new=False).items()}
    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cur:
        for table in ("employers_declaration", "employers_employer", "jobs_posting"):
            cur.execute(f"ANALYZE {table}")
    after = {name: _time(*page) for name, page in _pages(new=True).items()}
    print(f"load average: {os.getloadavg()}")
    for name in before:
        b, a = before[name], after[name]
        same = b["keys"] == a["keys"] and b["count"] == a["count"]
        print(
            f"{name:42s} before {b['wall'] * 1000:8.1f} ms (server {b['server_ms']:7.1f}) "
            f"after {a['wall'] * 1000:7.1f} ms (server {a['server_ms']:6.1f}) "
            f"{b['wall'] / a['wall']:6.1f}×  same rows: {same}"
        )


if __name__ == "__main__":
    main()
