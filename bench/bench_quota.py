"""The annual quota review of a whole year: 100,000 employers, 300,000 declared disabled
employees verified against the registry and computed (PostgreSQL).

The target (issue 19): the whole review ≤ 20 s (57.7 s on 2026-11-28). The baseline, measured
in the same run, is the same join and sums written as one raw SQL query (declared employees
joined to the registry by blind index, counted and summed per declaration) — what the database
alone costs, before any rule is checked or any result written.

Data is made by SQL in a throwaway database (``bench/scratch.py``): persons with real
ciphertexts of 1,000 valid ID and certificate numbers reused in turn (the review decrypts each
declared certificate and computes its blind index, as in production) and matching certificate
indexes, categories and grades; employers of every type; one submitted declaration each for
last year; three declared employees on average, 2 % of them not in the registry and 1 % claimed
by two employers. ``BENCH_QUOTA_EMPLOYERS`` scales it down (employees stay at 3 per employer).
After the first review it reviews again with nothing changed (every declaration skipped by its
digest) and with ``--all`` (everything recomputed); ``BENCH_QUOTA_RUNS`` picks among ``again``,
``all`` and ``one`` (``--all --workers 1``). Each review reports its CPU time: this process,
its worker processes, its PostgreSQL backend, and every backend of the database (the
workers read on their own connections), with the load average at its end.
SQLite: skipped with a note.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EMPLOYERS = 100_000
EMPLOYEES_PER_EMPLOYER = 3
TARGET_S = 20.0


def _generate(employers: int, year: int) -> dict[str, float]:
    from bench.datagen import declarations

    return declarations(employers, year, employees_per_employer=EMPLOYEES_PER_EMPLOYER)


RAW_SQL = """
SELECT d.id, count(e.id) AS lines, count(p.id) AS known,
       sum(CASE WHEN g.code <= 2 THEN 2 ELSE 1 END) FILTER (WHERE p.id IS NOT NULL) AS counted,
       sum(e.monthly_wage) AS wages
