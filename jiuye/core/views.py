"""Home page per role, the audit pages, and the health check."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.forms import Form
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.core import homepage, importing, selectors
from jiuye.core.access import roles_required
from jiuye.core.audit import access_log, describe_entries
from jiuye.core.downloads import XLSX, attachment, attachment_header
from jiuye.core.forms import (
    AccessFilterForm,
    ChangeFilterForm,
    ImportConfirmForm,
    ImportSheetsForm,
    ImportUploadForm,
)
from jiuye.core.importing import exportjobs
from jiuye.core.models import AccessEvent, ExportJob, ImportBatch
from jiuye.core.roles import PERSONAL_DATA_ROLES, Role
from jiuye.core.scoping import get_scoped_or_404, scope_for

PAGE_SIZE = 50


def _page(request: HttpRequest, rows: QuerySet | None) -> Page | None:
    """A page of rows, or None when the filter form had errors (nothing to list)."""
    if rows is None:
        return None
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@roles_required()
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", homepage.content(request))


def _audit_page(
    request: HttpRequest,
    form_class: type[Form],
    rows: Callable[..., QuerySet],
    template: str,
    *,
    describe: Callable[[list], Any] | None = None,
) -> HttpResponse:
    """A filtered audit list: everything until filtered, nothing while the filter has errors.
    ``describe`` prepares a page's rows for reading (labels, names, local times)."""
    form = form_class(request.GET or None)
    found = None
    if not form.is_bound:
        found = rows()
    elif form.is_valid():
        found = rows(**form.cleaned_data)
    page = _page(request, found)
    if page is not None and describe is not None:
        page.object_list = list(page.object_list)
        describe(page.object_list)
    return render(request, template, {"form": form, "page": page})


@roles_required(Role.ADMIN, Role.DISTRICT)
@require_GET
def audit_changes(request: HttpRequest) -> HttpResponse:
    return _audit_page(
        request,
        ChangeFilterForm,
        selectors.change_entries,
        "core/audit_changes.html",
        describe=describe_entries,
    )


@roles_required(Role.ADMIN, Role.DISTRICT)
@require_GET
def audit_access(request: HttpRequest) -> HttpResponse:
    rows = selectors.access_events
    return _audit_page(request, AccessFilterForm, rows, "core/audit_access.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- imports --------------------------------------------------------------------------------

# Whoever keeps persons' records may import them (a town officer into their own town).
IMPORTERS = tuple(PERSONAL_DATA_ROLES)


@roles_required(*IMPORTERS)
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    batches = scope_for(request.user, ImportBatch).select_related(
        "created_by__town", "created_by__department", "created_by__employer"
    )
    importing.fail_stale_batches(batches)
    page = _page(request, batches)
    return render(
        request,
        "core/import_list.html",
        {"page": page, "kinds": importing.kinds(importable_only=True)},
    )


@roles_required(*IMPORTERS, write=True)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        initial={"kind": request.GET.get("kind", "persons")},
    )
    if request.method == "POST" and form.is_valid():
        batch = importing.batch_start(
            kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=request.user
        )
        return redirect("core:import-detail", pk=batch.pk)
    return render(
        request,
        "core/import_upload.html",
        {"form": form, "retention_days": settings.JIUYE_UPLOAD_RETENTION_DAYS},
    )


def _counts_note(batch: ImportBatch) -> Any:
    try:
        return importing.get_kind(batch.kind).counts_note
    except importing.ImportFileError:  # a kind no longer declared
        return ""


@roles_required(*IMPORTERS)
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    batch = get_scoped_or_404(request.user, ImportBatch, pk=pk)
    importing.batch_fail_stale(batch)
    form = ImportConfirmForm(
        request.POST if request.method == "POST" else None, invalid_rows=batch.invalid_rows
    )
    if request.method == "POST":
        if request.user.is_read_only:
            raise PermissionDenied
        if form.is_valid():
            try:
                committed = importing.batch_confirm(
                    checked=batch,
                    by=request.user,
                    valid_only=form.cleaned_data.get("valid_only", False),
                )
            except importing.ImportFileError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("core:import-detail", pk=committed.pk)
    return _import_detail_page(request, batch, form=form)


def _import_detail_page(
    request: HttpRequest,
    batch: ImportBatch,
    *,
    form: Form | None = None,
    sheets_form: ImportSheetsForm | None = None,
) -> HttpResponse:
    writer = not request.user.is_read_only
    if sheets_form is None and writer and importing.batch_can_recheck(batch):
        sheets_form = ImportSheetsForm(batch=batch)
    return render(
        request,
        "core/import_detail.html",
        {
            "batch": batch,
            "form": form or ImportConfirmForm(invalid_rows=batch.invalid_rows),
            "sheets_form": sheets_form,
            "sheets": _sheets_seen(batch),
            "progress": importing.progress_of(batch.pk),
            "retention_days": settings.JIUYE_UPLOAD_RETENTION_DAYS,
            "counts_note": _counts_note(batch),
            "can_retry": importing.batch_can_retry(batch) and writer,
            "can_rollback": batch.status == ImportBatch.Status.SUCCEEDED
            and not batch.dry_run
            and request.user.role in (Role.ADMIN, Role.DISTRICT),
        },
    )


