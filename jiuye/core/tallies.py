"""Staleness of summaries kept per region, without signals (ADR 0005).

Every write service that can change what a per-region summary counts calls ``mark_dirty`` with
the region codes it touched, in its own transaction; whoever refreshes the summaries reads the
marks under a prefix (``pending``), recomputes those regions and deletes exactly the marks it
read (``clear``). A mark committed while a refresh was computing is not among those it read, so
it stays for the next refresh: no write is lost.
"""

from __future__ import annotations

from collections.abc import Iterable
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
