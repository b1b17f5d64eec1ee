"""Recompute every declaration of a year (idempotent) and print a summary.

The checks of a chunk of declarations run in worker processes (``--workers``, two by default
on a machine with two cores or more) while this process reads the next chunk and writes the
results of the previous one; only this process touches the database, in one transaction, so a
review killed part-way leaves the database as it was. Declarations whose inputs and stored
result match the digest stored with it are left as they are (``--all`` recomputes them too)."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import time
from collections import deque
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count

from jiuye.employers.models import Declaration, DeclarationStatus
from jiuye.employers.selectors import levy_totals
from jiuye.employers.services.declarations import review_prepare, review_run, review_write

CHUNK = 2000
PR_SET_PDEATHSIG = 1
_KEPT: list[Any] = []


def _worker_start() -> None:
    """A worker never uses the database connections it was forked with (the parent's session):
    forget them without closing, so nothing can send on the parent's socket. It dies with the
    review (Linux): a review killed part-way leaves no worker waiting for work."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        _KEPT.append(connection.connection)
        connection.connection = None
    # Not Linux: no prctl, the pool's own shutdown still applies.
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


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
        declarations = (
            Declaration.objects.filter(year=year)
            .exclude(status__in=[DeclarationStatus.CONFIRMED, DeclarationStatus.SUPERSEDED])
            .select_related("employer")
            .order_by("pk")
        )
        workers = max(1, int(options["workers"]))
        if workers > 64:
            raise CommandError("--workers 应在 1 到 64 之间。")
        skip = not options["all"]
        size = options["chunk"] or CHUNK
        if size < 1:
            raise CommandError("--chunk 应为正整数。")
        computed = written = 0
        policies: dict = {}
        pool = None
        pending: deque[tuple[list[Declaration], Any, Any]] = deque()

        def write(declarations: list[Declaration], work: Any, result: Any) -> None:
            nonlocal written
            results = result.get() if pool is not None else result
            written += review_write(declarations, work, results)

        try:
            with transaction.atomic():
                chunk: list[Declaration] = []
                for declaration in declarations.iterator(chunk_size=size):
                    chunk.append(declaration)
                    if len(chunk) < size:
                        continue
                    if pool is None and workers > 1:
                        # More than one chunk: worth the workers.
                        pool = multiprocessing.get_context("fork").Pool(
                            workers, initializer=_worker_start
                        )
                    work = review_prepare(chunk, policies=policies, skip_unchanged=skip)
                    if pool is None:
                        write(chunk, work, review_run(work))
                    else:
                        pending.append((chunk, work, pool.apply_async(review_run, (work,))))
                        # Keep the workers busy while this process reads and writes.
                        while len(pending) > workers or (pending and pending[0][2].ready()):
                            write(*pending.popleft())
                    computed += len(chunk)
                    chunk = []
                while pending:
                    write(*pending.popleft())
                if chunk:
                    work = review_prepare(chunk, policies=policies, skip_unchanged=skip)
                    if pool is None:
                        write(chunk, work, review_run(work))
                    else:
                        write(chunk, work, pool.apply_async(review_run, (work,)))
                    computed += len(chunk)
        except Exception as exc:  # a missing policy, say: nothing is left half-done
            raise CommandError(f"{year}年度重新计算失败，未做任何修改：{exc}") from exc
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
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
