"""为全场招聘会匹配: rank every posting of a fair among its registered seekers (issue 19).

Who may do what: administrators and district staff match a fair among all its seekers; a
town officer among the seekers of their own town (the task ranks within ``scope_for``). Any
fair they can see. Matching writes no record, so there is no read-only refusal beyond the
roles. A job, its result and its export belong to the user who started it: anyone else, or
the job opened under another fair, gets 404. The export of candidates is personal data and
goes to the access log.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuye.accounts.models import Role
from jiuye.core.access import roles_required
from jiuye.core.audit import access_log
from jiuye.core.downloads import attachment, workbook
from jiuye.core.listing import page_of
from jiuye.core.models import AccessEvent
from jiuye.core.roles import PERSONAL_DATA_ROLES
from jiuye.jobs.models import Fair
from jiuye.jobs.services import fair_matching as services
from jiuye.jobs.views.fairs import _fair

MATCHERS = PERSONAL_DATA_ROLES
# Postings shown per page of a result: a 500-employer fair lists about 5,000 candidates, which
# is too long a page to read or to move through with a screen reader. The export has them all.
POSTINGS_PER_PAGE = 20


def _job(request: HttpRequest, fair: Fair, token: uuid.UUID) -> dict[str, Any]:
    job = services.fair_matching_job(str(token), request.user)
    if job is None or job["fair"] != str(fair.pk):
        raise Http404
    return job


def _context(request: HttpRequest, fair: Fair, job: dict[str, Any]) -> dict[str, Any]:
    result = page = None
    if job["phase"] == "done":
        result = services.fair_matching_result(token=job["token"], user=request.user)
        if result is not None:
            page = page_of(request, result["postings"], POSTINGS_PER_PAGE)
    return {
        "fair": fair,
        "job": job,
        "result": result,
        "page": page,
        "own_town": request.user.town if request.user.role == Role.TOWN else None,
    }


@roles_required(*MATCHERS)
@require_POST
def fair_match(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    fair = _fair(request, pk)
    token = services.fair_matching_start(user=request.user, fair=fair)
    return redirect("jobs:fair-match-job", pk=fair.pk, token=token)


@roles_required(*MATCHERS)
@require_GET
def fair_match_job(request: HttpRequest, pk: uuid.UUID, token: uuid.UUID) -> HttpResponse:
    fair = _fair(request, pk)
    job = _job(request, fair, token)
    return render(request, "jobs/fair_match.html", _context(request, fair, job))


@roles_required(*MATCHERS)
@require_GET
def fair_match_progress(request: HttpRequest, pk: uuid.UUID, token: uuid.UUID) -> HttpResponse:
    fair = _fair(request, pk)
    job = _job(request, fair, token)
    return render(request, "jobs/_fair_match_progress.html", _context(request, fair, job))


def _rows(result: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for posting in result["postings"]:
        for rank, candidate in enumerate(posting["candidates"], start=1):
            rows.append(
                [
                    posting["employer"],
                    posting["title"],
                    rank,
                    candidate["name"],
                    candidate["region"],
                    candidate["category"],
                    candidate["score"],
                    _("；").join(
                        f"{reason['text']}（{reason['points']}/{reason['max']}）"
                        for reason in candidate["reasons"]
                    ),
                ]
            )
    return rows


@roles_required(*MATCHERS)
@require_GET
def fair_match_export(request: HttpRequest, pk: uuid.UUID, token: uuid.UUID) -> HttpResponse:
    fair = _fair(request, pk)
    job = _job(request, fair, token)
    result = services.fair_matching_result(token=job["token"], user=request.user)
    if result is None:
        raise Http404
    rows = _rows(result)
    access_log(
        action=AccessEvent.Action.EXPORT,
        request=request,
        obj=fair,
        detail={"kind": "fair_matching", "rows": len(rows), "token": job["token"]},
    )
    headers = [
        _("用人单位"),
        _("岗位"),
        _("名次"),
        _("姓名"),
        _("村社区"),
        _("残疾类别"),
        _("匹配分"),
        _("匹配理由"),
    ]
    content = workbook(_("推荐人选"), headers, rows, widths=(24, 18, 6, 10, 16, 10, 8, 100))
    return attachment(content, _("%(fair)s-推荐人选.xlsx") % {"fair": fair.name})
