"""Pages of the employer registry (search, export, an employer's page, register, edit, archive,
CSR reports, inviting an employer user) and of the policy parameters.

Who may do what: system administrators and district staff read and write; town officers read
the employers of their town; leaders read every employer (organisations, not persons); an
employer user opens only its own employer's page (others are a 404). Department liaisons and
job seekers: 403. Policy parameters: staff who read employers see them; administrators and
district staff add and correct rows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role, User
from jiuye.core import crud, keyset
from jiuye.core.access import roles_required
from jiuye.core.forms import add_service_errors
from jiuye.core.importing.exportjobs import ExportError, ExportRequest, export_respond
from jiuye.core.scoping import get_scoped_or_404, scope_for
from jiuye.employers import selectors
from jiuye.employers.forms import (
    CsrForm,
    EmployerForm,
    EmployerSearchForm,
    InviteForm,
    PolicyForm,
    region_label,
)
from jiuye.employers.models import CsrReport, Employer
from jiuye.employers.services import policies, registry
from jiuye.reference.models import QuotaPolicy
from jiuye.reference.selectors import latest_in_force

PAGE_SIZE = 50
WRITERS = (Role.ADMIN, Role.DISTRICT)
READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)
ARCHIVE_HELP = gettext_lazy(
    "例如：已注销、重复登记、迁出本区。归档后不再出现在单位名单中，已有的申报、报告和账户仍然保留。"
)


def _employer(request: HttpRequest, pk: uuid.UUID) -> Employer:
    queryset = selectors.employer_for_detail(Employer.objects.all())
    return get_scoped_or_404(request.user, queryset, pk=pk)


def _search(request: HttpRequest) -> tuple[EmployerSearchForm, Any]:
    form = EmployerSearchForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    employers = selectors.employers_search(
        queryset=scope_for(request.user, Employer), filters=filters
    )
    return form, employers


@roles_required(*READERS, Role.EMPLOYER)
@require_GET
def employer_list(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.EMPLOYER:
        # An employer user has one employer: its page is their list.
        return redirect("employers:detail", pk=request.user.employer_id)
    form, employers = _search(request)
    if selectors.is_short_search(form.cleaned_data if form.is_bound and form.is_valid() else {}):
        # A name searched by 1-2 characters may be in most names: counted and paged no further
        # than SHORT_CAP employers (the page says so).
        paginator = keyset.CappedPaginator(employers, PAGE_SIZE, cap=selectors.SHORT_CAP)
    else:
        paginator = Paginator(employers, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "search_form": form,
        "page": page,
        "can_write": request.user.role in WRITERS,
        "query": request.GET.urlencode(),
    }
    return render(request, "employers/employer_list.html", context)


@roles_required(*READERS)
@require_GET
def employer_export(request: HttpRequest) -> HttpResponse:
    """The search result as .xlsx in the import template's columns (imports back unchanged)."""
    query = request.GET.urlencode()
    export = ExportRequest(
        kind="employers",
        records="jiuye.employers.views.employers_to_export",
        params={"query": query},
        filename="用人单位名单.xlsx",
        detail={"query": query},
    )
    return export_respond(request, export)


