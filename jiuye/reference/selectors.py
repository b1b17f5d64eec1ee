"""Reads of reference data."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet

from jiuye.reference.models import Department, QuotaPolicy, Region, WorkingAgeRule


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
    return WorkingAgeRule.objects.filter(valid_from__lte=on).order_by("-valid_from").first()


def quota_policy(region_code: str, year: int) -> QuotaPolicy | None:
    """The parameters for an employer located at ``region_code`` in ``year``: the most specific
    region that has rows (county over city over province), the row in force on 31 December."""
    on = dt.date(year, 12, 31)
    prefixes = [region_code[:n] for n in (6, 4, 2)]
    candidates = QuotaPolicy.objects.filter(valid_from__lte=on).select_related("region")
    best = None
    for policy in candidates.filter(region__code__in=[_full(p) for p in prefixes]):
        rank = len(policy.region.prefix)
        if best is None or (rank, policy.valid_from) > (len(best.region.prefix), best.valid_from):
            best = policy
    return best


def _full(prefix: str) -> str:
    return prefix.ljust(12, "0")
