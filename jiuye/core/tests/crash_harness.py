"""A child process for the crash tests (test_crash.py): runs one write against the database named
by DATABASE_URL and is killed with SIGKILL part-way.

    python -m jiuye.core.tests.crash_harness import FILE | rollback BATCH | quota YEAR
    python -m jiuye.core.tests.crash_harness digest | recover | enqueue N
    python -m jiuye.core.tests.crash_harness serve

``serve`` loads Django once and then, for each line ``ARGS`` (a JSON list of the above, then
the variables to set) read on stdin, forks a process that runs it: a fresh process with its
own connection to the database, killed as the parent test says, without paying for Python and
Django's start (≈1.5 s of CPU each) every time. That process prints ``pid N`` first; when it
has ended, ``serve`` prints ``exit S`` (its exit code, or minus the signal that ended it).

Inside a write operation every INSERT/UPDATE/DELETE made in a transaction prints ``write N``
and then sleeps ``CRASH_PAUSE`` seconds, so the parent can kill the process after the N-th
write (a random N and a random moment of the pause): always inside the transaction, before its
commit, at a different point each time. Every run first prints ``digest`` and every table's
row count and row checksum (``digest`` does only that); ``recover`` does what opening a batch's
page does (fail the batch whose worker died) and runs each such batch again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

import django


def _pause_after_writes():  # noqa: ANN202
    from django.db import connection

    pause = float(os.environ.get("CRASH_PAUSE", "0.05"))
    # The write after which the process waits to be killed (0: none). Waiting there, not for a
    # moment, keeps the kill inside the transaction however slow the test's reader is.
    stop_at = int(os.environ.get("CRASH_STOP_AT", "0"))
    done = [0]

    def wrapper(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        result = execute(sql, params, many, context)
        verb = sql.lstrip().split(" ", 1)[0].upper()
        if connection.in_atomic_block and verb in {"INSERT", "UPDATE", "DELETE"}:
            done[0] += 1
            print(f"write {done[0]}", flush=True)
            time.sleep(600 if done[0] == stop_at else pause)
        return result

    return connection.execute_wrapper(wrapper)


def digest() -> dict[str, list]:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(
                repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                for row in cursor.fetchall()
            )
            out[table] = [len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()]
    return out


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.core.files import File
    from django.core.management import call_command

    from jiuye.accounts.models import User
    from jiuye.core.importing import batches, engine
    from jiuye.core.models import ImportBatch

    op = argv[0]
    by = User.objects.filter(username=os.environ.get("CRASH_USER", "")).first()
    # Every run starts by printing the state it found, so a test needs no extra process to
    # see what the previous (killed) one left.
    print("digest " + json.dumps(digest()), flush=True)
    if op == "digest":
        return
    if op == "enqueue":  # into the database queue the settings name
        from jiuye.core.tests.worker_tasks import record_run

        for number in range(int(argv[1])):
            record_run.enqueue(number)
        print("enqueued", flush=True)
        return
    # Everything else runs a batch at once, in this process.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    if op == "recover":
        settings.JIUYE_IMPORT_STALE_MINUTES = 0
        failed = list(ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING))
        batches.fail_stale_batches()
        out = []
        for batch in failed:
            batch.refresh_from_db()
            entry = {"status": batch.status, "message": batch.message}
            entry["can_retry"] = batches.batch_can_retry(batch)
            if entry["can_retry"]:
                again = batches.batch_retry(batch=batch, by=by, queue=False)
                entry["retried"] = [again.status, again.created]
            out.append(entry)
        print(json.dumps(out, ensure_ascii=False))
        return
    # Many small chunks, so the import's one transaction makes many writes to stop between.
    engine.CHUNK_ROWS = 25
    with _pause_after_writes():
        if op == "import":
            path = Path(argv[1])
            with path.open("rb") as handle:
                batches.batch_start(
                    kind="persons",
                    upload=File(handle, name=path.name),
                    by=by,
                    dry_run=False,
                    queue=False,
                )
        elif op == "rollback":
            engine.batch_rollback(batch=ImportBatch.objects.get(pk=argv[1]), by=by)
        elif op == "quota":
            # Small chunks: the checks run in the worker processes, killed with the review.
            call_command("quota_review", year=int(argv[1]), chunk=3, workers=2)
        else:
            raise SystemExit(f"unknown operation {op}")
    print("finished", flush=True)


def _preloaded() -> None:
    """Django and what the operations import, loaded before any fork; no connection open."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connections

    import jiuye.core.importing.batches
    import jiuye.core.importing.engine
    import jiuye.core.tests.worker_tasks
    import jiuye.employers.management.commands.quota_review  # noqa: F401

    connections.close_all()


def serve() -> None:
    _preloaded()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the operation's own process
            code = 1
            try:
                os.environ.update(request["env"])
                log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(log, 2)
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                print(f"pid {os.getpid()}", flush=True)
                main(request["args"])
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 1
            except BaseException:  # noqa: BLE001 - reported in the log, as a process would
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        main(sys.argv[1:])
