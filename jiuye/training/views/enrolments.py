"""Enrolment, attendance, completion and certificate pages of the training courses.

Who may do what:
- enrol, enrolment page (confirm a request, complete, drop, add a certificate), attendance sheet,
  enrolments export, certificates: administrators, district staff and town officers, each for
  the persons in their scope (a person or enrolment out of scope is a 404). Courses are
  organisational: every such user may open any course's pages, and sees only their persons.
- request-enrolment (POST): the job seeker, for themself.
- everyone else: 403 (leaders and liaisons never see these personal lists).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import Role
from jiuye.core import crud, listing
from jiuye.core.access import roles_required
from jiuye.core.conflicts import ConflictError, show_conflict
from jiuye.core.downloads import formula_safe, logged_export
from jiuye.core.forms import add_service_errors
from jiuye.core.scoping import get_scoped_or_404
from jiuye.jobs.forms.fairs import SearchForm
from jiuye.people.models import Person
from jiuye.people.selectors import nobody_found, person_search
from jiuye.training.forms.enrolments import (
    AttendanceDateForm,
    AttendanceForm,
    CertificateFilterForm,
    CertificateForm,
    CompleteForm,
    ConfirmRequestForm,
    DropForm,
    EnrolForm,
)
from jiuye.training.models import Course, Enrolment
from jiuye.training.selectors import enrolments as selectors
from jiuye.training.services import enrolments as services

PERSONAL = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
PAGE_SIZE = 50


def _course(request: HttpRequest, pk: uuid.UUID) -> Course:
    try:
        return selectors.courses_for_enrolment(request.user).get(pk=pk)
    except Course.DoesNotExist:
        raise Http404 from None


def _town(request: HttpRequest) -> Any:
    return request.user.town if request.user.role == Role.TOWN else None


@roles_required(*PERSONAL, write=True)
@listing.numbers_kept_out_of_urls
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    course = _course(request, pk)
    search = SearchForm(
        listing.search_params(request) or None,
        label=_("查找人员"),
        help_text=_("输入姓名的一部分，或18位身份证号；只能查找您负责范围内的人员。"),
    )
    query = search.query()
    found = person_search(request.user, query)
    enrolled = (
        set(
            Enrolment.objects.filter(course=course, person__in=found).values_list(
                "person_id", flat=True
            )
        )
        if found
        else set()
    )
    found = [p for p in found if p.pk not in enrolled]
    form = EnrolForm(persons=found, initial={"enrolled_on": timezone.localdate()})
    show_confirm = False
    if request.method == "POST":
        raw = request.POST.get("person", "")
        person = get_scoped_or_404(request.user, Person, pk=raw) if raw else None
        persons = found if person is None or person in found else [person, *found]
        form = EnrolForm(request.POST, persons=persons)
        show_confirm = "confirm_over_capacity" in request.POST
        if form.is_valid() and course.is_archived:
            form.add_error(None, _("这门课程已归档，不能报名。"))
        elif form.is_valid():
            try:
                enrolment = services.enrolment_create(
                    course=course,
                    person=person,
                    by=request.user,
                    enrolled_on=form.cleaned_data["enrolled_on"],
                    confirm_over_capacity=form.cleaned_data["confirm_over_capacity"],
                )
            except ValidationError as error:
                show_confirm = show_confirm or getattr(error, "code", "") == "capacity"
                add_service_errors(form, error)
            else:
                messages.success(request, _("已为 %(name)s 报名。") % {"name": person.name})
                return redirect("training:enrolment", pk=enrolment.pk)
    context = {
        "course": course,
        "search": search,
        "query": query,
        "found": found,
        "nobody": nobody_found(query),
        "form": form,
        "show_confirm": show_confirm,
        "taken": services.seats_taken(course),
        "own_town": _town(request),
    }
    return render(request, "training/enrol.html", context)


def _enrolment(request: HttpRequest, pk: uuid.UUID) -> Enrolment:
    return get_scoped_or_404(
        request.user,
        Enrolment.objects.select_related("course__provider", "person__region"),
        pk=pk,
    )


def _enrolment_post(request: HttpRequest, enrolment: Enrolment) -> tuple[str, Any]:
    """Handle one action of the enrolment page; returns (action, the form when it failed)."""
    action = request.POST.get("action", "")
    forms_by_action = {
        "confirm": ConfirmRequestForm,
        "complete": CompleteForm,
        "drop": DropForm,
        "certificate": CertificateForm,
    }
    if action not in forms_by_action:
        messages.error(request, _("无法识别的操作，请重新提交。"))
        return action, None
    form = forms_by_action[action](request.POST)
    if not form.is_valid():
        return action, form
    data = dict(form.cleaned_data)
    try:
        if action == "confirm":
            services.enrolment_confirm(enrolment=enrolment, by=request.user, **data)
            done = _("已确认 %(name)s 的报名申请。")
        elif action == "complete":
            services.enrolment_complete(enrolment=enrolment, by=request.user, **data)
            done = _("已登记 %(name)s 结业。")
        elif action == "drop":
            services.enrolment_drop(enrolment=enrolment, by=request.user, **data)
            done = _("已登记 %(name)s 中途退出。")
        else:
            services.certificate_add(
                person=enrolment.person, enrolment=enrolment, by=request.user, **data
            )
            done = _("已为 %(name)s 登记证书。")
    except ConflictError as error:
        show_conflict(form, error, request.get_full_path())
        return action, form
    except ValidationError as error:
        add_service_errors(form, error)
        return action, form
    messages.success(request, done % {"name": enrolment.person.name})
    return action, None


@roles_required(*PERSONAL, write=True)
@require_http_methods(["GET", "POST"])
def enrolment_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    action, failed = "", None
    if request.method == "POST":
        action, failed = _enrolment_post(request, enrolment)
        if failed is None:
            return redirect("training:enrolment", pk=enrolment.pk)
    version = {"version": enrolment.version}
    today = {"on": timezone.localdate()}
    context = {
        "enrolment": enrolment,
        "course": enrolment.course,
        "person": enrolment.person,
        "summary": selectors.attendance_summary(enrolment),
        "certificates": list(enrolment.certificates.order_by("-issued_on")),
        "form": failed,
        "confirm_form": failed if action == "confirm" else ConfirmRequestForm(),
        "complete_form": failed if action == "complete" else CompleteForm(initial=version | today),
        "drop_form": failed if action == "drop" else DropForm(initial=version | today),
        "certificate_form": failed
        if action == "certificate"
        else CertificateForm(enrolment=enrolment),
        "show_confirm": action == "confirm",
        "taken": services.seats_taken(enrolment.course),
    }
    return render(request, "training/enrolment_detail.html", context)


def _sheet_day(request: HttpRequest, course: Course) -> tuple[dt.date | None, AttendanceDateForm]:
    """The session day of the sheet (?date=, else today within the course period, else its
    start), or None with the reason on the date form."""
    today = timezone.localdate()
    default = today if course.start_date <= today <= course.end_date else course.start_date
    raw = request.GET.get("date", "").strip() or f"{default:%Y-%m-%d}"
    date_form = AttendanceDateForm({"date": raw})
    if not date_form.is_valid():
        return None, date_form
    day = date_form.cleaned_data["date"] or default
    error = services.attendance_date_error(course, day)
    if error:
        date_form.add_error("date", error)
        return None, date_form
    return day, date_form


@roles_required(*PERSONAL, write=True)
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    course = _course(request, pk)
    day, date_form = _sheet_day(request, course)
    rows = selectors.attendance_sheet(request.user, course, day) if day else []
    sheet = None
    if day is not None:
        data = request.POST if request.method == "POST" else None
        initial = {"present": [str(e.pk) for e in rows if e.came]}
        sheet = AttendanceForm(data, rows=rows, day=day, initial=initial)
    if request.method == "POST":
        if sheet is None:
            messages.error(request, " ".join(date_form.errors.get("date", [])))
            return redirect("training:attendance", pk=course.pk)
        if sheet.is_valid():
            try:
                present, absent = services.attendance_sheet_save(
                    enrolments=rows,
                    date=day,
                    present_ids={uuid.UUID(i) for i in sheet.present_ids()},
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(sheet, error)
            else:
                messages.success(
                    request,
                    _("已保存 %(day)s 的考勤：出勤 %(present)d 人，缺勤 %(absent)d 人。")
                    % {"day": f"{day:%Y-%m-%d}", "present": present, "absent": absent},
                )
                return redirect(f"{request.path}?date={day:%Y-%m-%d}")
    context = {
        "course": course,
        "day": day,
        "date_form": date_form,
        "sheet": sheet,
        "form": sheet if request.method == "POST" else None,
        "rows": rows,
        "marked": sum(1 for e in rows if e.marked),
        "own_town": _town(request),
    }
    return render(request, "training/attendance.html", context)


def _enrolment_row(e: Enrolment) -> list[Any]:
    person = e.person
    return [
        formula_safe(person.name),
        person.masked_id_number,
        person.region.name,
        str(person.category) if person.category_id else "",
        e.get_status_display(),
        e.enrolled_on,
        e.completed_on,
        e.dropped_on,
        e.get_drop_reason_display() if e.drop_reason else "",
        formula_safe(e.assessment),
        e.n_present,
        e.n_absent,
    ]


@roles_required(*PERSONAL)
@require_GET
def enrolments_export(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The course's enrolments in the user's scope as .xlsx, ID numbers masked; logged."""
    course = _course(request, pk)
    headers = [
        _("姓名"),
        _("身份证号（部分隐藏）"),
        _("村社区"),
        _("残疾类别"),
        _("状态"),
        _("报名日期"),
        _("结业日期"),
        _("退出日期"),
        _("退出原因"),
        _("考核结果"),
        _("出勤次数"),
        _("缺勤次数"),
    ]
    return logged_export(
        request,
        selectors.enrolments_of_course(request.user, course),
        _enrolment_row,
        kind="training_enrolments",
        title=_("报名名单"),
        headers=headers,
        filename=_("报名名单-%(title)s.xlsx") % {"title": course.title},
        obj=course,
    )


