"""Crash safety: a process killed with SIGKILL in the middle of an import's commit, of an
import's rollback and of the year's quota review (at a random write, at a random moment) leaves
the database exactly as it was; the interrupted import batch then shows as failed with a clear
message, and runs again. The writes run in a child process (crash_harness.py) on the test
database (a file copy of it on SQLite), a fresh one for each operation, forked by a server
process that loaded Django once for the test."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import VILLAGE_A, VILLAGE_B, make_id_number
from jiuye.core.demo import seeders
from jiuye.core.importing import run_import
from jiuye.core.models import ImportBatch
from jiuye.core.tests.priority import wanted_nice
from jiuye.employers.models import Declaration, DeclarationStatus
from jiuye.people.demo.persons import demo_persons
from jiuye.people.demo.synthetic import load_villages

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["姓名", "身份证号", "残疾类别", "残疾等级", "联系电话", "村社区代码"]
PAUSE = 0.05  # the child's pause after each write in a transaction (seconds)


def persons_csv(path: Path, first: int, count: int) -> Path:
    rows = []
    for n in range(first, first + count):
        number = make_id_number(birth=f"1975{n // 28 % 12 + 1:02d}{n % 28 + 1:02d}", seq=n % 997)
        village = VILLAGE_A if n % 2 else VILLAGE_B
        rows.append([f"崩溃测试{n}", number, "4", "2", f"139{n:08d}", village])
    path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


class Child:
    """Runs crash_harness.py against the test database."""

    def __init__(self, tmp_path: Path, user: str) -> None:
        if connection.vendor == "sqlite":
            # The test database lives in memory: the child gets a file copy of it.
            target = tmp_path / "crash.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(target)
            connection.connection.backup(copy)
            copy.close()
            url = f"sqlite:///{target}"
        else:
            conf = connection.settings_dict
            auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
            url = f"postgres://{auth}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "JIUYE_VAR_DIR": str(tmp_path / "var"),
            "CRASH_USER": user,
            "CRASH_PAUSE": str(PAUSE),
        }
        self.log = tmp_path / "child.log"
        self.server: subprocess.Popen | None = None

    def _start(self, *args: str, stop_at: int = 0) -> int:
        """Start the operation in a fresh process (forked by ``crash_harness serve``, which
        loads Django once for the test); its pid."""
        if self.server is None:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "jiuye.core.tests.crash_harness", "serve"],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=(self.log.parent / "server.log").open("w"),
                text=True,
            )
        env = {**self.env, "CRASH_STOP_AT": str(stop_at)}
        request = {"args": list(args), "env": env, "log": str(self.log)}
        self.server.stdin.write(json.dumps(request) + "\n")
        self.server.stdin.flush()
        return int(self._line().removeprefix("pid "))

    def _line(self) -> str:
        line = self.server.stdout.readline()
        assert line, "crash_harness serve ended: " + (self.log.parent / "server.log").read_text()
        return line.rstrip("\n")

    def _lines_to_exit(self) -> tuple[list[str], int]:
        """The lines the process printed, and its exit code (minus the signal that ended it)."""
        lines = []
        while not (line := self._line()).startswith("exit "):
            lines.append(line)
        return lines, int(line.removeprefix("exit "))

    def close(self) -> None:
        """End the server (it ends when its input does; killed if an operation it waits for
        still runs, say after a failed assertion left one waiting at its write)."""
        if self.server is not None:
            self.server.stdin.close()
            try:
                self.server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
            self.server = None

    def run(self, *args: str) -> tuple[dict[str, list], str]:
        """The state the child found, and the last line it printed."""
        self._start(*args)
        lines, code = self._lines_to_exit()
        assert code == 0, self.log.read_text()[-3000:]
        return json.loads(lines[0].removeprefix("digest ")), lines[-1]

    def killed(self, *args: str, after_write: int) -> dict[str, list]:
        """Start the operation and SIGKILL it after its ``after_write``-th write, where the
        child waits inside its transaction (however long the reader here takes to see the
        line: a loaded machine once let a short pause run on to the commit); the state the
        child found."""
        pid = self._start(*args, stop_at=after_write)
        found = json.loads(self._line().removeprefix("digest "))
        while not (line := self._line()).startswith("exit "):
            if line == f"write {after_write}":
                time.sleep(random.uniform(0, PAUSE))
                os.kill(pid, signal.SIGKILL)
        assert int(line.removeprefix("exit ")) == -signal.SIGKILL, (
            f"{args} ran to its end before write {after_write}: " + self.log.read_text()[-3000:]
        )
        return found


@pytest.fixture
def child_for(tmp_path) -> Iterator[Callable[[str], Child]]:  # noqa: ANN001
    """``Child(tmp_path, user)``, whose server process ends with the test."""
    made: list[Child] = []

    def make(user: str) -> Child:
        made.append(Child(tmp_path, user))
        return made[-1]

    yield make
    for child in made:
        child.close()


def without_batches(digest: dict[str, list]) -> dict[str, list]:
    # An import's batch row is written before its transaction (so its page can show it
    # running); what that row says after a crash is checked separately.
    return {t: v for t, v in digest.items() if t != "core_importbatch"}


def test_killed_import_rollback_and_quota_review_leave_the_database_as_before(
    personas, tmp_path, child_for
) -> None:  # noqa: ANN001
    rng = random.Random()
    # Data for each operation: persons and the demo declarations (quota review), a committed
    # import (its rollback), a new file (an import).
    demo_persons(persons=60, seed=1, villages=load_villages())
    for step in seeders():
        if step.order <= 20:
            step.run(seed=1)
    year = dt.date.today().year - 1
    reviewed = Declaration.objects.filter(year=year).exclude(
        status__in=[DeclarationStatus.CONFIRMED, DeclarationStatus.SUPERSEDED]
    )
    assert reviewed.exists()
    reviewed.update(counted=999)  # what the review will put right
    committed = run_import(
        kind="persons",
        path=persons_csv(tmp_path / "done.csv", 1, 120),
        dry_run=False,
        by=personas["district"],
    )
    assert committed.batch.status == ImportBatch.Status.SUCCEEDED and committed.created == 120
    new_file = persons_csv(tmp_path / "new.csv", 500, 300)

    child = child_for("district")
    operations = [
        (("import", str(new_file)), 10),
        (("rollback", str(committed.batch.pk)), 2),
        (("quota", str(year)), 2),
    ] * 2
    states = [child.killed(*args, after_write=rng.randint(1, most)) for args, most in operations]
    left, out = child.run("recover")  # what the last killed one left, then the recovery
    before = without_batches(states[0])
    for (args, _most), state in zip(operations, [*states[1:], left], strict=True):
        assert without_batches(state) == before, f"{args} killed changed the database"

    # The two killed imports: failed with the reason said, each can run again.
    recovered = json.loads(out)
    assert len(recovered) == 2
    for batch in recovered:
        assert batch["status"] == "failed" and batch["can_retry"]
        assert "处理中断" in batch["message"] and "没有写入任何数据" in batch["message"]
        assert "重新运行" in batch["message"]
    assert recovered[0]["retried"] == ["succeeded", 300]
    # Run to their end, the rollback and the review do change the database.
    after_import, _ = child.run("rollback", str(committed.batch.pk))
    assert after_import["people_person"][0] == before["people_person"][0] + 300
    child.run("quota", str(year))
    final, _ = child.run("digest")
    assert final["people_person"][0] == after_import["people_person"][0] - 120
    assert final["employers_declaration"] != before["employers_declaration"]


def test_two_db_workers_on_one_queue_run_every_task_once(tmp_path, child_for) -> None:  # noqa: ANN001
    """Past one machine: several ``db_worker`` processes share one queue; each task is claimed
    by one of them (a row lock on PostgreSQL, the write lock on SQLite) and runs once. Each
    worker runs its tasks at JIUYE_WORKER_NICE (core/workers.py), below the pages' priority."""
    child = child_for("district")
    log = tmp_path / "runs.log"
    nice = wanted_nice()
    env = {**child.env, "WORKER_LOG": str(log), "JIUYE_WORKER_NICE": str(nice)}
    workers = []
    for name in ("w1", "w2"):
        out = (tmp_path / f"{name}.out").open("w")
        command = [sys.executable, "manage.py", "db_worker", "--interval", "0.1"]
        command += ["--no-startup-delay", "--no-reload", "--worker-id", name, "-v", "1"]
        workers.append(
            subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        )
    try:
        deadline = time.monotonic() + 120
        while not all(
            "Starting worker" in (tmp_path / f"{n}.out").read_text() for n in ("w1", "w2")
        ):
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        child.env["WORKER_LOG"] = str(log)
        child.run("enqueue", "40")
        while len(log.read_text().splitlines() if log.exists() else []) < 40:
            assert time.monotonic() < deadline, "the tasks did not all run"
            time.sleep(0.2)
        time.sleep(1)  # a task run twice would show now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
    runs = [line.split() for line in log.read_text().splitlines()]
    numbers = sorted(int(number) for number, _pid, _nice in runs)
    assert numbers == list(range(40)), "a task ran twice or not at all"
    assert {pid for _number, pid, _nice in runs} == {str(w.pid) for w in workers}, "one ran all"
    assert {int(n) for _number, _pid, n in runs} == {nice}, "a task ran at the pages' priority"
