"""A record's page, ending and archiving it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuye.employment import selectors
from jiuye.employment.models import EmploymentRecord


def url(name: str, record) -> str:  # noqa: ANN001
    return reverse(f"employment:{name}", args=[record.pk])


def test_the_record_page_shows_the_job_and_masks_the_id_number(client_for, record_a) -> None:  # noqa: ANN001
    body = client_for("town_a").get(url("detail", record_a)).content.decode()
    assert "张三的就业记录" in body
    assert "按比例就业" in body and "东城示范企业" in body and "客服专员" in body
    assert "3500" in body and "仍在职" in body
    assert record_a.person.masked_id_number in body
    assert record_a.person.id_number not in body
    for action in ("edit", "end", "archive"):
        assert url(action, record_a) in body


@pytest.mark.parametrize(
    ("persona", "status"),
    [("town_b", 404), ("leader", 403), ("liaison", 403), ("employer", 403), ("jobseeker", 403)],
)
def test_outsiders_cannot_open_a_record(client_for, record_a, persona, status) -> None:  # noqa: ANN001
    assert client_for(persona).get(url("detail", record_a)).status_code == status


def test_a_malformed_or_unknown_id_is_a_404(client_for, record_a) -> None:  # noqa: ANN001
    client = client_for("district")
    assert client.get("/employment/not-a-uuid/").status_code == 404
    assert client.get("/employment/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_ending_a_job_records_the_last_day_and_the_reason(client_for, record_a) -> None:  # noqa: ANN001
    client = client_for("town_a")
    assert "结束张三的就业" in client.get(url("end", record_a)).content.decode()
    response = client.post(
        url("end", record_a), {"end_date": "2024-06-30", "end_reason": "resigned"}
    )
    assert response.status_code == 302
    record_a.refresh_from_db()
    assert record_a.end_date == dt.date(2024, 6, 30) and record_a.end_reason == "resigned"
    assert not selectors.status_on(record_a.person, dt.date(2024, 7, 1)).employed
    # An ended record offers no second end.
    assert client.get(url("end", record_a)).status_code == 302


def test_an_end_date_is_refused_with_a_clear_message(client_for, record_a) -> None:  # noqa: ANN001
    client = client_for("town_a")
    before = client.post(url("end", record_a), {"end_date": "2023-12-31", "end_reason": ""})
    body = before.content.decode()
    assert "<title>错误：" in body
    assert "结束日期不能早于开始日期" in body and "请选择结束原因" in body
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    future = client.post(url("end", record_a), {"end_date": tomorrow, "end_reason": "resigned"})
    assert "结束日期不能晚于今天" in future.content.decode()
    record_a.refresh_from_db()
    assert record_a.end_date is None


def test_archiving_needs_a_reason_and_takes_the_record_out_of_the_status(
    client_for, record_a
) -> None:  # noqa: ANN001
    client = client_for("district")
    refused = client.post(url("archive", record_a), {"reason": " "})
    assert "请填写归档原因" in refused.content.decode()
    response = client.post(url("archive", record_a), {"reason": "重复录入"})
    assert response.status_code == 302
    record_a.refresh_from_db()
    assert record_a.is_archived and record_a.archived_reason == "重复录入"
    assert not selectors.status_on(record_a.person, dt.date(2024, 6, 1)).employed
    page = client.get(url("detail", record_a)).content.decode()
    assert "归档原因：重复录入" in page
    assert url("edit", record_a) not in page
    # Archived records are not edited.
    assert client.get(url("edit", record_a)).status_code == 302


def test_a_leader_cannot_end_or_archive(client_for, record_a) -> None:  # noqa: ANN001
    leader = client_for("leader")
    assert leader.post(url("end", record_a), {"end_date": "2024-06-30"}).status_code == 403
    assert leader.post(url("archive", record_a), {"reason": "x"}).status_code == 403
    assert client_for("town_b").post(url("archive", record_a), {"reason": "x"}).status_code == 404
    assert EmploymentRecord.objects.get(pk=record_a.pk).archived_at is None


def test_the_person_timeline_shows_start_and_end_linked_for_staff(
    client_for, record_a, open_job, personas
) -> None:  # noqa: ANN001
    from jiuye.employment.services import employment_archive, employment_end

    employment_end(record=record_a, end_date=dt.date(2024, 6, 30), end_reason="resigned", by=None)
    wrong = open_job(record_a.person, dt.date(2024, 8, 1), employer_name="错误单位")
    employment_archive(record=wrong, reason="录错了人", by=personas["district"])
    person_page = reverse("people:detail", args=[record_a.person_id])
    body = client_for("town_a").get(person_page).content.decode()
    assert "开始就业：按比例就业（东城示范企业）" in body
    assert "结束就业：按比例就业（东城示范企业）" in body and "结束原因：本人辞职" in body
    assert url("detail", record_a) in body
    assert "timeline__item--archived" in body and "归档原因：录错了人" in body
    # The job seeker sees their own timeline, without links to staff pages.
    own = client_for("jobseeker").get(person_page).content.decode()
    assert "开始就业：按比例就业（东城示范企业）" in own
    assert url("detail", record_a) not in own
