"""The records pages: verification (with its confirmation), needs registration, services, a
record's page, attachment and archiving, the hard-to-employ survey and the export."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import VILLAGE_B, image_bytes, make_id_number, pdf_bytes, sealed_on_disk
from jiuye.casework import services
from jiuye.casework.models import AnnualCase, Channel, NeedsRecord, ServiceRecord, ServiceType
from jiuye.core.models import AccessEvent, ExportJob
from jiuye.employment import services as employment_services
from jiuye.employment.models import EmploymentRecord, Source
from jiuye.people.models import Person
from jiuye.people.services import person_register, person_update
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()


def _url(name: str, pk) -> str:  # noqa: ANN001
    return reverse(f"casework:{name}", kwargs={"pk": pk})


def _field_error(body: str, field: str) -> str:
    """The text of the error shown beside a field (its id is what aria-describedby names)."""
    match = re.search(rf'<p class="field__error" id="id_{field}_error">(.*?)</p>', body, re.S)
    assert match, f"no error beside {field}"
    return re.sub(r"<[^>]+>", "", match.group(1))


def _service(person: Person, service_type: str = "career_guidance", **fields) -> ServiceRecord:  # noqa: ANN003
    """A service recorded directly (today, by phone unless told otherwise)."""
    return services.service_record_create(
        person=person,
        service_type=ServiceType.objects.get(pk=service_type),
        by=None,
        date=fields.pop("date", TODAY),
        channel=fields.pop("channel", Channel.PHONE),
        **fields,
    )


def _needs(person: Person, **fields) -> NeedsRecord:  # noqa: ANN003
    """Needs registered directly today by phone: wants to work, with these answers."""
    return services.needs_register(
        person=person, by=None, date=TODAY, channel=Channel.PHONE, wants_work="yes", **fields
    )


def _key(body: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', body).group(1)


# --- services ---------------------------------------------------------------------------------


def test_the_service_form_opens_with_a_fresh_key_and_today(client_for, records_person) -> None:  # noqa: ANN001
    body = client_for("town_a").get(_url("service-create", records_person.pk)).content.decode()
    uuid.UUID(_key(body))
    assert f'value="{TODAY.isoformat()}"' in body
    assert "js/draft.js" in body and f'data-draft="service:{records_person.pk}"' in body
    other = client_for("town_a").get(_url("service-create", records_person.pk)).content.decode()
    assert _key(other) != _key(body)


def test_a_service_is_saved_and_lands_on_its_page_which_clears_the_draft(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    response = records_post(
        client,
        _url("service-create", records_person.pk),
        service_type="job_recommendation",
        notes="推荐到示范企业",
    )
    record = ServiceRecord.objects.get(person=records_person)
    assert response.status_code == 302
    assert response.url == _url("service-detail", record.pk) + "?saved=service"
    assert record.notes == "推荐到示范企业" and record.officer.username == "town_a"
    assert AnnualCase.objects.get(person=records_person, year=TODAY.year).last_service_on == TODAY
    page = client.get(response.url).content.decode()
    assert f'data-draft-clear="service:{records_person.pk}"' in page
    assert "推荐到示范企业" in page
    # The handler is the officer's name and office (issue 14: it showed the login name).
    officer = record.officer
    officer.display_name = "陈芳"
    officer.save(update_fields=["display_name"])
    page = client.get(response.url).content.decode()
    assert f"陈芳（{officer.town.name}）" in page


def test_a_service_submitted_twice_is_recorded_once(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    key = str(uuid.uuid4())
    url = _url("service-create", records_person.pk)
    first = records_post(client, url, service_type="career_guidance", idempotency_key=key)
    second = records_post(client, url, service_type="career_guidance", idempotency_key=key)
    assert ServiceRecord.objects.filter(person=records_person).count() == 1
    assert first.url == second.url


def test_a_future_service_date_is_refused_beside_the_field_and_what_was_typed_is_kept(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    key = str(uuid.uuid4())
    response = records_post(
        client_for("town_a"),
        _url("service-create", records_person.pk),
        service_type="career_guidance",
        date=TOMORROW,
        notes="谈了求职打算",
        idempotency_key=key,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "日期不能晚于今天" in _field_error(body, "date")
    assert "<title>错误：" in body and "data-error-summary" in body
    assert 'href="#id_date"' in body  # the summary links to the field
    assert "谈了求职打算" in body and _key(body) == key
    assert 'data-draft-restore="false"' in body
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize(
    ("form", "fields", "errors"),
    [
        pytest.param(
            "service-create",
            {"service_type": "career_guidance", "date": "1980-01-01"},
            {"date": "早于本人出生日期（1990-03-07）"},
            id="a service date before birth",
        ),
        pytest.param(
            "service-create",
            {"channel": ""},
            {"service_type": "请选择服务类型", "channel": "请选择服务方式"},
            id="missing service type and channel",
        ),
        pytest.param(
            "service-create",
            {
                "service_type": "career_guidance",
                "date": "2024-05-02",
                "follow_up_date": "2024-05-01",
            },
            {"follow_up_date": "不能早于服务日期"},
            id="a follow-up before the service",
        ),
        pytest.param(
            "service-create",
            {
                "service_type": "career_guidance",
                "attachment": SimpleUploadedFile("a.exe", b"MZ", "application/x-msdownload"),
            },
            {"attachment": "不是真正的 JPG、PNG、WebP、PDF 文件"},
            id="a file of the wrong type",
        ),
        pytest.param(
            "needs",
            {"wants_work": "no"},
            {"not_wanting_reason": "请选择暂无就业意愿的原因"},
            id="no wish to work without a reason",
        ),
        pytest.param(
            "needs",
            {"wants_work": "yes", "date": TOMORROW},
            {"date": "日期不能晚于今天"},
            id="needs dated tomorrow",
        ),
    ],
)
def test_a_refused_form_names_the_error_beside_the_field_and_records_nothing(
    form: str, fields: dict, errors: dict[str, str], client_for, records_person, records_post
) -> None:  # noqa: ANN001
    response = records_post(client_for("town_a"), _url(form, records_person.pk), **fields)
    body = response.content.decode()
    for field, message in errors.items():
        assert message in _field_error(body, field)
    assert not ServiceRecord.objects.exists()
    assert not NeedsRecord.objects.exists()


def test_another_towns_officer_gets_404_and_records_nothing(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    client = client_for("town_b")
    for name in ("service-create", "needs", "verify"):
        assert client.get(_url(name, records_person.pk)).status_code == 404
        response = records_post(
            client, _url(name, records_person.pk), service_type="career_guidance"
        )
        assert response.status_code == 404
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "liaison", "employer", "jobseeker"])
def test_roles_without_personal_data_get_403(
    persona: str, client_for, records_person, records_post
) -> None:  # noqa: ANN001
    client = client_for(persona)
    for name in ("service-create", "needs", "verify"):
        response = records_post(
            client, _url(name, records_person.pk), service_type="career_guidance"
        )
        assert response.status_code == 403
    assert not ServiceRecord.objects.exists()


def test_the_wrong_method_is_405(client_for, records_person) -> None:  # noqa: ANN001
    client = client_for("town_a")
    assert client.put(_url("service-create", records_person.pk)).status_code == 405
    assert client.post(reverse("casework:survey")).status_code == 405


def test_a_visit_link_preselects_the_visit_type(client_for, records_person) -> None:  # noqa: ANN001
    url = _url("service-create", records_person.pk) + "?type=assistance_visit"
    body = client_for("town_a").get(url).content.decode()
    assert '<option value="assistance_visit" selected>' in body


def test_a_photo_of_the_signed_form_is_kept_and_served_only_in_scope(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    photo = SimpleUploadedFile("签字表.jpg", image_bytes("JPEG"), "image/jpeg")
    records_post(
        client,
        _url("service-create", records_person.pk),
        service_type="assistance_visit",
        attachment=photo,
    )
    record = ServiceRecord.objects.get()
    assert sealed_on_disk(record.attachment, image_bytes("JPEG"))
    response = client.get(_url("service-attachment", record.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "filename*=UTF-8''%E7%AD%BE%E5%AD%97%E8%A1%A8.jpg" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == image_bytes("JPEG")
    assert client_for("town_b").get(_url("service-attachment", record.pk)).status_code == 404
    assert client_for("leader").get(_url("service-attachment", record.pk)).status_code == 403


def test_a_file_chosen_before_a_failed_submit_does_not_have_to_be_chosen_again(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    url = _url("service-create", records_person.pk)
    photo = SimpleUploadedFile("form.pdf", pdf_bytes(), "application/pdf")
    failed = records_post(client, url, service_type="", attachment=photo)
    body = failed.content.decode()
    token = re.search(r'name="attachment_token" value="([^"]+)"', body).group(1)
    assert "已附上文件“form.pdf”" in body
    records_post(
        client,
        url,
        service_type="career_guidance",
        idempotency_key=_key(body),
        attachment_token=token,
        attachment_name="form.pdf",
    )
    record = ServiceRecord.objects.get()
    assert record.attachment_name == "form.pdf"
    assert record.attachment.read() == pdf_bytes()


def test_a_record_without_an_attachment_has_none_to_download(client_for, records_person) -> None:  # noqa: ANN001
    record = _service(records_person)
    assert client_for("town_a").get(_url("service-attachment", record.pk)).status_code == 404


def test_an_archived_person_gets_no_new_records(client_for, records_person) -> None:  # noqa: ANN001
    from jiuye.people.services import person_archive

    person_archive(person=records_person, reason="已迁出", by=None)
    response = client_for("town_a").get(_url("service-create", records_person.pk))
    assert response.status_code == 302 and response.url == reverse(
        "people:detail", kwargs={"pk": records_person.pk}
    )


# --- archive ----------------------------------------------------------------------------------


def test_a_record_entered_in_error_is_archived_with_a_reason(client_for, records_person) -> None:  # noqa: ANN001
    record = _service(records_person)
    client = client_for("town_a")
    empty = client.post(_url("service-archive", record.pk), {"reason": ""})
    assert "请填写归档原因" in _field_error(empty.content.decode(), "reason")
    response = client.post(_url("service-archive", record.pk), {"reason": "重复录入"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_archived and record.archived_reason == "重复录入"
    assert "归档原因：重复录入" in client.get(response.url).content.decode()
    assert client_for("town_b").post(_url("service-archive", record.pk)).status_code == 404


# --- needs ------------------------------------------------------------------------------------


def test_needs_are_registered_and_the_registry_follows_the_wish(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    response = records_post(
        client_for("town_a"),
        _url("needs", records_person.pk),
        wants_work="yes",
        desired_jobs="电商客服",
        desired_region="440199001000",
        remote_ok="on",
        hours="part_time",
        expected_wage="3000",
        support_needed=["transport", "job_coach"],
    )
    needs = NeedsRecord.objects.get(person=records_person)
    assert response.url == _url("service-detail", needs.service_record_id) + "?saved=needs"
    assert needs.is_current and needs.desired_jobs == "电商客服" and needs.remote_ok
    assert needs.support_needed == ["transport", "job_coach"]
    assert Person.objects.get(pk=records_person.pk).wish_to_work == "yes"


def test_needs_submitted_twice_are_registered_once(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    client, key = client_for("town_a"), str(uuid.uuid4())
    for _ in range(2):
        records_post(
            client, _url("needs", records_person.pk), wants_work="yes", idempotency_key=key
        )
    assert NeedsRecord.objects.count() == 1
    assert ServiceRecord.objects.count() == 1


def test_a_second_registration_starts_from_the_years_answers(client_for, records_person) -> None:  # noqa: ANN001
    _needs(records_person, desired_jobs="保洁")
    body = client_for("town_a").get(_url("needs", records_person.pk)).content.decode()
    assert "本年度已于" in body and 'value="保洁"' in body


# --- verification -----------------------------------------------------------------------------


def _verify_data(person, **fields):  # noqa: ANN001, ANN003, ANN202
    """The verify form as the page shows it for ``person``, with ``fields`` changed."""
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "version": person.version,
        "phone": "",
        "address": person.address,
        "region": person.region_id,
        "education": person.education,
        "hukou_type": person.hukou_type,
        "wish_to_work": person.wish_to_work,
        "hard_to_employ_date": "",
        "hard_to_employ_reasons": "",
        "hard_to_employ_office": "",
        "monitoring_category": "",
        "monitoring_identified": "",
        "monitoring_risk_eliminated": "",
        "skills": person.skills,
        "work_preferences": person.work_preferences,
        "date": TODAY.isoformat(),
        "channel": Channel.HOME_VISIT,
        "outcome": "done",
        "notes": "本人在家，当面核对",
        "employment": "",
        **fields,
    }
    return data


def test_the_verify_form_shows_the_registry_as_it_is(client_for, records_person) -> None:  # noqa: ANN001
    body = client_for("town_a").get(_url("verify", records_person.pk)).content.decode()
    assert 'value="建设路1号"' in body
    assert '<option value="junior" selected>' in body
    assert "已登记：138****5678" in body and "13812345678" not in body
    assert f'name="version" value="{records_person.version}"' in body


def test_verification_lists_exactly_the_changed_fields_before_saving_anything(
    client_for, records_person
) -> None:  # noqa: ANN001
    data = _verify_data(
        records_person, address="幸福路8号", education="senior", phone="13900001111"
    )
    response = client_for("town_a").post(_url("verify", records_person.pk), data)
    body = response.content.decode()
    assert response.status_code == 200 and "确认保存" in body
    changed = re.findall(r'data-change="([a-z_]+)"', body)
    assert changed == ["phone", "address", "education"]
    row = re.search(r'data-change="address">(.*?)</tr>', body, re.S).group(1)
    assert "建设路1号" in row and "幸福路8号" in row
    assert "139****1111" in body and "13900001111" not in body.replace('value="13900001111"', "")
    person = Person.objects.get(pk=records_person.pk)
    assert person.address == "建设路1号" and person.version == records_person.version
    assert not ServiceRecord.objects.exists()


def test_confirming_saves_the_changes_to_the_registry_and_the_verification(
    client_for, records_person
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    data = _verify_data(records_person, address="幸福路8号", education="senior")
    confirm_page = client.post(_url("verify", records_person.pk), data).content.decode()
    hidden = dict(
        re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', confirm_page)
    )
    assert hidden["address"] == "幸福路8号" and hidden["idempotency_key"] == data["idempotency_key"]
    response = client.post(_url("verify", records_person.pk), {**hidden, "confirm": "1"})
    record = ServiceRecord.objects.get(person=records_person)
    assert response.url == _url("service-detail", record.pk) + "?saved=verify"
    assert record.service_type_id == "verification" and record.notes == "本人在家，当面核对"
    person = Person.objects.get(pk=records_person.pk)
    assert (person.address, person.education) == ("幸福路8号", "senior")
    assert person.version == records_person.version + 1
    assert person.phone == "13812345678"  # left empty: unchanged
    assert AnnualCase.objects.get(person=person, year=TODAY.year).verified_on == TODAY
    # The same confirmation again (a double tap) lands on the same record.
    again = client.post(_url("verify", records_person.pk), {**hidden, "confirm": "1"})
    assert again.url == response.url and ServiceRecord.objects.count() == 1


def test_a_verification_without_changes_says_so_and_records_the_visit(
    client_for, records_person
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    data = _verify_data(records_person)
    body = client.post(_url("verify", records_person.pk), data).content.decode()
    assert 'data-change="none"' in body
    client.post(_url("verify", records_person.pk), {**data, "confirm": "1"})
    assert Person.objects.get(pk=records_person.pk).version == records_person.version
    assert ServiceRecord.objects.get().service_type_id == "verification"


def test_back_returns_to_the_form_with_what_was_typed(client_for, records_person) -> None:  # noqa: ANN001
    data = _verify_data(records_person, address="幸福路8号", back="1")
    body = client_for("town_a").post(_url("verify", records_person.pk), data).content.decode()
    assert 'value="幸福路8号"' in body and "下一步：查看改动" in body


def test_a_version_conflict_is_explained_and_overwrites_nothing(client_for, records_person) -> None:  # noqa: ANN001
    client = client_for("town_a")
    data = _verify_data(records_person, address="幸福路8号")
    # Someone else saves the person while the officer looks at the confirmation.
    person_update(person=records_person, by=None, version=records_person.version, skills="编织")
    response = client.post(_url("verify", records_person.pk), {**data, "confirm": "1"})
    body = response.content.decode()
    assert response.status_code == 200 and "刚被其他人修改过" in body
    assert 'value="幸福路8号"' in body
    person = Person.objects.get(pk=records_person.pk)
    assert person.address == "建设路1号" and person.skills == "编织"
    assert not ServiceRecord.objects.exists()


def test_a_verification_dated_tomorrow_is_refused_at_the_first_step(
    client_for, records_person
) -> None:  # noqa: ANN001
    data = _verify_data(records_person, date=TOMORROW)
    body = client_for("town_a").post(_url("verify", records_person.pk), data).content.decode()
    assert "日期不能晚于今天" in _field_error(body, "date")
    assert "确认保存" not in body


def test_a_town_officer_cannot_move_a_person_to_another_town(client_for, records_person) -> None:  # noqa: ANN001
    data = _verify_data(records_person, region=VILLAGE_B)
    body = client_for("town_a").post(_url("verify", records_person.pk), data).content.decode()
    assert "只能选择您负责范围内的村" in _field_error(body, "region")


def test_a_job_found_at_the_visit_opens_an_employment_record(client_for, records_person) -> None:  # noqa: ANN001
    client = client_for("town_a")
    start = (TODAY - dt.timedelta(days=10)).isoformat()
    data = _verify_data(
        records_person,
        employment="found",
        job_form="quota",
        job_employer_name="东城示范企业",
        job_title="客服",
        job_start_date=start,
    )
    body = client.post(_url("verify", records_person.pk), data).content.decode()
    assert "登记就业：按比例就业 · 东城示范企业 · 客服" in body
    client.post(_url("verify", records_person.pk), {**data, "confirm": "1"})
    job = EmploymentRecord.objects.get(person=records_person)
    assert job.source == Source.VERIFICATION and job.employer_name == "东城示范企业"
    assert job.start_date.isoformat() == start


def test_a_job_without_its_form_and_start_is_refused_beside_those_fields(
    client_for, records_person
) -> None:  # noqa: ANN001
    data = _verify_data(records_person, employment="found")
    body = client_for("town_a").post(_url("verify", records_person.pk), data).content.decode()
    assert "请选择就业形式" in _field_error(body, "job_form")
    assert "请填写开始日期" in _field_error(body, "job_start_date")


def test_a_job_that_ended_is_closed_by_the_verification(client_for, records_person) -> None:  # noqa: ANN001
    job = employment_services.employment_open(
        person=records_person,
        by=None,
        source=Source.DEPARTMENT,
        form="flexible",
        start_date=TODAY - dt.timedelta(days=100),
    )
    client = client_for("town_a")
    end = (TODAY - dt.timedelta(days=5)).isoformat()
    data = _verify_data(
        records_person,
        employment="ended",
        end_record=str(job.pk),
        end_date=end,
        end_reason="resigned",
    )
    body = client.post(_url("verify", records_person.pk), data).content.decode()
    assert "结束就业" in body
    client.post(_url("verify", records_person.pk), {**data, "confirm": "1"})
    job.refresh_from_db()
    assert job.end_date.isoformat() == end and job.end_reason == "resigned"


# --- the survey -------------------------------------------------------------------------------


@pytest.fixture
def survey_persons(personas):  # noqa: ANN001, ANN201
    village_a = Region.objects.get(code="440199001001")
    visited = person_register(
        name="走访过",
        id_number=make_id_number(seq=811),
        region=village_a,
        hard_to_employ_date=dt.date(2020, 1, 1),
    )
    never = person_register(
        name="没走访",
        id_number=make_id_number(seq=812),
        region=village_a,
        hard_to_employ_date=dt.date(2021, 1, 1),
    )
    person_register(name="普通人", id_number=make_id_number(seq=813), region=village_a)
    person_register(
        name="西城困难",
        id_number=make_id_number(seq=814),
        region=Region.objects.get(code=VILLAGE_B),
        hard_to_employ_date=dt.date(2020, 1, 1),
    )
    _service(
        visited, "assistance_visit", date=TODAY - dt.timedelta(days=3), channel=Channel.HOME_VISIT
    )
    return visited, never


def test_the_survey_lists_the_towns_hard_to_employ_never_visited_first(
    client_for, survey_persons
) -> None:  # noqa: ANN001
    visited, never = survey_persons
    body = client_for("town_a").get(reverse("casework:survey")).content.decode()
    assert body.index("没走访") < body.index("走访过")
    assert "从未走访" in body and (TODAY - dt.timedelta(days=3)).isoformat() in body
    assert "普通人" not in body and "西城困难" not in body
    assert _url("service-create", never.pk) + "?type=assistance_visit" in body


def test_district_staff_choose_the_town_of_the_survey(client_for, survey_persons) -> None:  # noqa: ANN001
    client = client_for("district")
    first = client.get(reverse("casework:survey")).content.decode()
    assert "请先选择镇街" in first and "没走访" not in first
    chosen = client.get(reverse("casework:survey") + "?town=440199002000").content.decode()
    assert "西城困难" in chosen and "没走访" not in chosen


def test_the_survey_export_is_masked_and_logged(client_for, survey_persons) -> None:  # noqa: ANN001
    response = client_for("town_a").get(reverse("casework:survey-export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "姓名" and [r[0] for r in rows[1:]] == ["没走访", "走访过"]
    assert "*" in rows[1][1] and rows[1][6] == "从未走访"
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.detail["kind"] == "hard_to_employ_survey" and event.detail["rows"] == 2


# --- the export of service records ------------------------------------------------------------


def test_the_services_export_has_the_records_in_scope_masked_and_logged(
    client_for, records_person, person_b
) -> None:  # noqa: ANN001
    for person in (records_person, person_b):
        _service(person, notes=f"给{person.name}")
    url = reverse("casework:services-export")
    response = client_for("town_a").get(url, {"start": "2020-01-01", "end": TODAY.isoformat()})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("身份证号", "服务类型", "服务日期")
    assert len(rows) == 2 and rows[1][4] == "给张三" and "*" in rows[1][0]
    assert AccessEvent.objects.get().detail["revealed"] is False


def test_full_numbers_in_the_services_export_need_a_reason(client_for, records_person) -> None:  # noqa: ANN001
    _service(records_person)
    client, url = client_for("district"), reverse("casework:services-export")
    period = {"full-start": "2020-01-01", "full-end": TODAY.isoformat()}
    refused = client.post(url, period)
    assert "导出完整号码必须写明原因" in _field_error(refused.content.decode(), "full-reason")
    response = client.post(url, {**period, "full-reason": "改好后重新导入"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][0] == records_person.id_number
    event = AccessEvent.objects.get()
    assert event.reason == "改好后重新导入" and event.detail["revealed"] is True


def test_a_backwards_export_range_is_refused_beside_the_end(client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").get(
        reverse("casework:services-export"), {"start": "2024-05-02", "end": "2024-05-01"}
    )
    assert "结束日期不能早于开始日期" in _field_error(response.content.decode(), "end")


# --- the person page's timeline ---------------------------------------------------------------


def test_the_person_page_shows_services_and_needs_with_archived_ones_marked(
    client_for, records_person
) -> None:  # noqa: ANN001
    record = _service(records_person, officer_name="王专干")
    services.service_archive(record=record, reason="重复", by=None)
    _needs(records_person, desired_jobs="电商客服")
    body = (
        client_for("town_a")
        .get(reverse("people:detail", kwargs={"pk": records_person.pk}))
        .content.decode()
    )
    assert "职业指导" in body and "经办人：王专干" in body
    assert "timeline__item--archived" in body
    assert "就业需求登记：有就业意愿" in body and "意向岗位：电商客服" in body
    assert _url("service-detail", record.pk) in body
    # The person's own page (core.timeline.for_self): their needs registration in plain words,
    # no staff links, and not the service archived as a mistake (a duplicate entry).
    own = client_for("jobseeker").get(reverse("people:detail", kwargs={"pk": records_person.pk}))
    own = own.content.decode()
    assert "意向岗位：电商客服" in own
    assert "职业指导" not in own and "经办人：王专干" not in own
    assert _url("service-detail", record.pk) not in own


def test_the_person_page_reads_only_the_timelines_the_person_has_rows_in(
    client_for, records_person
) -> None:  # noqa: ANN001
    """Service, needs, training and referral entries are read in one statement, and only for a
    person with such rows (their flags come with the person): none for a person without."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiuye.core.together import SOURCE

    client = client_for("town_a")
    page = reverse("people:detail", kwargs={"pk": records_person.pk})

    def timeline_reads() -> list[str]:
        client.get(page)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        return [q["sql"] for q in captured if SOURCE in q["sql"]]

    assert timeline_reads() == []
    _service(records_person, officer_name="王专干")
    (statement,) = timeline_reads()
    assert ServiceRecord._meta.db_table in statement
    assert "training_enrolment" not in statement and "jobs_referral" not in statement


