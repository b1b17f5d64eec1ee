"""The load test of issue 19: 20 signed-in users on gunicorn against a PostgreSQL database at the
district's scale, with a 100,000-row import running beside them (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_load.py \\
        --persons 1000000 --minutes 5 --port 8105

1. **Build** a database ``jiuye_load_<persons>`` on the DATABASE_URL server (the database named
   in the URL is never touched): migrate, reference data, then by SQL (``bench/datagen.py``, the
   generators the coverage, quota and matching benches use) ``--persons`` registry persons with
   3 service records each and their yearly cases, ``persons / 10`` employers with a submitted
   declaration for last year and 3 declared employees each, ``persons / 50`` postings; the demo's
   training and programs seeders; the coverage tallies; and the load test's accounts. With
   ``--reuse`` an existing database of that name (and its keys, kept under
   ``/tmp/jiuye-load-<name>/``) is used as it is.
2. **Solo import**: a 100,000-row persons CSV imported (``run_import``) with no other load.
   Both import files are written for each run, of persons the database does not hold yet
   (``import_files``: a seed from the clock, registered ID numbers skipped), so each import
   creates its 100,000 persons on a reused database too; the report gives the created counts
   beside the ratio and gives no ratio when an import created nothing.
3. **Load**: gunicorn (``config/gunicorn.conf.py``: preloaded and warmed; ``--workers``, sync,
   production settings: ``DEBUG=false``, manifest static files; only TLS is off, since there is
   no proxy in front), the task worker
   (``db_worker``: the kept figures' rebuilds and the coverage recounts the pages and the
   imports queue) and ``locust --headless`` with ``bench/locustfile.py`` (``--users`` users,
   ``--minutes``). After the ramp-up a second 100,000-row CSV is imported by a process beside
   them, as the task worker would (at its priority, ``JIUYE_WORKER_NICE``).
4. **Export**: the persons export of the whole district (``people:export``) in its own process:
   the page queues a background job (ADR 0016) and the process runs it as the task worker
   would; its peak memory (``VmHWM``) against the 512 MB target.
5. **Report**: p50/p95/p99 per page kind, error rate, the load average sampled during the run,
   the import's rows/s under load against solo, and a verdict against the targets; then, from
   every request's time (``LOAD_TIMELINE``), each page kind's p95 while the users were still
   signing in, while the import ran (and 10 s after), and the rest, with the p95 verdict once
   every user has signed in. ``--keep``
   keeps the database (drop it yourself: ``DROP DATABASE jiuye_load_<persons> WITH (FORCE)``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 300
TARGET_IMPORT_RATIO = 2.0
TARGET_EXPORT_MB = 512
IMPORT_ROWS = 100_000
# The accounts the locustfile signs in with (bench/locustfile.py counts the same).
PASSWORD = "Load-Test-Jiuye-2026"
ACCOUNTS = {"town": 7, "district": 4, "leader": 3, "employer": 3, "jobseeker": 3}
RECOVERY_CODES = 40  # district logins pass the second factor with a recovery code each


def recovery_code(username: str, n: int) -> str:
    return hashlib.sha256(f"{username}:{n}".encode()).hexdigest()[:10]


def person_uuid(i: int) -> uuid.UUID:
    """The id ``bench/datagen.registry`` gives person ``i``."""
    return uuid.UUID(hashlib.md5(str(i).encode()).hexdigest())  # noqa: S324


# --------------------------------------------------------------------------------------------
# Child steps (Django set up against the load database)
# --------------------------------------------------------------------------------------------


def _setup() -> None:
    import django

    django.setup()
    from bench.scratch import plain_static_files

    plain_static_files()


def _child_build(persons: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import datagen
    from jiuye.core.demo import seeders
    from jiuye.reference.models import Region

    year = timezone.localdate().year
    timings: dict[str, Any] = {}
    timings["registry"] = datagen.registry(persons, year)
    employers = max(10, persons // 10)
    timings["declarations"] = datagen.declarations(employers, year - 1, registry_persons=False)
    start = time.perf_counter()
    villages = list(
        Region.objects.filter(level=5, code__startswith="440199").values_list("code", flat=True)
    )
    employer_ids = [uuid.UUID(hashlib.md5(f"e{i}".encode()).hexdigest()) for i in range(1, 501)]  # noqa: S324
    employer_ids = employer_ids[: min(500, employers)]
    datagen.postings(max(10, persons // 50), employer_ids, villages)
    timings["postings"] = time.perf_counter() - start
    # Training and programs: the demo's own seeders (fixed sizes, not scaled; see the README).
    made: dict[str, Any] = {}
    for step in seeders():
        if step.order < 50:
            continue
        start = time.perf_counter()
        try:
            with transaction.atomic():
                made[step.label] = step.run(seed=1)
        except Exception as exc:  # a seeder that assumes the demo's own records: report it
            made[step.label] = f"failed: {type(exc).__name__}: {str(exc)[:120]}"
        timings[f"seed {step.label}"] = time.perf_counter() - start
    start = time.perf_counter()
    call_command("refresh_coverage", everything=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    timings["refresh_coverage"] = time.perf_counter() - start
    # As a deployment does (docs/deployment.md): the kept figures of the home pages, the
    # overview and the map counted once, so the first sign-ins read them instead.
    start = time.perf_counter()
    call_command("refresh_figures", stdout=open(os.devnull, "w"))  # noqa: SIM115
    timings["refresh_figures"] = time.perf_counter() - start
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    counts = {}
    with connection.cursor() as cur:
        for table in (
            "people_person",
            "casework_servicerecord",
            "casework_annualcase",
            "employers_employer",
            "employers_declaration",
            "employers_declaredemployee",
            "jobs_posting",
            "training_enrolment",
            "training_course",
        ):
            try:
                cur.execute(f"SELECT count(*) FROM {table}")
                counts[table] = cur.fetchone()[0]
            except Exception:
                counts[table] = None
    return {"timings": timings, "seeders": made, "counts": counts}


def _child_accounts() -> dict[str, Any]:
    """The load test's accounts (idempotent), their recovery codes renewed."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jiuye.accounts.models import Role, User
    from jiuye.accounts.services import user_create
    from jiuye.employers.models import Employer
    from jiuye.people.models import Person
    from jiuye.reference.models import Region

    towns = list(
        Region.objects.filter(level=Region.Level.TOWN, code__startswith="440199").order_by("code")
    )
    roles = {
        "town": Role.TOWN,
        "district": Role.DISTRICT,
        "leader": Role.LEADER,
        "employer": Role.EMPLOYER,
        "jobseeker": Role.JOBSEEKER,
    }
    made = []
    for kind, count in ACCOUNTS.items():
        for n in range(1, count + 1):
            username = f"load-{kind}-{n}"
            user = User.objects.filter(username=username).first()
            if user is None:
                binding: dict[str, Any] = {}
                if kind == "town":
                    binding["town"] = towns[(n - 1) % len(towns)]
                elif kind == "employer":
                    binding["employer"] = Employer.objects.get(
                        pk=uuid.UUID(hashlib.md5(f"e{n}".encode()).hexdigest())  # noqa: S324
                    )
                elif kind == "jobseeker":
                    binding["person"] = Person.objects.get(pk=person_uuid(n))
                user, _ = user_create(
                    username=username,
                    role=roles[kind],
                    display_name=f"压测{n}",
                    password=PASSWORD,
                    **binding,
                )
            if user.second_factor_required:
                # Enrolled (an authenticator nobody reads); the users sign in with recovery codes.
                if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                    TOTPDevice.objects.create(user=user, name="totp", confirmed=True)
                device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery")
                device.token_set.all().delete()
                StaticToken.objects.bulk_create(
                    [
                        StaticToken(device=device, token=recovery_code(username, i))
                        for i in range(RECOVERY_CODES)
                    ]
                )
            made.append(username)
    return {"accounts": made}


