from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook, load_workbook

from conftest import pdf_bytes, sealed_on_disk
from jiuye.actionplan.models import IndicatorSnapshot, IndicatorTarget, Plan, ProgressReport, Task
from jiuye.actionplan.tests.conftest import seed_bytes
from jiuye.core.models import AccessEvent


def _task(plan, number: int, position: int) -> Task:  # noqa: ANN001
    return Task.objects.get(action__plan=plan, action__number=number, position=position)


def test_the_dashboard_shows_actions_tasks_and_indicators(client_for, plan) -> None:  # noqa: ANN001
    body = client_for("district").get("/plan/", {"year": 2023}).content.decode()
    assert "实施机关、事业单位带头安排残疾人就业行动" in body
    assert "一-1" in body
    assert "各部门报送情况" in body
    assert "登记残疾人数" in body
    # Figures link to the records behind them.
    assert "/people/?region=440199000000" in body


def test_a_leader_sees_the_dashboard_without_personal_drill_downs(client_for, plan) -> None:  # noqa: ANN001
    body = client_for("leader").get("/plan/").content.decode()
    assert "实施残疾人就业服务能力提升行动" in body
    assert "/people/?" not in body
    assert "导入计划表" not in body


def test_a_liaison_sees_only_the_tasks_of_their_department(client_for, plan) -> None:  # noqa: ANN001
    client = client_for("liaison")  # 区人社局
    body = client.get("/plan/").content.decode()
    assert "二-1" in body
    assert "三-1" not in body  # 区残联 only
    other = _task(plan, 3, 1)
    assert client.get(f"/plan/tasks/{other.pk}/").status_code == 404
    period = plan.periods.get(year=2023)
    assert client.get(f"/plan/tasks/{other.pk}/periods/{period.pk}/report/").status_code == 404


