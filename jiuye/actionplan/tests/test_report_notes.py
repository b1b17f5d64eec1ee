"""A report's problems and next steps: written on the form, shown on the report and review
page, in the department's Word export and the plan's Excel export, and in the audit trail."""

from __future__ import annotations

import io

from auditlog.models import LogEntry
from docx import Document
from openpyxl import load_workbook

from jiuye.actionplan.models import ProgressReport, Task
from jiuye.actionplan.services import reports

PROBLEMS = "参会企业以服务业为主，适合中重度残疾人的岗位偏少。"
NEXT_STEPS = "动员制造业企业参会，会后一个月内回访求职者。"


def _task(plan) -> Task:  # noqa: ANN001
    return Task.objects.get(action__plan=plan, action__number=2, position=1)  # lead: 区人社局


def _submitted(task: Task, period, personas) -> ProgressReport:  # noqa: ANN001
    return reports.report_save(
        task=task,
        period=period,
        department=personas["liaison"].department,
        narrative="举办招聘会2场",
        actual_value=None,
        figures="",
        problems=PROBLEMS,
        next_steps=NEXT_STEPS,
        submit=True,
        by=personas["liaison"],
    )


def test_the_department_writes_problems_and_next_steps_and_the_reviewer_reads_them(
    client_for, plan
) -> None:  # noqa: ANN001
    client = client_for("liaison")
    task, period = _task(plan), plan.periods.get(year=2023)
    url = f"/plan/tasks/{task.pk}/periods/{period.pk}/report/"
    form = client.get(url).content.decode()
    assert 'name="problems"' in form and 'name="next_steps"' in form
    assert "存在的问题（选填）" in form and "下一步打算（选填）" in form
    response = client.post(
        url,
        {
            "narrative": "举办招聘会2场",
            "problems": PROBLEMS,
            "next_steps": NEXT_STEPS,
            "submit": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    report = ProgressReport.objects.get(task=task, period=period)
    assert (report.problems, report.next_steps) == (PROBLEMS, NEXT_STEPS)
    review = client_for("district").get(f"/plan/reports/{report.pk}/").content.decode()
    assert PROBLEMS in review and NEXT_STEPS in review
    assert "保存审核结果" in review  # the review form is on the same page


def test_a_returned_report_keeps_its_problems_on_the_form_and_they_are_optional(
    client_for, plan, personas
) -> None:  # noqa: ANN001
    task, period = _task(plan), plan.periods.get(year=2023)
    report = _submitted(task, period, personas)
    district = personas["district"]
    reports.report_review(report=report, accept=False, comment="请补充人数", by=district)
    client = client_for("liaison")
    url = f"/plan/tasks/{task.pk}/periods/{period.pk}/report/"
    form = client.get(url).content.decode()
    assert PROBLEMS in form and NEXT_STEPS in form
    report.refresh_from_db()
    response = client.post(
        url, {"narrative": "举办招聘会2场，企业35家", "version": report.version, "submit": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.problems, report.next_steps) == ("", "")


def test_problems_longer_than_the_limit_are_refused_with_a_message(client_for, plan) -> None:  # noqa: ANN001
    task, period = _task(plan), plan.periods.get(year=2023)
    response = client_for("liaison").post(
        f"/plan/tasks/{task.pk}/periods/{period.pk}/report/",
        {"narrative": "举办招聘会2场", "next_steps": "很" * 4001, "submit": "1"},
    )
    assert response.status_code == 200
    assert "4000" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_the_exports_and_the_audit_trail_carry_them(client_for, plan, personas) -> None:  # noqa: ANN001
    task, period = _task(plan), plan.periods.get(year=2023)
    report = _submitted(task, period, personas)
    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(report)]
    assert any(c.get("problems", [None, None])[1] == PROBLEMS for c in changes)
    assert any(c.get("next_steps", [None, None])[1] == NEXT_STEPS for c in changes)
    docx = client_for("liaison").get("/plan/export/department.docx", {"year": 2023})
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert f"存在的问题：{PROBLEMS}" in text and f"下一步打算：{NEXT_STEPS}" in text

    def plan_row() -> dict[str, str]:
        xlsx = load_workbook(io.BytesIO(_plan_xlsx(client_for))).active
        header = [c.value for c in xlsx[2]]
        rows = xlsx.iter_rows(min_row=3, values_only=True)
        row = next(r for r in rows if r[0].startswith("（二）"))
        return dict(zip(header, row, strict=True))

    # Only an approved report's problems and next steps are the plan's.
    assert plan_row()["2023年存在的问题"] is None
    reports.report_review(report=report, accept=True, comment="", by=personas["district"])
    row = plan_row()
    assert row["2023年存在的问题"] == f"二-1 区人力资源和社会保障局：{PROBLEMS}"
    assert row["2023年下一步打算"] == f"二-1 区人力资源和社会保障局：{NEXT_STEPS}"


def _plan_xlsx(client_for) -> bytes:  # noqa: ANN001
    response = client_for("district").get("/plan/export/plan.xlsx", {"year": 2023})
    assert response.status_code == 200
    return response.content