def _child_import(csv_path: str) -> dict[str, Any]:
    from bench.scratch import vm_mb
    from jiuye.core.importing import run_import
    from jiuye.core.workers import lower_priority

    # A file uploaded on the import page is imported by the task worker, which runs at
    # JIUYE_WORKER_NICE (core/workers.py); so does this process, solo and under load alike.
    lower_priority()
    cpu = time.process_time()
    start = time.perf_counter()
    # "Only the valid rows": a row the file generator let through that the import refuses
    # must not roll back the whole file (the files hold no registered ID number, and none
    # twice: ``import_files``).
    result = run_import(
        kind="persons",
        path=Path(csv_path),
        original_name="load.csv",
        dry_run=False,
        valid_only=True,
        by=None,
    )
    seconds = time.perf_counter() - start
    counts = {n: int(getattr(result, n)) for n in ("created", "updated", "unchanged", "invalid")}
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "rows_per_s": IMPORT_ROWS / seconds,
        "rss_mb": vm_mb(),
        **counts,
    }


def import_files(paths: list[Path], rows: int, *, seed: int) -> dict[str, Any]:
    """Write one persons CSV of ``rows`` rows to each of ``paths`` (the solo import's and the
    one beside the users), every row a person the database does not hold yet (its ID number's
    blind index is not registered) and no ID number in two rows of the files: each import
    then creates ``rows`` persons, on a fresh database as on a reused one (``--reuse``). The
    rows come from ``generate_persons`` with ``seed``, which the driver takes from the clock
    so that each run brings other persons; those already registered are skipped."""
    import csv

    from jiuye.core.crypto import resident_id_index
    from jiuye.people.demo.synthetic import COLUMNS, generate_persons
    from jiuye.people.models import Person

    stream = generate_persons(None, seed=seed)
    seen: set[str] = set()
    skipped = 0
    for path in paths:
        with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            written = 0
            while written < rows:
                block = [next(stream) for _ in range(min(5000, 2 * (rows - written)))]
                keys = {resident_id_index(row["身份证号"]): row for row in block}
                registered = set(
                    Person.objects.filter(id_number_index__in=list(keys)).values_list(
                        "id_number_index", flat=True
                    )
                )
                for key, row in keys.items():
                    if key in registered or key in seen:
                        skipped += 1
                        continue
                    if written < rows:
                        seen.add(key)
                        writer.writerow([row[column] for column in COLUMNS])
                        written += 1
                skipped += len(block) - len(keys)  # the same ID number twice in one block
    return {"files": [str(p) for p in paths], "seed": seed, "skipped": skipped}


