"""Staleness of summaries kept per region, without signals (ADR 0005).

Every write service that can change what a per-region summary counts calls ``mark_dirty`` with
the region codes it touched, in its own transaction; whoever refreshes the summaries reads the
marks under a prefix (``pending``), recomputes those regions and deletes exactly the marks it
read (``clear``). A mark committed while a refresh was computing is not among those it read, so
it stays for the next refresh: no write is lost.

A write of a few persons may instead move the summaries by its own delta in its transaction
(``stepping``): the app that keeps them registers how (``register_stepper``), since core and
the apps below it import no app above them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from jiuye.core.models import DirtyRegion


def mark_dirty(region_codes: Iterable[str | None]) -> int:
    """Note that something under these regions changed (one INSERT; empty codes are ignored).
    ``region_codes`` may be a queryset of codes. Returns the number of marks written."""
    codes = sorted({code for code in region_codes if code})
    if codes:
        DirtyRegion.objects.bulk_create([DirtyRegion(code=code) for code in codes])
    return len(codes)


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
