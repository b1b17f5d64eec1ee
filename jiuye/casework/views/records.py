"""Casework pages: records — basic-information verification (with a confirmation of the changed
fields before saving), needs registration, services, a record's page, its attachment and its
archiving, the hard-to-employ survey list and the export of service records.

Who may do what: system administrators, district staff and town officers (their own town)
read and write; a person or record out of scope is a 404; every other role gets 403.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import PERSONAL_DATA_ROLES
from jiuye.casework import selectors, services
from jiuye.casework.forms.records import (
    VERIFY_ERROR_FIELDS,
    ArchiveRecordForm,
    NeedsForm,
    ServiceForm,
    ServicesExportForm,
    ServicesRevealForm,
    SurveyForm,
    VerifyForm,
)
from jiuye.casework.models import ServiceRecord
from jiuye.core import downloads
from jiuye.core.access import roles_required
from jiuye.core.audit import access_log
from jiuye.core.conflicts import ConflictError, show_conflict
from jiuye.core.downloads import Book, attachment_header, formula_safe
from jiuye.core.importing.exportjobs import ExportError, ExportRequest, export_respond
from jiuye.core.masking import mask_id_number
from jiuye.core.models import AccessEvent
from jiuye.core.scoping import get_scoped_or_404, scope_for
from jiuye.core.storage import encrypted_storage
from jiuye.people.models import Person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
# Which form a "saved" marker may name: the page it lands on clears that browser draft.
DRAFT_NAMES = ("verify", "needs", "service")

# --- files kept between submits ------------------------------------------------------------

PENDING_DIR = "casework/pending"
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
_CONTENT_TYPES = {ext: ctype for ctype, ext in _EXTENSIONS.items()}
_TOKEN = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp|pdf)$")


def _prune_pending() -> None:
    try:
        _dirs, files = encrypted_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return
    stale = time.time() - 24 * 3600
    for name in files:
        try:
            if encrypted_storage.get_modified_time(f"{PENDING_DIR}/{name}").timestamp() < stale:
                encrypted_storage.delete(f"{PENDING_DIR}/{name}")
        except (OSError, NotImplementedError):
            continue


def _keep_upload(form: Form) -> None:
    """A valid upload of a submit that fails (or waits for confirmation) is kept on the
    server under a random token, so the next submit does not need the file again."""
    upload = form.cleaned_data.get("attachment") if hasattr(form, "cleaned_data") else None
    if not upload:
        return
    _prune_pending()
    detected = services.check_attachment(upload)  # the form checked it: what it really is
    token = f"{uuid.uuid4().hex}{detected.extension}"
    encrypted_storage.save(f"{PENDING_DIR}/{token}", upload)
    form.data = form.data.copy()
    form.data["attachment_token"] = token
    form.data["attachment_name"] = Path(upload.name).name[:200]


def _attachment(form: Form) -> Any:
    """The file of this submit: uploaded now, or kept from an earlier submit."""
    upload = form.cleaned_data.get("attachment")
    if upload:
        return upload
    token = form.cleaned_data.get("attachment_token") or ""
    if not _TOKEN.match(token) or not encrypted_storage.exists(f"{PENDING_DIR}/{token}"):
        return None
    with encrypted_storage.open(f"{PENDING_DIR}/{token}", "rb") as handle:
        content = handle.read()
    name = form.cleaned_data.get("attachment_name") or token
    return SimpleUploadedFile(name, content, _CONTENT_TYPES[token.rsplit(".", 1)[1]])


def _drop_kept(form: Form) -> None:
    token = form.cleaned_data.get("attachment_token") or ""
    if _TOKEN.match(token):
        encrypted_storage.delete(f"{PENDING_DIR}/{token}")


# --- helpers --------------------------------------------------------------------------------


def _person(request: HttpRequest, pk: uuid.UUID) -> Person:
    queryset = Person.objects.select_related("region__parent", "category", "grade")
    return get_scoped_or_404(request.user, queryset, pk=pk)


def _record(request: HttpRequest, pk: uuid.UUID) -> ServiceRecord:
    queryset = ServiceRecord.objects.select_related(
        "person__region__parent", "service_type", "officer", "archived_by", "needs"
    )
    return get_scoped_or_404(request.user, queryset, pk=pk)


def _add_errors(form: Form, error: ValidationError, names: dict[str, str] | None = None) -> None:
    """A service's errors beside the fields the form has, the rest at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = (names or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def _archived(request: HttpRequest, person: Person) -> HttpResponse | None:
    if person.is_archived:
        messages.error(request, _("这个人员已归档，不能再登记核对、需求或服务。"))
        return redirect("people:detail", pk=person.pk)
    return None