def _child_export(region: str) -> dict[str, Any]:
    """The persons export of ``region`` (the whole district by default) as the district staff
    asks for it: the page queues a background job (ADR 0016), which this process then runs as
    the task worker would (``bench_export``'s measure: peak memory, rows, size)."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory, override_settings

    from bench.bench_export import run_export_job
    from jiuye.accounts.models import User
    from jiuye.core.models import ExportJob
    from jiuye.people import views

    user = User.objects.get(username="load-district-1")
    request = RequestFactory().get("/people/export.xlsx", {"region": region})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):  # queued, not run: this process runs it below
        response = views.person_export(request)
    job = ExportJob.objects.filter(created_by=user).order_by("-created_at").first()
    if response.status_code != 302 or job is None:
        return {"request_status": response.status_code, "status": "not queued"}
    return {"request_status": response.status_code, **run_export_job(str(job.pk))}


def _child_profile() -> dict[str, Any]:
    """One request of each page kind through Django's test client (production settings, no
    load test running): wall time, SQL time and count, and the slowest statement with its
    EXPLAIN ANALYZE, to say why a page is slow."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jiuye.accounts.models import User
    from jiuye.employers.models import Declaration
    from jiuye.people.models import Person

    def client(username: str) -> Client:
        c = Client(HTTP_HOST="127.0.0.1")
        user = User.objects.get(username=username)
        c.force_login(user)
        if user.second_factor_required:
            session = c.session
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return c

    town, district = client("load-town-1"), client("load-district-1")
    leader, employer, seeker = (
        client("load-leader-1"),
        client("load-employer-1"),
        client("load-jobseeker-1"),
    )
    officer = User.objects.get(username="load-town-1")
    person = str(
        Person.objects.filter(region__code__startswith=officer.town_id[:9])
        .order_by("pk")
        .values_list("pk", flat=True)[0]
    )
    declaration = Declaration.objects.filter(employer__name="单位1").values_list("pk", flat=True)[0]
    pages = [
        ("worklist first page", town, "/casework/worklist/?order=todo"),
        ("worklist deep page", town, "/casework/worklist/?order=todo&page=300"),
        ("person page", town, f"/people/{person}/"),
        ("service form", town, f"/casework/persons/{person}/services/new/"),
        ("home, town officer", town, "/"),
        ("coverage", district, "/casework/coverage/"),
        ("home, district officer", district, "/"),
        ("people search by name", district, "/people/?name=测试4711"),
        ("people search by town", district, "/people/?town=440199003000"),
        ("declaration review queue", district, "/employers/review/"),
        ("declaration page", district, f"/employers/declarations/{declaration}/"),
        ("employer list", district, "/employers/?q=单位42"),
        ("overview", leader, "/dashboards/"),
        ("plan dashboard", leader, "/plan/"),
        ("map", leader, "/dashboards/map/"),
        ("home, leader", leader, "/"),
        ("employer declarations", employer, "/employers/declarations/"),
        ("home (employer)", employer, "/"),
        ("postings list", seeker, "/jobs/postings/"),
        ("jobs for me", seeker, f"/jobs/persons/{person_uuid(1)}/postings/"),
        ("home (job seeker)", seeker, "/"),
    ]
    out = []
    for kind, c, path in pages:
        c.get(path)  # warm: caches, compiled statements
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = c.get(path)
            wall = (time.perf_counter() - start) * 1000
        queries = captured.captured_queries
        slowest = max(queries, key=lambda q: float(q["time"]), default=None)
        row = {
            "kind": kind,
            "path": path,
            "status": response.status_code,
            "ms": wall,
            "sql_ms": sum(float(q["time"]) for q in queries) * 1000,
            "queries": len(queries),
        }
        if slowest is not None and float(slowest["time"]) * 1000 > 30:
            row["slowest_ms"] = float(slowest["time"]) * 1000
            row["slowest_sql"] = slowest["sql"]
            if slowest["sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                    row["explain"] = "\n".join(r[0] for r in cur.fetchall())
        out.append(row)
    return {"pages": out}


def _child(argv: list[str]) -> None:
    from bench.scratch import result

    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--child", choices=["build", "accounts", "csv", "import", "export", "profile"]
    )
    parser.add_argument("--persons", type=int, default=0)
    parser.add_argument("--csv", default="")
    parser.add_argument("--region", default="440199000000")
    args = parser.parse_args(argv)
    _setup()
    if args.child == "build":
        result(_child_build(args.persons))
    elif args.child == "accounts":
        result(_child_accounts())
    elif args.child == "csv":  # --persons is the seed here; --csv the two files, by a comma
        paths = [Path(name) for name in args.csv.split(",")]
        result(import_files(paths, IMPORT_ROWS, seed=args.persons))
    elif args.child == "import":
        result(_child_import(args.csv))
    elif args.child == "profile":
        result(_child_profile())
    else:
        result(_child_export(args.region))


