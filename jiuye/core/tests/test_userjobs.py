"""core.userjobs: a background job one user starts (the annual report, the whole-fair matching):
only its starter sees it, a worker that stopped reporting ends it as failed, a known error
fails it with its own message and any other with the job's, and the result is read back."""

from __future__ import annotations

import time

import pytest

from jiuye.core.userjobs import UserJobs

pytestmark = pytest.mark.django_db


class Refused(Exception):
    pass


class Queue:
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def enqueue(self, *, token: str) -> None:
        self.tokens.append(token)


@pytest.fixture
def jobs() -> UserJobs:
    return UserJobs(
        "test_job",
        folder="test_jobs",
        suffix=".txt",
        interrupted="中断了",
        failed="内部错误",
        known=(Refused,),
    )


def test_a_job_is_its_starters_and_its_result_is_read_back(jobs, personas) -> None:  # noqa: ANN001
    queue = Queue()
    token = jobs.start(personas["district"], queue, year=2026)
    assert queue.tokens == [token]
    assert jobs.of(token, personas["district"])["phase"] == "queued"
    assert jobs.of(token, personas["town_a"]) is None
    seen = []

    def work(job, progress):  # noqa: ANN001, ANN202
        progress(1, 2)
        seen.append(jobs.stored(token)["step"])
        return f"{job['year']}".encode()

    assert jobs.run(token, work) == "done"
    assert seen == [1]
    assert jobs.of(token, personas["district"])["phase"] == "done"
    assert jobs.read(token, personas["district"]) == b"2026"
    assert jobs.read(token, personas["town_a"]) is None
    assert jobs.run(token, work) == "gone"  # only a queued job runs


def test_errors_fail_the_job_with_a_message(jobs, personas) -> None:  # noqa: ANN001
    user = personas["district"]

    def refused(job, progress):  # noqa: ANN001, ANN202
        raise Refused("这一年没有数据")

    def broken(job, progress):  # noqa: ANN001, ANN202
        raise RuntimeError("bug")

    first = jobs.start(user, Queue())
    assert jobs.run(first, refused) == "failed"
    assert jobs.of(first, user)["message"] == "这一年没有数据"
    second = jobs.start(user, Queue())
    assert jobs.run(second, broken) == "failed"
    assert jobs.of(second, user)["message"] == "内部错误"
    assert jobs.read(second, user) is None


def test_a_running_job_whose_worker_stopped_reporting_is_failed(jobs, personas, settings) -> None:  # noqa: ANN001
    user = personas["district"]
    token = jobs.start(user, Queue())
    jobs.update(token, phase="running")
    assert jobs.of(token, user)["phase"] == "running"
    settings.JIUYE_IMPORT_STALE_MINUTES = 1
    key = jobs._key(token)  # noqa: SLF001 - back-date the last report
    from django.core.cache import caches

    job = caches["progress"].get(key)
    caches["progress"].set(key, {**job, "at": time.time() - 120})
    ended = jobs.of(token, user)
    assert ended["phase"] == "failed" and ended["message"] == "中断了"