def _saved(record: ServiceRecord, draft: str) -> HttpResponse:
    """To the record's page, which tells the browser to drop the form's draft."""
    url = reverse("casework:service-detail", kwargs={"pk": record.pk})
    return redirect(f"{url}?{urlencode({'saved': draft})}")


def _render_form(
    request: HttpRequest, template: str, form: Form, person: Person, **extra: Any
) -> HttpResponse:
    context = {"form": form, "person": person, "draft_user": request.user.pk, **extra}
    return render(request, template, context)


# --- verification -----------------------------------------------------------------------------


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Step one: the form; its submit shows the confirmation (step two), whose confirm saves."""
    person = _person(request, pk)
    if (response := _archived(request, person)) is not None:
        return response
    if request.method == "GET":
        form = VerifyForm(person=person, user=request.user)
        return _render_form(request, "casework/verify_form.html", form, person)
    form = VerifyForm(request.POST, request.FILES, person=person, user=request.user)
    valid = form.is_valid()
    _keep_upload(form)
    if not valid or "back" in request.POST:
        return _render_form(request, "casework/verify_form.html", form, person)
    if "confirm" not in request.POST:
        context = {"form": form, "person": person, "rows": form.change_rows()}
        return render(request, "casework/verify_confirm.html", context)
    try:
        record = services.verification_record(
            person=person,
            by=request.user,
            attachment=_attachment(form),
            **form.service_fields(),
        )
    except ConflictError as error:
        show_conflict(form, error, request.get_full_path())
    except ValidationError as error:
        _add_errors(form, error, VERIFY_ERROR_FIELDS)
    else:
        _drop_kept(form)
        messages.success(request, _("已保存核对记录：%(name)s。") % {"name": person.name})
        return _saved(record, "verify")
    return _render_form(request, "casework/verify_form.html", form, person)


# --- needs ------------------------------------------------------------------------------------


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def needs(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    person = _person(request, pk)
    if (response := _archived(request, person)) is not None:
        return response
    year = timezone.localdate().year
    current = selectors.current_needs(person, year)
    if request.method == "GET":
        form = NeedsForm(person=person, initial=_needs_initial(current))
    else:
        form = NeedsForm(request.POST, person=person)
        if form.is_valid():
            try:
                record = services.needs_register(
                    person=person, by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("已保存需求登记：%(name)s。") % {"name": person.name})
                return _saved(record.service_record, "needs")
    return _render_form(request, "casework/needs_form.html", form, person, current=current)


def _needs_initial(current: Any) -> dict[str, Any]:
    """A re-registration starts from the year's current answers."""
    if current is None:
        return {}
    names = (
        "wants_work",
        "not_wanting_reason",
        "desired_jobs",
        "remote_ok",
        "hours",
        "expected_wage",
        "training_wanted",
        "support_needed",
    )
    initial = {name: getattr(current, name) for name in names}
    initial["desired_region"] = current.desired_region_id
    return initial