def test_a_liaison_submits_a_report_with_an_attachment(client_for, plan, personas) -> None:  # noqa: ANN001
    client = client_for("liaison")
    task, period = _task(plan, 2, 1), plan.periods.get(year=2023)
    url = f"/plan/tasks/{task.pk}/periods/{period.pk}/report/"
    assert client.get(url).status_code == 200
    pdf = SimpleUploadedFile("招聘会.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        url, {"narrative": "举办招聘会2场", "actual_value": "2", "attachments": pdf, "submit": "1"}
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    report = ProgressReport.objects.get(task=task, period=period)
    assert report.status == "submitted" and report.attachments.count() == 1
    assert sealed_on_disk(report.attachments.get().file, pdf_bytes())
    download = client.get(f"/plan/attachments/{report.attachments.get().pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert (
        client_for("town_a").get(f"/plan/attachments/{report.attachments.get().pk}/").status_code
        == 404
    )


def test_an_invalid_report_keeps_what_was_typed(client_for, plan) -> None:  # noqa: ANN001
    client = client_for("liaison")
    task, period = _task(plan, 2, 1), plan.periods.get(year=2023)
    bad = SimpleUploadedFile("x.exe", b"MZ")
    body = client.post(
        f"/plan/tasks/{task.pk}/periods/{period.pk}/report/",
        {"narrative": "", "figures": "参会企业35家", "attachments": bad, "submit": "1"},
    ).content.decode()
    assert "<title>错误：" in body
    assert "参会企业35家" in body
    assert "类型不能上传" in body
    assert not ProgressReport.objects.exists()


def test_the_district_reviews_from_the_queue(client_for, plan, personas) -> None:  # noqa: ANN001
    task, period = _task(plan, 2, 1), plan.periods.get(year=2023)
    client_for("liaison").post(
        f"/plan/tasks/{task.pk}/periods/{period.pk}/report/", {"narrative": "完成", "submit": "1"}
    )
    report = ProgressReport.objects.get()
    district = client_for("district")
    assert "二-1" in district.get("/plan/reports/review/").content.decode()
    missing = district.post(f"/plan/reports/{report.pk}/", {"decision": "return", "comment": ""})
    assert "退回时请写明" in missing.content.decode()
    done = district.post(f"/plan/reports/{report.pk}/", {"decision": "accept", "comment": "好"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"
    # Locked: the liaison is sent to the read-only page.
    again = client_for("liaison").get(f"/plan/tasks/{task.pk}/periods/{period.pk}/report/")
    assert again.status_code == 302 and again.url == f"/plan/reports/{report.pk}/"


def test_a_liaison_cannot_review_and_a_leader_cannot_write(client_for, plan) -> None:  # noqa: ANN001
    task, period = _task(plan, 2, 1), plan.periods.get(year=2023)
    client_for("liaison").post(
        f"/plan/tasks/{task.pk}/periods/{period.pk}/report/", {"narrative": "完成", "submit": "1"}
    )
    report = ProgressReport.objects.get()
    assert (
        client_for("liaison")
        .post(f"/plan/reports/{report.pk}/", {"decision": "accept"})
        .status_code
        == 403
    )
    assert (
        client_for("leader").post(f"/plan/reports/{report.pk}/", {"decision": "accept"}).status_code
        == 403
    )
    assert client_for("leader").post("/plan/targets/", {}).status_code == 403


def test_the_district_splits_an_action_into_a_new_task(client_for, plan) -> None:  # noqa: ANN001
    action = plan.actions.get(number=3)
    client = client_for("district")
    bad = client.post(f"/plan/actions/{action.pk}/tasks/new/", {"position": 3, "title": ""})
    assert "error-summary" in bad.content.decode()
    response = client.post(
        f"/plan/actions/{action.pk}/tasks/new/",
        {
            "position": 3,
            "title": "培育助残社会组织",
            "lead": "cl",
            "co": ["mzj"],
            "deadline": "全年",
            "target_value": "5",
            "target_unit": "个",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(action=action, position=3)
    assert [(a.department_id, a.is_lead) for a in task.assignments.order_by("-is_lead")] == [
        ("cl", True),
        ("mzj", False),
    ]
    # Change the lead: the old lead becomes co-responsible or goes.
    client.post(
        f"/plan/actions/{action.pk}/tasks/{task.pk}/edit/",
        {
            "position": 3,
            "title": "培育助残社会组织",
            "lead": "mzj",
            "co": ["cl"],
            "deadline": "全年",
        },
    )
    assert task.assignments.get(is_lead=True).department_id == "mzj"


def test_the_plan_is_imported_through_the_page_with_a_preview(client_for, reference) -> None:  # noqa: ANN001
    client = client_for("district")
    text = seed_bytes().decode("utf-8").replace("区国资局、", "区国有资产服务中心、")
    upload = SimpleUploadedFile("plan.txt", text.encode("gb18030"))
    response = client.post("/plan/import/", {"file": upload})
    assert response.status_code == 302
    preview = client.get("/plan/import/preview/").content.decode()
    assert "区国有资产服务中心（系统中没有）" in preview
    assert not Plan.objects.exists()  # nothing until confirmed
    missing = client.post("/plan/import/preview/", {})
    assert "error-summary" in missing.content.decode()
    done = client.post("/plan/import/preview/", {"dept_0": "gzj"})
    assert done.status_code == 302
    assert Plan.objects.get().actions.count() == 10


def test_a_broken_upload_is_explained(client_for, reference) -> None:  # noqa: ANN001
    client = client_for("district")
    for name, content in [
        ("x.docx", b"PK\x03\x04broken"),
        ("x.txt", seed_bytes()[:3000]),
        ("e.txt", b""),
    ]:
        body = client.post(
            "/plan/import/", {"file": SimpleUploadedFile(name, content)}
        ).content.decode()
        assert "error-summary" in body, name
    assert not Plan.objects.exists()


def test_targets_are_set_and_progress_shows_with_text(client_for, plan, person_a) -> None:  # noqa: ANN001
    client = client_for("district")
    response = client.post(
        "/plan/targets/",
        {
            "indicator_code": "people.registered",
            "year": 2024,
            "region": "440199000000",
            "value": "1",
        },
    )
    assert response.status_code == 302
    assert IndicatorTarget.objects.get().value == 1
    body = client.get("/plan/", {"year": 2024}).content.decode()
    assert "✔ 已达到目标" in body


def _targets_xlsx(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(["指标代码", "年度", "区划代码", "目标值"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("t.xlsx", out.getvalue())


def test_targets_import_reports_every_bad_row_and_writes_nothing(client_for, plan) -> None:  # noqa: ANN001
    client = client_for("district")
    bad = _targets_xlsx([["people.registered", 2024, "440199000000", 10], ["nope", 20, "1", -1]])
    body = client.post("/plan/targets/upload/", {"file": bad}).content.decode()
    assert "第3行" in body and "指标代码“nope”不存在" in body and "应为四位年份" in body
    assert not IndicatorTarget.objects.exists()
    good = _targets_xlsx(
        [
            ["people.registered", 2024, "440199000000", 10],
            ["people.working_age", 2024, "440199001000", 5],
        ]
    )
    assert client.post("/plan/targets/upload/", {"file": good}).status_code == 302
    assert IndicatorTarget.objects.count() == 2


def test_freezing_a_year_keeps_its_figures(client_for, plan, person_a, person_b) -> None:  # noqa: ANN001
    client = client_for("district")
    client.post("/plan/freeze/", {"year": 2024, "confirm": "on"})
    frozen = IndicatorSnapshot.objects.get(
        indicator_code="people.registered", year=2024, region_id="440199000000"
    )
    assert frozen.value == 2
    person_b.archived_at = person_b.created_at
    person_b.save()
    body = client.get("/plan/", {"year": 2024}).content.decode()
    assert "本年数据已冻结" in body
    frozen.refresh_from_db()
    assert frozen.value == 2  # the live figure is now 1; the frozen one stays
    response = client.post("/plan/freeze/", {"year": 2024, "confirm": "on"}, follow=True)
    assert "已经冻结过了" in response.content.decode()


def test_the_plan_exports_to_excel_and_a_department_report_to_word(client_for, plan) -> None:  # noqa: ANN001
    client = client_for("district")
    xlsx = client.get("/plan/export/plan.xlsx", {"year": 2023})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A3"].value.startswith("（一）")
    assert "filename*=UTF-8''" in xlsx["Content-Disposition"]
    docx = client_for("liaison").get("/plan/export/department.docx", {"year": 2023})
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "区人力资源和社会保障局" in text and "二-1" in text
    assert AccessEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("persona", ["employer", "jobseeker"])
def test_plan_pages_are_for_staff_only(client_for, plan, persona: str) -> None:  # noqa: ANN001
    assert client_for(persona).get("/plan/").status_code == 403


def test_the_dashboard_without_a_plan_invites_an_import(client_for, reference) -> None:  # noqa: ANN001
    body = client_for("district").get("/plan/").content.decode()
    assert "导入计划表" in body
    assert 'href="/plan/import/"' not in client_for("leader").get("/plan/targets/").content.decode()


def test_notifications_list_and_mark_read(client_for, personas) -> None:  # noqa: ANN001
    from jiuye.notifications.models import Notification

    Notification.objects.create(user=personas["liaison"], kind="x", title="请报送进展")
    Notification.objects.create(user=personas["town_a"], kind="x", title="别人的通知")
    client = client_for("liaison")
    body = client.get("/notifications/").content.decode()
    assert "请报送进展" in body and "别人的通知" not in body
    client.post("/notifications/read/")
    assert not Notification.objects.filter(user=personas["liaison"], read_at__isnull=True).exists()


def test_a_year_outside_every_plan_is_said_and_the_next_plan_is_offered(
    client_for, plan, personas
) -> None:  # noqa: ANN001
    page = client_for("district").get("/plan/", {"year": "2026"})
    body = page.content.decode()
    assert "2026年不在任何行动方案的年份内" in body
    assert reverse("actionplan:import") in body
    # The next plan, imported beside the first: its years open it.
    Plan.objects.create(name="下一期方案", start_year=2025, end_year=2027, is_current=False)
    page = client_for("district").get("/plan/", {"year": "2026"})
    assert "不在任何行动方案" not in page.content.decode()
    assert page.context["plan"].name == "下一期方案" and page.context["year"] == 2026
    assert 2022 in page.context["form"].fields["year"].choices[0]