def _certificate_row(c: Any) -> list[Any]:
    return [
        formula_safe(c.person.name),
        c.person.masked_id_number,
        c.person.region.name,
        c.get_kind_display(),
        formula_safe(c.level),
        formula_safe(c.number),
        c.issued_on,
        formula_safe(c.issuer),
        formula_safe(c.enrolment.course.title) if c.enrolment_id else "",
    ]


@roles_required(*PERSONAL)
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    filter_form = CertificateFilterForm(request.GET)
    filters = filter_form.filters()
    certificates = selectors.certificates_for_list(request.user, **filters)
    if request.GET.get("export") == "1":
        headers = [
            _("姓名"),
            _("身份证号（部分隐藏）"),
            _("村社区"),
            _("证书类型"),
            _("等级"),
            _("证书编号"),
            _("发证日期"),
            _("发证机构"),
            _("培训课程"),
        ]
        return logged_export(
            request,
            certificates,
            _certificate_row,
            kind="training_certificates",
            title=_("证书"),
            headers=headers,
            filename=_("培训证书.xlsx"),
        )
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "1"
    context = {
        "page": page,
        "filter_form": filter_form,
        "filters": filters,
        "export_query": query.urlencode(),
        "own_town": _town(request),
    }
    return render(request, "training/certificate_list.html", context)


@roles_required(Role.JOBSEEKER)
@require_POST
def request_enrolment(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The job seeker asks to join a course; staff confirm it on the enrolment page."""
    try:
        course = selectors.courses_open_to_requests().get(pk=pk)
    except Course.DoesNotExist:
        raise Http404 from None
    person = request.user.person
    if person is None:
        raise Http404

    def ask() -> None:
        services.enrolment_create(course=course, person=person, by=request.user, requested=True)

    done = _("已提交“%(title)s”的报名申请，工作人员确认后会通知您。") % {"title": course.title}
    return crud.act(request, ask, done, "core:home")
