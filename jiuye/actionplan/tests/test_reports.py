from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuye.actionplan import selectors
from jiuye.actionplan.models import ProgressReport, Task
from jiuye.actionplan.services import reports
from jiuye.actionplan.services.targets import reminders_notify
from jiuye.core.conflicts import ConflictError
from jiuye.notifications.models import Notification
from jiuye.reference.models import Department


@pytest.fixture
def setup(plan, personas):  # noqa: ANN001, ANN201
    task = Task.objects.get(action__plan=plan, action__number=2, position=1)  # lead: 区人社局
    period = plan.periods.get(year=2023)
    rsj = Department.objects.get(code="rsj")
    return plan, task, period, rsj


def _save(task, period, dept, user, **kw):  # noqa: ANN001, ANN202
    return reports.report_save(
        task=task,
        period=period,
        department=dept,
        narrative=kw.get("narrative", "举办招聘会2场"),
        actual_value=kw.get("actual_value", 2),
        figures="",
        submit=kw.get("submit", True),
        by=user,
        version=kw.get("version"),
    )


def test_a_department_submits_and_the_district_accepts_then_it_is_locked(setup, personas) -> None:  # noqa: ANN001
    _plan, task, period, rsj = setup
    report = _save(task, period, rsj, personas["liaison"])
    assert report.status == ProgressReport.Status.SUBMITTED
    reports.report_review(report=report, accept=True, comment="", by=personas["district"])
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ACCEPTED and report.is_locked
    with pytest.raises(ValidationError, match="不能再修改"):
        _save(task, period, rsj, personas["liaison"], narrative="改一下")
    assert Notification.objects.filter(user=personas["liaison"], kind="report_reviewed").exists()
    statuses = [
        e.changes_dict.get("status")
        for e in LogEntry.objects.get_for_object(report).order_by("timestamp")
        if "status" in e.changes_dict
    ]
    assert statuses[-1] == ["submitted", "accepted"]


def test_a_returned_report_needs_a_comment_and_can_be_revised(setup, personas) -> None:  # noqa: ANN001
    _plan, task, period, rsj = setup
    report = _save(task, period, rsj, personas["liaison"])
    with pytest.raises(ValidationError, match="退回时请写明"):
        reports.report_review(report=report, accept=False, comment=" ", by=personas["district"])
    reports.report_review(
        report=report, accept=False, comment="请补充参会企业数", by=personas["district"]
    )
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED
    revised = _save(task, period, rsj, personas["liaison"], narrative="举办招聘会2场，企业35家")
    assert revised.status == ProgressReport.Status.SUBMITTED
    assert revised.version > report.version


def test_a_department_cannot_report_on_a_task_that_is_not_its_own(setup, personas) -> None:  # noqa: ANN001
    _plan, task, period, _rsj = setup
    with pytest.raises(PermissionDenied):
        _save(task, period, Department.objects.get(code="jyj"), personas["liaison"])


def test_a_stale_edit_is_a_conflict_not_an_overwrite(setup, personas) -> None:  # noqa: ANN001
    _plan, task, period, rsj = setup
    draft = _save(task, period, rsj, personas["liaison"], submit=False)
    _save(
        task, period, rsj, personas["liaison"], submit=False, version=draft.version, narrative="A"
    )
    with pytest.raises(ConflictError):
        _save(
            task,
            period,
            rsj,
            personas["liaison"],
            submit=False,
            version=draft.version,
            narrative="B",
        )
    assert ProgressReport.objects.get(pk=draft.pk).narrative == "A"


def test_only_submitted_reports_can_be_reviewed(setup, personas) -> None:  # noqa: ANN001
    _plan, task, period, rsj = setup
    draft = _save(task, period, rsj, personas["liaison"], submit=False)
    with pytest.raises(ValidationError, match="只能审核待审核的报告"):
        reports.report_review(report=draft, accept=True, comment="", by=personas["district"])


def test_overdue_and_due_soon_follow_the_clock(setup, personas) -> None:  # noqa: ANN001
    plan, task, period, rsj = setup
    dec_20 = dt.date(2023, 12, 20)
    jan_5 = dt.date(2024, 1, 5)
    before = selectors.reminders(plan=plan, today=dec_20)
    assert any(d.task == task and d.period == period for d in before[rsj]["due_soon"])
    after = selectors.reminders(plan=plan, today=jan_5)
    assert any(d.task == task and d.period == period for d in after[rsj]["overdue"])
    report = _save(task, period, rsj, personas["liaison"])
    # Submitted is not enough: only an accepted report settles the duty.
    assert any(
        d.task == task and d.period == period
        for d in selectors.reminders(plan=plan, today=jan_5)[rsj]["overdue"]
    )
    reports.report_review(report=report, accept=True, comment="", by=personas["district"])
    assert not any(
        d.task == task and d.period == period
        for d in selectors.reminders(plan=plan, today=jan_5)[rsj]["overdue"]
    )
    # Nothing is due long before the period ends.
    assert not any(
        d.period == period
        for d in selectors.reminders(plan=plan, today=dt.date(2023, 6, 1)).get(
            rsj, {"due_soon": []}
        )["due_soon"]
    )


def test_reminders_notify_liaisons_once(setup, personas) -> None:  # noqa: ANN001
    plan, *_ = setup
    first = reminders_notify(plan=plan, today=dt.date(2024, 1, 5))
    assert first > 0
    assert Notification.objects.filter(user=personas["liaison"], kind="report_overdue").exists()
    # Town officers are told about the duties of their town ("各镇街").
    assert Notification.objects.filter(user=personas["town_a"]).exists()
    assert reminders_notify(plan=plan, today=dt.date(2024, 1, 5)) == 0


def test_the_command_lists_what_is_due_per_department(setup, capsys) -> None:  # noqa: ANN001
    from django.core.management import call_command

    call_command("plan_reminders", "--today", "2024-01-05")
    out = capsys.readouterr().out
    assert "区人力资源和社会保障局：逾期" in out
    assert "notifications created" in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.exe", b"MZ\x90\x00", "类型不能上传"),
        ("a.pdf", b"not a pdf at all", "不是真正的"),
        # A PDF's first line followed by a web page is not a PDF.
        ("a.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "不是真正的"),
        ("a.png", b"<html><body>hi</body></html>", "不是真正的"),
        ("a.docx", b"PK\x03\x04broken", "不是真正的"),
        ("a.png", b"", "空文件"),
    ],
)
def test_bad_attachments_are_refused_with_the_reason(
    name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        reports.attachment_validate(SimpleUploadedFile(name, content))


def test_an_oversized_attachment_is_refused() -> None:
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (reports.MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(ValidationError, match="超过了 10 MB"):
        reports.attachment_validate(big)


def test_a_real_file_is_stored_with_the_type_read_from_its_content() -> None:
    from conftest import image_bytes, pdf_bytes

    assert reports.attachment_validate(SimpleUploadedFile("a.pdf", pdf_bytes())) == (
        ".pdf",
        "application/pdf",
    )
    # A picture named .pdf is what it is: a PNG (no longer stored as a PDF).
    assert reports.attachment_validate(SimpleUploadedFile("a.jpg", image_bytes("PNG")))[0] == ".png"
