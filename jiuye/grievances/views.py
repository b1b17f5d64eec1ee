"""Public pages (file a complaint or suggestion, look up its status and rate the reply) and the
staff's pages (the scoped queue, a grievance's page with its reply, the district's report)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.core import listing, ratelimit
from jiuye.core.access import roles_required
from jiuye.core.audit import client_ip
from jiuye.core.crud import Export
from jiuye.core.downloads import attachment_header
from jiuye.core.forms import add_service_errors
from jiuye.core.roles import Role
from jiuye.core.scoping import get_scoped_or_404
from jiuye.grievances import selectors, services
from jiuye.grievances.forms import (
    NOT_FOUND,
    GrievanceForm,
    LookupForm,
    QueueFilterForm,
    RateForm,
    ReassignForm,
    ReplyForm,
)
from jiuye.grievances.models import Grievance, Status
from jiuye.reference.selectors import departments

HANDLERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.DEPARTMENT)
DISTRICT = (Role.ADMIN, Role.DISTRICT)
HOUR = 3600
_FILED = "grievance_filed"
_SEEN = "grievance_seen"
_CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
}


def _ip(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


# --- the public side ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def grievance_file(request: HttpRequest) -> HttpResponse:
    form = GrievanceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        limit = settings.JIUYE_GRIEVANCE_FILINGS_PER_HOUR
        if ratelimit.exceeded("grievance-file", _ip(request), limit=limit, window=HOUR):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "从您的网络一小时内最多可以提交%(n)d条，已经达到。请一小时后再提交；"
                    "急事请直接联系区残联。"
                )
                % {"n": limit},
            )
            status = 429
        elif form.is_valid():
            try:
                filed = services.grievance_file(by=request.user, **form.service_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                ratelimit.hit("grievance-file", _ip(request), window=HOUR)
                request.session[_FILED] = {
                    "reference": filed.grievance.reference,
                    "code": filed.check_code,
                    "due": filed.grievance.due_date.isoformat(),
                    "unit": str(filed.grievance.department),
                }
                request.session[_SEEN] = str(filed.grievance.pk)
                return redirect("grievances:filed")
    context = {"form": form, "due_days": settings.JIUYE_GRIEVANCE_DUE_DAYS}
    return render(request, "grievances/file.html", context, status=status)


@never_cache
@require_GET
def grievance_filed(request: HttpRequest) -> HttpResponse:
    filed = request.session.get(_FILED)
    if not filed:
        return redirect("grievances:file")
    return render(request, "grievances/filed.html", {"filed": filed})


@never_cache
@require_http_methods(["GET", "POST"])
def grievance_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        limit = settings.JIUYE_GRIEVANCE_LOOKUP_FAILURES_PER_HOUR
        if ratelimit.exceeded("grievance-lookup", _ip(request), limit=limit, window=HOUR):
            form.is_valid()
            form.add_error(None, _("查询错误次数太多，请一小时后再试；急事请直接联系区残联。"))
            status = 429
        elif form.is_valid():
            reference = form.cleaned_data["reference"]
            # Per reference too, whether it exists or not: guessing one code from many
            # addresses is as slow as from one.
            if ratelimit.exceeded("grievance-reference", reference, limit=limit, window=HOUR):
                form.add_error(None, _("这个受理编号查询错误次数太多，请一小时后再试。"))
                return render(request, "grievances/lookup.html", {"form": form}, status=429)
            grievance = selectors.grievance_by_reference(reference)
            if grievance is not None and services.check_code_matches(
                grievance, form.cleaned_data["code"]
            ):
                request.session[_SEEN] = str(grievance.pk)
                return redirect("grievances:status")
            # One answer for an unknown number and a wrong code; each counts towards the limits.
            ratelimit.hit("grievance-lookup", _ip(request), window=HOUR)
            ratelimit.hit("grievance-reference", reference, window=HOUR)
            form.add_error(None, NOT_FOUND)
    return render(request, "grievances/lookup.html", {"form": form}, status=status)


def _seen(request: HttpRequest) -> Grievance | None:
    pk = request.session.get(_SEEN)
    if not pk:
        return None
    return Grievance.objects.select_related("department").filter(pk=pk).first()


@never_cache
@require_http_methods(["GET", "POST"])
def grievance_status(request: HttpRequest) -> HttpResponse:
    """The grievance this browser filed or looked up (kept in the session, never in the
    address), and the rating of its reply."""
    grievance = _seen(request)
    if grievance is None:
        return redirect("grievances:lookup")
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grievance_rate(
                grievance=grievance,
                satisfaction=form.cleaned_data["satisfaction"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("谢谢您的评价。"))
            return redirect("grievances:status")
    context = {
        "grievance": grievance,
        "form": form,
        "may_rate": grievance.status == Status.REPLIED and not grievance.satisfaction,
        "overdue": grievance.is_overdue(),
    }
    return render(request, "grievances/status.html", context)


# --- the staff side -----------------------------------------------------------------------


def _units(user: Any) -> Any:
    return departments() if user.role in DISTRICT else None


def _found(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    form = QueueFilterForm(request.GET or None, units=_units(request.user))
    records = selectors.grievances_search(selectors.grievances_for(request.user), **form.filters())
    return records, {"search_form": form}


def _export_row(g: Grievance) -> list[Any]:
    return [
        g.reference,
        g.created_at.astimezone(timezone.get_current_timezone()).date(),
        g.get_kind_display(),
        g.get_category_display(),
        g.about_label,
        str(g.department),
        g.text,
        g.masked_contact,
        g.get_status_display(),
        g.due_date,
        _("是") if g.is_overdue() else "",
        g.reply,
        g.get_satisfaction_display(),
    ]


EXPORT = Export(
    title=gettext_lazy("投诉建议"),
    headers=[
        gettext_lazy("受理编号"),
        gettext_lazy("提交日期"),
        gettext_lazy("类型"),
        gettext_lazy("事项类别"),
        gettext_lazy("反映对象"),
        gettext_lazy("承办单位"),
        gettext_lazy("内容"),
        gettext_lazy("联系人（部分隐藏）"),
        gettext_lazy("状态"),
        gettext_lazy("答复期限"),
        gettext_lazy("已超期"),
        gettext_lazy("答复"),
        gettext_lazy("满意度"),
    ],
    row=_export_row,
    widths=(16, 12, 8, 20, 20, 16, 50, 18, 10, 12, 8, 50, 10),
    logged="grievances",
)


@roles_required(*HANDLERS)
@require_GET
def grievance_queue(request: HttpRequest) -> HttpResponse:
    records, context = _found(request)
    context["page"] = listing.page_of(request, records, 30)
    context["today"] = timezone.localdate()
    return render(request, "grievances/queue.html", context)


@roles_required(*HANDLERS)
@require_GET
def grievance_queue_export(request: HttpRequest) -> HttpResponse:
    records, context = _found(request)
    return EXPORT.response(request, records, context)


def _grievance(request: HttpRequest, pk: uuid.UUID) -> Grievance:
    return get_scoped_or_404(request.user, selectors.grievances_for(request.user), pk=pk)


def _detail(
    request: HttpRequest,
    grievance: Grievance,
    *,
    reply_form: ReplyForm | None = None,
    reassign_form: ReassignForm | None = None,
) -> HttpResponse:
    district = request.user.role in DISTRICT
    context = {
        "grievance": grievance,
        "reply_form": reply_form or ReplyForm(initial={"reply": grievance.reply}),
        "reassign_form": (reassign_form or ReassignForm()) if district else None,
        "overdue": grievance.is_overdue(),
        # The error summary reads ``form``: the form that failed, if any.
        "form": reply_form if reply_form is not None and reply_form.errors else reassign_form,
    }
    return render(request, "grievances/detail.html", context)


@roles_required(*HANDLERS)
@require_GET
def grievance_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _detail(request, _grievance(request, pk))


@roles_required(*HANDLERS, write=True)
@require_POST
def grievance_reply(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    grievance = _grievance(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.grievance_reply(
                grievance=grievance, by=request.user, reply=form.cleaned_data["reply"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("已答复 %(ref)s，提交人查询时可以看到。") % {"ref": grievance.reference}
            )
            return redirect("grievances:detail", pk=grievance.pk)
    return _detail(request, grievance, reply_form=form)


@roles_required(*DISTRICT, write=True)
@require_POST
def grievance_reassign(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    grievance = _grievance(request, pk)
    form = ReassignForm(request.POST)
    if form.is_valid():
        try:
            services.grievance_reassign(
                grievance=grievance, by=request.user, department=form.cleaned_data["department"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已改派给 %(unit)s。") % {"unit": form.cleaned_data["department"]},
            )
            return redirect("grievances:detail", pk=grievance.pk)
    return _detail(request, grievance, reassign_form=form)


@roles_required(*HANDLERS)
@require_GET
def grievance_attachment(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    grievance = _grievance(request, pk)
    if not grievance.attachment:
        raise Http404
    try:
        handle = grievance.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = Path(grievance.attachment.name).suffix.lower().lstrip(".")
    name = grievance.attachment_name or Path(grievance.attachment.name).name
    response = FileResponse(
        handle, content_type=_CONTENT_TYPES.get(extension, "application/octet-stream")
    )
    response["Content-Disposition"] = attachment_header(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@roles_required(*DISTRICT)
@require_GET
def grievance_report(request: HttpRequest) -> HttpResponse:
    year, year_error = listing.year_asked(request)
    report = selectors.grievance_report(selectors.grievances_for(request.user), year=year)
    context = {
        "report": report,
        "year": year,
        "year_error": year_error,
        "today": timezone.localdate(),
    }
    return render(request, "grievances/report.html", context)