def employers_to_export(user: Any, params: dict[str, Any]) -> Any:
    """The employers of ``user``'s search (``params["query"]``, as the list reads it) in their
    scope, for the export now or in the background (``core.importing.exportjobs``)."""
    if user.role not in READERS:
        raise ExportError(_("导出失败：您的账号已没有导出用人单位名单的权限。"))
    form = EmployerSearchForm(QueryDict(params.get("query", "")) or None, user=user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return selectors.employers_search(queryset=scope_for(user, Employer), filters=filters)


def _render_detail(request: HttpRequest, employer: Employer, **extra: Any) -> HttpResponse:
    role = request.user.role
    context = {
        "employer": employer,
        "region_label": region_label(employer.region),
        "csr_reports": employer.csr_reports.order_by("-year"),
        "declarations": selectors.declarations_of(employer),
        "can_write": role in WRITERS and not employer.is_archived,
        "can_list": role in READERS,
        # Accounts name people: shown to the staff who manage them.
        "accounts": (
            User.objects.filter(employer=employer).order_by("username") if role in WRITERS else None
        ),
        **extra,
    }
    return render(request, "employers/employer_detail.html", context)


@roles_required(*READERS, Role.EMPLOYER)
@require_GET
def employer_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    employer = _employer(request, pk)
    shown = request.session.pop("invited_password", None)
    invited = shown if shown and shown.get("employer") == str(employer.pk) else None
    return _render_detail(request, employer, invited=invited)


def _employer_form(request: HttpRequest, employer: Employer | None) -> HttpResponse:
    form = EmployerForm(crud.posted(request), employer=employer)
    context: dict[str, Any] = {"employer": employer, "duplicate": None}

    def save() -> HttpResponse:
        if employer is None:
            saved = registry.employer_create(by=request.user, **form.service_fields())
            message = _("已登记：%(name)s。") % {"name": saved.name}
        else:
            version = form.cleaned_data.get("version")
            saved = registry.employer_update(
                employer=employer, by=request.user, version=version, **form.service_fields()
            )
            message = _("已保存修改。")
        return crud.done(request, message, "employers:detail", pk=saved.pk)

    def failed(error: ValidationError) -> None:
        if isinstance(error, registry.DuplicateEmployerError):
            context["duplicate"] = error.existing
        add_service_errors(form, error)

    return crud.service_form(
        request, form, save, template="employers/employer_form.html", context=context, failed=failed
    )


@roles_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def employer_create(request: HttpRequest) -> HttpResponse:
    return _employer_form(request, None)


@roles_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def employer_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    employer = _employer(request, pk)
    if employer.is_archived:
        messages.error(request, _("这个单位已归档，不能再修改。"))
        return redirect("employers:detail", pk=employer.pk)
    return _employer_form(request, employer)


@roles_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def employer_archive(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    employer = _employer(request, pk)
    return crud.archive_page(
        request,
        employer,
        lambda reason: registry.employer_archive(employer=employer, reason=reason, by=request.user),
        template="employers/employer_archive.html",
        context={"employer": employer},
        help_text=ARCHIVE_HELP,
        already=_("这个单位已经归档。"),
        message=_("已归档：%(name)s。") % {"name": employer.name},
        detail=reverse("employers:detail", args=[employer.pk]),
    )


@roles_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def csr_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Add the CSR report of a year, or change it (``?year=`` opens the existing one)."""
    employer = _employer(request, pk)
    if employer.is_archived:
        messages.error(request, _("这个单位已归档，不能再修改。"))
        return redirect("employers:detail", pk=employer.pk)
    year = request.POST.get("year") or request.GET.get("year") or ""
    report = (
        CsrReport.objects.filter(employer=employer, year=int(year)).first()
        if year.isdigit() and len(year) == 4
        else None
    )
    if request.method == "POST":
        form = CsrForm(request.POST, request.FILES, report=report)
    else:
        form = CsrForm(report=report)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registry.csr_save(
                employer=employer,
                year=data["year"],
                includes_disability=data["includes_disability"],
                link=data["link"],
                upload=data["file"],
                remove_file=data.get("remove_file", False),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("已保存%(year)d年度社会责任报告。") % {"year": data["year"]}
            )
            return redirect("employers:detail", pk=employer.pk)
    context = {"form": form, "employer": employer, "report": report}
    return render(request, "employers/csr_form.html", context)


@roles_required(*READERS, Role.EMPLOYER)
@require_GET
def csr_file(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    report = get_scoped_or_404(request.user, CsrReport.objects.select_related("employer"), pk=pk)
    if not report.file:
        raise Http404
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"{report.employer.name}-{report.year}年度社会责任报告.pdf",
        content_type="application/pdf",
    )


@roles_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def employer_invite(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """An account for the employer's staff; its one-time password is shown once, on the
    employer's page."""
    employer = _employer(request, pk)
    if employer.is_archived:
        messages.error(request, _("这个单位已归档，不能再为它创建账户。"))
        return redirect("employers:detail", pk=employer.pk)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = registry.employer_invite(
                employer=employer, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session["invited_password"] = {
                "employer": str(employer.pk),
                "username": user.username,
                "password": password,
            }
            messages.success(request, _("已创建账户“%(u)s”。") % {"u": user.username})
            return redirect("employers:detail", pk=employer.pk)
    return render(request, "employers/employer_invite.html", {"form": form, "employer": employer})


# --- policy parameters ----------------------------------------------------------------------


@roles_required(*READERS)
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(
        QuotaPolicy.objects.select_related("region").order_by("region__code", "-valid_from")
    )
    by_region: dict[str, list[QuotaPolicy]] = {}
    for row in rows:
        by_region.setdefault(row.region_id, []).append(row)
    groups = []
    for region_rows in by_region.values():
        # The row for the declarations collected this year (data of last year).
        current = latest_in_force(region_rows, today.year - 1)
        marked = [{"policy": p, "current": p is current} for p in region_rows]
        groups.append({"region": region_rows[0].region, "rows": marked})
    context = {"groups": groups, "can_write": request.user.role in WRITERS}
    return render(request, "employers/policy_list.html", context)


@roles_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def policy_create(request: HttpRequest) -> HttpResponse:
    initial = None
    source = request.GET.get("from")
    if request.method == "GET" and source and source.isdigit():
        # "A new dated row" usually copies the one before it with a few figures changed.
        base = QuotaPolicy.objects.filter(pk=int(source)).first()
        if base is not None:
            initial = PolicyForm(policy=base).initial | {"valid_from": None}
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy = policies.quota_policy_create(by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已添加 %(region)s 自 %(date)s 起的政策参数。")
                % {"region": policy.region.name, "date": f"{policy.valid_from:%Y-%m-%d}"},
            )
            return redirect("employers:policies")
    return render(request, "employers/policy_form.html", {"form": form})


@roles_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(QuotaPolicy.objects.select_related("region"), pk=pk)
    form = PolicyForm(request.POST if request.method == "POST" else None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            policies.quota_policy_update(policy=policy, by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("employers:policies")
    return render(request, "employers/policy_form.html", {"form": form, "policy": policy})
