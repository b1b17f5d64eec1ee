"""The annual report page: choose a year (and the district or a town), start the report in the
background, follow its progress, download it. Leaders, district staff and administrators
choose any scope; a town officer gets their own town's report. A job and its file belong to
the user who started it: anyone else gets 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role
from jiuye.core.access import roles_required
from jiuye.core.audit import access_log
from jiuye.core.downloads import attachment
from jiuye.core.models import AccessEvent
from jiuye.dashboards.forms.report import AnnualReportForm
from jiuye.dashboards.selectors.report import ReportError, report_plan, report_years
from jiuye.dashboards.services import report as services
from jiuye.dashboards.services import report_charts as charts
from jiuye.reference.models import Region
from jiuye.reference.selectors import district_and_towns

REPORT_ROLES = (Role.ADMIN, Role.DISTRICT, Role.LEADER, Role.TOWN)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SESSION_KEY = "annual_report_jobs"
JOBS_LISTED = 5


def _regions(user: Any) -> list[Region]:
    district, towns = district_and_towns()
    if user.role == Role.TOWN:
        return [t for t in towns if t.code == user.town_id]
    return [district, *towns]


def _jobs(request: HttpRequest) -> list[dict[str, Any]]:
    tokens = request.session.get(SESSION_KEY, [])
    found = (services.job_of(token, request.user) for token in tokens)
    return [job for job in found if job is not None]


# Generating a report writes no record, so a read-only leader may start one (no write=True).
@roles_required(*REPORT_ROLES)
@require_http_methods(["GET", "POST"])
def annual_report(request: HttpRequest) -> HttpResponse:
    regions = _regions(request.user)
    years = report_years()
    if not years or not regions:
        return render(request, "dashboards/report/report.html", {"form": None, "jobs": []})
    form = AnnualReportForm(
        request.POST if request.method == "POST" else None,
        years=years,
        regions=regions,
        initial={"year": years[-1], "region": regions[0].code},
    )
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        region = form.cleaned_data.get("region") or regions[0]
        try:
            report_plan(year)
            charts.font_check()
        except ReportError as exc:
            form.add_error(None, str(exc))
        else:
            token = services.report_start(user=request.user, year=year, region=region)
            request.session[SESSION_KEY] = [token, *request.session.get(SESSION_KEY, [])][
                :JOBS_LISTED
            ]
            return redirect("dashboards:report-job", token=token)
    return render(request, "dashboards/report/report.html", {"form": form, "jobs": _jobs(request)})


def _job_or_404(request: HttpRequest, token: uuid.UUID) -> dict[str, Any]:
    job = services.job_of(str(token), request.user)
    if job is None:
        raise Http404
    return job


@roles_required(*REPORT_ROLES)
@require_GET
def annual_report_job(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    return render(request, "dashboards/report/job.html", {"job": _job_or_404(request, token)})


@roles_required(*REPORT_ROLES)
@require_GET
def annual_report_progress(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    return render(request, "dashboards/report/_progress.html", {"job": _job_or_404(request, token)})


@roles_required(*REPORT_ROLES)
@require_GET
def annual_report_download(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    found = services.report_file(token=str(token), user=request.user)
    if found is None:
        raise Http404
    content, filename = found
    access_log(
        action=AccessEvent.Action.EXPORT,
        request=request,
        detail={"kind": "annual_report", "token": str(token)},
    )
    return attachment(content, filename, DOCX)
