"""Training outcomes: a provider's scorecard and the list behind the numbers.

Who may do what:
- scorecard: administrators, district staff, leaders and department liaisons for any provider;
  a town officer for providers in their town (another provider: 404). Figures only; the link to
  the list behind a number is shown to the roles that may read personal data.
- outcomes (the list) and its export: administrators, district staff and town officers, each
  for the persons in their scope (``scope_for``); every other role 403. Exports are logged.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiuye.accounts.models import PERSONAL_DATA_ROLES, Role
from jiuye.core.access import roles_required
from jiuye.core.audit import access_log
from jiuye.core.downloads import attachment, formula_safe, workbook
from jiuye.core.models import AccessEvent
from jiuye.core.periods import reference_date
from jiuye.core.scoping import scope_for
from jiuye.training.forms.outcomes import OutcomeFilterForm
from jiuye.training.models import Course, CourseKind, Enrolment, Provider
from jiuye.training.selectors import outcomes as selectors

PERSONAL = tuple(PERSONAL_DATA_ROLES)
READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER, Role.DEPARTMENT)
PAGE_SIZE = 50


def _provider(request: HttpRequest, pk: uuid.UUID) -> Provider:
    providers = Provider.objects.select_related("region")
    if request.user.role == Role.TOWN:
        providers = scope_for(request.user, providers)
    try:
        return providers.get(pk=pk)
    except Provider.DoesNotExist:
        raise Http404 from None


@roles_required(*READERS)
@require_GET
def scorecard(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    provider = _provider(request, pk)
    scores = selectors.scorecard(provider)
    context = {
        "provider": provider,
        "scores": scores,
        "total": selectors.provider_totals(scores),
        "best": next((s for s in scores if s.figures.conversion_rate is not None), None),
        "months": selectors.conversion_months(),
        "stable_months": selectors.stability_months(),
        "personal": request.user.role in PERSONAL,
    }
    return render(request, "training/scorecard.html", context)


def _chosen(request: HttpRequest) -> tuple[OutcomeFilterForm, dict[str, Any], Any, Any]:
    """The filter form, the valid filters, and the course and provider they name (None when
    the id names nothing: the list then shows nothing rather than everything)."""
    form = OutcomeFilterForm(request.GET or None)
    chosen = form.filters()
    course = provider = None
    if chosen.get("course"):
        course = Course.objects.select_related("provider").filter(pk=chosen["course"]).first()
        if course is None:
            raise Http404
    if chosen.get("provider"):
        provider = Provider.objects.filter(pk=chosen["provider"]).first()
        if provider is None:
            raise Http404
    return form, chosen, course, provider


def _on(chosen: dict[str, Any]) -> Any:
    """The day stability is judged on: the year's reference date when a year is chosen (as
    the plan indicators do), else today."""
    return reference_date(chosen["year"]) if chosen.get("year") else timezone.localdate()


def _figures(request: HttpRequest, chosen: dict[str, Any]) -> selectors.OutcomeFigures:
    enrolments = selectors.outcome_filter(
        scope_for(request.user, Enrolment),
        course=chosen.get("course"),
        provider=chosen.get("provider"),
        kind=chosen.get("kind", ""),
        year=chosen.get("year"),
    )
    return selectors.conversion(enrolments, on=_on(chosen))


@roles_required(*PERSONAL)
@require_GET
def outcome_list(request: HttpRequest) -> HttpResponse:
    form, chosen, course, provider = _chosen(request)
    figures = _figures(request, chosen)
    page = Paginator(figures.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page"}
    context = {
        "form": form,
        "filters": form,
        "figures": figures,
        "page": page,
        "course": course,
        "provider": provider,
        "kind_label": dict(CourseKind.choices).get(chosen.get("kind", ""), ""),
        "year": chosen.get("year"),
        "on": _on(chosen),
        "export_query": urlencode({k: v for k, v in query.items() if v}),
        "months": selectors.conversion_months(),
        "stable_months": selectors.stability_months(),
        "own_town": request.user.town if request.user.role == Role.TOWN else None,
    }
    return render(request, "training/outcomes.html", context)


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("未到期")
    return _("是") if value else _("否")


def _export_row(row: selectors.OutcomeRow) -> list[Any]:
    e, job = row.enrolment, row.first_job
    return [
        formula_safe(e.person.name),
        e.person.region.name,
        formula_safe(e.course.provider.name),
        formula_safe(e.course.title),
        e.course.get_kind_display(),
        e.course.start_date,
        e.completed_on,
        formula_safe(job.workplace) if job else "",
        job.get_form_display() if job else "",
        job.start_date if job else None,
        _yes_no(row.converted),
        row.stability_date,
        _yes_no(row.stable) if row.converted else "",
    ]


@roles_required(*PERSONAL)
@require_GET
def outcomes_export(request: HttpRequest) -> HttpResponse:
    """The list behind the numbers as .xlsx (names, no ID numbers). Logged as an export of
    personal data."""
    _form, chosen, _course, _provider = _chosen(request)
    figures = _figures(request, chosen)
    rows = map(_export_row, figures.rows)
    headers = [
        _("姓名"),
        _("村社区"),
        _("培训机构"),
        _("课程"),
        _("培训类型"),
        _("开班日期"),
        _("结业日期"),
        _("首份工作单位"),
        _("就业形式"),
        _("入职日期"),
        _("是否转化就业"),
        _("稳定就业判定日"),
        _("是否稳定就业"),
    ]
    content = workbook(_("培训成效"), headers, rows, width=16)
    access_log(
        action=AccessEvent.Action.EXPORT,
        request=request,
        detail={
            "kind": "training_outcomes",
            "rows": len(figures.rows),
            "revealed": False,
            "filters": {k: str(v) for k, v in chosen.items()},
        },
    )
    return attachment(
        content, _("培训成效-%(day)s.xlsx") % {"day": f"{timezone.localdate():%Y%m%d}"}
    )
