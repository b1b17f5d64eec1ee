"""What the forked worker processes of long work have in common (an import's row readers,
``core/importing/parallel.py``; the quota review's checkers, ``employers`` ``quota_review``)."""

from __future__ import annotations

import contextlib
import os

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
