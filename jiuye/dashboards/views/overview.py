"""The leaders' overview: one page per plan year, and each chart's table as a spreadsheet."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuye.accounts.models import PERSONAL_DATA_ROLES, STAFF_ROLES, Role
from jiuye.actionplan import selectors as plan_selectors
from jiuye.core.access import roles_required
from jiuye.core.downloads import attachment, workbook
from jiuye.core.indicators import registry
from jiuye.core.kept import download_notes, refresh_asked, same_query
from jiuye.core.replica import reads_replica
from jiuye.dashboards.selectors import overview as selectors
from jiuye.reference.selectors import district_and_towns

# Department liaisons read what the plan dashboard shows them (the district's and any town's
# indicators, with no link to persons' records), so they read the overview the same way.
OVERVIEW_ROLES = tuple(STAFF_ROLES)


def _asked(request: HttpRequest) -> tuple[Any, int, Any, list[Any], list[Any]] | None:
    """The plan, year, region and compared towns the request asks for, within the user's
    scope: a town officer's own town (another town is a 404); the district or a chosen town
    for everyone else. None when no plan is loaded."""
    plans = plan_selectors.plans_in_order(request.user)
    plan = next(iter(plans), None)
    if plan is None:
        return None
    asked = request.GET.get("year", "").strip()
    year = int(asked) if asked.isdigit() else timezone.localdate().year
    plan = plan_selectors.plan_of_year(plans, year) or plan
    year = min(max(year, plan.start_year), plan.end_year)
    district, towns = district_and_towns()
    code = request.GET.get("town", "").strip()
    if request.user.role == Role.TOWN:
        if code and code != request.user.town_id:
            raise Http404
        region = next((t for t in towns if t.code == request.user.town_id), None)
        if region is None:
            raise Http404
        compared: list[Any] = []
    elif code:
        region = next((t for t in towns if t.code == code), None)
        if region is None:
            raise Http404
        compared = []
    else:
        region, compared = district, list(towns)
    return plan, year, region, compared, plans


def _overview(request: HttpRequest) -> tuple[selectors.Overview | None, list[Any]]:
    asked = _asked(request)
    if asked is None:
        return None, plan_selectors.plans_in_order(request.user)
    plan, year, region, compared, plans = asked
    return selectors.overview(
        plan=plan,
        year=year,
        region=region,
        towns=compared,
        drill_down=request.user.role in PERSONAL_DATA_ROLES,
        viewer=request.user,
        town_code=request.GET.get("indicator", selectors.DEFAULT_TOWN_CODE),
    ), plans


@roles_required(*OVERVIEW_ROLES)
@require_GET
@reads_replica
def overview(request: HttpRequest) -> HttpResponse:
    result, plans = _overview(request)
    if result is None:
        return render(request, "actionplan/empty.html", {"can_import": False})
    _district, towns = district_and_towns()
    return render(
        request,
        "dashboards/overview.html",
        {
            "o": result,
            "years": plan_selectors.plan_years(plans),
            "towns": [] if request.user.role == Role.TOWN else towns,
            "indicators": registry.all(),
            "charts": [(chart, chart.data()) for chart in result.charts],
            "query": request.GET.urlencode(),
            "refresh_url": same_query(reverse("dashboards:overview-refresh"), request),
        },
    )


@roles_required(*OVERVIEW_ROLES)
@require_GET
@reads_replica
def overview_export(request: HttpRequest, chart: str) -> HttpResponse:
    """One chart's table as a spreadsheet: the same rows the page lists under the chart."""
    if chart not in selectors.CHARTS:
        raise Http404
    result, _plans = _overview(request)
    found = next((c for c in result.charts if c.key == chart), None) if result else None
    if found is None:
        raise Http404
    rows = [[label, *values] for label, values in found.rows]
    notes = download_notes(result.kept) if result.kept else []
    content = workbook(found.title, found.columns, rows, widths=(24,), width=16, notes=notes)
    name = _("%(r)s%(y)s年%(t)s.xlsx") % {
        "r": result.region.name,
        "y": result.year,
        "t": found.title,
    }
    return attachment(content, name)


@roles_required(*OVERVIEW_ROLES)
@require_POST
def overview_refresh(request: HttpRequest) -> HttpResponse:
    """Count the overview's figures again now, in the background (one refresh at a time)."""
    asked = _asked(request)
    back = same_query(reverse("dashboards:overview"), request)
    if asked is None:
        return redirect(back)
    plan, year, region, compared, _plans = asked
    refresh_asked(request, selectors.FIGURES, selectors.figures_args(plan, year, region, compared))
    return redirect(back)
