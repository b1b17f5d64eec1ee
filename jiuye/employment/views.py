"""Pages of employment records: record a job for a person, a record's page, correct, end and
archive it, the list of records flagged for review, and an export.

Who may do what: system administrators, district staff and town officers read and write the
records of persons in their scope (a town officer: their town); a record or person out of scope
is a 404. Leaders, department liaisons, employers and job seekers get 403.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import PERSONAL_DATA_ROLES
from jiuye.core import crud
from jiuye.core.access import roles_required
from jiuye.core.forms import add_service_errors
from jiuye.core.importing.exportjobs import ExportError, ExportRequest, export_respond
from jiuye.core.scoping import get_scoped_or_404, scope_for
from jiuye.employment import selectors, services
from jiuye.employment.forms import EndForm, RecordForm, ResolveForm
from jiuye.employment.models import EmploymentRecord
from jiuye.people.models import Person

PAGE_SIZE = 50
ARCHIVE_HELP = gettext_lazy("归档只用于录入错误的记录；人员离职请用“结束就业”。")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _record(request: HttpRequest, pk: uuid.UUID) -> EmploymentRecord:
    queryset = EmploymentRecord.objects.select_related(
        "person__region__parent", "employer", "created_by", "updated_by", "archived_by"
    )
    return get_scoped_or_404(request.user, queryset, pk=pk)


def _refuse_archived(request: HttpRequest, record: EmploymentRecord) -> HttpResponse | None:
    if record.is_archived:
        messages.error(request, _("这条就业记录已归档，不能再修改。"))
        return redirect("employment:detail", pk=record.pk)
    return None


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def record_create(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    person = get_scoped_or_404(request.user, Person.objects.select_related("region"), pk=pk)
    if person.is_archived:
        messages.error(request, _("这个人员已归档，不能再登记就业。"))
        return redirect("people:detail", pk=person.pk)
    form = RecordForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.employment_open(
                person=person,
                by=request.user,
                source=form.cleaned_data["source"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记%(name)s的就业记录。") % {"name": person.name})
            if record.needs_review:
                messages.warning(request, record.review_note)
            return redirect("employment:detail", pk=record.pk)
    return render(request, "employment/record_form.html", {"form": form, "person": person})


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def record_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    record = _record(request, pk)
    context = {
        "record": record,
        "person": record.person,
        "can_write": not record.is_archived,
        "resolve_actions": ResolveForm.ACTIONS,
    }
    return render(request, "employment/record_detail.html", context)


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    record = _record(request, pk)
    if refused := _refuse_archived(request, record):
        return refused
    form = RecordForm(crud.posted(request), person=record.person, record=record)

    def save() -> HttpResponse:
        version = form.cleaned_data["version"]
        saved = services.employment_update(
            record=record, by=request.user, version=version, **form.service_fields()
        )
        messages.success(request, _("已保存修改。"))
        if saved.needs_review:
            messages.warning(request, saved.review_note)
        return redirect("employment:detail", pk=record.pk)

    context = {"person": record.person, "record": record}
    return crud.service_form(
        request, form, save, template="employment/record_form.html", context=context
    )


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def record_end(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    record = _record(request, pk)
    if refused := _refuse_archived(request, record):
        return refused
    if record.end_date is not None:
        messages.info(request, _("这条就业记录已经结束；如需更正结束日期，请用“修改”。"))
        return redirect("employment:detail", pk=record.pk)
    form = EndForm(request.POST if request.method == "POST" else None, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_end(record=record, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已记录就业结束。"))
            return redirect("employment:detail", pk=record.pk)
    return render(request, "employment/record_end.html", {"form": form, "record": record})


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def record_archive(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    record = _record(request, pk)
    return crud.archive_page(
        request,
        record,
        lambda reason: services.employment_archive(record=record, reason=reason, by=request.user),
        template="employment/record_archive.html",
        context={"record": record},
        help_text=ARCHIVE_HELP,
        already=_("这条就业记录已经归档。"),
        message=_("已归档这条就业记录。"),
        detail=reverse("employment:detail", args=[record.pk]),
    )


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    records = selectors.records_to_review(queryset=scope_for(request.user, EmploymentRecord))
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "resolve_actions": ResolveForm.ACTIONS}
    return render(request, "employment/review.html", context)


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_POST
def record_resolve(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    record = _record(request, pk)
    form = ResolveForm(request.POST)
    back = "employment:review"
    if form.is_valid() and form.cleaned_data["next"] == "detail":
        back = "employment:detail"
    target = redirect(back, pk=record.pk) if back == "employment:detail" else redirect(back)
    if not form.is_valid():
        messages.error(request, _("请选择处理方式：是兼职，或已处理后重新检查。"))
        return target
    if record.is_archived:
        messages.info(request, _("这条就业记录已归档，不需要再核查。"))
        return target
    second_job = form.cleaned_data["action"] == "second_job"
    try:
        services.employment_resolve_review(record=record, second_job=second_job, by=request.user)
    except ValidationError as error:
        messages.error(
            request,
            _("%(name)s %(start)s 开始的记录仍待核查：%(why)s")
            % {
                "name": record.person.name,
                "start": f"{record.start_date:%Y-%m-%d}",
                "why": " ".join(error.messages),
            },
        )
    else:
        done = _("已标记为兼职") if second_job else _("已重新检查，没有时间重叠")
        messages.success(
            request,
            _("%(name)s %(start)s 开始的记录：%(done)s。")
            % {"name": record.person.name, "start": f"{record.start_date:%Y-%m-%d}", "done": done},
        )
    return target


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def record_export(request: HttpRequest) -> HttpResponse:
    """The user's scoped records (not archived) as .xlsx in the import template's columns, ID
    numbers masked. Every export is in the access log."""
    export = ExportRequest(
        kind="employment",
        records="jiuye.employment.views.employment_to_export",
        params={},
        filename="就业记录.xlsx",
    )
    return export_respond(request, export)


def employment_to_export(user: Any, params: dict[str, Any]) -> Any:
    """``user``'s scoped records (not archived), for the export now or in the background."""
    if user.role not in PERSONAL_DATA_ROLES:
        raise ExportError(_("导出失败：您的账号已没有导出就业记录的权限。"))
    return selectors.records_for_export(queryset=scope_for(user, EmploymentRecord))
