"""Writes of the coverage tallies (ADR 0005): the per-village counts behind the coverage and
worklist pages, recomputed for the villages marked dirty (or every village of a region) under
one lock, or moved by a casework write's own delta in its transaction (``TallyStep``). The
counts themselves are read by ``selectors.counts_by_village`` and ``counts_of_persons``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from jiuye.casework.models import CoverageTally
from jiuye.casework.selectors import (
    TALLY_COUNTS,
    StoredTallies,
    counts_by_village,
    counts_of_persons,
    stored_tallies,
)
from jiuye.core import tallies as core_tallies
from jiuye.core.models import DirtyRegion
from jiuye.core.periods import reference_date
from jiuye.people.models import Person
from jiuye.reference.models import Region

# One advisory lock for every refresh (PostgreSQL): two refreshes of overlapping villages must
# not write older figures over newer ones. SQLite's IMMEDIATE transactions already serialise.
_REFRESH_LOCK = 0x6A697579  # "jiuy"


def _write_tallies(
    *, codes: list[str], found: dict[str, dict[str, int]], year: int, on: dt.date
) -> list[CoverageTally]:
    now = timezone.now()
    rows = [
        CoverageTally(
            village_id=code,
            year=year,
            as_of=on,
            refreshed_at=now,
            **found.get(code, dict.fromkeys(TALLY_COUNTS, 0)),
        )
        for code in sorted(set(codes) | set(found))
    ]
    CoverageTally.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["village", "year"],
        update_fields=["as_of", "refreshed_at", *TALLY_COUNTS],
    )
    return rows


@transaction.atomic
def tallies_bring_up_to_date(
    *,
    region: Region,
    year: int,
    today: dt.date | None,
    stored: StoredTallies,
    everything: bool,
    wait: bool = True,
) -> tuple[list[CoverageTally], int]:
    """Recompute what ``stored`` (read just before) shows is dirty, missing or of another
    reference day; returns the year's tallies of every village and how many rows were written.
    ``selectors.village_tallies`` calls it when a read finds them stale, with ``wait=False``
    (unless inside ``core.tallies.reading(wait=True)``: a background build of kept figures):
    on PostgreSQL, while another process recounts (the task queued after an import: seconds
    at 1,000,000 persons), or while that task waits for the task worker (``_recount_queued``),
    a reader whose villages all have a tally of this reference day shows them as last counted
    instead of recounting or waiting for the lock; the marks stay, so the recount or the next
    read brings them up to date. A missing or outdated tally is still waited for."""
    on = reference_date(year, today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if not wait and not everything and stored.counted(year, on):
                if _recount_queued():
                    return stored.of_year(year), 0
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_REFRESH_LOCK])
                if not cursor.fetchone()[0]:
                    return stored.of_year(year), 0
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
    # Read under the lock: a mark committed from now on stays for the next refresh.
    marks = core_tallies.pending(region.prefix)
    # And the region's tallies locked before counting: a casework write that moved one by its
    # delta (TallyStep) has committed, so it is in the counts; one still to move it waits and
    # adds its delta to the new counts (its persons' change is not in them).
    list(
        CoverageTally.objects.select_for_update(of=("self",))
        .filter(village__code__startswith=region.prefix)
        .order_by("village_id", "year")
        .values_list("pk", flat=True)
    )
    result = {t.village_id: t for t in stored.of_year(year)}
    written = 0
    # A village without this year's tally, or with one of another reference day: the whole
    # region is recomputed (one grouped query costs about the same for one village or all).
    outdated = [v for v in stored.villages if v not in result or result[v].as_of != on]
    whole = everything or bool(outdated)
    if whole:
        found = counts_by_village(codes=None, region=region, year=year, on=on)
        rows = _write_tallies(codes=stored.villages, found=found, year=year, on=on)
        result.update((t.village_id, t) for t in rows)
        written += len(rows)
    if marks:
        dirty = sorted(marks)
        years = {t.year for t in stored.tallies if t.village_id in marks} | {year}
        if whole:
            years.discard(year)
        for each in sorted(years):
            each_on = reference_date(each, today)
            found = counts_by_village(codes=dirty, region=region, year=each, on=each_on)
            rows = _write_tallies(codes=dirty, found=found, year=each, on=each_on)
            if each == year:
                result.update((t.village_id, t) for t in rows)
            written += len(rows)
        core_tallies.clear(marks)
    return sorted(result.values(), key=lambda t: t.village_id), written


# How long a queued recount is trusted to be taken up by the task worker (which polls every
# second or so): until then a reader shows the last counts rather than recount the same marks
# itself (issue 19: the first reader after an import's commit recounted for 1.8 s at 1,000,000
# persons while the task waited). A recount queued longer ago is not waited for: no worker may
# be running.
QUEUED_RECOUNT_SECONDS = 30


def _recount_queued() -> bool:
    """A recount of the marks is queued for the task worker and has not started."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    since = timezone.now() - dt.timedelta(seconds=QUEUED_RECOUNT_SECONDS)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=refresh_marked_task.module_path,
        enqueued_at__gte=since,
    ).exists()


