"""The plan's indicators: the live value of each indicator for a year and a region (the
district or a town), beside its target and the frozen figure, as the plan dashboard shows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router

from jiuye.actionplan import selectors
from jiuye.api.views.conventions import note_rows
from jiuye.core import tallies
from jiuye.core.roles import STAFF_ROLES, Role
from jiuye.reference.selectors import district_and_towns

router = Router(tags=["indicators"])

# The years an indicator may be asked for (a year outside is a 422 naming ``year``).
YEAR_MIN, YEAR_MAX = 2000, 2100


def _number(value: Any) -> str | None:
    return None if value is None else str(value)


@router.get("/indicators", summary="指标（按年度和区域：实际值、目标值、冻结值）")
def indicators(
    request: HttpRequest,
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX),
    region: str = "",
) -> dict[str, Any]:
    """``region`` is the district's code (the default) or a town's; a town officer's key reads
    its own town only."""
    user = request.user
    if user.role not in STAFF_ROLES:
        raise PermissionDenied
    district, towns = district_and_towns()
    if user.role == Role.TOWN:
        towns = [town for town in towns if town.code == user.town_id]
        choices = {town.code: town for town in towns}
        default = towns[0] if towns else None
    else:
        choices = {district.code: district, **{town.code: town for town in towns}}
        default = district
    place = choices.get(region) if region else default
    if place is None:
        raise Http404
    year = year or timezone.localdate().year
    # Live values: not the coverage counts from before an import's recount, which a page shows
    # with a note; an API answer has none, so it waits for the recount (core.tallies.reading).
    with tallies.reading(wait=True):
        rows = selectors.indicator_rows(region=place, year=year, drill_down=False)
    items = [
        {
            "code": row.indicator.code,
            "name": str(row.indicator.name),
            "unit": str(row.indicator.unit),
            "action": row.indicator.action,
            "region": place.code,
            "year": year,
            "value": _number(row.actual),
            "target": _number(row.target),
            "met": row.met,
            "frozen": _number(row.frozen),
            "frozen_at": row.frozen_at.isoformat() if row.frozen_at else None,
        }
        for row in rows
    ]
    note_rows(request, len(items), personal=False)
    return {"items": items, "next_cursor": None}