FROM employers_declaration d
JOIN employers_declaredemployee e ON e.declaration_id = d.id
LEFT JOIN people_person p ON p.id_number_index = e.id_number_index
LEFT JOIN reference_disabilitygrade g ON g.code = p.grade_id
WHERE d.year = %s
GROUP BY d.id
"""


def _measure(year: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from jiuye.employers.models import Declaration, DeclaredEmployee

    out: dict[str, Any] = {}
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(RAW_SQL, [year])
        rows = cur.fetchall()
    out["raw_s"] = time.perf_counter() - start
    out["raw_rows"] = len(rows)
    start = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    spent: dict[str, list[float]] = {}

    def timed(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = spent.setdefault(" ".join(sql.split())[:90], [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - began

    with connection.execute_wrapper(timed):
        cpu, backends = _cpu(), Backends()
        call_command("quota_review", year=year, stdout=open(os.devnull, "w"))  # noqa: SIM115
        out["review_cpu"] = (*_cpu(cpu), backends.stop())
        out["review_load"] = os.getloadavg()
    out["review_s"] = time.perf_counter() - start
    out["sql_time"] = sorted(
        ((round(t, 2), n, sql) for sql, (n, t) in spent.items()), reverse=True
    )[:8]
    if os.environ.get("BENCH_PROFILE"):
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(30)
        out["profile"] = text.getvalue()

    def results() -> list[tuple]:
        return list(
            Declaration.objects.filter(year=year)
            .order_by("pk")
            .values_list("pk", "levy_payable", "counted", "steps")
        )

    # Again with nothing changed: every declaration's digest matches, nothing is recomputed.
    before = results()
    progress(out)
    runs = os.environ.get("BENCH_QUOTA_RUNS", "again,all").split(",")
    for key, options in (
        ("again", {}),
        ("all", {"all": True}),
        ("one", {"all": True, "workers": 1}),
    ):
        if key not in runs:
            continue
        start = time.perf_counter()
        cpu, backends = _cpu(), Backends()
        call_command("quota_review", year=year, stdout=open(os.devnull, "w"), **options)  # noqa: SIM115
        out[f"review_{key}_cpu"] = (*_cpu(cpu), backends.stop())
        out[f"review_{key}_load"] = os.getloadavg()
        out[f"review_{key}_s"] = time.perf_counter() - start
        out[f"idempotent_{key}"] = results() == before
        progress(out)
    lines = DeclaredEmployee.objects.filter(declaration__year=year)
    out["lines"] = lines.count()
    out["counted_lines"] = lines.filter(counts__gt=0).count()
    out["conflicts"] = lines.filter(conflict=True).count()
    out["unknown"] = lines.filter(person__isnull=True).count()
    out["declarations"] = Declaration.objects.filter(year=year).count()
    return out


def progress(out: dict[str, Any]) -> None:
    """The figures so far, to the file named by BENCH_QUOTA_PROGRESS (a long run on a busy
    machine can be stopped and still say what it measured)."""
    path = os.environ.get("BENCH_QUOTA_PROGRESS")
    if path:
        with open(path, "a") as handle:
            handle.write(json.dumps(out, default=str) + "\n")


class Backends:
    """CPU seconds of every PostgreSQL backend of this database while it runs (the review's
    workers read on their own connections): polled from /proc every 0.2 s by a thread on its
    own connection, each backend counted up to the last time it was seen."""

    def __init__(self) -> None:
        import threading

        self.seen: dict[int, float] = {}
        self.first: dict[int, float] = {}
        self.polls = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        import psycopg

        url = os.environ["DATABASE_URL"]
        with psycopg.connect(url, autocommit=True) as conn:
            own = conn.info.backend_pid
            while True:
                pids = [
                    pid
                    for (pid,) in conn.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> %s",
                        [own],
                    )
                ]
                for pid in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                    # Backends there before the review started count from then on.
                    self.first.setdefault(pid, used if self.polls == 0 else 0.0)
                    self.seen[pid] = used
                self.polls += 1
                if self.done.wait(0.2):
                    return

    def stop(self) -> float:
        time.sleep(0.3)
        self.done.set()
        self.thread.join()
        return round(sum(self.seen[pid] - self.first[pid] for pid in self.seen), 1)


def _cpu(since: tuple[float, float, float] | None = None) -> tuple[float, float, float]:
    """CPU seconds of this process, of its reaped children (the review's workers) and of its
    PostgreSQL backend (read from /proc: the server runs on this machine)."""
    import resource

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        server = float("nan")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    now = (time.process_time(), children.ru_utime + children.ru_stime, server)
    if since is None:
        return now
    return tuple(round(a - b, 1) for a, b in zip(now, since, strict=True))


def _child() -> None:
    import django

    from bench.scratch import result

    django.setup()
    from django.utils import timezone

    year = timezone.localdate().year - 1
    employers = int(os.environ.get("BENCH_QUOTA_EMPLOYERS", DEFAULT_EMPLOYERS))
    timings = _generate(employers, year)
    result({"generate_s": timings, **_measure(year)})


def _print(outcome: dict[str, Any]) -> None:
    if "profile" in outcome:
        print(outcome["profile"])
    gen = outcome["generate_s"]
    print("  generated in " + ", ".join(f"{k} {v:.1f} s" for k, v in gen.items()))
    print(
        f"  {outcome['declarations']:,} declarations, {outcome['lines']:,} declared employees "
        f"({outcome['counted_lines']:,} counted, {outcome['conflicts']:,} in conflicts, "
        f"{outcome['unknown']:,} not in the registry)"
    )
    raw, review = outcome["raw_s"], outcome["review_s"]
    print(f"  baseline raw SQL join and sums:   {raw:8.1f} s ({outcome['raw_rows']:,} rows)")
    verdict = "met" if review <= TARGET_S else "MISSED"
    for seconds, count, sql in outcome.get("sql_time", []):
        print(f"    SQL {seconds:7.2f} s in {count:4d} calls: {sql}")
    print(
        f"  quota_review of the whole year:   {review:8.1f} s  ({review / raw:.0f}× raw; "
        f"target ≤ {TARGET_S:.0f} s: {verdict})"
    )
    labels = {
        "review": "first review",
        "review_again": "again, nothing changed (skipped)",
        "review_all": "again with --all (recomputed)",
        "review_one": "again with --all --workers 1",
    }
    for key, label in labels.items():
        if f"{key}_cpu" not in outcome:
            continue
        main_cpu, workers_cpu, server_cpu, all_backends = outcome[f"{key}_cpu"]
        seconds = outcome[f"{key}_s"]
        same = outcome.get(f"idempotent_{key.removeprefix('review_')}", "")
        load = "/".join(f"{n:.1f}" for n in outcome[f"{key}_load"])
        print(
            f"  {label:36s} {seconds:6.1f} s wall; CPU: this process {main_cpu:.1f} s, "
            f"workers {workers_cpu:.1f} s, its PostgreSQL backend {server_cpu:.1f} s, "
            f"all backends of the database {all_backends:.1f} s; load average {load}"
            + (f"; results identical: {same}" if same != "" else "")
        )


def main() -> None:
    from bench.scratch import run_in_scratch

    run_in_scratch("bench.bench_quota", "jiuye_bench_quota", _print)


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.path.insert(0, str(ROOT))
        _child()
    else:
        main()
