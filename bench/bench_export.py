"""The persons export of the whole district as a background task (issue 19): peak memory
(``VmHWM``) and CPU of ``export_job_task`` writing ``--persons N`` persons (default 100,000;
``BENCH_EXPORT_PERSONS``) to the encrypted storage, on PostgreSQL.

The target: a 1,000,000-row export stays under 512 MB. The baseline, measured in the same run
and in its own process, is the same persons read by a raw server-side cursor and written as CSV
with no decryption, masking or spreadsheet — what reading the rows alone costs.

Data is made by SQL in a throwaway database (``bench/scratch.py``, ``bench/datagen.py``: the
registry only, no service records). The job is queued as the district staff's "export the
search result" asks for it (``people:export`` with the district as region, masked), then the
task runs in a fresh process so its peak is its own. SQLite: skipped with a note.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = "440199000000"
TARGET_MB = 512


def _child_build(persons: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import override_settings
    from django.utils import timezone

    from bench import datagen
    from jiuye.accounts.models import Role
    from jiuye.accounts.services import user_create
    from jiuye.core.importing.exportjobs import ExportRequest, export_start

    timings = datagen.registry(persons, timezone.localdate().year, records_per_person=0)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE people_person")
    user, _ = user_create(
        username="bench-district",
        role=Role.DISTRICT,
        display_name="基准",
        password="Bench-Export-Quiet-42",
    )
    request = ExportRequest(
        kind="persons",
        records="jiuye.people.views.persons_to_export",
        params={"query": f"region={DISTRICT}"},
        filename="残疾人名单.xlsx",
    )
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):  # queued, not run: the measuring process runs it
        job = export_start(user=user, export=request, total=persons)
    return {"job": str(job.pk), "timings": timings}


def run_export_job(job_id: str) -> dict[str, Any]:
    """Run a queued export job in this process as the task worker would, and measure it: its
    rows and size, time and CPU, and this process's peak and sampled resident memory (also
    ``bench_load``'s export step)."""
    from bench.scratch import vm_mb
    from jiuye.core.importing.exportjobs import export_job_task
    from jiuye.core.models import ExportJob

    before = vm_mb()
    # The resident size every second while the task runs: flat if rows stream.
    samples: list[float] = []
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            samples.append(vm_mb("VmRSS:"))
            time.sleep(1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu, start = time.process_time(), time.perf_counter()
    status = export_job_task.call(job_id=job_id)
    running.clear()
    sampler.join()
    job = ExportJob.objects.get(pk=job_id)
    half = max(1, len(samples) // 2)
    return {
        "status": status,
        "message": job.message,
        "rows": job.rows_done,
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
        "bytes": job.size,
        "parts": job.parts,
        "rss_before_mb": before,
        "rss_mb": vm_mb(),
        "rss_first_half_max_mb": max(samples[:half], default=0.0),
        "rss_second_half_max_mb": max(samples[half:], default=0.0),
    }


def _child_baseline() -> dict[str, Any]:
    from django.db import connection, transaction

    from bench.scratch import vm_mb

    before = vm_mb()
    cpu, start = time.process_time(), time.perf_counter()
    rows = 0
    with (
        transaction.atomic(),
        connection.cursor() as outer,
        tempfile.NamedTemporaryFile("w", suffix=".csv") as out,
    ):
        cursor = outer.connection.cursor(name="bench_export")
        cursor.itersize = 2000
        cursor.execute(
            "SELECT p.id_number, p.name, p.region_id, p.category_id, p.grade_id "
            "FROM people_person p WHERE p.archived_at IS NULL ORDER BY p.id"
        )
        writer = csv.writer(out)
        for row in cursor:
            writer.writerow(row)
            rows += 1
        cursor.close()
    return {
        "rows": rows,
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
        "rss_before_mb": before,
        "rss_mb": vm_mb(),
    }


def _child(argv: list[str]) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from bench.scratch import child_result, plain_static_files, result

    plain_static_files()
    if argv[0] == "--task":
        result(run_export_job(argv[1]))
        return
    if argv[0] == "--baseline":
        result(_child_baseline())
        return
    persons = int(os.environ.get("BENCH_EXPORT_PERSONS", "100000"))
    built = _child_build(persons)
    env = dict(os.environ)
    load = os.getloadavg()[0]
    baseline = child_result(["-m", "bench.bench_export", "--child", "--baseline"], env)
    task = child_result(["-m", "bench.bench_export", "--child", "--task", built["job"]], env)
    result({"persons": persons, "build": built, "baseline": baseline, "task": task, "load": load})


def _show(outcome: dict[str, Any]) -> None:
    task, base = outcome["task"], outcome["baseline"]
    persons, load = outcome["persons"], outcome["load"]
    print(f"  persons export in the background, {persons:,} persons (load {load:.1f})")
    if "failed" in task or "failed" in base:
        print(f"  failed: {task.get('failed') or base.get('failed')}")
        return
    print(
        f"  task: {task['status']}, {task['rows']:,} rows, "
        f"{task['bytes'] / 1e6:.1f} MB .xlsx in {task['parts']} sealed pieces, "
        f"{task['seconds']:.1f} s wall / {task['cpu_seconds']:.1f} s CPU, "
        f"peak {task['rss_mb']:.0f} MB (after Django set up {task['rss_before_mb']:.0f} MB)"
    )
    print(
        f"  resident size while writing: at most {task['rss_first_half_max_mb']:.0f} MB in the "
        f"first half of the run, {task['rss_second_half_max_mb']:.0f} MB in the second"
    )
    print(
        f"  baseline (raw cursor to CSV): {base['rows']:,} rows, {base['seconds']:.1f} s wall / "
        f"{base['cpu_seconds']:.1f} s CPU, peak {base['rss_mb']:.0f} MB; "
        f"task / baseline CPU {task['cpu_seconds'] / max(base['cpu_seconds'], 1e-9):.1f}×"
    )
    print(f"  under {TARGET_MB} MB: {'met' if task['rss_mb'] <= TARGET_MB else 'MISSED'}")


def main() -> None:
    from bench.scratch import run_in_scratch

    # The scratch database's name (``<prefix>_<pid>``); BENCH_EXPORT_DB_PREFIX to set it.
    prefix = os.environ.get("BENCH_EXPORT_DB_PREFIX", "jiuye_bench_export")
    run_in_scratch("bench.bench_export", prefix, _show)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:] or ["--build"])
    else:
        main()
