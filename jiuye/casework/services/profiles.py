"""The seeker profiles (``SeekerProfile``, ADR 0006): each person's latest current needs
registration, reduced to what the candidate ranking's bound reads. Kept in step by
``recompute_cases`` (every casework write passes there, imports and their rollback included)
and, for a merge and its undo in the registry below, through ``core.derived``; rebuilt for
everyone by the ``seeker_profiles`` command."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction

from jiuye.casework.models import NeedsRecord, SeekerProfile

CHUNK = 2000
FIELDS = ("year", "desired_jobs", "hours", "expected_wage")


def _latest(person_ids: list[Any] | None) -> Iterator[SeekerProfile]:
    """The profile each person's records give (the current registration of the latest year),
    for these persons or, with None, for everyone."""
    records = NeedsRecord.objects.filter(is_current=True)
    if person_ids is not None:
        records = records.filter(person_id__in=person_ids)
    rows = records.order_by("person_id", "-year").values_list("person_id", *FIELDS)
    last = None
    for person_id, year, desired_jobs, hours, wage in rows.iterator(chunk_size=5000):
        if person_id == last:
            continue
        last = person_id
        yield SeekerProfile(
            person_id=person_id,
            year=year,
            desired_jobs=desired_jobs,
            hours=hours,
            expected_wage=wage,
        )


@transaction.atomic
def seeker_profiles_refresh(person_ids: Iterable[Any]) -> int:
    """Rewrite these persons' profiles from their needs records (in the caller's
    transaction). Returns how many profiles they have now."""
    ids = list(dict.fromkeys(pk for pk in person_ids if pk is not None))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = list(_latest(chunk))
        SeekerProfile.objects.filter(person_id__in=chunk).delete()
        SeekerProfile.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    return written


@transaction.atomic
def seeker_profiles_rebuild() -> int:
    """Every profile again from the needs records (after a bulk load outside the services,
    or to repair). Returns the number of profiles."""
    SeekerProfile.objects.all().delete()
    batch: list[SeekerProfile] = []
    written = 0
    for row in _latest(None):
        batch.append(row)
        if len(batch) == 5000:
            SeekerProfile.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    SeekerProfile.objects.bulk_create(batch)
    return written + len(batch)


def seeker_profiles_stale() -> list[Any]:
    """The persons whose profile differs from what their needs records give (missing, left
    over or with other values): empty when the profiles are in step."""
    wanted = {p.person_id: tuple(getattr(p, f) for f in FIELDS) for p in _latest(None)}
    stale = []
    for person_id, *values in SeekerProfile.objects.values_list("person_id", *FIELDS).iterator(
        chunk_size=5000
    ):
        if wanted.pop(person_id, None) != tuple(values):
            stale.append(person_id)
    return [*stale, *wanted]
