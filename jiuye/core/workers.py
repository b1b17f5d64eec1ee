"""What the processes of long work have in common: the forked workers of an import
(``core/importing/parallel.py``) and of the quota review (``employers`` ``quota_review``), and
the task worker (``manage.py db_worker``) that runs the background tasks."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from typing import Any

from django.conf import settings


def lower_priority() -> None:
    """Run this worker at the CPU priority ``JIUYE_WORKER_NICE`` (a Unix nice value, 0–19).

    The workers use every core while the work runs. On a host that also serves pages, the
    pages then wait for a core behind them; at a lower priority the scheduler runs a page's
    request first and gives the workers what is left, so the work takes longer only when
    someone is using the site. Only ever lowered (a process may not raise its own priority):
    a worker whose parent already runs lower stays where it is. Called in the worker, never in
    a web process, whose priority could not be raised again."""
    wanted = settings.JIUYE_WORKER_NICE
    with contextlib.suppress(AttributeError, OSError):
        if os.getpriority(os.PRIO_PROCESS, 0) < wanted:
            os.setpriority(os.PRIO_PROCESS, 0, wanted)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for one bounded piece of work (a chunk of the quota review's
    checks; the review's writes, which hold the year's results until they are written), on
    again after it.

    A batch makes hundreds of thousands of small tuples, lists and dicts that live until it
    ends. Each of them counts towards the collector's next pass, and the passes that follow
    walk every object still alive, the batch's and the process's own: about a third of the CPU
    of the review's checks went to passes that found nothing to free (bench/README.md, sixth
    session). What a batch makes is freed by its reference counts when the batch is dropped;
    a reference cycle it made (an exception kept with its traceback, say) waits for the first
    pass after the batch: what a cycle keeps is bounded by what the batch made. Nested use
    leaves the collector as the outermost found it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def task_worker_yields(sender: Any, **kwargs: Any) -> None:
    """``task_started`` receiver (connected in ``CoreConfig.ready``): the task worker
    (``manage.py db_worker``) lowers itself to ``JIUYE_WORKER_NICE`` when it starts its first
    task, so the background work it runs (imports queued from a page, exports, the annual
    report, the kept figures' and the coverage tallies' recounts) yields the CPU to the pages
    served on the same host. Only the database backend's worker sends this signal for a task
    of that backend; a task run in the web process (the immediate backend of the tests, or of
    a site configured so) leaves the web process's priority alone."""
    from django_tasks_db import DatabaseBackend

    backend = sender if isinstance(sender, type) else type(sender)
    if issubclass(backend, DatabaseBackend):
        lower_priority()
