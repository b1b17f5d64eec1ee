"""The progress-report workflow: a department drafts and submits, district staff accept or
return with a comment, the department revises; an accepted report is locked for its period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.actionplan.models import (
    ProgressReport,
    ReportAttachment,
    ReportingPeriod,
    Task,
)
from jiuye.core import conflicts
from jiuye.core.uploads import detect
from jiuye.notifications.selectors import reviewers
from jiuye.notifications.services import Event, notify
from jiuye.reference.models import Department

Status = ProgressReport.Status

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
# The extensions a report attachment may have; what it is, is read from its content.
ALLOWED_ATTACHMENTS = frozenset({".pdf", ".docx", ".doc", ".xlsx", ".jpg", ".jpeg", ".png"})
ATTACHMENT_TYPES = ("pdf", "docx", "doc", "xlsx", "jpeg", "png")


def _now() -> dt.datetime:
    return timezone.now()


@transaction.atomic
def report_save(
    *,
    task: Task,
    period: ReportingPeriod,
    department: Department,
    narrative: str,
    actual_value: Any,
    figures: str,
    submit: bool,
    by: Any,
    version: int | None = None,
    problems: str = "",
    next_steps: str = "",
) -> ProgressReport:
    """Create or revise a department's report; ``submit`` sends it for review. ``problems``
    and ``next_steps`` (optional) are what the annual report leads its problems with."""
    if not task.assignments.filter(department=department).exists():
        raise PermissionDenied
    if period.plan_id != task.action.plan_id:
        raise ValidationError(_("报告期不属于这项任务所在的方案。"))
    report = (
        ProgressReport.objects.select_for_update()
        .filter(task=task, period=period, department=department)
        .first()
    )
    if report is None:
        report = ProgressReport(
            task=task, period=period, department=department, created_by=by, narrative=narrative
        )
    else:
        if not report.is_editable:
            raise ValidationError(
                _("这份报告的状态是“%(status)s”，不能再修改。")
                % {"status": report.get_status_display()}
            )
        conflicts.check_version(report, version)
        report.version = F("version") + 1
    report.narrative = narrative
    report.actual_value = actual_value
    report.figures = figures
    report.problems = problems
    report.next_steps = next_steps
    report.updated_by = by
    if submit:
        report.status = Status.SUBMITTED
        report.submitted_at = _now()
        report.submitted_by = by
    elif report.status != Status.RETURNED:
        report.status = Status.DRAFT
    report.full_clean(exclude=["version"])
    report.save()
    report.refresh_from_db()
    if submit:
        notify(
            event=Event(
                key=f"report:{report.pk}:submitted:{report.version}",
                kind="report_submitted",
                title=_("进展报告待审核：%(task)s（%(period)s，%(department)s）")
                % {"task": task.code, "period": period.name, "department": department.name},
                body=task.title,
                url=f"/plan/reports/{report.pk}/",
            ),
            recipients=reviewers(),
        )
    return report


def attachment_validate(upload: UploadedFile) -> tuple[str, str]:
    """Returns (extension, content type) or raises a ValidationError naming the file."""
    name = upload.name or ""
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ALLOWED_ATTACHMENTS:
        raise ValidationError(
            _("“%(name)s”的类型不能上传。只能上传 PDF、Word、Excel 或 JPG/PNG 图片。")
            % {"name": name}
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("“%(name)s”有 %(size).1f MB，超过了 10 MB 的上限。请压缩后再上传。")
            % {"name": name, "size": upload.size / 1024 / 1024}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name})
    # What the file really is, read from its content: a name or a first line can lie.
    detected = detect(upload, ATTACHMENT_TYPES)
    return detected.extension, detected.content_type


@transaction.atomic
def attachment_add(*, report: ProgressReport, upload: UploadedFile, by: Any) -> ReportAttachment:
    if not report.is_editable:
        raise ValidationError(_("报告已提交或已通过，不能再添加附件。"))
    if report.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(_("每份报告最多 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS})
    _ext, content_type = attachment_validate(upload)
    attachment = ReportAttachment(
        report=report,
        original_name=(upload.name or "")[:200],
        content_type=content_type,
        size=upload.size,
        created_by=by,
        updated_by=by,
    )
    attachment.file.save(str(attachment.id), upload, save=False)
    attachment.save()
    return attachment


def _notify_department(
    report: ProgressReport, *, kind: str, title: str, body: str, url: str
) -> None:
    from jiuye.actionplan.selectors import users_of_department

    notify(
        event=Event(
            key=f"report:{report.pk}:{report.status}:{report.version}",
            kind=kind,
            title=title,
            body=body,
            url=url or f"/plan/reports/{report.pk}/",
        ),
        recipients=users_of_department(report.department),
    )


@transaction.atomic
def report_review(
    *, report: ProgressReport, accept: bool, comment: str, by: Any, url: str = ""
) -> ProgressReport:
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.SUBMITTED:
        raise ValidationError(
            _("只能审核待审核的报告，这份报告现在是“%(status)s”。")
            % {"status": report.get_status_display()}
        )
    if not accept and not comment.strip():
        raise ValidationError(_("退回时请写明需要修改的地方。"))
    report.status = Status.ACCEPTED if accept else Status.RETURNED
    report.review_comment = comment.strip()
    report.reviewed_at = _now()
    report.reviewed_by = by
    report.updated_by = by
    report.version = F("version") + 1
    report.save()
    report.refresh_from_db()
    title = (
        _("进展报告已通过：%(task)s（%(period)s）")
        if accept
        else _("进展报告被退回，请修改：%(task)s（%(period)s）")
    ) % {"task": report.task.code, "period": report.period.name}
    _notify_department(
        report, kind="report_reviewed", title=title, body=report.review_comment, url=url
    )
    return report


@transaction.atomic
def report_save_with_attachments(
    *,
    task: Task,
    period: ReportingPeriod,
    department: Department,
    data: dict[str, Any],
    submit: bool,
    by: Any,
) -> ProgressReport:
    """Save the report and its new attachments together: all or nothing."""
    report = report_save(
        task=task,
        period=period,
        department=department,
        narrative=data["narrative"],
        actual_value=data.get("actual_value"),
        figures=data.get("figures", ""),
        problems=data.get("problems", ""),
        next_steps=data.get("next_steps", ""),
        submit=False,
        by=by,
        version=data.get("version"),
    )
    for upload in data.get("attachments") or []:
        attachment_add(report=report, upload=upload, by=by)
    if submit:
        report = report_save(
            task=task,
            period=period,
            department=department,
            narrative=report.narrative,
            actual_value=report.actual_value,
            figures=report.figures,
            problems=report.problems,
            next_steps=report.next_steps,
            submit=True,
            by=by,
        )
    return report