def test_a_web_page_sent_as_a_picture_is_refused_and_a_misnamed_file_stored_as_it_is(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    url = _url("service-create", records_person.pk)
    page = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>", "image/png")
    response = records_post(client, url, service_type="career_guidance", attachment=page)
    assert "不是真正的" in _field_error(response.content.decode(), "attachment")
    assert not ServiceRecord.objects.exists()
    # A real PNG sent under an .html name is stored (and served) as the PNG it is.
    png = SimpleUploadedFile("note.html", image_bytes("PNG"), "text/html")
    records_post(client, url, service_type="career_guidance", attachment=png)
    record = ServiceRecord.objects.get()
    assert record.attachment.name.endswith(".png") and record.attachment_name == "note.png"
    served = client.get(_url("service-attachment", record.pk))
    assert served["Content-Type"] == "image/png"


def test_a_service_dated_more_than_a_year_ago_asks_for_a_confirmation_first(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    url = _url("service-create", records_person.pk)
    old = (TODAY - dt.timedelta(days=400)).isoformat()
    response = records_post(client, url, service_type="career_guidance", date=old)
    body = response.content.decode()
    assert "已是一年多以前，请核对年份" in _field_error(body, "date")
    assert 'name="confirm_dates"' in body  # the confirmation is offered with the message
    assert not ServiceRecord.objects.exists()
    records_post(client, url, service_type="career_guidance", date=old, confirm_dates="on")
    assert ServiceRecord.objects.get().date.isoformat() == old


def test_a_next_contact_more_than_two_years_ahead_asks_for_a_confirmation(
    client_for, records_person, records_post
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    url = _url("service-create", records_person.pk)
    far = (TODAY + dt.timedelta(days=800)).isoformat()
    response = records_post(client, url, service_type="career_guidance", follow_up_date=far)
    assert "在两年以后" in _field_error(response.content.decode(), "follow_up_date")
    assert not ServiceRecord.objects.exists()


def test_a_large_services_export_is_made_in_the_background_in_scope(
    client_for, records_person, person_b, settings
) -> None:  # noqa: ANN001
    settings.JIUYE_EXPORT_DIRECT_MAX_ROWS = 0
    for person in (records_person, person_b):
        _service(person, notes=f"给{person.name}")
    client = client_for("town_a")
    period = {"start": "2020-01-01", "end": TODAY.isoformat()}
    response = client.get(reverse("casework:services-export"), period)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == ExportJob.Status.DONE
    assert job.filename == f"服务记录-20200101-{TODAY:%Y%m%d}.xlsx"
    download = client.get(reverse("core:export-download", kwargs={"pk": job.pk}))
    content = b"".join(download.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    assert len(rows) == 2 and rows[1][4] == "给张三"
    event = AccessEvent.objects.get(detail__background=str(job.pk))
    assert event.detail["rows"] == 1 and event.detail["start"] == "2020-01-01"
