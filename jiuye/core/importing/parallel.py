"""Reading the rows of a large import in worker processes while the importing process writes.

What a row costs before it can be written — its cells picked, spoilt cells found, the kind's
``clean`` (every validator, blind indexes) and, for a kind that asks, its encrypted values
sealed (``seal``) — needs nothing but the row and the kind's reference data, so it runs in a
pool of worker processes, fed blocks of rows in file order. The importing process keeps what
needs the database or the whole file: the look-up of existing records, the domain check,
in-file duplicates, the write, the journal, the counts and the error report, in the same order
as without workers. Memory stays flat: at most a few blocks are in flight.

The pool starts only after ``JIUYE_IMPORT_PARALLEL_FROM`` rows were read in the importing
process (a small file never starts one), for a kind with ``parallel = True``, when
``JIUYE_IMPORT_WORKERS`` allows more than one process. Workers are forked, so they start with
the kind as the importing process has it (reference data loaded by ``before_fork``, the user,
the language) and never touch the database: their inherited connections are left alone and
they end with ``os._exit``, which closes nothing on the importing process's sessions.
"""

from __future__ import annotations

import multiprocessing
import operator
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from django.conf import settings
from django.utils import translation

from jiuye.core.importing.base import Column, ImportKind, RowOutcome
from jiuye.core.importing.files import cell_errors
from jiuye.core.workers import lower_priority

# Rows per task sent to a worker, and tasks in flight per worker: enough to keep each worker
# busy while the importing process writes, few enough that memory does not grow with the file.
BLOCK_ROWS = 1000
IN_FLIGHT_PER_WORKER = 3

Row = tuple[int, list[str]]


class RowReader:
    """Turns one row of a table into the kind's outcome (in a worker or in-process)."""

    def __init__(
        self,
        kind: ImportKind,
        positions: dict[str, int],
        *,
        by: Any,
    ) -> None:
        self.kind = kind
        self.by = by
        self.columns: dict[str, Column] = {c.key: c for c in kind.columns}
        self.text_keys = frozenset(k for k, c in self.columns.items() if c.text_only)
        self.keys = list(positions)
        # A full row's values are picked in one call; a short row (trailing cells left out)
        # is padded with empty strings.
        self.getter = operator.itemgetter(*positions.values()) if len(positions) > 1 else None
        self.positions = positions
        self.width = max(positions.values(), default=-1) + 1
        self.seal = False
        # Whether the blocks sent from now on are sealed (``kind.seal``: work done ahead for a
        # new record): the importing process turns it off while rows turn out to be records
        # already there (a re-import), for which that work would be thrown away.
        self.ahead = True

    def read(self, number: int, cells: list[str]) -> RowOutcome:
        width = self.width
        full = cells if len(cells) >= width else cells + [""] * (width - len(cells))
        if self.getter is not None:
            values = dict(zip(self.keys, self.getter(full), strict=True))
        else:
            values = {key: full[pos] for key, pos in self.positions.items()}
        # A cell the file spoilt (a number for an ID, a formula without its result) is not
        # read at all, for every kind.
        spoilt = cell_errors(self.columns, values, self.text_keys)
        if spoilt:
            return RowOutcome(errors=spoilt)
        outcome = self.kind.clean(values, row_number=number, by=self.by)
        if self.seal and not outcome.errors:
            self.kind.seal(outcome.data)
        return outcome


# The reader of the pool being started: a forked worker finds it here.
_READER: RowReader | None = None


def _start_worker(language: str | None) -> None:
    lower_priority()
    if language:
        translation.activate(language)


def _read_block(rows: list[Row], ahead: bool) -> list[tuple[dict[str, Any], str, list[Any]]]:
    reader = _READER
    assert reader is not None  # noqa: S101 - set before the pool forks
    reader.seal = ahead
    out = []
    for number, cells in rows:
        outcome = reader.read(number, cells)
        # Plain tuples pickle faster than the dataclass.
        out.append((outcome.data, outcome.key, outcome.errors))
    return out


def workers() -> int:
    """How many worker processes an import may use (1: none, read in-process)."""
    wanted = settings.JIUYE_IMPORT_WORKERS
    if wanted <= 0:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return max(1, wanted)


def read_outcomes(
    reader: RowReader,
    rows: Iterable[Row],
    *,
    skip: Callable[[int], bool],
) -> Iterator[tuple[int, list[str], RowOutcome | None]]:
    """Each row with its outcome, in file order (None for a row ``skip`` leaves out)."""
    count = workers()
    start_after = settings.JIUYE_IMPORT_PARALLEL_FROM
    rows = iter(rows)
    for read, (number, cells) in enumerate(rows, 1):
        yield number, cells, None if skip(number) else reader.read(number, cells)
        if read >= start_after and count > 1 and getattr(reader.kind, "parallel", False):
            break
    else:
        return
    yield from _pooled(reader, rows, count, skip)


def _pooled(
    reader: RowReader, rows: Iterator[Row], count: int, skip: Callable[[int], bool]
) -> Iterator[tuple[int, list[str], RowOutcome | None]]:
    global _READER
    reader.kind.before_fork()
    reader.seal = True
    _READER = reader
    pool = ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(translation.get_language(),),
    )
    pending: deque[tuple[list[Row], Future[Any]]] = deque()
    limit = count * IN_FLIGHT_PER_WORKER

    def submit(block: list[Row]) -> None:
        # Rows left out are not read at all (a hidden row when asked to skip them).
        todo = [r for r in block if not skip(r[0])]
        pending.append((block, pool.submit(_read_block, todo, reader.ahead)))

    try:
        block: list[Row] = []
        for row in rows:
            block.append(row)
            if len(block) >= BLOCK_ROWS:
                submit(block)
                block = []
                if len(pending) >= limit:
                    yield from _collect(pending.popleft(), skip)
        if block:
            submit(block)
        while pending:
            yield from _collect(pending.popleft(), skip)
    finally:
        for _block, future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        _READER = None
        reader.seal = False


def _collect(
    entry: tuple[list[Row], Future[Any]], skip: Callable[[int], bool]
) -> Iterator[tuple[int, list[str], RowOutcome | None]]:
    block, future = entry
    outcomes = iter(future.result())
    for number, cells in block:
        if skip(number):
            yield number, cells, None
            continue
        data, key, errors = next(outcomes)
        yield number, cells, RowOutcome(data=data, key=key, errors=errors)