# --------------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------------


def _run_child(env: dict[str, str], *args: str) -> dict[str, Any]:
    from bench.scratch import child_result

    outcome = child_result(["-m", "bench.bench_load", *args], env, tail=12)
    if "failed" in outcome:
        raise RuntimeError(f"step {args} failed: {outcome['failed']}")
    return outcome


def _keys(var: Path) -> dict[str, str]:
    """The run's throwaway keys, kept beside the database so ``--reuse`` can decrypt it."""
    import base64

    path = var / "keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "FIELD_ENCRYPTION_KEYS": "bench:" + base64.b64encode(os.urandom(32)).decode(),
        "BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    path.write_text(json.dumps(keys))
    return keys


def _env(url: str, var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        JIUYE_VAR_DIR=str(var),
        MEDIA_ROOT=str(var / "media"),
        DEBUG="false",
        JIUYE_ALLOW_DEMO="true",  # the demo's training and programs seeders, build only
        # Production settings, except TLS: nothing terminates it in front of gunicorn here.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        PYTHONPATH=str(ROOT),
        **_keys(var),
    )
    return env


def _exists(server_url: str, name: str) -> bool:
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def _wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the server did not answer {url} within {seconds:.0f} s")


class _LoadSampler(threading.Thread):
    """The 1-minute load average every 10 s while the load runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(10):
            self.samples.append(os.getloadavg()[0])


def _stats(prefix: Path) -> list[dict[str, Any]]:
    path = Path(f"{prefix}_stats.csv")
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _pct(row: dict[str, Any], key: str) -> float:
    value = row.get(key, "")
    return float(value) if value not in ("", "N/A", None) else 0.0


def _report(
    rows: list[dict[str, Any]],
    solo: dict[str, Any] | None,
    loaded: dict[str, Any] | None,
    export: dict[str, Any] | None,
    loads: list[float],
    args: argparse.Namespace,
) -> None:
    print(f"\n  {'page kind':<32} {'requests':>8} {'fails':>6} {'p50':>7} {'p95':>7} {'p99':>7}")
    missed = []
    total = None
    for row in rows:
        name = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "Aggregated"
        p50, p95, p99 = (_pct(row, k) for k in ("50%", "95%", "99%"))
        line = (
            f"  {name:<32} {int(row['Request Count']):>8} {int(row['Failure Count']):>6} "
            f"{p50:>5.0f}ms {p95:>5.0f}ms {p99:>5.0f}ms"
        )
        if row["Name"] == "Aggregated":
            total = row
            print("  " + "-" * 70)
        elif p95 > TARGET_P95_MS and not row["Name"].startswith("login"):
            missed.append((name, p95))
            line += "  > 300"
        print(line)
    requests = int(total["Request Count"]) if total else 0
    failures = int(total["Failure Count"]) if total else 0
    rate = failures / requests if requests else 0.0
    print(f"\n  requests {requests:,}, failures {failures:,} (error rate {rate:.2%})")
    if loads:
        print(
            f"  load average (1 min) during the run: mean {sum(loads) / len(loads):.1f}, "
            f"max {max(loads):.1f}, on {os.cpu_count()} CPUs"
        )
    ratio = None
    if solo:
        print(
            f"  import {IMPORT_ROWS:,} rows solo:      {solo['rows_per_s']:>8,.0f} rows/s "
            f"({solo['seconds']:.1f} s, CPU {solo['cpu_seconds']:.1f} s, created "
            f"{solo['created']:,}, peak {solo['rss_mb']:.0f} MB)"
        )
    if loaded:
        print(
            f"  import {IMPORT_ROWS:,} rows under load: {loaded['rows_per_s']:>8,.0f} rows/s "
            f"({loaded['seconds']:.1f} s, CPU {loaded['cpu_seconds']:.1f} s, created "
            f"{loaded['created']:,}, peak {loaded['rss_mb']:.0f} MB)"
        )
        if solo:
            created = f"created {solo['created']:,} solo, {loaded['created']:,} under load"
            if solo["created"] and loaded["created"]:
                ratio = solo["rows_per_s"] / loaded["rows_per_s"]
                print(
                    f"  solo / under load: {ratio:.2f}× ({created}; "
                    f"target ≤ {TARGET_IMPORT_RATIO:.0f}×)"
                )
            else:
                print(
                    f"  solo / under load: no ratio: {created}; an import that creates nothing "
                    "does other work than one that does"
                )
    if export and "rows" in export:
        print(
            f"  persons export, whole district, as a background job: {export['status']}, "
            f"{export['rows']:,} rows, {export['bytes'] / 1e6:.1f} MB in {export['parts']} "
            f"part(s) in {export['seconds']:.1f} s (CPU {export['cpu_seconds']:.1f} s), peak "
            f"memory {export['rss_mb']:.0f} MB (after Django set up "
            f"{export['rss_before_mb']:.0f} MB; resident size at most "
            f"{export['rss_first_half_max_mb']:.0f} MB in the first half of the run, "
            f"{export['rss_second_half_max_mb']:.0f} MB in the second)"
        )
    elif export:
        print(f"  persons export: not queued (the page answered {export['request_status']})")
    print("\n  verdict:")
    if missed:
        names = ", ".join(f"{n} ({p:.0f} ms)" for n, p in missed)
        print(f"    every page p95 ≤ {TARGET_P95_MS} ms: MISSED by {len(missed)}: {names}")
    else:
        print(f"    every page p95 ≤ {TARGET_P95_MS} ms: met")
    print(f"    no errors: {'met' if failures == 0 else f'MISSED ({failures} failures)'}")
    if ratio is not None:
        ok = ratio <= TARGET_IMPORT_RATIO
        print(f"    import within 2× of solo: {'met' if ok else 'MISSED'} ({ratio:.2f}×)")
    elif solo and loaded:
        print("    import within 2× of solo: not measured (an import created nothing)")
    if export:
        done = export["status"] == "done"
        ok = done and export["rss_mb"] <= TARGET_EXPORT_MB
        what = (
            f"{export['rss_mb']:.0f} MB for {export['rows']:,} rows"
            if done
            else f"not done: {export.get('message') or export['status']}"
        )
        print(f"    export under {TARGET_EXPORT_MB} MB: {'met' if ok else 'MISSED'} ({what})")


def _report_timeline(timeline: Path, window: tuple[float, float] | None) -> None:
    """Each page kind's p95 in three spans of the run, from every request's end time and
    duration (``LOAD_TIMELINE``): while the users were still signing in (the ramp-up's
    sign-ins queue for the sync workers; each hashes a password, ADR 0018), while the import
    beside them ran (and for 10 s after its commit, when what it changed is recounted), and the
    rest. The locust table above mixes the three."""
    rows = []
    with open(timeline, newline="") as handle:
        for at, name, ms in csv.reader(handle):
            end = float(at)
            rows.append((end - float(ms) / 1000, end, name, float(ms)))
    if not rows:
        return
    signed_in = max((end for _s, end, name, _ms in rows if name.startswith("login")), default=0)
    began, ended = window if window else (0.0, 0.0)
    ended += 10 if window else 0
    spans: dict[str, dict[str, list[float]]] = {"sign-ins": {}, "import": {}, "rest": {}}
    for start, end, name, ms in rows:
        if name.startswith("login"):
            continue
        if start <= signed_in:
            span = "sign-ins"
        elif window and end >= began and start <= ended:
            span = "import"
        else:
            span = "rest"
        spans[span].setdefault(name, []).append(ms)
    first = min(start for start, *_ in rows)

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]

    def shown(values: list[float]) -> str:
        return f"{p95(values):.0f}ms" if values else "—"

    print(
        f"\n  by span: sign-ins until +{signed_in - first:.0f} s"
        + (f", import +{began - first:.0f}…+{ended - first:.0f} s" if window else "")
        + f"\n  {'page kind':<32}"
        + "".join(f" {'n':>5} {span:>9}" for span in spans)
    )
    names = sorted({name for pages in spans.values() for name in pages})
    missed = []
    for name in names:
        cells = "".join(
            f" {len(spans[span].get(name, [])):>5} {shown(spans[span].get(name, [])):>9}"
            for span in spans
        )
        print(f"  {name:<32}{cells}")
        after = spans["import"].get(name, []) + spans["rest"].get(name, [])
        if after and p95(after) > TARGET_P95_MS:
            missed.append(f"{name} ({shown(after)})")
    verdict = f"MISSED by {len(missed)}: {', '.join(missed)}" if missed else "met"
    print(f"    every page p95 ≤ {TARGET_P95_MS} ms once every user has signed in: {verdict}")


def _print_profile(outcome: dict[str, Any], var: Path) -> None:
    """One request of each kind, alone: where its time goes (EXPLAIN in profile.json)."""
    (var / "profile.json").write_text(json.dumps(outcome, ensure_ascii=False, indent=1))
    print(f"\n  one request of each kind, no load ({var / 'profile.json'} has the EXPLAINs):")
    print(f"  {'page kind':<26} {'status':>6} {'total':>7} {'SQL':>7} {'queries':>7}  slowest")
    for row in outcome["pages"]:
        slowest = ""
        if "slowest_sql" in row:
            sql = " ".join(row["slowest_sql"].split())
            slowest = f"{row['slowest_ms']:.0f} ms: {sql[:90]}"
        print(
            f"  {row['kind']:<26} {row['status']:>6} {row['ms']:>5.0f}ms {row['sql_ms']:>5.0f}ms "
            f"{row['queries']:>7}  {slowest}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--reuse", action="store_true", help="use the database if it exists")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--no-import", action="store_true", help="no import beside the load")
    parser.add_argument("--no-export", action="store_true", help="skip the export check")
    parser.add_argument(
        "--export-region", default="440199000000", help="region code of the export (district)"
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the one-request profile")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--profile-only", action="store_true", help="only one request of each page kind"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("skipped: the load test needs PostgreSQL (set DATABASE_URL=postgres://...)")
        return
    from bench.scratch import admin

    name = f"jiuye_load_{args.persons}"
    var = Path(tempfile.gettempdir()) / f"jiuye-load-{name}"
    var.mkdir(exist_ok=True)
    env = _env(urlunsplit(urlsplit(url)._replace(path=f"/{name}")), var)
    print(f"load test: {args.persons:,} persons, database {name}, {os.cpu_count()} CPUs")
    print(f"  load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    server = worker = None
    try:
        if not (args.reuse and _exists(url, name)):
            admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            start = time.perf_counter()
            # The migrated database with its reference data, kept as a template with --reuse
            # (migrating takes minutes on a busy machine).
            base = "jiuye_load_base"
            if not (args.reuse and _exists(url, base)):
                admin(url, f'DROP DATABASE IF EXISTS "{base}" WITH (FORCE)')
                admin(url, f'CREATE DATABASE "{base}"')
                base_env = dict(
                    env, DATABASE_URL=urlunsplit(urlsplit(url)._replace(path=f"/{base}"))
                )
                for command in (["migrate", "--noinput", "-v0"], ["load_reference"]):
                    subprocess.run(
                        [sys.executable, "manage.py", *command],
                        cwd=ROOT,
                        env=base_env,
                        check=True,
                        stdout=subprocess.DEVNULL,
                    )
            admin(url, f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
            built = _run_child(env, "--child", "build", "--persons", str(args.persons))
            print(f"  built in {time.perf_counter() - start:.0f} s: {built['counts']}")
            for label, value in built["timings"].items():
                shown = (
                    ", ".join(f"{k} {v:.1f} s" for k, v in value.items())
                    if isinstance(value, dict)
                    else f"{value:.1f} s"
                )
                print(f"    {label}: {shown}")
            print(f"    seeders: {built['seeders']}")
        else:
            print("  reusing the existing database")
        _run_child(env, "--child", "accounts")
        if args.build_only:
            return
        if args.profile_only:
            _print_profile(_run_child(env, "--child", "profile"), var)
            return
        if not (ROOT / "staticfiles" / "staticfiles.json").exists():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
        # New persons for each run (the seed from the clock, those already registered
        # skipped): with fixed files a reused database re-imported persons it held, each
        # import created nothing, and the ratio compared unlike runs.
        files = [var / "import-solo.csv", var / "import-under-load.csv"]
        seed = time.time_ns() % 2**31
        made = _run_child(
            env, "--child", "csv", "--csv", ",".join(map(str, files)), "--persons", str(seed)
        )
        print(f"  import files: seed {seed}, {made['skipped']:,} registered persons skipped")
        solo = loaded = window = None
        if not args.no_import:
            print(f"  solo import ({time.strftime('%H:%M:%S')}, load {os.getloadavg()[0]:.1f})")
            solo = _run_child(env, "--child", "import", "--csv", str(files[0]))
        log = open(var / "gunicorn.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                # The production configuration: preloaded and warmed before the fork.
                "-c",
                "config/gunicorn.conf.py",
                "config.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{args.port}",
                "--timeout",
                "120",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # The task worker, as in production (docs/deployment.md): the recounts of the villages
        # an import marked are queued for it once the import commits.
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=open(var / "db_worker.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        host = f"http://127.0.0.1:{args.port}"
        _wait_for(f"{host}/healthz")
        prefix = var / "locust"
        sampler = _LoadSampler()
        sampler.start()
        print(
            f"  locust: {args.users} users for {args.minutes:g} min on {host} "
            f"({time.strftime('%H:%M:%S')})"
        )
        timeline = var / "timeline.csv"
        timeline.unlink(missing_ok=True)
        locust_env = dict(env, LOAD_PASSWORD=PASSWORD, LOAD_TIMELINE=str(timeline))
        locust = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                "2",
                "--run-time",
                f"{int(args.minutes * 60)}s",
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
                "--reset-stats",  # the sign-ins of the ramp-up are not pages
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=locust_env,
            stdout=open(var / "locust.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        if not args.no_import:
            time.sleep(min(30, args.minutes * 15))  # after the ramp-up
            print(f"  import under load ({time.strftime('%H:%M:%S')})")
            began = time.time()
            loaded = _run_child(env, "--child", "import", "--csv", str(files[1]))
            window = (began, time.time())
            (var / "results.json").write_text(json.dumps({"solo": solo, "loaded": loaded}))
        locust.wait()
        sampler.stop.set()
        for each in (server, worker):
            os.killpg(each.pid, signal.SIGTERM)
            each.wait(timeout=30)
        server = worker = None
        export = None
        if not args.no_export:
            print(f"  export ({time.strftime('%H:%M:%S')}, load {os.getloadavg()[0]:.1f})")
            export = _run_child(env, "--child", "export", "--region", args.export_region)
        (var / "results.json").write_text(
            json.dumps({"solo": solo, "loaded": loaded, "export": export, "loads": sampler.samples})
        )
        _report(_stats(prefix), solo, loaded, export, sampler.samples, args)
        if timeline.exists():
            _report_timeline(timeline, window)
        if not args.no_profile:
            _print_profile(_run_child(env, "--child", "profile"), var)
        failures = Path(f"{prefix}_failures.csv")
        if failures.exists() and failures.stat().st_size > 60:
            print("\n  failures:\n" + failures.read_text()[:3000])
    finally:
        for each in (server, worker):
            if each is not None:
                os.killpg(each.pid, signal.SIGTERM)
        if args.keep:
            print(f"  kept databases {name}, jiuye_load_base and {var}")
        else:
            admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin(url, 'DROP DATABASE IF EXISTS "jiuye_load_base" WITH (FORCE)')
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child(sys.argv[1:])
    else:
        main()
