"""Casework pages: the town worklist and the coverage dashboard (action 十).

Who may do what: system administrators and district staff open any town's worklist (they
choose the town); a town officer only their own town's. The coverage dashboard is also open to
leaders, who see aggregates only: their numbers are not links and the gap lists behind them
(lists of persons) are 403 for them. Department liaisons, employers and job seekers get 403.
Every export of personal data is written to the access log.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from jiuye.accounts.models import PERSONAL_DATA_ROLES, Role
from jiuye.casework import selectors
from jiuye.casework.forms.worklist import (
    GAP_TITLES,
    STATUS_CHOICES,
    CoverageForm,
    GapForm,
    WorklistForm,
)
from jiuye.core import keyset
from jiuye.core.access import roles_required
from jiuye.core.audit import access_log
from jiuye.core.downloads import Book, attachment_header, formula_safe
from jiuye.core.models import AccessEvent
from jiuye.core.scoping import region_in_scope, scope_for
from jiuye.people.models import Person
from jiuye.reference.models import Region

PAGE_SIZE = 50
COVERAGE_ROLES = (*PERSONAL_DATA_ROLES, Role.LEADER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(page: Any) -> list[tuple[Person, selectors.CaseMarks]]:
    return [(person, selectors.case_marks(person)) for person in page]


def _worklist_persons(request: HttpRequest, form: WorklistForm) -> QuerySet[Person]:
    data = form.cleaned_data
    return selectors.worklist(
        queryset=scope_for(request.user, Person),
        region=form.area(),
        year=data["year"],
        status=data.get("status") or "",
        order=data.get("order") or "village",
    )


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    form = WorklistForm(request.GET, user=request.user)
    page = rows = counted_at = None
    if form.is_bound and form.is_valid() and form.area() is not None:
        data = form.cleaned_data
        # Counted from the village tallies, and "not yet done first" walked segment by segment
        # (ADR 0005): no COUNT and no CASE over the town's whole population.
        persons = selectors.worklist_pages(
            queryset=scope_for(request.user, Person),
            region=form.area(),
            year=data["year"],
            status=data.get("status") or "",
            order=data.get("order") or "village",
        )
        # Keyset pages ("the 50 after this person"): a deep page costs what the first costs.
        order, status = data.get("order") or "village", data.get("status") or ""
        page = keyset.keyset_page(
            request,
            [qs for qs, _size in persons.segments],
            list_id=f"worklist:{order}:{status}",
            size=PAGE_SIZE,
            total=persons.count(),
        )
        rows = _rows(page)
        counted_at = persons.counted_at
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "counted_at": counted_at,
        "query": request.GET.urlencode(),
    }
    return render(request, "casework/worklist.html", context)


def _xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = attachment_header(filename)
    return response


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def worklist_export(request: HttpRequest) -> HttpResponse:
    """The filtered worklist (every page) as .xlsx, ID numbers masked, in the access log."""
    form = WorklistForm(request.GET, user=request.user)
    if not (form.is_bound and form.is_valid() and form.area() is not None):
        return render(request, "casework/worklist.html", {"form": form}, status=400)
    workbook = Book(write_only=True)
    sheet = workbook.create_sheet(_("工作清单"))
    sheet.append(
        [
            _("姓名"),
            _("身份证号（脱敏）"),
            _("性别"),
            _("出生日期"),
            _("村（社区）"),
            _("就业意愿"),
            _("基础信息核对"),
            _("就业需求登记"),
            _("就业服务"),
            _("本年是否完成"),
        ]
    )
    count = 0
    for person in _worklist_persons(request, form).iterator(chunk_size=2000):
        marks = selectors.case_marks(person)
        sheet.append(
            [
                formula_safe(person.name),
                person.masked_id_number,
                person.get_sex_display(),
                person.birth_date,
                formula_safe(person.region.name),
                person.get_wish_to_work_display(),
                marks.verified.label,
                marks.needs.label,
                marks.served.label,
                _("已完成") if marks.done else _("未完成"),
            ]
        )
        count += 1
    area, year = form.area(), form.cleaned_data["year"]
    access_log(
        action=AccessEvent.Action.EXPORT,
        request=request,
        detail={
            "kind": "casework_worklist",
            "rows": count,
            "revealed": False,
            "query": request.GET.urlencode(),
        },
    )
    return _xlsx_response(workbook, f"{area.name}{year}年工作清单.xlsx")


# --- coverage ------------------------------------------------------------------------------


def _coverage(request: HttpRequest, form: CoverageForm) -> selectors.Coverage:
    # Counts only, read from the village tallies (ADR 0005). The form offers each user only
    # regions in their scope (a town officer's own town), so the counts are of persons they
    # may count; leaders see aggregates but no person (the gap lists are not theirs).
    return selectors.coverage(region=form.area(), year=form.cleaned_data["year"])


def _chart_data(result: selectors.Coverage) -> dict[str, Any]:
    def rate(value: Any) -> float | None:
        return float(value) if value is not None else None

    return {
        "names": [row.name for row in result.rows],
        "series": [
            {"name": _("核对率"), "data": [rate(r.verified_rate) for r in result.rows]},
            {"name": _("需求登记率"), "data": [rate(r.needs_rate) for r in result.rows]},
            {"name": _("服务率"), "data": [rate(r.served_rate) for r in result.rows]},
        ],
        "title": _("%(y)s年%(r)s就业服务覆盖率（%%）")
        % {"y": result.year, "r": result.region.name},
    }


# The columns of the coverage table: (figure, rate shown beside it, heading).
COLUMNS = [
    ("unemployed", None, gettext_lazy("就业年龄段未就业")),
    ("verified", "verified_rate", gettext_lazy("已核对（核对率）")),
    ("not_verified", None, gettext_lazy("未核对")),
    ("wanting", None, gettext_lazy("有就业意愿")),
    ("needs", "needs_rate", gettext_lazy("已登记需求（登记率）")),
    ("needs_missing", None, gettext_lazy("未登记需求")),
    ("served", "served_rate", gettext_lazy("已服务（服务率）")),
    ("not_served", None, gettext_lazy("登记后未服务")),
]


def _table(result: selectors.Coverage) -> list[dict[str, Any]]:
    """Each row with its cells: the figure, its rate, and the gap list it links to."""
    return [
        {
            "row": row,
            "is_total": row is result.total,
            "cells": [
                {
                    "gap": gap,
                    "value": getattr(row, gap),
                    "rate": getattr(row, rate) if rate else None,
                    "has_rate": bool(rate),
                    "label": label,
                }
                for gap, rate, label in COLUMNS
            ],
        }
        for row in [*result.rows, result.total]
    ]


@roles_required(*COVERAGE_ROLES)
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    form = CoverageForm(request.GET, user=request.user)
    result = _coverage(request, form) if form.is_valid() else None
    context = {
        "form": form,
        "result": result,
        "chart": _chart_data(result) if result else None,
        "table": _table(result) if result else None,
        "columns": [label for _gap, _rate, label in COLUMNS],
        "links": request.user.role in PERSONAL_DATA_ROLES,
        "query": request.GET.urlencode(),
    }
    return render(request, "casework/coverage.html", context)


@roles_required(*COVERAGE_ROLES)
@require_GET
def coverage_export(request: HttpRequest) -> HttpResponse:
    """The coverage table as .xlsx (counts and rates only, no personal data)."""
    form = CoverageForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "casework/coverage.html", {"form": form}, status=400)
    result = _coverage(request, form)
    workbook = Book(write_only=True)
    sheet = workbook.create_sheet(_("覆盖情况"))
    sheet.append([_("%(y)s年%(r)s") % {"y": result.year, "r": result.region.name}])
    if result.counted_at is not None:
        # As the page says above its figures (includes/recounting.html).
        when = timezone.localtime(result.counted_at).strftime("%Y-%m-%d %H:%M")
        sheet.append(
            [
                _(
                    "部分村（社区）刚有人员变动，正在后台重新统计。这里的人数是 %(t)s 统计的，"
                    "可能还不含这些变动；稍后重新导出可得到最新人数。"
                )
                % {"t": when}
            ]
        )
    sheet.append(
        [
            _("区划代码"),
            _("区域"),
            _("就业年龄段未就业"),
            _("已核对"),
            _("核对率（%）"),
            _("有就业意愿"),
            _("已登记需求"),
            _("需求登记率（%）"),
            _("已服务"),
            _("服务率（%）"),
        ]
    )
    for row in [*result.rows, result.total]:
        name = row.name if row is not result.total else _("合计（%(r)s）") % {"r": row.name}
        sheet.append(
            [
                row.code,
                formula_safe(name),
                row.unemployed,
                row.verified,
                row.verified_rate,
                row.wanting,
                row.needs,
                row.needs_rate,
                row.served,
                row.served_rate,
            ]
        )
    return _xlsx_response(workbook, f"{result.region.name}{result.year}年就业服务覆盖情况.xlsx")


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def coverage_gaps(request: HttpRequest) -> HttpResponse:
    """The persons behind one number of the coverage table. A region out of the user's scope
    (or unknown) is a 404, like any object they cannot see."""
    data = request.GET
    if not data:
        # Opened bare (from a bookmark, say): this year's whole population of the user's town,
        # or of the district for district staff.
        home = request.user.town_id if request.user.role == Role.TOWN else None
        data = {
            "region": home or settings.JIUYE_DISTRICT_CODE,
            "year": timezone.localdate().year,
            "gap": "unemployed",
        }
    form = GapForm(data)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    region = Region.objects.filter(code=data["region"]).first()
    if region is None or not region_in_scope(request.user, region.code):
        raise Http404
    persons = selectors.gap_list(
        queryset=scope_for(request.user, Person),
        region=region,
        year=data["year"],
        gap=data["gap"],
    )
    page = keyset.keyset_page(
        request, [persons], list_id=f"gaps:{data['gap']}", size=PAGE_SIZE, count=persons.count
    )
    context = {
        "region": region,
        "year": data["year"],
        "gap": data["gap"],
        "title": GAP_TITLES[data["gap"]],
        "page": page,
        "rows": _rows(page),
        "worklist_status": data["gap"] if data["gap"] in dict(STATUS_CHOICES) else "",
    }
    return render(request, "casework/coverage_gaps.html", context)