# --- services ---------------------------------------------------------------------------------


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    person = _person(request, pk)
    if (response := _archived(request, person)) is not None:
        return response
    if request.method == "GET":
        initial = {}
        wanted = request.GET.get("type", "")
        if wanted and selectors.service_types("service").filter(pk=wanted).exists():
            initial["service_type"] = wanted
        form = ServiceForm(person=person, initial=initial)
    else:
        form = ServiceForm(request.POST, request.FILES, person=person)
        if form.is_valid():
            try:
                record = services.service_record_create(
                    person=person,
                    by=request.user,
                    attachment=_attachment(form),
                    **form.service_fields(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                _drop_kept(form)
                messages.success(request, _("已保存服务记录：%(name)s。") % {"name": person.name})
                return _saved(record, "service")
        _keep_upload(form)
    return _render_form(request, "casework/service_form.html", form, person)


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def service_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    record = _record(request, pk)
    saved = request.GET.get("saved", "")
    context = {
        "record": record,
        "person": record.person,
        "needs": getattr(record, "needs", None),
        "draft_clear": f"{saved}:{record.person_id}" if saved in DRAFT_NAMES else "",
        "draft_user": request.user.pk,
        "can_write": not record.is_archived and not record.person.is_archived,
    }
    return render(request, "casework/service_detail.html", context)


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def service_attachment(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    record = _record(request, pk)
    if not record.attachment:
        raise Http404
    try:
        handle = record.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = record.attachment_name or Path(record.attachment.name).name
    extension = Path(record.attachment.name).suffix.lower().lstrip(".")
    response = FileResponse(
        handle, content_type=_CONTENT_TYPES.get(extension, "application/octet-stream")
    )
    response["Content-Disposition"] = attachment_header(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def service_archive(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    record = _record(request, pk)
    if record.is_archived:
        messages.info(request, _("这条服务记录已经归档。"))
        return redirect("casework:service-detail", pk=record.pk)
    form = ArchiveRecordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_archive(
                record=record, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已归档这条服务记录，不再计入统计。"))
            return redirect("casework:service-detail", pk=record.pk)
    context = {"form": form, "record": record, "person": record.person}
    return render(request, "casework/service_archive.html", context)


# --- the hard-to-employ survey ----------------------------------------------------------------


def _survey(request: HttpRequest) -> tuple[SurveyForm, Any, QuerySet[Person] | None]:
    form = SurveyForm(request.GET or None, user=request.user)
    region = form.region()
    if region is None:
        return form, None, None
    persons = selectors.hard_to_employ_survey(
        queryset=scope_for(request.user, Person), region=region
    )
    return form, region, persons


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def survey(request: HttpRequest) -> HttpResponse:
    form, region, persons = _survey(request)
    page = None
    if persons is not None:
        page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "region": region,
        "page": page,
        "choose_town": not getattr(request.user, "town_id", None),
        "visit_type": selectors.service_types("service").filter(is_visit=True).first(),
        "today": timezone.localdate(),
    }
    return render(request, "casework/survey_list.html", context)


SURVEY_HEADERS = (
    gettext_lazy("姓名"),
    gettext_lazy("身份证号"),
    gettext_lazy("村（社区）"),
    gettext_lazy("残疾类别"),
    gettext_lazy("残疾等级"),
    gettext_lazy("认定就业困难日期"),
    gettext_lazy("最近走访日期"),
    gettext_lazy("最近服务日期"),
)


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def survey_export(request: HttpRequest) -> HttpResponse:
    """The survey list as .xlsx, ID numbers masked; every export is in the access log."""

    form, region, persons = _survey(request)
    if persons is None:
        messages.error(request, _("请先选择镇街，再导出走访名单。"))
        return redirect("casework:survey")
    book = Book(write_only=True)
    sheet = book.create_sheet(_("就业困难人员走访"))
    sheet.append([str(h) for h in SURVEY_HEADERS])
    count = 0
    for person in persons.iterator(chunk_size=2000):
        sheet.append(
            [
                formula_safe(v)
                for v in (
                    person.name,
                    mask_id_number(person.id_number),
                    person.region.name,
                    person.category.name if person.category_id else "",
                    person.grade.name if person.grade_id else "",
                    _day(person.hard_to_employ_date),
                    _day(person.last_visit_on) or _("从未走访"),
                    _day(person.last_service_on),
                )
            ]
        )
        count += 1
    content = downloads.book_bytes(book)
    access_log(
        action=AccessEvent.Action.EXPORT,
        request=request,
        detail={"kind": "hard_to_employ_survey", "rows": count, "region": region.code},
    )
    return downloads.attachment(content, f"就业困难人员走访名单-{region.name}.xlsx")


def _day(value: Any) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


# --- export of service records ----------------------------------------------------------------


@roles_required(*PERSONAL_DATA_ROLES)
@require_http_methods(["GET", "POST"])
def services_export(request: HttpRequest) -> HttpResponse:
    """Service records in scope for a date range, in the ``services`` import template's
    columns. Masked by default (GET); full numbers need a reason (POST). Every export is in the
    access log."""
    reveal = request.method == "POST"
    masked_form = ServicesExportForm(None if reveal else (request.GET or None))
    full_form = ServicesRevealForm(request.POST if reveal else None, prefix="full")
    form = full_form if reveal else masked_form
    if not (form.is_bound and form.is_valid()):
        context = {"form": form, "masked_form": masked_form, "full_form": full_form}
        return render(request, "casework/services_export.html", context)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    period = {"start": start.isoformat(), "end": end.isoformat()}
    export = ExportRequest(
        kind="services",
        records="jiuye.casework.views.records.services_to_export",
        params=period,
        filename=f"服务记录-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
        reveal=reveal,
        reason=form.cleaned_data.get("reason", ""),
        detail=period,
    )
    return export_respond(request, export)


def services_to_export(user: Any, params: dict[str, Any]) -> QuerySet:
    """The service records of ``user``'s scope in the period ``params`` names (not archived),
    for the export now or in the background (``core.importing.exportjobs``)."""
    if user.role not in PERSONAL_DATA_ROLES:
        raise ExportError(_("导出失败：您的账号已没有导出服务记录的权限。"))
    return (
        scope_for(user, ServiceRecord)
        .filter(date__gte=params["start"], date__lte=params["end"], archived_at__isnull=True)
        .select_related("person", "service_type", "needs")
        .order_by("date", "person__region_id", "created_at")
    )
