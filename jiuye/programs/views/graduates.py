"""Pages of action 七: the education bureau's lines, the unmatched ones, one file per graduate,
the graduation-year worklist and the exchange back to the bureau.

Who may do what:
- lines, worklist, a graduate's file and their exports: administrators, district staff and
  town officers, each for the persons in their scope (a town officer: their town's; another
  person is a 404). Other roles: 403.
- unmatched lines (register, reject, match again) and the file back to the bureau:
  administrators and district staff (the unmatched rows are the district's); others 403.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import PERSONAL_DATA_ROLES, Role
from jiuye.core import crud
from jiuye.core.access import roles_required
from jiuye.core.downloads import formula_safe, logged_export
from jiuye.core.forms import ArchiveForm, add_service_errors
from jiuye.core.masking import mask_id_number
from jiuye.core.scoping import get_scoped_or_404
from jiuye.people.models import Person
from jiuye.programs.forms.graduates import GraduateFilterForm, GraduateRegisterForm, WorklistForm
from jiuye.programs.models.graduates import GraduateRecord
from jiuye.programs.selectors import graduates as selectors
from jiuye.programs.services import graduates as services

PERSONAL = tuple(PERSONAL_DATA_ROLES)
DISTRICT = (Role.ADMIN, Role.DISTRICT)
PAGE_SIZE = 50


def _line_rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """Open lines of a graduation year, by name or school, matched or not, with what was done
    for each person."""
    form = GraduateFilterForm(request.GET or None)
    f = form.text_filters("q", "matched")
    lines = selectors.lines_filtered(
        records, year=form.filters().get("year"), query=f["q"], matched=f["matched"]
    )
    rows = selectors.with_progress(lines, timezone.localdate()).order_by(
        "-graduation_year", "school", "name"
    )
    return rows, {"search_form": form}


def _line_row(line: GraduateRecord) -> list[Any]:
    return [
        formula_safe(line.name),
        mask_id_number(line.id_number),
        formula_safe(line.school),
        formula_safe(line.major),
        line.get_degree_level_display(),
        line.entry_year,
        line.graduation_year,
        _("已匹配") if line.person_id else _("待匹配"),
        line.person.region.name if line.person_id else "",
        line.n_services,
        line.last_service or "",
        line.n_trainings,
        line.n_referrals,
        _("已就业") if line.employed else _("未就业"),
        formula_safe(line.employer_name or ""),
    ]


LINE_HEADERS = (
    gettext_lazy("姓名"),
    gettext_lazy("身份证号（部分隐藏）"),
    gettext_lazy("学校"),
    gettext_lazy("专业"),
    gettext_lazy("学历层次"),
    gettext_lazy("入学年份"),
    gettext_lazy("预计毕业年份"),
    gettext_lazy("匹配情况"),
    gettext_lazy("村社区"),
    gettext_lazy("服务次数"),
    gettext_lazy("最近服务日期"),
    gettext_lazy("参加培训次数"),
    gettext_lazy("推荐岗位次数"),
    gettext_lazy("就业状态"),
    gettext_lazy("就业单位"),
)


# The lines name persons: the exports are masked and logged.
GRADUATES = crud.ListPages(
    readers=PERSONAL,
    visible=selectors.graduates_visible,
    template="programs/graduates/list.html",
    rows=_line_rows,
    page_context=lambda request, context: {"is_district": request.user.role in DISTRICT},
    export=crud.Export(
        title=gettext_lazy("残疾学生名单"),
        headers=LINE_HEADERS,
        row=_line_row,
        width=14,
        logged="graduates",
    ),
    page_size=PAGE_SIZE,
)


@roles_required(*DISTRICT)
@require_GET
def exchange_export(request: HttpRequest) -> HttpResponse:
    """The file back to the education bureau: per graduate line, the services given and the
    placement status, with full ID numbers for the bureau to match (a logged reveal)."""
    form = WorklistForm(request.GET or None)
    year = form.filters().get("year")
    lines = selectors.graduates_filtered(request.user, year=year).filter(person__isnull=False)
    rows = selectors.with_progress(lines, timezone.localdate()).order_by("school", "name")
    headers = [str(h) for h in LINE_HEADERS]
    headers[1] = _("身份证号")

    def row(line: GraduateRecord) -> list[Any]:
        cells = _line_row(line)
        cells[1] = line.id_number
        return cells

    return logged_export(
        request,
        rows,
        row,
        kind="graduates_exchange",
        title=_("回传教育部门"),
        headers=headers,
        filename=_("残疾学生就业服务情况（回传教育部门）.xlsx"),
        revealed=True,
        width=14,
    )


@roles_required(*DISTRICT)
@require_GET
def unmatched_list(request: HttpRequest) -> HttpResponse:
    lines = selectors.unmatched_lines(request.user)
    context = {
        "open_lines": [line for line in lines if not line.is_archived],
        "rejected": [line for line in lines if line.is_archived],
    }
    return render(request, "programs/graduates/unmatched.html", context)


@roles_required(*DISTRICT)
@require_GET
def unmatched_export(request: HttpRequest) -> HttpResponse:
    """The unmatched lines, open and rejected (ID numbers masked); logged."""
    headers = [_("姓名"), _("身份证号（部分隐藏）"), _("学校"), _("专业"), _("入学年份")]
    headers += [_("预计毕业年份"), _("状态"), _("不予登记的原因")]

    def row(line: GraduateRecord) -> list[Any]:
        return [
            formula_safe(line.name),
            line.masked_id_number,
            formula_safe(line.school),
            formula_safe(line.major),
            line.entry_year,
            line.graduation_year,
            _("不予登记") if line.is_archived else _("待处理"),
            formula_safe(line.archived_reason),
        ]

    return logged_export(
        request,
        selectors.unmatched_lines(request.user),
        row,
        kind="graduates_unmatched",
        title=_("待匹配的记录"),
        headers=headers,
        filename=_("待匹配的残疾学生记录.xlsx"),
        width=14,
    )


@roles_required(*DISTRICT, write=True)
@require_POST
def unmatched_match(request: HttpRequest) -> HttpResponse:
    linked = services.graduates_match(by=request.user)
    messages.success(request, _("已匹配 %(n)d 条记录。") % {"n": linked})
    return redirect("programs:graduates-unmatched")


def _unmatched(request: HttpRequest, pk: uuid.UUID) -> GraduateRecord:
    lines = selectors.unmatched_lines(request.user).filter(archived_at__isnull=True)
    return get_object_or_404(lines, pk=pk)


@roles_required(*DISTRICT, write=True)
@require_http_methods(["GET", "POST"])
def unmatched_register(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    line = _unmatched(request, pk)
    form = GraduateRegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.graduate_register(
                pk=line.pk, region=form.cleaned_data["region"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记 %(name)s 并与名单匹配。") % {"name": line.name})
            return redirect("programs:graduate-file", pk=line.person_id)
    context = {"line": line, "form": form}
    return render(request, "programs/graduates/register.html", context)


@roles_required(*DISTRICT, write=True)
@require_http_methods(["GET", "POST"])
def unmatched_reject(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    line = _unmatched(request, pk)
    help_text = _("例如：非本区户籍、已转学、身份证号有误。记录保留，不再列为待匹配。")
    form = ArchiveForm(request.POST or None, help_text=help_text)
    if request.method == "POST" and form.is_valid():
        try:
            services.graduate_reject(
                pk=line.pk, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已将 %(name)s 列为不予登记。") % {"name": line.name})
            return redirect("programs:graduates-unmatched")
    return render(request, "programs/graduates/reject.html", {"line": line, "form": form})


@roles_required(*PERSONAL)
@require_GET
def graduate_file(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    queryset = Person.objects.select_related("region__parent", "category", "grade")
    person = get_scoped_or_404(request.user, queryset, pk=pk)
    context = {"file": selectors.graduate_file(person), "person": person}
    return render(request, "programs/graduates/file.html", context)


def _worklist_rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """Graduates of the chosen year (this year by default) not yet employed."""
    form = WorklistForm(request.GET or None)
    year = form.chosen_year()
    return selectors.worklist_of(records, year), {"form": form, "year": year}


WORKLIST = crud.ListPages(
    readers=PERSONAL,
    visible=selectors.graduates_visible,
    template="programs/graduates/worklist.html",
    rows=_worklist_rows,
    page_context=lambda request, context: {
        "year_end": selectors.year_end(request.user, context["year"])
    },
    export=crud.Export(
        title=gettext_lazy("%(year)d年未就业毕业生"),
        headers=LINE_HEADERS,
        row=_line_row,
        width=14,
        logged="graduates_worklist",
    ),
    page_size=PAGE_SIZE,
)
