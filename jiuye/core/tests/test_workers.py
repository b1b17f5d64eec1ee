"""The task worker runs below the pages' priority; a task run in the web process does not
lower it (core/workers.py). The worker's own lowering is seen in test_crash.py's two workers."""

from __future__ import annotations

import os

from jiuye.core.tests.priority import wanted_nice
from jiuye.core.tests.worker_tasks import record_run


def test_a_task_run_by_the_immediate_backend_leaves_the_process_priority(
    settings, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    """The immediate backend (the tests', or a site's without a worker) runs a task inside the
    request: the web process must keep its priority, which it could not raise again."""
    settings.JIUYE_WORKER_NICE = wanted_nice()
    own = os.getpriority(os.PRIO_PROCESS, 0)
    log = tmp_path / "runs.log"
    monkeypatch.setenv("WORKER_LOG", str(log))
    record_run.enqueue(7)
    assert log.read_text().split() == ["7", str(os.getpid()), str(own)]
    assert os.getpriority(os.PRIO_PROCESS, 0) == own