def _sheets_seen(batch: ImportBatch) -> dict[str, Any]:
    """What the page says of a workbook's sheets: those read, those not and why, hidden rows."""
    report = batch.sheet_report or {}
    sheets = report.get("sheets", [])
    read = [s["name"] for s in sheets if s["read"]]
    return {
        "read": read,
        "several": len(read) > 1,
        "not_read": [s for s in sheets if not s["read"]],
        "hidden_rows": report.get("hidden_rows", 0),
        "hidden_at": report.get("hidden_at", []),
    }


@roles_required(*IMPORTERS, write=True)
@require_POST
def import_recheck(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Check a workbook again with the sheets and hidden rows the user chose."""
    batch = get_scoped_or_404(request.user, ImportBatch, pk=pk)
    if not importing.batch_can_recheck(batch):
        messages.error(request, _("这个文件没有可以选择的工作表或隐藏的行。"))
        return redirect("core:import-detail", pk=batch.pk)
    sheets_form = ImportSheetsForm(request.POST, batch=batch)
    if not sheets_form.is_valid():
        return _import_detail_page(request, batch, sheets_form=sheets_form)
    rechecked = importing.batch_recheck(
        batch=batch,
        by=request.user,
        sheets=sheets_form.sheets(),
        skip_hidden_rows=sheets_form.cleaned_data.get("skip_hidden_rows", False),
    )
    return redirect("core:import-detail", pk=rechecked.pk)


@roles_required(*IMPORTERS)
@require_GET
def import_progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    batch = get_scoped_or_404(request.user, ImportBatch, pk=pk)
    importing.batch_fail_stale(batch)
    if batch.is_finished and request.headers.get("HX-Request"):
        # The page turns into the result by itself: htmx reloads it (no "cancel" left over).
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "core/_import_progress.html",
        {"batch": batch, "progress": importing.progress_of(batch.pk)},
    )


@roles_required(*IMPORTERS, write=True)
@require_POST
def import_cancel(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    batch = get_scoped_or_404(request.user, ImportBatch, pk=pk)
    if not batch.is_finished:
        importing.request_cancel(batch.pk)
        messages.info(request, _("已请求取消，正在停止……"))
    return redirect("core:import-detail", pk=batch.pk)


@roles_required(*IMPORTERS, write=True)
@require_POST
def import_retry(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    batch = get_scoped_or_404(request.user, ImportBatch, pk=pk)
    try:
        retried = importing.batch_retry(batch=batch, by=request.user)
    except importing.ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("core:import-detail", pk=batch.pk)
    return redirect("core:import-detail", pk=retried.pk)


@roles_required(Role.ADMIN, Role.DISTRICT, write=True)
@require_POST
def import_rollback(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    batch = get_scoped_or_404(request.user, ImportBatch, pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("请勾选确认后再撤销。"))
        return redirect("core:import-detail", pk=batch.pk)
    try:
        importing.batch_rollback(batch=batch, by=request.user)
    except importing.RollbackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已撤销这个批次，数据恢复到导入之前。"))
    return redirect("core:import-detail", pk=batch.pk)


@roles_required(*IMPORTERS)
@require_GET
def import_errors(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    batch = get_scoped_or_404(request.user, ImportBatch, pk=pk)
    if not batch.error_report:
        raise Http404
    access_log(
        action=AccessEvent.Action.EXPORT,
        request=request,
        obj=batch,
        detail={"kind": "import_errors"},
    )
    return FileResponse(
        batch.error_report.open("rb"),
        as_attachment=True,
        filename=f"错误报告-{batch.original_name}.xlsx",
    )


@roles_required(*IMPORTERS)
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        import_kind = importing.get_kind(kind)
    except importing.ImportFileError:
        raise Http404 from None
    return attachment(importing.template_xlsx(import_kind), f"导入模板-{import_kind.label}.xlsx")


# --- exports made in the background (core.importing.exportjobs) -------------------------------


def _export_job_or_404(request: HttpRequest, pk: uuid.UUID) -> ExportJob:
    """The export if the user asked for it: nobody else, not even an administrator, sees it."""
    job = exportjobs.job_for_user(pk, request.user)
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def export_job(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The page of a large export: its progress while it is made, then its download."""
    return render(request, "core/export_job.html", {"job": _export_job_or_404(request, pk)})


@login_required
@require_GET
def export_progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The progress part of the page, which the page polls while the file is made."""
    return render(request, "core/_export_progress.html", {"job": _export_job_or_404(request, pk)})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The finished file (the user's own, until it expires). Each download is logged."""
    job = _export_job_or_404(request, pk)
    chunks = exportjobs.export_chunks(job)
    if chunks is None:
        raise Http404
    access_log(
        action=AccessEvent.Action.EXPORT,
        request=request,
        detail={"kind": job.kind, "rows": job.rows_done, "download": str(job.pk)},
    )
    response = StreamingHttpResponse(chunks, content_type=XLSX)
    response["Content-Disposition"] = attachment_header(job.filename)
    response["Content-Length"] = str(job.size)
    return response
