"""Enrolment services: capacity asks for confirmation, scope, duplicates, archived or deceased
persons, requests, completion and drop-out checks, attendance dates, certificate numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from jiuye.people.models import LifeStatus
from jiuye.training.models import Attendance, CertificateKind, EnrolmentStatus
from jiuye.training.services import enrolments as services
from jiuye.training.tests import enrolment_fixtures as fx
from jiuye.training.tests.enrolment_fixtures import days_ago, enrol, make_course, today

pytestmark = pytest.mark.django_db

course_a, enrolment_a = fx.course_a, fx.enrolment_a


def _code(info: pytest.ExceptionInfo) -> str:
    return getattr(info.value, "code", "") or ""


def test_a_full_course_asks_for_confirmation_then_enrols(course_a, person_a, person_b) -> None:  # noqa: ANN001
    from jiuye.jobs.tests.referral_fixtures import make_person

    enrol(course_a, person_a)
    enrol(course_a, person_b)
    third = make_person(303, "王五")
    with pytest.raises(ValidationError) as info:
        enrol(course_a, third)
    assert _code(info) == "capacity"
    assert "名额 2，已报名 2" in info.value.messages[0]
    assert "仍然报名（超出名额）" in info.value.messages[0]
    enrolment = enrol(course_a, third, confirm_over_capacity=True)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert services.seats_taken(course_a) == 3


def test_a_town_officer_cannot_enrol_a_person_of_another_town(course_a, personas, person_b) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as info:
        services.enrolment_create(course=course_a, person=person_b, by=personas["town_a"])
    assert _code(info) == "scope"
    assert services.enrolment_create(course=course_a, person=person_b, by=personas["town_b"]).pk


def test_a_person_is_enrolled_once(enrolment_a, course_a, person_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as info:
        enrol(course_a, person_a)
    assert "已报名这门课程" in info.value.messages[0]


def test_an_enrolment_dated_after_today_is_refused_naming_the_day(course_a, person_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as info:
        enrol(course_a, person_a, enrolled_on=days_ago(-1))
    expected = f"报名日期不能晚于今天（{today():%Y-%m-%d}）。"
    assert info.value.message_dict["enrolled_on"] == [expected]


def test_archived_or_deceased_persons_are_refused(course_a, person_a, person_b) -> None:  # noqa: ANN001
    person_a.life_status = LifeStatus.DECEASED
    person_a.save()
    with pytest.raises(ValidationError, match="不在册"):
        enrol(course_a, person_a)


def test_a_job_seeker_requests_for_themself_only(course_a, personas, person_b) -> None:  # noqa: ANN001
    seeker = personas["jobseeker"]
    with pytest.raises(ValidationError) as info:
        services.enrolment_create(course=course_a, person=person_b, by=seeker, requested=True)
    assert _code(info) == "scope"
    request = services.enrolment_create(
        course=course_a, person=seeker.person, by=seeker, requested=True
    )
    assert request.status == EnrolmentStatus.REQUESTED
    assert services.seats_taken(course_a) == 0
    confirmed = services.enrolment_confirm(enrolment=request, by=personas["town_a"])
    assert confirmed.status == EnrolmentStatus.ENROLLED


def test_completion_needs_a_date_within_the_course_and_not_in_the_future(enrolment_a) -> None:  # noqa: ANN001
    start = enrolment_a.course.start_date
    with pytest.raises(ValidationError) as info:
        services.enrolment_complete(enrolment=enrolment_a, by=None, on=start - dt.timedelta(1))
    assert "不能早于开班日期" in info.value.message_dict["on"][0]
    with pytest.raises(ValidationError) as info:
        services.enrolment_complete(enrolment=enrolment_a, by=None, on=today() + dt.timedelta(1))
    assert "不能晚于今天" in info.value.message_dict["on"][0]
    done = services.enrolment_complete(
        enrolment=enrolment_a, by=None, on=today(), assessment="合格"
    )
    assert (done.status, done.completed_on, done.assessment) == ("completed", today(), "合格")
    with pytest.raises(ValidationError, match="在学"):
        services.enrolment_complete(enrolment=done, by=None, on=today())


def test_a_drop_out_needs_a_date_and_a_reason(enrolment_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as info:
        services.enrolment_drop(enrolment=enrolment_a, by=None, on=None, reason="")
    assert set(info.value.message_dict) == {"on", "reason"}
    with pytest.raises(ValidationError) as info:
        services.enrolment_drop(enrolment=enrolment_a, by=None, on=today(), reason="other")
    assert "写明原因" in info.value.message_dict["note"][0]
    dropped = services.enrolment_drop(enrolment=enrolment_a, by=None, on=today(), reason="health")
    assert (dropped.status, dropped.drop_reason) == ("dropped", "health")


def test_attendance_outside_the_course_period_is_refused_with_the_period(enrolment_a) -> None:  # noqa: ANN001
    course = enrolment_a.course
    before = course.start_date - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as info:
        services.attendance_set(enrolment=enrolment_a, date=before, present=True, by=None)
    message = info.value.message_dict["date"][0]
    assert f"上课日期 {before:%Y-%m-%d} 不在课程开班至结业期间" in message
    assert f"{course.start_date:%Y-%m-%d}至{course.end_date:%Y-%m-%d}" in message
    with pytest.raises(ValidationError, match="晚于今天"):
        services.attendance_set(
            enrolment=enrolment_a, date=today() + dt.timedelta(1), present=True, by=None
        )


def test_attendance_is_one_row_a_day_and_can_be_corrected(enrolment_a) -> None:  # noqa: ANN001
    services.attendance_set(enrolment=enrolment_a, date=days_ago(1), present=True, by=None)
    services.attendance_set(enrolment=enrolment_a, date=days_ago(1), present=False, by=None)
    assert list(Attendance.objects.values_list("present", flat=True)) == [False]


def test_a_certificate_number_is_unique_per_kind(enrolment_a, person_a) -> None:  # noqa: ANN001
    values = {"level": "五级", "number": "S2025-001", "issued_on": today()}
    services.certificate_add(
        person=person_a, by=None, kind=CertificateKind.SKILL_LEVEL, enrolment=enrolment_a, **values
    )
    with pytest.raises(ValidationError) as info:
        services.certificate_add(
            person=person_a, by=None, kind=CertificateKind.SKILL_LEVEL, **values
        )
    assert "S2025-001 已经登记过" in info.value.message_dict["number"][0]
    other = services.certificate_add(
        person=person_a, by=None, kind=CertificateKind.COMPLETION, **values
    )
    assert other.number == "S2025-001"
    with pytest.raises(ValidationError) as info:
        services.certificate_add(
            person=person_a,
            by=None,
            kind=CertificateKind.COMPLETION,
            level="",
            number="C-1",
            issued_on=today() + dt.timedelta(days=1),
        )
    assert "不能晚于今天" in info.value.message_dict["issued_on"][0]


def test_an_archived_course_takes_no_enrolment(person_a, reference) -> None:  # noqa: ANN001
    from django.utils import timezone

    course = make_course(archived_at=timezone.now())
    with pytest.raises(ValidationError, match="已归档"):
        enrol(course, person_a)


@pytest.mark.parametrize("before", ["course", "birth"])
def test_a_certificate_is_not_issued_before_its_course_began_or_its_holder_was_born(
    enrolment_a, person_a, before
) -> None:  # noqa: ANN001
    if before == "course":
        day, what = enrolment_a.course.start_date, "培训开班日期"
    else:
        day, what = person_a.birth_date, "本人出生日期"
    with pytest.raises(ValidationError) as info:
        services.certificate_add(
            person=person_a,
            by=None,
            kind=CertificateKind.COMPLETION,
            level="",
            number="C-early",
            issued_on=day - dt.timedelta(days=1),
            enrolment=enrolment_a if before == "course" else None,
        )
    assert info.value.message_dict["issued_on"] == [
        f"发证日期早于{what}（{day:%Y-%m-%d}），请核对。"
    ]
