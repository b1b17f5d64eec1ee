"""Recording a job for a person and correcting a record through the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuye.core.tests.forms import posted
from jiuye.employment.models import EmploymentForm, EmploymentRecord, Source
from jiuye.employment.services import employment_update


def create_url(person) -> str:  # noqa: ANN001
    return reverse("employment:create", args=[person.pk])


def edit_url(record) -> str:  # noqa: ANN001
    return reverse("employment:edit", args=[record.pk])


def form_data(**overrides: object) -> dict[str, object]:
    data = {
        "form": "quota",
        "employer_name": "东城小吃店",
        "job_title": "收银员",
        "start_date": "2024-03-01",
        "contract_type": "fixed",
        "contract_months": "12",
        "monthly_wage": "3200",
        "social_insurance": "on",
        "source": "verification",
        "evidence": "劳动合同",
    }
    return posted(data, **overrides)


def edit_data(record: EmploymentRecord, **overrides: object) -> dict[str, object]:
    """What the edit form posts back unchanged."""
    data = {
        "version": record.version,
        "form": record.form,
        "new_form_subtype": record.new_form_subtype,
        "employer": f"{record.employer.name}（{record.employer.uscc}）" if record.employer else "",
        "employer_name": record.employer_name,
        "job_title": record.job_title,
        "start_date": record.start_date.isoformat(),
        "end_date": record.end_date.isoformat() if record.end_date else "",
        "end_reason": record.end_reason,
        "contract_type": record.contract_type,
        "contract_months": record.contract_months or "",
        "monthly_wage": record.monthly_wage if record.monthly_wage is not None else "",
        "evidence": record.evidence,
    }
    data.update(overrides)
    return data


def error_summary(body: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', body, re.S)
    return found.group(0) if found else ""


# -- create ---------------------------------------------------------------------------------


def test_the_form_names_the_person_and_offers_every_employment_form(client_for, person_a) -> None:  # noqa: ANN001
    body = client_for("town_a").get(create_url(person_a)).content.decode()
    assert "登记张三的就业" in body
    assert person_a.masked_id_number in body and person_a.id_number not in body
    for label in ("按比例就业", "集中就业", "灵活就业", "农业种养加", "直播带货"):
        assert label in body
    assert '<input type="date" name="start_date"' in body
    # Recorded by staff: the import source is not offered.
    assert 'value="import"' not in body


def test_recording_a_job_goes_to_the_record_and_the_person_is_employed(
    client_for, person_a
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    response = client.post(create_url(person_a), form_data())
    record = EmploymentRecord.objects.get(person=person_a)
    assert response.status_code == 302
    assert response.url == reverse("employment:detail", args=[record.pk])
    assert record.form == EmploymentForm.QUOTA
    assert record.employer_name == "东城小吃店"
    assert record.source == Source.VERIFICATION
    assert record.social_insurance and record.contract_months == 12
    assert record.created_by.username == "town_a"
    page = client.get(response.url).content.decode()
    assert "已登记张三的就业记录" in page and "收银员" in page


def test_a_registered_employer_is_found_by_its_code_or_its_full_name(
    client_for, person_a, employer_a
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    client.post(create_url(person_a), form_data(employer_name="", employer=employer_a.uscc))
    client.post(
        create_url(person_a),
        form_data(employer_name="", employer="东城示范企业", start_date="2023-03-01"),
    )
    assert [r.employer for r in EmploymentRecord.objects.filter(person=person_a)] == [
        employer_a,
        employer_a,
    ]


def test_an_unknown_employer_is_answered_with_similar_names(
    client_for, person_a, employer_a
) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        create_url(person_a), form_data(employer_name="", employer="示范企业")
    )
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert "用人单位库中没有名为“示范企业”的单位" in summary
    assert employer_a.uscc in summary  # the similar name, with its code to copy
    assert not EmploymentRecord.objects.exists()


def test_dates_are_refused_beside_the_field_and_in_the_summary(client_for, person_a) -> None:  # noqa: ANN001
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for("town_a").post(
        create_url(person_a),
        form_data(start_date="2024-05-01", end_date="2024-04-01", end_reason="resigned"),
    )
    body = response.content.decode()
    assert "<title>错误：" in body
    summary = error_summary(body)
    assert 'href="#id_end_date"' in summary and "结束日期不能早于开始日期" in summary
    assert 'id="id_end_date_error"' in body
    assert 'aria-invalid="true"' in body
    # What was typed is kept.
    assert 'value="东城小吃店"' in body and 'value="2024-04-01"' in body

    future = client_for("town_a").post(create_url(person_a), form_data(start_date=tomorrow))
    assert "开始日期不能晚于今天" in error_summary(future.content.decode())

    # person_a was born 1990-03-07: a job at 15 is refused.
    young = client_for("town_a").post(create_url(person_a), form_data(start_date="2005-01-01"))
    assert "年满16周岁的日期（2006-03-07）" in error_summary(young.content.decode())

    garbled = client_for("town_a").post(create_url(person_a), form_data(start_date="3月1日"))
    assert "开始日期的格式不对" in error_summary(garbled.content.decode())
    assert not EmploymentRecord.objects.exists()


def test_the_form_and_the_employer_are_required_where_they_matter(client_for, person_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        create_url(person_a), form_data(form="", employer_name="", start_date="")
    )
    summary = error_summary(response.content.decode())
    assert "请选择就业形式" in summary and "请填写开始日期" in summary
    quota = client_for("town_a").post(create_url(person_a), form_data(employer_name=""))
    assert "请选择用人单位，或填写未登记单位的名称" in error_summary(quota.content.decode())
    # Self-employment and farming have no employer.
    farming = client_for("town_a").post(
        create_url(person_a), form_data(form="farming", employer_name="", contract_type="")
    )
    assert farming.status_code == 302


def test_a_new_form_subtype_needs_flexible_employment(client_for, person_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        create_url(person_a), form_data(new_form_subtype="delivery")
    )
    assert "新就业形态属于灵活就业" in error_summary(response.content.decode())
    ok = client_for("town_a").post(
        create_url(person_a), form_data(form="flexible", new_form_subtype="delivery")
    )
    assert ok.status_code == 302
    assert EmploymentRecord.objects.get().new_form_subtype == "delivery"


def test_an_overlapping_job_is_saved_and_flagged_with_a_warning(
    client_for, person_a, record_a
) -> None:  # noqa: ANN001
    response = client_for("town_a").post(create_url(person_a), form_data(), follow=True)
    body = response.content.decode()
    assert "时间重叠" in body and "待核查" in body
    assert EmploymentRecord.objects.filter(person=person_a, needs_review=True).count() == 1
    second = client_for("town_a").post(
        create_url(person_a), form_data(second_job="on", start_date="2024-02-01")
    )
    assert second.status_code == 302
    assert EmploymentRecord.objects.get(start_date="2024-02-01").needs_review is False


@pytest.mark.parametrize(("persona", "status"), [("town_b", 404), ("leader", 403)])
def test_outsiders_cannot_record_a_job(client_for, person_a, persona, status) -> None:  # noqa: ANN001
    response = client_for(persona).post(create_url(person_a), form_data())
    assert response.status_code == status
    assert not EmploymentRecord.objects.exists()


def test_a_job_seeker_may_not_record_even_their_own_job(client_for, person_a) -> None:  # noqa: ANN001
    assert client_for("jobseeker").post(create_url(person_a), form_data()).status_code == 403


def test_the_wrong_method_is_refused(client_for, person_a, record_a) -> None:  # noqa: ANN001
    assert client_for("town_a").put(create_url(person_a)).status_code == 405
    assert client_for("town_a").delete(edit_url(record_a)).status_code == 405


# -- edit -----------------------------------------------------------------------------------


def test_the_edit_form_shows_the_record_and_saves_a_correction(client_for, record_a) -> None:  # noqa: ANN001
    client = client_for("town_a")
    body = client.get(edit_url(record_a)).content.decode()
    assert "修改张三的就业记录" in body
    assert f"东城示范企业（{record_a.employer.uscc}）" in body
    assert 'name="source"' not in body  # who first recorded it does not change
    response = client.post(edit_url(record_a), edit_data(record_a, job_title="组长"))
    assert response.status_code == 302
    record_a.refresh_from_db()
    assert record_a.job_title == "组长" and record_a.version == 2


def test_a_second_editor_gets_a_conflict_message_and_keeps_what_they_typed(
    client_for, record_a, personas
) -> None:  # noqa: ANN001
    stale = edit_data(record_a, job_title="我改的岗位")
    employment_update(record=record_a, by=personas["district"], version=1, job_title="别人改的")
    response = client_for("town_a").post(edit_url(record_a), stale)
    body = response.content.decode()
    assert response.status_code == 200
    assert "这条记录刚刚被其他人修改过，您的修改没有保存" in error_summary(body)
    assert f'<a href="{edit_url(record_a)}">重新载入最新内容</a>' in error_summary(body)
    assert 'value="我改的岗位"' in body
    record_a.refresh_from_db()
    assert record_a.job_title == "别人改的"


def test_an_edit_with_a_bad_end_date_is_refused_beside_the_field(client_for, record_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        edit_url(record_a), edit_data(record_a, end_date="2023-12-31", end_reason="resigned")
    )
    body = response.content.decode()
    assert "结束日期不能早于开始日期" in error_summary(body)
    assert 'id="id_end_date_error"' in body


def test_town_b_gets_404_on_person_as_record(client_for, record_a) -> None:  # noqa: ANN001
    client = client_for("town_b")
    assert client.get(edit_url(record_a)).status_code == 404
    assert client.post(edit_url(record_a), edit_data(record_a, job_title="x")).status_code == 404
    record_a.refresh_from_db()
    assert record_a.job_title == "客服专员"
