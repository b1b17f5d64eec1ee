"""A task for the two-worker test (test_workers.py), importable by a db_worker process."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def record_run(number: int) -> int:
    """Append the task's number, the worker's pid and its nice value to WORKER_LOG (one
    O_APPEND write, so the lines of two processes never interleave)."""
    line = f"{number} {os.getpid()} {os.getpriority(os.PRIO_PROCESS, 0)}\n".encode()
    handle = os.open(os.environ["WORKER_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(handle, line)
    finally:
        os.close(handle)
    time.sleep(0.05)
    return number
