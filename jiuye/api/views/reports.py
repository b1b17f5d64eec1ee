"""Progress reports of the plan's tasks: read them, and a department (or town) submits its
report through the same service as the report page."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from jiuye.actionplan import selectors
from jiuye.actionplan.models import ProgressReport, ReportingPeriod, Task
from jiuye.actionplan.services import reports
from jiuye.api.views.conventions import BadParameter, etag, keyset_page, note_rows
from jiuye.core.roles import STAFF_ROLES, Role
from jiuye.core.scoping import get_scoped_or_404, scope_for

router = Router(tags=["reports"])

# As the report page: the responsible units write their own reports.
_REPORTERS = (Role.DEPARTMENT, Role.TOWN)


def report_data(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": str(report.pk),
        "task": str(report.task_id),
        "period": str(report.period_id),
        "department": report.department_id,
        "status": report.status,
        "narrative": report.narrative,
        "actual_value": None if report.actual_value is None else str(report.actual_value),
        "figures": report.figures,
        "problems": report.problems,
        "next_steps": report.next_steps,
        "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
        "review_comment": report.review_comment,
        "version": report.version,
        "updated_at": report.updated_at.isoformat(),
    }


@router.get("/reports", summary="进度报告")
def report_list(
    request: HttpRequest,
    updated_since: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    if request.user.role not in STAFF_ROLES:
        raise PermissionDenied
    return keyset_page(
        request,
        scope_for(request.user, ProgressReport),
        report_data,
        cursor=cursor,
        limit=limit,
        updated_since=updated_since,
    )


class ReportIn(Schema):
    narrative: str
    actual_value: Decimal | None = None
    figures: str = ""
    problems: str = ""
    next_steps: str = ""
    submit: bool = False
    # The version the caller last read (or an If-Match header with the report's ETag).
    version: int | None = None


def _version(request: HttpRequest, body: ReportIn) -> int | None:
    if body.version is not None:
        return body.version
    match = re.fullmatch(r'(?:W/)?"(\d+)"', request.headers.get("If-Match", "").strip())
    return int(match.group(1)) if match else None


@router.put("/reports/{task_id}/{period_id}", summary="保存或报送本单位的进度报告")
def report_put(
    request: HttpRequest,
    task_id: uuid.UUID,
    period_id: uuid.UUID,
    body: ReportIn,
    response: HttpResponse,
) -> dict[str, Any]:
    user = request.user
    if user.role not in _REPORTERS:
        raise PermissionDenied
    task = get_scoped_or_404(user, Task, pk=task_id)
    period = get_scoped_or_404(user, ReportingPeriod, pk=period_id, plan=task.action.plan)
    department = selectors.department_of_user(user)
    if department is None or not task.assignments.filter(department=department).exists():
        raise Http404
    version = _version(request, body)
    exists = ProgressReport.objects.filter(task=task, period=period, department=department)
    if version is None and exists.exists():
        raise BadParameter(
            "version",
            _(
                "这份报告已经存在：请带上读取时的 version（或 If-Match 请求头），"
                "以免覆盖别人的修改。"
            ),
        )
    report = reports.report_save_with_attachments(
        task=task,
        period=period,
        department=department,
        data={**body.dict(exclude={"submit", "version"}), "version": version},
        submit=body.submit,
        by=user,
    )
    note_rows(request, 1, personal=False)
    response.headers["ETag"] = etag(report.version)
    return report_data(report)
