"""Read-only pages of reference data for staff."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from jiuye.core.access import roles_required
from jiuye.core.roles import STAFF_ROLES
from jiuye.reference import selectors
from jiuye.reference.models import Region


@roles_required(*STAFF_ROLES)
@require_GET
def regions(request: HttpRequest, code: str | None = None) -> HttpResponse:
    region = get_object_or_404(Region, code=code) if code else None
    return render(
        request,
        "reference/regions.html",
        {
            "region": region,
            "ancestors": selectors.region_ancestors(region) if region else [],
            "children": selectors.regions_for_browse(under=region),
        },
    )


@roles_required(*STAFF_ROLES)
@require_GET
def departments(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reference/departments.html", {"departments": selectors.departments_for_list()}
    )
