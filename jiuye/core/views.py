"""Home page per role, the audit pages, and the health check."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiuye.accounts.models import Role
from jiuye.core import selectors
from jiuye.core.access import roles_required
from jiuye.core.forms import AccessFilterForm, ChangeFilterForm
from jiuye.core.navigation import menu_for

PAGE_SIZE = 50


def _page(request: HttpRequest, rows: QuerySet | None) -> Page | None:
    """A page of rows, or None when the filter form had errors (nothing to list)."""
    if rows is None:
        return None
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@roles_required()
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    items = [item for item in menu_for(request.user) if item.url_name != "core:home"]
    return render(request, "core/home.html", {"shortcuts": items})


@roles_required(Role.ADMIN, Role.DISTRICT)
@require_GET
def audit_changes(request: HttpRequest) -> HttpResponse:
    form = ChangeFilterForm(request.GET or None)
    entries = None
    if not form.is_bound:
        entries = selectors.change_entries()
    elif form.is_valid():
        entries = selectors.change_entries(**form.cleaned_data)
    page = _page(request, entries)
    return render(request, "core/audit_changes.html", {"form": form, "page": page})


@roles_required(Role.ADMIN, Role.DISTRICT)
@require_GET
def audit_access(request: HttpRequest) -> HttpResponse:
    form = AccessFilterForm(request.GET or None)
    events = None
    if not form.is_bound:
        events = selectors.access_events()
    elif form.is_valid():
        events = selectors.access_events(**form.cleaned_data)
    page = _page(request, events)
    return render(request, "core/audit_access.html", {"form": form, "page": page})


@roles_required()
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.notifications_for(request.user))
    return render(request, "core/notifications.html", {"page": page})


@roles_required()
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    selectors.notifications_for(request.user).filter(read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("core:notifications")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
