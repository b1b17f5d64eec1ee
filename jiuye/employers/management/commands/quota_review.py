"""Recompute every declaration of a year (idempotent) and print a summary.

The year's open declarations are reviewed in chunks (``--chunk``) by ``--workers`` worker
processes (two by default on a machine with two cores or more). On PostgreSQL each worker reads
its own chunks (``services.review.review_read``: one join per chunk) on its own read-only
connection, in the snapshot this process exports from its transaction, checks them, and hands
back the rows to write; this process only writes them (``COPY`` into a session-local table,
one joined ``UPDATE`` per few chunks, of the lines only those whose result changed, each
distinct checks list sent once), in its one
transaction, so a review killed part-way
leaves the database as it was. Where the workers cannot see what the review must read (SQLite,
or a caller's transaction that has already written) this process reads each chunk and the
workers only check. Declarations whose inputs and stored result match the digest stored with
them are left as they are (``--all`` recomputes them too)."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import time
from collections import deque
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction
from django.db.models import Count
from django.utils import timezone

from jiuye.core.bulk import DeferredUpdate
from jiuye.core.workers import collector_paused, lower_priority
from jiuye.employers.models import Declaration, DeclaredEmployee
from jiuye.employers.selectors import levy_totals
from jiuye.employers.services.review import (
    COMPUTED_FIELDS,
    LINE_RESULT_FIELDS,
    LOCKED,
    ReviewContext,
    ReviewWork,
    contested_persons,
    review_context,
    review_read,
    review_rows,
    review_run,
    year_pairs,
)

CHUNK = 2000
# Lines sent before they are applied by one joined UPDATE.
FLUSH_ROWS = 20_000
PR_SET_PDEATHSIG = 1
_KEPT: list[Any] = []
# A worker's own: the review's context and, when it reads its own chunks, its cursor.
_WORKER: dict[str, Any] = {}
WHERE = "d.year = %s AND d.status NOT IN (%s, %s) AND d.id "


def _worker_start(context: ReviewContext, snapshot: str | None) -> None:
    """A worker never uses the database connections it was forked with (the parent's session):
    forget them without closing, so nothing can send on the parent's socket. It dies with the
    review (Linux): a review killed part-way leaves no worker waiting for work. With a
    ``snapshot`` it opens its own read-only connection that sees exactly what the review's
    transaction saw when it began."""
    from django.db import connection

    for each in connections.all(initialized_only=True):
        _KEPT.append(each.connection)
        each.connection = None
    # Not Linux: no prctl, the pool's own shutdown still applies.
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    lower_priority()
    # Forked inside the review's writes, where the cycle collector is paused: on again, so a
    # worker pauses it per chunk and frees what a chunk left in cycles between chunks.
    gc.enable()
    _WORKER["context"] = context
    if snapshot is not None:
        from psycopg import IsolationLevel, sql

        own = connection.get_new_connection(connection.get_connection_params())
        own.isolation_level = IsolationLevel.REPEATABLE_READ
        own.read_only = True
        own.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
        # Small joins by index: compiling them (JIT) costs seconds, running them milliseconds.
        own.execute("SET jit = off")
        # The review's own workers use the cores: no parallel plans beside them.
        own.execute("SET max_parallel_workers_per_gather = 0")
        _WORKER["cursor"] = own.cursor()


def _review_chunk(task: tuple) -> tuple[int, list, list]:
    """Check one chunk (read here first when the task carries only the ids): how many
    declarations it had, and the rows to write."""
    params, work, skip, now = task
    with collector_paused():
        if work is None:
            from django.db import connection

            where = WHERE + "= ANY(%s)"
            work = review_read(
                _WORKER["cursor"],
                connection,
                where,
                params,
                skip_unchanged=skip,
                contested=_WORKER["context"].contested,
            )
        results = review_run(work, _WORKER["context"])
        return (len(work.items), *review_rows(work, results, now))


@contextlib.contextmanager
def _links_checked_at_each_write(connection: Any) -> Any:
    """PostgreSQL: the foreign key the review sets (a declaration's policy; a line's person has
    none in the database, ADR 0019) is checked at the end of each ``UPDATE`` while the block
    runs; after it, at commit again, as Django declares it (deferred). Checked at commit, a
    first review's checks ran after everything else, on one core, with the workers done;
    checked at each write, they run beside the workers. The same checks, in the same
    transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    names = []
    with connection.cursor() as cursor:
        for model, column in ((Declaration, "policy_id"),):
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            names += [
                name
                for name, info in found.items()
                if info["foreign_key"] and info["columns"] == [column]
            ]
    listed = ", ".join(map(connection.ops.quote_name, names))
    if names:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {listed} IMMEDIATE")
    yield
    # Not after a failure: the transaction (or the caller's savepoint) is rolled back anyway.
    if names:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {listed} DEFERRED")


def _has_written(connection: Any) -> bool:
    """Whether this transaction has written (other sessions cannot see what it wrote)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")
        return bool(cursor.fetchone()[0])


class Command(BaseCommand):
    help = (
        "重新核验并计算某年度的全部按比例就业申报（已审核确认的保持确认时的结果），"
        "可重复运行，结果相同。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="申报年度，如 2024")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="核验用的工作进程数（默认：两核以上为 2；1 表示只在本进程中核验）",
        )
        parser.add_argument(
            "--chunk",
            type=int,
            default=None,
            help=f"每批核验的申报数（默认 {CHUNK}）",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="全部重新计算，包括自上次核验以来没有变化的申报",
        )

    def handle(self, *args: object, **options: object) -> None:
        year = int(options["year"])
        if not 2000 <= year <= 2100:
            raise CommandError("--year 应为四位年份，如 2024。")
        start = time.perf_counter()
        workers = max(1, int(options["workers"]))
        if workers > 64:
            raise CommandError("--workers 应在 1 到 64 之间。")
        skip = not options["all"]
        size = options["chunk"] or CHUNK
        if size < 1:
            raise CommandError("--chunk 应为正整数。")
        try:
            with transaction.atomic():
                computed, written = self._review(year, workers, size, skip)
        except Exception as exc:  # a missing policy, say: nothing is left half-done
            raise CommandError(f"{year}年度重新计算失败，未做任何修改：{_reason(exc)}") from exc
        elapsed = time.perf_counter() - start
        by_status = dict(
            Declaration.objects.filter(year=year)
            .values_list("status")
            .order_by()
            .annotate(n=Count("pk"))
        )
        totals = levy_totals(year)
        self.stdout.write(
            f"year {year}: reviewed {computed}, recomputed {written} "
            f"({computed - written} unchanged) in {elapsed:.1f} s; "
            + ", ".join(f"{status} {n}" for status, n in sorted(by_status.items()))
        )
        self.stdout.write(
            f"confirmed: counted {totals['counted']}, levy before reductions "
            f"{totals['before']:,.2f}, payable {totals['payable']:,.2f}"
        )

    def _review(self, year: int, workers: int, size: int, skip: bool) -> tuple[int, int]:
        """Review the year in the caller's transaction: (declarations reviewed, written)."""
        connection = connections["default"]
        snapshot = None
        own_reads = (
            workers > 1 and connection.vendor == "postgresql" and not _has_written(connection)
        )
        if own_reads:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        context = review_context(year_pairs(year))
        context.contested = contested_persons(year)
        table = connection.ops.quote_name(Declaration._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id FROM {table} d "  # noqa: S608
                "WHERE d.year = %s AND d.status NOT IN (%s, %s) ORDER BY d.id",
                [year, *LOCKED],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        # The ids of each chunk as read (the driver's values): parameters of the same queries.
        # A list, not a range of ids: the planner then expects a chunk's rows, not a tenth of
        # the table, and reads the lines by index instead of scanning them.
        chunks = [[year, *LOCKED, ids[n : n + size]] for n in range(0, len(ids), size)]
        now = timezone.now()
        computed = written = 0
        _WORKER["context"] = context

        def read(params: list[Any]) -> ReviewWork:
            *head, chunk = params
            where = WHERE + f"IN ({', '.join(['%s'] * len(chunk))})"
            with connection.cursor() as cursor:
                return review_read(
                    cursor,
                    connection,
                    where,
                    [*head, *chunk],
                    skip_unchanged=skip,
                    contested=context.contested,
                )

        with (
            # Entered first, left last: after the lines' last UPDATE.
            _links_checked_at_each_write(connection),
            # A line whose person, count, checks and conflict are what it had is not written
            # (a recomputation after a rule change rewrites only the lines it changed).
            # The checks: a few dozen distinct lists in a year, each sent once.
            DeferredUpdate(
                DeclaredEmployee, LINE_RESULT_FIELDS, only_changed=True, repeated=("checks",)
            ) as lines,
            DeferredUpdate(Declaration, COMPUTED_FIELDS) as declarations,
            # What this process holds is the year's results on their way to the database, freed
            # as each flush is written: the cycle collector's passes only cost here.
            collector_paused(),
        ):

            def write(outcome: tuple[int, list, list]) -> None:
                nonlocal computed, written
                count, changed, changed_lines = outcome
                computed += count
                written += len(changed)
                lines.add(changed_lines)
                declarations.add(changed)
                if lines.waiting >= FLUSH_ROWS:
                    lines.flush()
                    declarations.flush()

            if workers == 1 or len(chunks) <= 1:
                for params in chunks:
                    write(_review_chunk((params, read(params), skip, now)))
                return computed, written
            # More than one chunk: worth the workers.
            pool = multiprocessing.get_context("fork").Pool(
                workers, initializer=_worker_start, initargs=(context, snapshot)
            )
            try:
                pending: deque[Any] = deque()
                for params in chunks:
                    task = (params, None if own_reads else read(params), skip, now)
                    pending.append(pool.apply_async(_review_chunk, (task,)))
                    # This process reads: keep the workers busy while it reads and writes.
                    while not own_reads and (
                        len(pending) > workers or (pending and pending[0].ready())
                    ):
                        write(pending.popleft().get())
                while pending:
                    write(pending.popleft().get())
            finally:
                pool.terminate()
                pool.join()
        return computed, written


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)
