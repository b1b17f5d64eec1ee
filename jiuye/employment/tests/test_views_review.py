"""The list of records flagged for review, resolving them, and the export."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from jiuye.core.models import AccessEvent, ExportJob
from jiuye.employment.models import EmploymentRecord
from jiuye.employment.services import employment_archive

REVIEW = reverse("employment:review")
EXPORT = reverse("employment:export")


def resolve(record) -> str:  # noqa: ANN001
    return reverse("employment:resolve", args=[record.pk])


def test_the_review_list_shows_flagged_records_in_scope_only(
    client_for, record_a, open_job, person_b
) -> None:  # noqa: ANN001
    flagged_a = open_job(record_a.person, dt.date(2024, 3, 1), employer_name="夜市摊位")
    open_job(person_b, dt.date(2024, 1, 1))
    flagged_b = open_job(person_b, dt.date(2024, 2, 1), employer_name="西城夜市")
    assert flagged_a.needs_review and flagged_b.needs_review
    town_a = client_for("town_a").get(REVIEW).content.decode()
    assert "张三" in town_a and "夜市摊位" in town_a and "时间重叠" in town_a
    assert "李四" not in town_a and "西城夜市" not in town_a
    assert resolve(flagged_a) in town_a
    district = client_for("district").get(REVIEW).content.decode()
    assert "张三" in district and "李四" in district
    assert "共 2 条" in district


def test_an_empty_review_list_says_so(client_for, record_a) -> None:  # noqa: ANN001
    assert "没有待核查的就业记录" in client_for("town_a").get(REVIEW).content.decode()


def test_marking_a_second_job_clears_the_flag(client_for, record_a, open_job) -> None:  # noqa: ANN001
    flagged = open_job(record_a.person, dt.date(2024, 3, 1), employer_name="夜市摊位")
    client = client_for("town_a")
    response = client.post(resolve(flagged), {"action": "second_job", "next": "review"})
    assert response.status_code == 302 and response.url == REVIEW
    flagged.refresh_from_db()
    assert flagged.second_job and not flagged.needs_review
    assert "已标记为兼职" in client.get(REVIEW).content.decode()


def test_a_recheck_while_the_overlap_remains_says_why(client_for, record_a, open_job) -> None:  # noqa: ANN001
    flagged = open_job(record_a.person, dt.date(2024, 3, 1), employer_name="夜市摊位")
    client = client_for("town_a")
    response = client.post(resolve(flagged), {"action": "recheck", "next": "detail"})
    assert response.url == reverse("employment:detail", args=[flagged.pk])
    page = client.get(response.url).content.decode()
    assert "仍待核查" in page and "2024-01-01 开始的另一条就业记录" in page
    flagged.refresh_from_db()
    assert flagged.needs_review
    # Once the other record is archived as an error, a recheck clears it.
    employment_archive(record=record_a, reason="重复录入", by=None)
    flagged.refresh_from_db()
    assert not flagged.needs_review


def test_resolving_is_post_only_and_scoped(client_for, record_a, open_job) -> None:  # noqa: ANN001
    flagged = open_job(record_a.person, dt.date(2024, 3, 1), employer_name="夜市摊位")
    assert client_for("town_a").get(resolve(flagged)).status_code == 405
    assert client_for("town_b").post(resolve(flagged), {"action": "second_job"}).status_code == 404
    assert client_for("leader").post(resolve(flagged), {"action": "second_job"}).status_code == 403
    assert EmploymentRecord.objects.get(pk=flagged.pk).needs_review


def test_a_resolve_without_a_choice_is_refused_with_a_message(
    client_for, record_a, open_job
) -> None:  # noqa: ANN001
    flagged = open_job(record_a.person, dt.date(2024, 3, 1), employer_name="夜市摊位")
    client = client_for("town_a")
    response = client.post(resolve(flagged), {"action": "delete"}, follow=True)
    assert "请选择处理方式" in response.content.decode()


def _cells(response) -> list[list[str]]:  # noqa: ANN001
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[str(c) if c is not None else "" for c in row] for row in sheet.values]


def test_the_export_is_scoped_masked_and_logged(client_for, record_a, open_job, person_b) -> None:  # noqa: ANN001
    open_job(person_b, dt.date(2024, 1, 1), employer_name="西城夜市")
    response = client_for("town_a").get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _cells(response)
    assert rows[0][:3] == ["身份证号", "姓名", "就业形式"]
    assert len(rows) == 2
    person = record_a.person
    assert rows[1][:5] == [person.masked_id_number, "张三", "按比例就业", "", "东城示范企业"]
    flat = [c for row in rows for c in row]
    assert person.id_number not in flat and "西城夜市" not in flat
    event = AccessEvent.objects.get(action="export")
    assert event.username == "town_a"
    assert event.detail == {"kind": "employment", "rows": 1, "revealed": False}


def test_archived_records_are_not_exported(client_for, record_a) -> None:  # noqa: ANN001
    employment_archive(record=record_a, reason="重复录入", by=None)
    assert len(_cells(client_for("district").get(EXPORT))) == 1


def test_the_review_list_and_a_record_keep_to_their_query_budget(
    client_for, person_a, open_job, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    open_job(person_a, dt.date(2020, 1, 1), employer_name="第一家")
    for month in range(2, 12):
        open_job(person_a, dt.date(2020, month, 1), employer_name=f"第{month}家")
    client = client_for("town_a")
    with django_assert_max_num_queries(15):
        body = client.get(REVIEW).content.decode()
    assert "共 10 条" in body
    record = EmploymentRecord.objects.filter(needs_review=True).first()
    with django_assert_max_num_queries(15):
        client.get(reverse("employment:detail", args=[record.pk]))


def test_a_large_export_is_made_in_the_background_in_scope(
    client_for, record_a, open_job, person_b, settings
) -> None:  # noqa: ANN001
    settings.JIUYE_EXPORT_DIRECT_MAX_ROWS = 0
    open_job(person_b, dt.date(2024, 1, 1), employer_name="西城夜市")
    client = client_for("town_a")
    assert client.get(EXPORT).status_code == 302
    job = ExportJob.objects.get()
    download = client.get(reverse("core:export-download", kwargs={"pk": job.pk}))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = [[str(c) if c is not None else "" for c in row] for row in sheet.values]
    assert len(rows) == 2 and rows[1][1] == "张三"
    assert "西城夜市" not in [c for row in rows for c in row]
