"""Reads of reference data.

The small tables every request reads again (the district and its towns, the departments, the
working-age rules) are kept per process: cleared when a row of them is saved or deleted in this
process (apps.py connects the signals) and never older than ``CACHE_SECONDS``, so a change
another process makes (``load_reference``, the admin in another worker) shows within that time.
Each read builds fresh instances, so nothing a request keeps on one reaches another request.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Model, QuerySet

from jiuye.reference.models import (
    Department,
    QuotaPolicy,
    Region,
    RegionBoundary,
    WorkingAgeRule,
)

CACHE_SECONDS = 60.0
M = TypeVar("M", bound=Model)
_cache: dict[Any, tuple[float, str, list[str], list[tuple[Any, ...]]]] = {}


def reference_cache_clear() -> None:
    """Forget every cached reference table."""
    _cache.clear()


def reference_changed(**kwargs: Any) -> None:
    """Signal receiver for a saved or deleted reference row: forget the cache now, and again
    when the transaction commits, in case a read in between cached the uncommitted rows."""
    _cache.clear()
    transaction.on_commit(_cache.clear)


def _cached(key: Any, queryset: QuerySet[M]) -> list[M]:
    hit = _cache.get(key)
    now = time.monotonic()
    if hit is None or now - hit[0] > CACHE_SECONDS:
        names = [field.attname for field in queryset.model._meta.concrete_fields]
        hit = (now, queryset.db, names, list(queryset.values_list(*names)))
        _cache[key] = hit
    _, db, names, rows = hit
    return [queryset.model.from_db(db, names, row) for row in rows]


def departments() -> list[Department]:
    """Every department, disabled ones too, in their display order."""
    return _cached("departments", Department.objects.order_by("kind", "sort_order", "code"))


def department_of_town(code: str) -> Department | None:
    """The responsible unit that stands for a town (各镇街), if it has one."""
    return next((d for d in departments() if d.region_id == code), None)


def district_and_towns() -> tuple[Region, list[Region]]:
    """The district of this deployment (JIUYE_DISTRICT_CODE) and its towns by code."""
    code = settings.JIUYE_DISTRICT_CODE
    regions = _cached(
        ("district", code),
        Region.objects.filter(code__startswith=code[:6], level__lte=Region.Level.TOWN).order_by(
            "code"
        ),
    )
    district = next((r for r in regions if r.code == code), None)
    if district is None:
        raise Region.DoesNotExist(f"the district {code} is not loaded")
    return district, [r for r in regions if r.level == Region.Level.TOWN]


def regions_for_browse(*, under: Region | None) -> QuerySet[Region]:
    """Direct children of a region (the top level when none), with their child counts."""
    qs = (
        Region.objects.filter(parent=under) if under else Region.objects.filter(parent__isnull=True)
    )
    return qs.annotate(child_count=Count("children")).order_by("code")


def region_ancestors(region: Region) -> list[Region]:
    chain: list[Region] = []
    code = Region.parent_code_of(region.code)
    codes = []
    while code:
        codes.append(code)
        code = Region.parent_code_of(code)
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    chain = [found[c] for c in reversed(codes) if c in found]
    return chain


def departments_for_list() -> QuerySet[Department]:
    return Department.objects.select_related("region").order_by("kind", "sort_order", "code")


def working_age_rule(on: dt.date) -> WorkingAgeRule | None:
    """The working-age bounds in force on a date."""
    rules = _cached("working_age", WorkingAgeRule.objects.order_by("-valid_from"))
    return next((rule for rule in rules if rule.valid_from <= on), None)


def quota_policy(region_code: str, year: int) -> QuotaPolicy | None:
    """The parameters for the declaration of data year ``year`` of an employer located at
    ``region_code``: the most specific region that has a row in force (county over city over
    province), and of its rows in force the latest-starting. A row dated by data year is in
    force on 31 December of ``year``; one dated by collection year (the levy of ``year`` is
    collected in ``year`` + 1) on 31 December of ``year`` + 1 (QuotaPolicy.in_force_for)."""
    prefixes = [_full(region_code[:n]) for n in (6, 4, 2)]
    candidates = QuotaPolicy.objects.filter(
        region__code__in=prefixes, valid_from__lte=dt.date(year + 1, 12, 31)
    ).select_related("region")
    in_force = [policy for policy in candidates if policy.in_force_for(year)]
    most_specific = max((len(p.region.prefix) for p in in_force), default=0)
    return latest_in_force([p for p in in_force if len(p.region.prefix) == most_specific], year)


def latest_in_force(policies: Iterable[QuotaPolicy], year: int) -> QuotaPolicy | None:
    """Of ``policies`` (one region's rows), the one for the declaration of data year ``year``:
    the latest-starting of those in force for it (rows of both date bases compared in
    data-year terms)."""
    return max(
        (p for p in policies if p.in_force_for(year)),
        key=lambda p: (p.data_year_start(), p.valid_from),
        default=None,
    )


def _full(prefix: str) -> str:
    return prefix.ljust(12, "0")


def boundary_counts() -> list[dict[str, Any]]:
    """Per region level of the district: how many live regions there are and how many of them
    have a boundary (one query)."""
    code = settings.JIUYE_DISTRICT_CODE
    rows = (
        Region.objects.filter(
            code__startswith=code[:6], level__gte=Region.Level.COUNTY, disabled_at__isnull=True
        )
        .values("level")
        .annotate(regions=Count("pk"), with_boundary=Count("boundary"))
        .order_by("level")
    )
    return [{**row, "label": Region.Level(row["level"]).label} for row in rows]


def boundaries_of(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored GeoJSON geometry of each of these regions that has one, by code."""
    rows = RegionBoundary.objects.filter(region_id__in=list(codes)).values_list(
        "region_id", "geometry"
    )
    return dict(rows)
