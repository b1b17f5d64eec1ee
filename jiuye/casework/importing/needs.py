"""What a batch of service records does to the needs registrations and the registry around
them: which registration is current, the person's wish to work following it (journalled for a
rollback), and the yearly cases recomputed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from django.db.models import F
from django.utils import timezone

from jiuye.casework.models import NeedsRecord, WantsWork
from jiuye.casework.services import recompute_cases
from jiuye.core.audit import audit_bulk
from jiuye.core.models import ImportBatch, ImportRecord
from jiuye.core.tallies import mark_dirty
from jiuye.people.models import Person, WishToWork

PERSON_MODEL = "people.Person"


def follow_wish(needs_touched: set[tuple[Any, int]], batch: ImportBatch, actor: Any) -> None:
    """The registry's wish to work follows each person's latest current registration, as
    a registration through the form does; the old value is kept for a rollback."""
    person_ids = {person_id for person_id, _year in needs_touched}
    if not person_ids:
        return
    latest: dict[Any, str] = {}
    current = NeedsRecord.objects.filter(person_id__in=person_ids, is_current=True)
    for person_id, wants in current.order_by("year", "registered_on", "created_at").values_list(
        "person_id", "wants_work"
    ):
        latest[person_id] = wants
    changed, log = [], []
    for person in Person.objects.filter(pk__in=latest):
        wish = WishToWork.YES if latest[person.pk] == WantsWork.YES else WishToWork.NO
        if person.wish_to_work == wish:
            continue
        log.append(
            ImportRecord(
                batch=batch,
                model=PERSON_MODEL,
                object_id=str(person.pk),
                action=ImportRecord.Action.UPDATED,
                before={"wish_to_work": person.wish_to_work, "_after": wish},
            )
        )
        changed.append((person, {"wish_to_work": (person.wish_to_work, wish)}))
    for person, diff in changed:
        # A version bump: an edit form opened before the import now sees a conflict.
        Person.objects.filter(pk=person.pk).update(
            wish_to_work=diff["wish_to_work"][1],
            version=F("version") + 1,
            updated_by=actor,
            updated_at=timezone.now(),
        )
    # Written around the persons' services (no step counts it): their villages' coverage
    # tallies are recounted, not moved by the yearly cases' delta after it (ADR 0005).
    mark_dirty({person.region_id for person, _diff in changed})
    ImportRecord.objects.bulk_create(log)
    audit_bulk(
        model=Person,
        changes=changed,
        action=LogEntry.Action.UPDATE,
        actor=actor,
        batch=str(batch.pk),
    )


def settle_needs(pairs: Iterable[tuple[Any, int]]) -> None:
    """In each person's year the latest registration (by day, then by entry) of a record that
    is not archived is the current one."""
    by_year: dict[int, set[Any]] = defaultdict(set)
    for person_id, year in pairs:
        by_year[year].add(person_id)
    for year, person_ids in by_year.items():
        rows = NeedsRecord.objects.filter(person_id__in=person_ids, year=year)
        latest: dict[Any, Any] = {}
        for pk, person_id in (
            rows.filter(service_record__archived_at__isnull=True)
            .order_by("registered_on", "created_at")
            .values_list("pk", "person_id")
        ):
            latest[person_id] = pk
        rows.filter(is_current=True).exclude(pk__in=latest.values()).update(is_current=False)
        NeedsRecord.objects.filter(pk__in=latest.values()).update(is_current=True)


def recompute(pairs: Iterable[tuple[Any, int]]) -> None:
    by_year: dict[int, set[Any]] = defaultdict(set)
    for person_id, year in pairs:
        by_year[year].add(person_id)
    for year, person_ids in by_year.items():
        recompute_cases(person_ids, [year])