@task()
def refresh_marked_task() -> int:
    """Recount the villages marked dirty, for the whole district (by the task worker, queued
    once a write's marks are committed: ``core.tallies.register_refresher``). Nothing to do
    when a reader has recounted them already. Returns the number of tallies written."""
    district = Region.objects.filter(code=settings.JIUYE_DISTRICT_CODE).first()
    if district is None or not core_tallies.pending(district.prefix):
        return 0
    return tallies_refresh(region=district, year=timezone.localdate().year)


def queue_marked_refresh() -> None:
    """The refresher the casework app registers with ``core.tallies``."""
    refresh_marked_task.enqueue()


def tallies_refresh(
    *, region: Region, year: int, today: dt.date | None = None, everything: bool = False
) -> int:
    """Bring the tallies of a region's villages for a year up to date: the villages marked
    dirty are recomputed (for every year they have tallies of); when a tally is missing or was
    computed for another reference day (a new day of the running year), or with
    ``everything``, every village of the region. Deletes the marks it read, and only those.
    Returns the number of tallies written."""
    stored = stored_tallies(region)
    return tallies_bring_up_to_date(
        region=region, year=year, today=today, stored=stored, everything=everything
    )[1]


# A casework write of up to this many persons moves the tallies by its delta; a larger one (an
# import, the demo data) marks its villages for a recount instead.
STEP_PERSONS = 50


@dataclass
class TallyStep:
    """A casework write's change to the tallies, taken in the write's transaction: what its
    persons counted in each tally of their villages before the write (``tally_step_before``)
    and, after it, the difference added to those tallies (``tally_step_after``). The delta is
    counted as of each tally's own ``as_of``, so it is exact for the tally it moves."""

    person_ids: list[Any]
    years: list[int]
    villages: set[str]
    # (village, year) -> as_of, for the tallies there are to move.
    tallies: dict[tuple[str, int], dt.date] = field(default_factory=dict)
    before: dict[tuple[int, dt.date], dict[str, dict[str, int]]] = field(default_factory=dict)
    # A registry or employment write (registry_step): every year of the villages' tallies is
    # moved, and a village is marked only when it has none to move.
    every_year: bool = False


def tally_step_before(person_ids: Iterable[Any], years: Iterable[int]) -> TallyStep | None:
    """Lock the persons (a concurrent write to one of them waits, so each delta is measured
    against the other's committed result) and count what they add to their villages' tallies
    of ``years`` now. None when the write is too large to step (the caller marks instead)."""
    ids = list(dict.fromkeys(person_ids))
    if not ids or len(ids) > STEP_PERSONS:
        return None
    villages = set(
        Person.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("region_id", flat=True)
    )
    step = TallyStep(person_ids=ids, years=sorted(set(years)), villages=villages)
    # A village marked dirty is not moved: its tally may not count these persons as they are
    # now (a registration or move marked it and was not yet recounted), so a delta could take
    # it below the truth. The step marks it again instead (tally_step_after), a mark the
    # recount that will clear the committed one cannot have read.
    marked = set(DirtyRegion.objects.filter(code__in=villages).values_list("code", flat=True))
    for village, year, as_of in CoverageTally.objects.filter(
        village_id__in=villages - marked, year__in=step.years
    ).values_list("village_id", "year", "as_of"):
        step.tallies[(village, year)] = as_of
    for year, as_of in sorted({(y, a) for (_v, y), a in step.tallies.items()}):
        step.before[(year, as_of)] = counts_of_persons(person_ids=ids, year=year, on=as_of)
    return step


