"""Writes of the coverage tallies (ADR 0005): the per-village counts behind the coverage and
worklist pages, recomputed for the villages marked dirty (or every village of a region) under
one lock. The counts themselves are read by ``selectors.counts_by_village``."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from jiuye.casework.models import CoverageTally
from jiuye.casework.selectors import (
    TALLY_COUNTS,
    StoredTallies,
    counts_by_village,
    stored_tallies,
)
from jiuye.core import tallies as core_tallies
from jiuye.core.periods import reference_date
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
    *, region: Region, year: int, today: dt.date | None, stored: StoredTallies, everything: bool
) -> tuple[list[CoverageTally], int]:
    """Recompute what ``stored`` (read just before) shows is dirty, missing or of another
    reference day; returns the year's tallies of every village and how many rows were written.
    ``selectors.village_tallies`` calls it when a read finds them stale."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
    on = reference_date(year, today)
    # Read under the lock: a mark committed from now on stays for the next refresh.
    marks = core_tallies.pending(region.prefix)
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
