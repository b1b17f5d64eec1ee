"""Pages of the annual quota declaration (年审): the employer's portal, the staff review, the
conflicts, the review confirmation, the statistics of action 一 and the public disclosure.

Who may do what: an employer user writes its own employer's declarations (another employer's
are a 404); system administrators and district staff write any on an employer's behalf and
review them; town officers read their town's employers' declarations; leaders read the figures
but never the staff list. The disclosure of a published year is open to everyone, without a
login, and shows units and figures only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import Role
from jiuye.core import crud, suppression
from jiuye.core.access import roles_required
from jiuye.core.audit import access_log
from jiuye.core.downloads import Book, attachment, book_bytes, formula_safe
from jiuye.core.forms import add_service_errors
from jiuye.core.models import AccessEvent
from jiuye.core.scoping import get_scoped_or_404, scope_for
from jiuye.employers import importing as staff_lists
from jiuye.employers import selectors, services
from jiuye.employers.declaration_forms import (
    EmployeeForm,
    FiguresForm,
    PublishForm,
    ReasonForm,
    ResolveForm,
    StartForm,
    UploadForm,
    default_year,
)
from jiuye.employers.documents import confirmation_docx
from jiuye.employers.models import Declaration, DeclarationStatus, DeclaredEmployee, Employer
from jiuye.employers.selectors import figure
from jiuye.employers.services.declarations import disclosure_publish
from jiuye.employers.services.verification import employer_checks, shown

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 50

WRITERS = (Role.EMPLOYER, Role.ADMIN, Role.DISTRICT)
READERS = (*WRITERS, Role.TOWN, Role.LEADER)
REVIEWERS = (Role.ADMIN, Role.DISTRICT)
# Roles that see who is on a staff list (leaders see figures only).
LINE_READERS = (*WRITERS, Role.TOWN)
STATISTICS_READERS = (Role.ADMIN, Role.DISTRICT, Role.LEADER)


def _declaration(request: HttpRequest, pk: uuid.UUID) -> Declaration:
    queryset = selectors.declaration_for_detail(Declaration.objects.all())
    return get_scoped_or_404(request.user, queryset, pk=pk)


def _writable(request: HttpRequest, pk: uuid.UUID) -> Declaration:
    """A declaration the user may change: their employer's (any, for district staff). Whether
    its status still allows changes is ``_locked``'s question."""
    declaration = _declaration(request, pk)
    if request.user.role not in WRITERS:
        raise PermissionDenied
    return declaration


def _year(request: HttpRequest, default: int | None = None) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return default if default is not None else default_year()


def _monthly(policy: Any) -> bool:
    return policy is not None and policy.counting_basis == "monthly"


# --- the employer's portal ------------------------------------------------------------------


def _render_list(request: HttpRequest, start_form: StartForm) -> HttpResponse:
    declarations = selectors.declarations_for_list(
        selectors.declarations_search(scope_for(request.user, Declaration), request.GET)
    )
    year = request.GET.get("year", "")
    page = Paginator(declarations, PAGE_SIZE).get_page(request.GET.get("page"))
    can_start = request.user.role in WRITERS
    context = {
        "page": page,
        "start_form": start_form if can_start else None,
        "form": start_form,
        "is_employer": request.user.role == Role.EMPLOYER,
        "year": year,
        "q": request.GET.get("q", ""),
    }
    return render(request, "employers/declaration_list.html", context)


def _start_form(request: HttpRequest, data: Any = None) -> StartForm:
    employers = None
    if request.user.role != Role.EMPLOYER:
        employers = scope_for(request.user, Employer).filter(archived_at__isnull=True)
    return StartForm(data, employers=employers)


@roles_required(*READERS)
@require_GET
def declaration_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, _start_form(request))