def tally_step_after(step: TallyStep) -> None:
    """Add the write's delta to the tallies ``tally_step_before`` found; a village and year of
    the write with no tally to move (none yet, or recomputed meanwhile for another day) is
    marked dirty, so the next read counts it."""
    marked: set[str] = set()
    zero = dict.fromkeys(TALLY_COUNTS, 0)
    for (year, as_of), before in step.before.items():
        after = counts_of_persons(person_ids=step.person_ids, year=year, on=as_of)
        # A village the write was not told of (it cannot move what it did not lock): recount.
        marked.update(set(after) - step.villages, set(before) - step.villages)
        for village in sorted(v for (v, y), a in step.tallies.items() if (y, a) == (year, as_of)):
            new, old = after.get(village, zero), before.get(village, zero)
            delta = {key: new[key] - old[key] for key in TALLY_COUNTS if new[key] != old[key]}
            if not delta:
                continue
            moved = CoverageTally.objects.filter(village_id=village, year=year, as_of=as_of).update(
                refreshed_at=timezone.now(), **{key: F(key) + d for key, d in delta.items()}
            )
            if not moved:
                marked.add(village)
    for village in step.villages:
        if step.every_year:
            if not any(v == village for v, _y in step.tallies):
                marked.add(village)
        elif any((village, year) not in step.tallies for year in step.years):
            marked.add(village)
    core_tallies.mark_dirty(marked)


def registry_step(person_ids: list[Any], villages: list[str]) -> Callable[[list[Any]], None] | None:
    """The stepper of the registry and employment writes (``core.tallies.stepping``; the
    casework app registers it): like a casework write's ``TallyStep``, but for every year the
    villages have tallies of (a birth date, a move, a job back-dated can change any), and for
    villages given by the write (a move's new village; a registration's, whose person does not
    exist yet). The tallies of the villages are locked first, in the order a refresh locks
    them: a refresh creating another year's tallies meanwhile either has committed (its rows
    are read after the lock and moved) or waits for this write and counts it. A village with
    no tally yet, or marked dirty, is marked (again) instead of moved."""
    ids = list(person_ids)
    if len(ids) > STEP_PERSONS:
        return None
    codes = set(villages)
    if ids:
        codes.update(
            Person.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("region_id", flat=True)
        )
    codes.discard(None)
    locked = list(
        CoverageTally.objects.select_for_update()
        .filter(village_id__in=codes)
        .order_by("village_id", "year")
        .values_list("pk", flat=True)
    )
    if not locked:  # nothing to move (no tally read yet: the demo data, a new district)
        return lambda _after_ids: core_tallies.mark_dirty(codes)
    step = TallyStep(person_ids=ids, years=[], villages=codes, every_year=True)
    marked = set(DirtyRegion.objects.filter(code__in=codes).values_list("code", flat=True))
    for village, year, as_of in CoverageTally.objects.filter(
        village_id__in=codes - marked
    ).values_list("village_id", "year", "as_of"):
        step.tallies[(village, year)] = as_of
    step.years = sorted({y for _v, y in step.tallies})
    for year, as_of in sorted({(y, a) for (_v, y), a in step.tallies.items()}):
        step.before[(year, as_of)] = (
            counts_of_persons(person_ids=ids, year=year, on=as_of) if ids else {}
        )

    def finish(after_ids: list[Any]) -> None:
        step.person_ids = list(dict.fromkeys(after_ids))
        tally_step_after(step)

    return finish
