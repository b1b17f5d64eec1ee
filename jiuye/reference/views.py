"""Pages of reference data: read-only lists for staff, and the import of region boundaries for
the district staff and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.core.access import roles_required
from jiuye.core.roles import STAFF_ROLES, Role
from jiuye.core.uploads import stash, stashed, unstash
from jiuye.reference import selectors, services
from jiuye.reference.forms import BoundaryUploadForm
from jiuye.reference.importing.boundaries import BoundaryCheck, BoundaryFileError, boundaries_check
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


# --- region boundaries ----------------------------------------------------------------------

BOUNDARY_KEEPERS = (Role.ADMIN, Role.DISTRICT)
_PENDING = "boundary_import"
_PENDING_FOLDER = "boundaries-pending"


def _pending_check(request: HttpRequest) -> tuple[BoundaryCheck, str] | None:
    pending = request.session.get(_PENDING)
    data = stashed(_PENDING_FOLDER, pending["token"]) if pending else None
    if data is None:
        return None
    try:
        check = boundaries_check(data, level=pending["level"], source=pending["name"])
    except BoundaryFileError:
        return None
    return check, pending["token"]


@roles_required(*BOUNDARY_KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def boundaries(request: HttpRequest) -> HttpResponse:
    form = BoundaryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload.seek(0)
        request.session[_PENDING] = {
            "token": stash(upload.chunks(), folder=_PENDING_FOLDER, suffix=".geojson"),
            "level": form.cleaned_data["level"],
            "name": (upload.name or "")[:200],
        }
        return redirect("reference:boundaries-confirm")
    context = {"form": form, "check": form.check, "counts": selectors.boundary_counts()}
    return render(request, "reference/boundaries.html", context)


@roles_required(*BOUNDARY_KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def boundaries_confirm(request: HttpRequest) -> HttpResponse:
    pending = _pending_check(request)
    if pending is None or not pending[0].ok:
        messages.info(request, _("请先上传并检查边界文件。"))
        return redirect("reference:boundaries")
    check, token = pending
    if request.method == "POST":
        result = services.boundaries_import(check=check, by=request.user)
        del request.session[_PENDING]
        unstash(_PENDING_FOLDER, token)
        messages.success(
            request,
            _("边界已导入：新增 %(c)d 个、更新 %(u)d 个、未变 %(n)d 个。")
            % {"c": result.created, "u": result.updated, "n": result.unchanged},
        )
        return redirect("reference:boundaries")
    preview = services.boundaries_import(check=check, dry_run=True)
    return render(
        request, "reference/boundaries_confirm.html", {"check": check, "preview": preview}
    )
