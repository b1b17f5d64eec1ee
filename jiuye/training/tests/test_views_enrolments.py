"""The enrolment pages: enrol by search within scope (outsider 404, capacity confirmation), the
enrolment page (confirm, complete, drop, certificate), the attendance sheet, the exports, the
job seeker's request, the person timeline, bad input and query budgets."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_id_number
from jiuye.core.models import AccessEvent
from jiuye.core.tests.responses import assert_one_answer, html_of, searched_answers
from jiuye.jobs.tests.referral_fixtures import make_person
from jiuye.training.models import Attendance, Certificate, Enrolment, EnrolmentStatus
from jiuye.training.services import enrolments as services
from jiuye.training.tests import enrolment_fixtures as fx
from jiuye.training.tests.enrolment_fixtures import days_ago, enrol, make_course, today

pytestmark = pytest.mark.django_db

course_a, enrolment_a = fx.course_a, fx.enrolment_a


def _enrol_url(course) -> str:  # noqa: ANN001
    return reverse("training:enrol", args=[course.pk])


def test_a_town_officer_finds_their_person_and_enrols_them(
    client_for, course_a, person_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    with django_assert_max_num_queries(15):
        html = html_of(client.get(_enrol_url(course_a) + "?q=张"))
    assert "张三" in html and person_a.masked_id_number in html
    assert person_a.id_number not in html
    response = client.post(
        _enrol_url(course_a) + "?q=张",
        {"person": str(person_a.pk), "enrolled_on": f"{today():%Y-%m-%d}"},
    )
    enrolment = Enrolment.objects.get(person=person_a, course=course_a)
    assert response.status_code == 302
    assert response.url == reverse("training:enrolment", args=[enrolment.pk])
    assert "已经报名这门课程" in html_of(client.get(_enrol_url(course_a) + "?q=张"))


def test_enrolling_a_person_outside_the_officers_scope_is_a_404(
    client_for, course_a, person_b
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    assert "李四" not in html_of(client.get(_enrol_url(course_a) + "?q=李"))
    response = client.post(
        _enrol_url(course_a), {"person": str(person_b.pk), "enrolled_on": f"{today():%Y-%m-%d}"}
    )
    assert response.status_code == 404
    bad = client.post(_enrol_url(course_a), {"person": "not-a-uuid", "enrolled_on": "x"})
    assert bad.status_code == 404
    assert not Enrolment.objects.exists()


def test_a_full_course_asks_to_tick_the_box_and_enrols_after_it(
    client_for, course_a, person_a
) -> None:  # noqa: ANN001
    enrol(course_a, make_person(401, "王五"))
    enrol(course_a, make_person(402, "赵六"))
    client = client_for("town_a")
    data = {"person": str(person_a.pk), "enrolled_on": f"{today():%Y-%m-%d}"}
    response = client.post(_enrol_url(course_a), data)
    html = html_of(response)
    assert response.status_code == 200
    assert "<title>错误：" in html
    assert "名额 2，已报名 2" in html
    assert (
        'name="confirm_over_capacity"' in html
        and "checked" not in html.split('name="confirm_over_capacity"')[1].split(">")[0]
    )
    assert not Enrolment.objects.filter(person=person_a).exists()
    response = client.post(_enrol_url(course_a), {**data, "confirm_over_capacity": "on"})
    assert response.status_code == 302
    assert Enrolment.objects.get(person=person_a).status == EnrolmentStatus.ENROLLED


def test_the_enrol_form_without_a_person_shows_errors(client_for, course_a) -> None:  # noqa: ANN001
    response = client_for("district").post(_enrol_url(course_a), {"enrolled_on": "昨天"})
    html = html_of(response)
    assert response.status_code == 200 and "<title>错误：" in html
    assert "请选择要报名的人员" in html and "请按“年-月-日”填写" in html


def test_a_duplicate_enrolment_is_refused_on_the_form(client_for, enrolment_a, person_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        _enrol_url(enrolment_a.course),
        {"person": str(person_a.pk), "enrolled_on": f"{today():%Y-%m-%d}"},
    )
    assert "已报名这门课程" in html_of(response)


def test_read_only_and_other_roles_are_refused_and_get_is_405_for_a_request(
    client_for, course_a, enrolment_a
) -> None:  # noqa: ANN001
    for name in ("leader", "liaison", "employer", "jobseeker"):
        assert client_for(name).get(_enrol_url(course_a)).status_code == 403
        assert client_for(name).post(_enrol_url(course_a), {}).status_code == 403
    enrolment_url = reverse("training:enrolment", args=[enrolment_a.pk])
    assert client_for("leader").post(enrolment_url, {"action": "drop"}).status_code == 403
    assert client_for("town_b").get(enrolment_url).status_code == 404
    assert client_for("town_a").delete(enrolment_url).status_code == 405
    request_url = reverse("training:request-enrolment", args=[course_a.pk])
    assert client_for("jobseeker").get(request_url).status_code == 405
    assert client_for("town_a").post(request_url).status_code == 403
    bad = reverse("training:enrol", args=["00000000-0000-0000-0000-000000000000"])
    assert client_for("town_a").get(bad).status_code == 404


def test_the_enrolment_page_shows_the_person_masked_and_the_attendance(
    client_for, enrolment_a, person_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    services.attendance_set(enrolment=enrolment_a, date=days_ago(2), present=True, by=None)
    services.attendance_set(enrolment=enrolment_a, date=days_ago(1), present=False, by=None)
    client = client_for("town_a")
    with django_assert_max_num_queries(15):
        response = client.get(reverse("training:enrolment", args=[enrolment_a.pk]))
    html = html_of(response)
    assert person_a.masked_id_number in html and person_a.id_number not in html
    assert "出勤 1 次，缺勤 1 次" in html
    assert "登记结业" in html and "登记中途退出" in html


def test_completion_and_drop_forms_show_errors_then_save(client_for, enrolment_a) -> None:  # noqa: ANN001
    client = client_for("town_a")
    url = reverse("training:enrolment", args=[enrolment_a.pk])
    too_early = enrolment_a.course.start_date - dt.timedelta(days=1)
    response = client.post(url, {"action": "complete", "complete-on": f"{too_early:%Y-%m-%d}"})
    html = html_of(response)
    assert "<title>错误：" in html and "不能早于开班日期" in html
    response = client.post(url, {"action": "drop", "drop-on": "", "drop-reason": ""})
    assert "请填写退出日期" in html_of(response) and "请选择退出原因" in html_of(response)
    response = client.post(
        url,
        {
            "action": "complete",
            "complete-on": f"{today():%Y-%m-%d}",
            "complete-assessment": "合格",
            "complete-version": str(enrolment_a.version),
        },
    )
    assert response.status_code == 302
    enrolment_a.refresh_from_db()
    assert (enrolment_a.status, enrolment_a.assessment) == ("completed", "合格")


def test_a_stale_version_gets_the_conflict_message(client_for, enrolment_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("training:enrolment", args=[enrolment_a.pk]),
        {
            "action": "drop",
            "drop-on": f"{today():%Y-%m-%d}",
            "drop-reason": "health",
            "drop-version": str(enrolment_a.version + 5),
        },
    )
    assert "刚刚被其他人修改过" in html_of(response)


def test_a_certificate_is_added_and_a_taken_number_is_explained(
    client_for, enrolment_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("training:enrolment", args=[enrolment_a.pk])
    data = {
        "action": "certificate",
        "cert-kind": "skill_level",
        "cert-level": "五级",
        "cert-number": "A-100",
        "cert-issued_on": f"{today():%Y-%m-%d}",
    }
    assert client.post(url, data).status_code == 302
    assert Certificate.objects.get().enrolment == enrolment_a
    html = html_of(client.post(url, data))
    assert "<title>错误：" in html and "A-100 已经登记过" in html
    with django_assert_max_num_queries(15):
        listing = html_of(client.get(reverse("training:certificates") + "?kind=skill_level"))
    assert "A-100" in listing
    assert "A-100" not in html_of(client.get(reverse("training:certificates") + "?year=2001"))
    bad = client.get(reverse("training:certificates") + "?year=明年&kind=x&page=abc")
    assert bad.status_code == 200 and "年度请填写四位数字" in html_of(bad)


def test_the_job_seeker_requests_and_staff_confirm(client_for, course_a, personas) -> None:  # noqa: ANN001
    response = client_for("jobseeker").post(
        reverse("training:request-enrolment", args=[course_a.pk])
    )
    assert response.status_code == 302
    request = Enrolment.objects.get(person=personas["jobseeker"].person)
    assert request.status == EnrolmentStatus.REQUESTED
    again = client_for("jobseeker").post(
        reverse("training:request-enrolment", args=[course_a.pk]), follow=True
    )
    assert "已报名这门课程" in html_of(again)
    client = client_for("town_a")
    url = reverse("training:enrolment", args=[request.pk])
    assert "确认报名申请" in html_of(client.get(url))
    assert client.post(url, {"action": "confirm"}).status_code == 302
    request.refresh_from_db()
    assert request.status == EnrolmentStatus.ENROLLED


def test_the_attendance_sheet_lists_scoped_persons_and_saves_every_row(
    client_for, course_a, person_a, person_b, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    mine = enrol(course_a, person_a)
    enrol(course_a, person_b)
    client = client_for("town_a")
    url = reverse("training:attendance", args=[course_a.pk])
    with django_assert_max_num_queries(15):
        html = html_of(client.get(url))
    assert "张三" in html and "李四" not in html
    assert f"{today():%Y-%m-%d} 出勤" in html and "<legend" in html
    day = days_ago(3)
    response = client.post(f"{url}?date={day:%Y-%m-%d}", {"present": [str(mine.pk)]})
    assert response.status_code == 302
    assert Attendance.objects.get(enrolment=mine, date=day).present is True
    response = client.post(f"{url}?date={day:%Y-%m-%d}", {})
    assert Attendance.objects.get(enrolment=mine, date=day).present is False
    assert Attendance.objects.count() == 1  # 李四 is not on 东城's sheet


def test_attendance_for_a_date_outside_the_course_is_refused_clearly(
    client_for, course_a, enrolment_a
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    url = reverse("training:attendance", args=[course_a.pk])
    before = course_a.start_date - dt.timedelta(days=1)
    response = client.get(f"{url}?date={before:%Y-%m-%d}")
    html = html_of(response)
    assert response.status_code == 200
    assert f"上课日期 {before:%Y-%m-%d} 不在课程开班至结业期间" in html
    assert 'name="present"' not in html
    posted = client.post(f"{url}?date={before:%Y-%m-%d}", {"present": [str(enrolment_a.pk)]})
    assert posted.status_code == 302 and not Attendance.objects.exists()
    future = html_of(client.get(f"{url}?date={today() + dt.timedelta(days=1):%Y-%m-%d}"))
    assert "晚于今天" in future
    garbage = client.get(f"{url}?date=2025-13-45")
    assert garbage.status_code == 200 and "请按“年-月-日”填写" in html_of(garbage)


def test_a_course_yet_to_start_opens_on_its_first_day_with_the_reason(
    client_for, reference, personas
) -> None:  # noqa: ANN001
    course = make_course(
        start_date=today() + dt.timedelta(days=3), end_date=today() + dt.timedelta(days=9)
    )
    html = html_of(client_for("district").get(reverse("training:attendance", args=[course.pk])))
    assert "晚于今天，还不能记录考勤" in html


def test_the_export_lists_scoped_enrolments_masked_and_is_logged(
    client_for, course_a, person_a, person_b
) -> None:  # noqa: ANN001
    enrol(course_a, person_a)
    enrol(course_a, person_b)
    response = client_for("town_a").get(reverse("training:enrolments-export", args=[course_a.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["张三"]
    assert rows[0][1] == person_a.masked_id_number
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.detail["rows"] == 1 and event.username == "town_a"


def test_the_certificate_export_is_logged(client_for, enrolment_a, person_a) -> None:  # noqa: ANN001
    services.certificate_add(
        person=person_a, by=None, kind="completion", level="", number="C-9", issued_on=today()
    )
    response = client_for("town_b").get(reverse("training:certificates") + "?export=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1  # 西城's officer: 张三 is not theirs
    response = client_for("town_a").get(reverse("training:certificates") + "?export=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=6).value == "C-9"
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).count() == 2


def test_the_person_timeline_shows_enrolment_completion_and_certificate(
    client_for, enrolment_a, person_a
) -> None:  # noqa: ANN001
    services.enrolment_complete(enrolment=enrolment_a, by=None, on=today())
    services.certificate_add(
        person=person_a,
        by=None,
        kind="skill_level",
        level="五级",
        number="T-1",
        issued_on=today(),
        enrolment=enrolment_a,
    )
    html = html_of(client_for("town_a").get(reverse("people:detail", args=[person_a.pk])))
    assert "报名：电商客服培训班" in html
    assert "结业：电商客服培训班" in html
    assert "获得证书：职业技能等级证书（五级）" in html


def test_a_search_by_a_number_registered_elsewhere_answers_as_for_an_unregistered_one(
    client_for, course_a, person_b
) -> None:  # noqa: ANN001
    """Issue 14, security 4: the answer must not tell whether someone elsewhere is registered."""
    numbers = (person_b.id_number, make_id_number(seq=777))
    answers = searched_answers(client_for("town_a"), _enrol_url(course_a), numbers)
    assert_one_answer(answers)