@roles_required(*WRITERS, write=True)
@require_POST
def declaration_start(request: HttpRequest) -> HttpResponse:
    form = _start_form(request, request.POST)
    if form.is_valid():
        if request.user.role == Role.EMPLOYER:
            employer = get_scoped_or_404(request.user, Employer, pk=request.user.employer_id)
        else:
            employer = form.cleaned_data["uscc"]
        try:
            declaration = services.declaration_start(
                employer=employer, year=form.cleaned_data["year"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("employers:declaration", pk=declaration.pk)
    return _render_list(request, form)


def _lines(request: HttpRequest, declaration: Declaration) -> list[dict[str, Any]]:
    if request.user.role not in LINE_READERS:
        return []
    employees = selectors.employees_for_detail(declaration)
    employees = scope_for(request.user, employees)
    if request.user.role == Role.EMPLOYER:
        return [{"employee": e, "checks": employer_checks(e.checks)} for e in employees]
    return [
        {"employee": e, "checks": shown(e.checks), "unregistered": not e.person_id and e.checks}
        for e in employees
    ]


def _reason_form(purpose: str, data: Any = None) -> ReasonForm:
    if purpose == "return":
        return ReasonForm(
            data,
            label=_("退回原因"),
            help_text=_("写明要单位修改或补充什么，单位会在申报页面顶部看到。"),
            auto_id="return_%s",
        )
    return ReasonForm(
        data,
        label=_("更正原因"),
        help_text=_("将建立一个新版本的申报，已确认的版本保留。"),
        auto_id="correct_%s",
    )


def _render_detail(request: HttpRequest, declaration: Declaration, **forms: Any) -> HttpResponse:
    user = request.user
    policy = selectors.declaration_policy(declaration)
    monthly = _monthly(policy)
    can_write = user.role in WRITERS and declaration.is_editable
    can_review = user.role in REVIEWERS
    figures_form = forms.get("figures_form") or FiguresForm(
        initial=FiguresForm.initial_for(declaration), monthly=monthly
    )
    context = {
        "declaration": declaration,
        "employer": declaration.employer,
        "policy": policy,
        "monthly": monthly,
        "lines": _lines(request, declaration),
        "show_lines": user.role in LINE_READERS,
        "can_write": can_write,
        "can_review": can_review,
        "figures_form": figures_form if can_write else None,
        "employee_form": (forms.get("employee_form") or EmployeeForm()) if can_write else None,
        "upload_form": (forms.get("upload_form") or UploadForm()) if can_write else None,
        "upload": forms.get("upload"),
        "return_form": forms.get("return_form") or _reason_form("return"),
        "correct_form": forms.get("correct_form") or _reason_form("correct"),
        "counts": selectors.unresolved_count(declaration) if can_review else None,
        "versions": Declaration.objects.filter(
            employer_id=declaration.employer_id, year=declaration.year
        )
        .exclude(pk=declaration.pk)
        .order_by("-version"),
        "is_employer": user.role == Role.EMPLOYER,
        "status": DeclarationStatus,
        "figures": {
            "staff": figure(declaration.staff),
            "required": figure(declaration.required),
            "counted": figure(declaration.counted),
            "shortfall": figure(declaration.shortfall),
            "wage_total": f"{declaration.wage_total:,.2f}",
            "levy_payable": f"{declaration.levy_payable:,.2f}",
            "ratio": f"{figure(policy.ratio * 100)}%" if policy else "",
        },
    }
    # The form that failed names the page "错误：…" and leads the error summary.
    failed = [f for f in forms.values() if isinstance(f, Form) and f.errors]
    context["form"] = failed[0] if failed else None
    return render(request, "employers/declaration_detail.html", context)


@roles_required(*READERS)
@require_GET
def declaration_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _render_detail(request, _declaration(request, pk))


def _recompute(request: HttpRequest, declaration: Declaration) -> None:
    """Verify and compute again after a change; a missing policy is said, not a failure of the
    change itself (which is saved)."""
    try:
        services.declaration_compute(declaration)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))


def _locked(request: HttpRequest, declaration: Declaration) -> HttpResponse | None:
    if declaration.is_editable:
        return None
    messages.error(
        request,
        _("申报状态为“%(status)s”，不能再修改。") % {"status": declaration.get_status_display()},
    )
    return redirect("employers:declaration", pk=declaration.pk)


