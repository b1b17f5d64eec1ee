"""The map page: a chosen indicator of a chosen year by town, as a choropleth with the same
numbers in a table."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiuye.core.access import roles_required
from jiuye.core.indicators import registry
from jiuye.core.kept import refresh_asked, same_query
from jiuye.core.replica import reads_replica
from jiuye.core.roles import Role
from jiuye.dashboards.forms.maps import MapForm
from jiuye.dashboards.selectors.maps import VALUES, town_map

# Town officers see their own town's figures only (the table and map of one town).
MAP_ROLES = (Role.ADMIN, Role.DISTRICT, Role.LEADER, Role.TOWN)
DEFAULT_INDICATOR = "people.registered"


@roles_required(*MAP_ROLES)
@require_GET
@reads_replica
def town_map_page(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    # What the address leaves out is the default choice, so the page always shows figures.
    data = {"indicator": DEFAULT_INDICATOR, "year": this_year, **request.GET.dict()}
    form = MapForm(data, this_year=this_year)
    result = None
    if form.is_valid():
        indicator = registry.get(form.cleaned_data["indicator"])
        result = town_map(user=request.user, indicator=indicator, year=form.cleaned_data["year"])
    context = {
        "refresh_url": same_query(reverse("dashboards:map-refresh"), request),
        "form": form,
        "result": result,
        "chart": result.chart() if result else None,
        "may_import": request.user.role in (Role.ADMIN, Role.DISTRICT),
    }
    return render(request, "dashboards/map.html", context)


@roles_required(*MAP_ROLES)
@require_POST
def town_map_refresh(request: HttpRequest) -> HttpResponse:
    """Count the map's figures again now, in the background (one refresh at a time)."""
    this_year = timezone.localdate().year
    data = {"indicator": DEFAULT_INDICATOR, "year": this_year, **request.GET.dict()}
    form = MapForm(data, this_year=this_year)
    if form.is_valid():
        args = {"indicator": form.cleaned_data["indicator"], "year": form.cleaned_data["year"]}
        refresh_asked(request, VALUES, args)
    return redirect(same_query(reverse("dashboards:map"), request))
