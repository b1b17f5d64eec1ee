"""The task worker runs below the pages' priority; a task run in the web process does not
lower it (core/workers.py). The worker's own lowering is seen in test_crash.py's two workers.
The cycle collector is paused for one batch of long work and on again after it."""

from __future__ import annotations

import gc
import os

import pytest

from jiuye.core.tests.priority import wanted_nice
from jiuye.core.tests.worker_tasks import record_run
from jiuye.core.workers import collector_paused


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


@pytest.fixture
def collector_on() -> None:
    was_on = gc.isenabled()
    gc.enable()
    yield
    if not was_on:
        gc.disable()


def test_the_collector_is_off_for_the_batch_and_on_again_after_it(collector_on) -> None:  # noqa: ANN001
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the outer batch keeps it off
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_failing_batch_turns_it_on_again(collector_on) -> None:  # noqa: ANN001
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on) -> None:  # noqa: ANN001
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
    gc.enable()