@roles_required(*WRITERS, write=True)
@require_POST
def declaration_figures(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    declaration = _writable(request, pk)
    if response := _locked(request, declaration):
        return response
    form = FiguresForm(request.POST, monthly=_monthly(selectors.declaration_policy(declaration)))
    if form.is_valid():
        try:
            services.declaration_save(
                declaration=declaration, by=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _recompute(request, declaration)
            messages.success(request, _("已保存职工人数和工资总额，并重新计算。"))
            return redirect(f"{reverse('employers:declaration', args=[pk])}#calculation-title")
    return _render_detail(request, declaration, figures_form=form)


@roles_required(*WRITERS, write=True)
@require_POST
def employee_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    declaration = _writable(request, pk)
    if response := _locked(request, declaration):
        return response
    form = EmployeeForm(request.POST)
    if form.is_valid():
        try:
            employee = services.employee_add(
                declaration=declaration, by=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _recompute(request, declaration)
            messages.success(request, _("已加入名单：%(name)s。") % {"name": employee.name})
            return redirect(f"{reverse('employers:declaration', args=[pk])}#staff-title")
    return _render_detail(request, declaration, employee_form=form)


def _employee(request: HttpRequest, declaration: Declaration, line: uuid.UUID) -> Any:
    employees = DeclaredEmployee.objects.filter(declaration=declaration)
    return get_scoped_or_404(request.user, employees, pk=line)


@roles_required(*WRITERS, write=True)
@require_http_methods(["GET", "POST"])
def employee_edit(request: HttpRequest, pk: uuid.UUID, line: uuid.UUID) -> HttpResponse:
    declaration = _writable(request, pk)
    employee = _employee(request, declaration, line)
    if response := _locked(request, declaration):
        return response
    form = EmployeeForm(request.POST if request.method == "POST" else None, employee=employee)
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_update(employee=employee, by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _recompute(request, declaration)
            messages.success(request, _("已保存：%(name)s。") % {"name": employee.name})
            return redirect(f"{reverse('employers:declaration', args=[pk])}#staff-title")
    context = {"form": form, "declaration": declaration, "employee": employee}
    return render(request, "employers/declaration_employee.html", context)


@roles_required(*WRITERS, write=True)
@require_POST
def employee_remove(request: HttpRequest, pk: uuid.UUID, line: uuid.UUID) -> HttpResponse:
    declaration = _writable(request, pk)
    employee = _employee(request, declaration, line)
    if response := _locked(request, declaration):
        return response
    name = employee.name
    services.employee_remove(employee=employee, by=request.user)
    _recompute(request, declaration)
    messages.success(request, _("已从名单中删除：%(name)s。") % {"name": name})
    return redirect(f"{reverse('employers:declaration', args=[pk])}#staff-title")


@roles_required(*WRITERS)
@require_GET
def staff_template(request: HttpRequest) -> HttpResponse:
    return attachment(staff_lists.staff_template(), "残疾职工名单模板.xlsx")


@roles_required(*WRITERS, write=True)
@require_POST
def staff_upload(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Check an uploaded list (nothing is saved) and show every bad row, or what saving would
    do with a button to save it."""
    declaration = _writable(request, pk)
    if response := _locked(request, declaration):
        return response
    form = UploadForm(request.POST, request.FILES)
    upload = None
    if form.is_valid():
        upload = staff_lists.staff_list_check(
            declaration=declaration, upload=form.cleaned_data["file"], by=request.user
        )
        if upload.message and not upload.errors:
            form.add_error("file", upload.message)
            upload = None
    return _render_detail(request, declaration, upload_form=form, upload=upload)


@roles_required(*WRITERS, write=True)
@require_POST
def staff_upload_commit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    declaration = _writable(request, pk)
    if response := _locked(request, declaration):
        return response
    batch_id = request.POST.get("batch", "")
    result = None
    if _uuid(batch_id):
        result = staff_lists.staff_list_save(
            declaration=declaration, checked=batch_id, by=request.user
        )
    if result is None:
        messages.error(request, _("找不到已检查的名单文件，请重新上传。"))
        return redirect("employers:declaration", pk=pk)
    if not result.ok:
        return _render_detail(request, declaration, upload=result)
    _recompute(request, declaration)
    messages.success(
        request,
        _("名单已保存：新增 %(c)d 人，更新 %(u)d 人，未变 %(n)d 人。")
        % {"c": result.created, "u": result.updated, "n": result.unchanged},
    )
    return redirect(f"{reverse('employers:declaration', args=[pk])}#staff-title")


def _uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@roles_required(*WRITERS, write=True)
@require_POST
def declaration_submit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    declaration = _writable(request, pk)
    submit = partial(services.declaration_submit, declaration=declaration, by=request.user)
    return crud.act(request, submit, _("已提交，等待区残联审核。"), "employers:declaration", pk=pk)


# --- the staff review -----------------------------------------------------------------------


@roles_required(*REVIEWERS, write=True)
@require_POST
def declaration_return(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    declaration = _declaration(request, pk)
    form = _reason_form("return", request.POST)

    def save() -> HttpResponse:
        reason = form.cleaned_data["reason"]
        services.declaration_return(declaration=declaration, by=request.user, reason=reason)
        return crud.done(request, _("已退回，单位将看到退回原因。"), "employers:review-queue")

    page = partial(_render_detail, request, declaration, return_form=form)
    return crud.service_form(request, form, save, page=page)


@roles_required(*REVIEWERS, write=True)
@require_POST
def declaration_confirm(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    declaration = _declaration(request, pk)
    confirm = partial(services.declaration_confirm, declaration=declaration, by=request.user)
    done = _("已审核确认。可以下载审核确认书。")
    return crud.act(request, confirm, done, "employers:declaration", pk=pk)


@roles_required(*REVIEWERS, write=True)
@require_POST
def declaration_correct(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    declaration = _declaration(request, pk)
    form = _reason_form("correct", request.POST)

    def save() -> HttpResponse:
        reason = form.cleaned_data["reason"]
        correction = services.declaration_correct(
            declaration=declaration, by=request.user, reason=reason
        )
        message = _("已建立更正申报（第%(v)d版），原确认版本保留。") % {"v": correction.version}
        return crud.done(request, message, "employers:declaration", pk=correction.pk)

    page = partial(_render_detail, request, declaration, correct_form=form)
    return crud.service_form(request, form, save, page=page)


@roles_required(*READERS)
@require_GET
def declaration_confirmation(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The review confirmation (审核确认书) of a confirmed declaration, as .docx."""
    declaration = _declaration(request, pk)
    if declaration.status not in (DeclarationStatus.CONFIRMED, DeclarationStatus.SUPERSEDED):
        raise Http404
    name = _("%(year)d年度按比例安排残疾人就业审核确认书-%(employer)s.docx") % {
        "year": declaration.year,
        "employer": declaration.employer.name,
    }
    return attachment(confirmation_docx(declaration), name, DOCX)


@roles_required(*REVIEWERS)
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    queue = selectors.review_queue(
        queryset=scope_for(request.user, Declaration), year=int(year) if year.isdigit() else None
    )
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_review_figures(page.object_list)
    return render(request, "employers/review_queue.html", {"page": page, "year": year})


@roles_required(*REVIEWERS)
@require_GET
def conflict_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    context = {
        "year": year,
        "conflicts": selectors.conflicts(year=year),
        "years": [y for y, _label in PublishForm().fields["year"].choices],
        "resolve_form": ResolveForm(),
    }
    return render(request, "employers/conflict_list.html", context)


@roles_required(*REVIEWERS, write=True)
@require_POST
def conflict_resolve(request: HttpRequest, line: uuid.UUID) -> HttpResponse:
    employee = get_scoped_or_404(
        request.user, DeclaredEmployee.objects.select_related("declaration"), pk=line
    )
    form = ResolveForm(request.POST)
    year = employee.declaration.year
    if form.is_valid():
        services.conflict_resolve(
            employee=employee,
            by=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("已裁定：%(name)s。") % {"name": employee.name})
    else:
        messages.error(request, _("请选择“计入这家单位”或“不计入这家单位”后再提交。"))
    return redirect(f"{reverse('employers:conflicts')}?year={year}")


# --- statistics and disclosure (action 一) --------------------------------------------------


DISCLOSED_HEADERS = (
    gettext_lazy("单位名称"),
    gettext_lazy("单位类型"),
    gettext_lazy("在职职工人数"),
    gettext_lazy("应安排人数"),
    gettext_lazy("已安排人数"),
    gettext_lazy("是否达到比例"),
)
STATISTICS_HEADERS = (
    *DISCLOSED_HEADERS,
    gettext_lazy("上年已安排人数"),
    gettext_lazy("比上年增减"),
    gettext_lazy("申报状态"),
    gettext_lazy("需核实的情况"),
)


def _disclosed(employer: Any, d: Any, not_confirmed: str = "") -> list[Any]:
    """A unit's figures as the public disclosure shows them (``d`` its declaration, if any)."""
    met = (_("是") if d.met else _("否")) if d else not_confirmed
    figures = [figure(d.staff), figure(d.required), figure(d.counted)] if d else ["", "", ""]
    return [employer.name, employer.get_kind_display(), *figures, met]


def _year_book(year: int, headers: tuple[Any, ...], rows: Iterable[list[Any]]) -> bytes:
    book = Book(write_only=True)
    sheet = book.create_sheet(_("%(year)d年度") % {"year": year})
    sheet.append([str(header) for header in headers])
    for row in rows:
        sheet.append([formula_safe(v) for v in row])
    return book_bytes(book)


def _statistics_row(row: Any) -> list[Any]:
    d, prev = row.declaration, row.previous
    return [
        *_disclosed(row.employer, d),
        figure(prev.counted) if prev else "",
        figure(row.change) if row.change is not None else "",
        d.get_status_display() if d else _("未申报"),
        "；".join(row.flags),
    ]


@roles_required(*STATISTICS_READERS)
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = selectors.statistics_rows(year=year, with_names=request.user.role in REVIEWERS)
    context = {
        "year": year,
        "rows": rows,
        "years": [y for y, _label in PublishForm().fields["year"].choices],
        "disclosure": selectors.disclosure_of(year),
        "can_publish": request.user.role in REVIEWERS,
        "met": sum(1 for r in rows if r.declaration and r.declaration.met),
        "declared": sum(1 for r in rows if r.declaration),
        "flagged": sum(1 for r in rows if r.flags),
    }
    return render(request, "employers/statistics.html", context)


@roles_required(*STATISTICS_READERS)
@require_GET
def statistics_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    with_names = request.user.role in REVIEWERS
    rows = selectors.statistics_rows(year=year, with_names=with_names)
    access_log(
        action=AccessEvent.Action.EXPORT,
        request=request,
        detail={"kind": "public_sector_statistics", "year": year, "rows": len(rows)},
    )
    content = _year_book(year, STATISTICS_HEADERS, map(_statistics_row, rows))
    name = _("%(year)d年度机关事业单位按比例安排残疾人就业统计.xlsx") % {"year": year}
    return attachment(content, name)


@roles_required(*REVIEWERS, write=True)
@require_POST
def disclosure_publish_view(request: HttpRequest) -> HttpResponse:
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择要公开或撤回的年度。"))
        return redirect("employers:statistics")
    year = form.cleaned_data["year"]
    publish = form.cleaned_data["action"] == "publish"
    done = _("已公开%(year)d年度的公示。") if publish else _("已撤回%(year)d年度的公示。")
    change = partial(disclosure_publish, year=year, by=request.user, publish=publish)
    back = f"{reverse('employers:statistics')}?year={year}"
    return crud.act(request, change, done % {"year": year}, back)


def _public_year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    if text.isdigit():
        return int(text)
    latest = next((d for d in selectors.disclosures() if d.is_published), None)
    return latest.year if latest else None


def _public_row(row: dict[str, Any]) -> dict[str, Any]:
    """A unit's line of the public disclosure: its name, kind and (once confirmed) figures, with
    the number of disabled employees below the public threshold shown as "<5". Staff and the
    required number are counts of all employees, which single out nobody's disability; the
    status (met or not) is the disclosure's legal point and is always shown."""
    d = row["declaration"]
    return {
        "employer": row["employer"],
        "declaration": d,
        "staff": figure(d.staff) if d else "",
        "required": figure(d.required) if d else "",
        "counted": suppression.figure(d.counted, show=figure) if d else None,
        "met": (_("是") if d.met else _("否")) if d else "",
    }


@require_GET
def disclosure(request: HttpRequest) -> HttpResponse:
    """Open to everyone: the published year's agencies and institutions, names and figures."""
    year = _public_year(request)
    published = selectors.disclosure_of(year) if year else None
    years = [d.year for d in selectors.disclosures() if d.is_published]
    if published is None:
        context = {"year": year, "years": years}
        return render(request, "employers/disclosure_unpublished.html", context, status=404)
    rows = [_public_row(row) for row in selectors.disclosure_rows(year)]
    context = {
        "year": year,
        "years": years,
        "disclosure": published,
        "rows": rows,
        "met": sum(1 for r in rows if r["declaration"] and r["declaration"].met),
        "small": suppression.small_text(),
        "limit": suppression.threshold(),
    }
    return render(request, "employers/disclosure.html", context)


@require_GET
def disclosure_export(request: HttpRequest) -> HttpResponse:
    year = _public_year(request)
    if not year or selectors.disclosure_of(year) is None:
        raise Http404
    rows = []
    for row in map(_public_row, selectors.disclosure_rows(year)):
        employer = row["employer"]
        figures = (
            [row["staff"], row["required"], row["counted"].text, row["met"]]
            if row["declaration"]
            else ["", "", "", _("尚未审核确认")]
        )
        rows.append([employer.name, employer.get_kind_display(), *figures])
    content = _year_book(year, DISCLOSED_HEADERS, rows)
    name = _("%(year)d年度机关事业单位按比例安排残疾人就业情况公示.xlsx") % {"year": year}
    return attachment(content, name)
