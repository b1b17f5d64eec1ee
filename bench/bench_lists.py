"""Three list pages at scale, one request each (issue 19): the declaration review queue, the
employer name search and the postings list, before and after their indexes (PostgreSQL).

Run it on a database kept by ``bench/bench_quota.py`` (``BENCH_KEEP=1``: 100,000 employers
with 100,000 submitted declarations and 303,000 declared employees), at the migration before
these indexes; it adds 20,000 postings if there are none, times the former queries of each page
(its rows and its count, as the page runs them), applies the migrations, and times the new
ones. The baseline, in the same run, is one sequential count of each table (what one pass over
it costs). Best of five runs, wall and the server's own execution time (EXPLAIN ANALYZE)::

    DATABASE_URL=postgres://…/jiuye_bench_quota_NNN .venv/bin/python -m bench.bench_lists
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


def main() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
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
