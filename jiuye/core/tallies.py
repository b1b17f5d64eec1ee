"""Staleness of summaries kept per region, without signals (ADR 0005).

Every write service that can change what a per-region summary counts calls ``mark_dirty`` with
the region codes it touched, in its own transaction; whoever refreshes the summaries reads the
marks under a prefix (``pending``), recomputes those regions and deletes exactly the marks it
read (``clear``). A mark committed while a refresh was computing is not among those it read, so
it stays for the next refresh: no write is lost.

A write of a few persons may instead move the summaries by its own delta in its transaction
(``stepping``): the app that keeps them registers how (``register_stepper``), since core and
the apps below it import no app above them.

Once marks are committed, the same app may bring the summaries up to date in the background
(``register_refresher``: it queues a task), so that the first reader after a large write (an
import of thousands of persons) does not wait for the recount, nor make others wait behind it.
A reader that comes first still recounts, as before; the marks stay until someone has.

A reader that finds the recount under way (or queued) shows the summaries as last counted
instead of waiting. Code that reads them for something kept or sent on (``core.kept``'s
figures, a report) does so inside ``reading``: in the background it waits for the recount
(``wait=True``); in a request it records when the counts it was shown were made
(``shown_as_counted``), so what it keeps can say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jiuye.core.models import DirtyRegion


def mark_dirty(region_codes: Iterable[str | None]) -> int:
    """Note that something under these regions changed (one INSERT; empty codes are ignored).
    ``region_codes`` may be a queryset of codes. Returns the number of marks written."""
    codes = sorted({code for code in region_codes if code})
    if codes:
        DirtyRegion.objects.bulk_create([DirtyRegion(code=code) for code in codes])
        _refresh_after_commit()
    return len(codes)


# What the app keeping the summaries does once marks are committed (queue a recount).
_refreshers: list[Callable[[], None]] = []


def register_refresher(refresher: Callable[[], None]) -> Callable[[], None]:
    if refresher not in _refreshers:
        _refreshers.append(refresher)
    return refresher


def _refresh_after_commit() -> None:
    """Once per transaction, however many marks it writes; nothing if it rolls back."""
    waiting = transaction.get_connection().run_on_commit
    if not any(func is _refresh for _savepoints, func, _robust in waiting):
        # Robust: the write has committed; a refresher that fails is logged and the marks
        # stay for the next reader.
        transaction.on_commit(_refresh, robust=True)


def _refresh() -> None:
    for refresher in _refreshers:
        refresher()


def pending(prefix: str = "") -> dict[str, list[Any]]:
    """The marks under a region prefix, as {region code: [mark ids]}."""
    marks: dict[str, list[Any]] = {}
    qs = DirtyRegion.objects.all()
    if prefix:
        qs = qs.filter(code__startswith=prefix)
    for pk, code in qs.values_list("pk", "code"):
        marks.setdefault(code, []).append(pk)
    return marks


def clear(marks: dict[str, list[Any]]) -> int:
    """Delete the marks ``pending`` returned (and only those)."""
    ids = [pk for pks in marks.values() for pk in pks]
    deleted = 0
    for start in range(0, len(ids), 5000):
        deleted += DirtyRegion.objects.filter(pk__in=ids[start : start + 5000]).delete()[0]
    return deleted


# Given the persons a write is about to change (locked by it) and every region it touches, a
# stepper counts what they add to the summaries now and returns what to call, with the persons
# as they are after the write (those it created added), to move the summaries by the
# difference; or None when it will not step this write (the caller marks the regions).
Stepper = Callable[[list[Any], list[str]], Callable[[list[Any]], None] | None]
_steppers: list[Stepper] = []


def register_stepper(stepper: Stepper) -> Stepper:
    if stepper not in _steppers:
        _steppers.append(stepper)
    return stepper


@contextmanager
def stepping(*, person_ids: Iterable[Any], regions: Iterable[str | None]) -> Iterator[list[Any]]:
    """Around a registry or employment write of these persons (in its transaction): the
    summaries of ``regions`` (every village the write touches: both when a person moves) follow
    the write by its delta, or the regions are marked dirty when nobody steps it. The body
    appends the primary keys of persons it creates to the list it is given."""
    ids = list(dict.fromkeys(pk for pk in person_ids if pk is not None))
    codes = sorted({code for code in regions if code})
    finishes = [finish for stepper in _steppers if (finish := stepper(ids, codes)) is not None]
    created: list[Any] = []
    yield created
    if not finishes:
        mark_dirty(codes)
    for finish in finishes:
        finish([*ids, *created])


@dataclass
class Reading:
    """What a ``reading`` block read: whether it waits for a recount under way, and the oldest
    time at which counts it was shown as last counted were made (None: all up to date)."""

    wait: bool
    counted_at: dt.datetime | None = None


_reading: ContextVar[Reading | None] = ContextVar("jiuye_tallies_reading", default=None)


@contextmanager
def reading(*, wait: bool) -> Iterator[Reading]:
    """Around a read of the summaries whose result is kept or sent on: ``wait=True`` (the
    background) brings them up to date, waiting for a recount under way; ``wait=False`` (a
    request) shows them as last counted and records when (``Reading.counted_at``)."""
    found = Reading(wait=wait)
    token = _reading.set(found)
    try:
        yield found
    finally:
        _reading.reset(token)


def waits_for_recount() -> bool:
    """Whether the current read waits for a recount under way rather than show the last
    counts (inside ``reading(wait=True)``); a page's own read does not."""
    current = _reading.get()
    return current is not None and current.wait


def shown_as_counted(counted_at: dt.datetime | None) -> None:
    """Record, for the ``reading`` block around this read, that summaries counted at
    ``counted_at`` were shown while their regions wait for a recount (None: nothing to
    record)."""
    current = _reading.get()
    if current is None or counted_at is None:
        return
    if current.counted_at is None or counted_at < current.counted_at:
        current.counted_at = counted_at
