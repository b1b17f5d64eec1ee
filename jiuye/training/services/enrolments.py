"""Writes of enrolments (报名), attendance (考勤), completion or drop-out (结业 / 中途退出) and the
certificates a person was awarded (证书).

Staff (administrators, district staff, a town officer for the persons of their town) enrol; a
job seeker may only *request* enrolment for themself, which staff then confirm. Places are a
soft limit: going over asks the user to confirm (code ``capacity``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.accounts.models import Role
from jiuye.core import conflicts, dates
from jiuye.core.scoping import region_in_scope
from jiuye.notifications import selectors as told
from jiuye.notifications.services import Event, notify
from jiuye.people.models import LifeStatus, Person
from jiuye.training.models import (
    Attendance,
    Certificate,
    CertificateKind,
    Course,
    DropReason,
    Enrolment,
    EnrolmentStatus,
)

TAKING_SEATS = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
STAFF_WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)


def _today() -> dt.date:
    return timezone.localdate()


def _check_staff_scope(by: Any, person: Person) -> None:
    if conflicts.actor(by) is None:
        return
    if by.role not in STAFF_WRITERS or not region_in_scope(by, person.region_id):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")


def seats_taken(course: Course) -> int:
    """Places used: persons enrolled or completed (a request holds no place until confirmed)."""
    return Enrolment.objects.filter(course=course, status__in=TAKING_SEATS).count()


def _check_capacity(course: Course, confirm_over_capacity: bool) -> None:
    taken = seats_taken(course)
    if taken + 1 > course.places and not confirm_over_capacity:
        raise ValidationError(
            _(
                "这门课程名额已满（名额 %(places)d，已报名 %(taken)d）。"
                "如确需超出名额报名，请勾选“仍然报名（超出名额）”后再次提交。"
            )
            % {"places": course.places, "taken": taken},
            code="capacity",
        )


def _check_person(person: Person) -> None:
    if person.is_archived or person.life_status != LifeStatus.ACTIVE:
        raise ValidationError(
            _("%(name)s 已归档或已不在册，不能报名。") % {"name": person.name}, code="person"
        )


@transaction.atomic
def enrolment_create(
    *,
    course: Course,
    person: Person,
    by: Any,
    enrolled_on: dt.date | None = None,
    confirm_over_capacity: bool = False,
    requested: bool = False,
    import_batch: Any = None,
) -> Enrolment:
    """Enrol a person (staff), or record a job seeker's own request (``requested=True``)."""
    current = Course.objects.select_for_update().get(pk=course.pk)
    if current.is_archived:
        raise ValidationError(_("这门课程已归档，不能报名。"), code="archived")
    actor = conflicts.actor(by)
    if requested:
        if actor is not None and not (by.role == Role.JOBSEEKER and by.person_id == person.pk):
            raise ValidationError(_("只能为本人申请报名。"), code="scope")
        if current.end_date < _today():
            raise ValidationError(_("这门课程已经结业，不能再申请报名。"), code="ended")
    else:
        _check_staff_scope(by, person)
    _check_person(person)
    existing = Enrolment.objects.filter(course=current, person=person).first()
    if existing is not None:
        raise ValidationError(
            _("%(name)s 已报名这门课程（状态：%(status)s），不能重复报名。")
            % {"name": person.name, "status": existing.get_status_display()},
            code="duplicate",
        )
    day = enrolled_on or _today()
    error = _day_error(day, _("报名日期"))
    if error:
        raise ValidationError({"enrolled_on": [error]})
    if not requested:
        _check_capacity(current, confirm_over_capacity)
    enrolment = Enrolment(
        course=current,
        person=person,
        status=EnrolmentStatus.REQUESTED if requested else EnrolmentStatus.ENROLLED,
        enrolled_on=day,
        import_batch=import_batch,
        created_by=actor,
        updated_by=actor,
    )
    enrolment.full_clean(exclude=["course", "person", "import_batch"], validate_unique=False)
    enrolment.save()
    if requested:  # a job seeker's own request waits for the town to confirm it
        _tell(
            enrolment,
            "requested",
            _("培训报名申请待确认：%(name)s 申请参加“%(course)s”"),
            told.town_officers(person.region_id),
            by,
        )
    return enrolment


def _tell(enrolment: Enrolment, step: str, title: str, recipients: Any, by: Any) -> None:
    notify(
        event=Event(
            key=f"enrolment:{enrolment.pk}:{step}",
            kind=f"enrolment_{step}",
            title=title % {"name": enrolment.person.name, "course": enrolment.course.title},
            url=f"/training/enrolments/{enrolment.pk}/",
        ),
        recipients=recipients,
        exclude=conflicts.actor(by),
    )


def _locked(enrolment: Enrolment, version: int | None) -> Enrolment:
    queryset = Enrolment.objects.select_related("course", "person")
    return conflicts.locked(queryset, pk=enrolment.pk, version=version)


@transaction.atomic
def enrolment_confirm(
    *,
    enrolment: Enrolment,
    by: Any,
    confirm_over_capacity: bool = False,
    version: int | None = None,
) -> Enrolment:
    """Staff accept a job seeker's request: the person is then enrolled and takes a place."""
    current = _locked(enrolment, version)
    _check_staff_scope(by, current.person)
    if current.status != EnrolmentStatus.REQUESTED:
        raise ValidationError(_("这条报名不是待确认的申请。"), code="status")
    course = Course.objects.select_for_update().get(pk=current.course_id)
    if course.is_archived:
        raise ValidationError(_("这门课程已归档，不能报名。"), code="archived")
    _check_person(current.person)
    _check_capacity(course, confirm_over_capacity)
    current.status = EnrolmentStatus.ENROLLED
    current = conflicts.bump(current, by=by, changed={"status"})
    _tell(
        current,
        "confirmed",
        _("培训报名已确认：%(name)s 可以参加“%(course)s”"),
        told.person_users(current.person_id),
        by,
    )
    return current


def _day_error(day: dt.date | None, label: str) -> str:
    """The error of a day something happened: missing, or after today (dates.past)."""
    if day is None:
        return _("请填写%(label)s。") % {"label": label}
    findings = dates.past(day, field="", label=label, today=_today())
    return findings[0].message if findings else ""


def enrolment_change_errors(
    *,
    before: str,
    status: str,
    on: dt.date | None,
    start: dt.date,
    enrolled_on: dt.date,
    reason: str = "",
    note: str = "",
    again: bool = True,
) -> dict[str, list[str]]:
    """The rules of a change of an enrolment's status, for the services and the import alike:
    only a person in class (在学) completes; only one in class or requesting drops out, with a
    reason (and a note for 其他); nobody goes back to 在学. ``again``: the status may stay as
    it is (a re-import); a service completing or dropping passes False. Problems by field: ""
    for the status, "on" for the day, "reason", "note"."""
    errors: dict[str, list[str]] = {}
    label = EnrolmentStatus(before).label
    if status != before or not again:
        if status == EnrolmentStatus.COMPLETED and before != EnrolmentStatus.ENROLLED:
            errors[""] = [
                _("只有“在学”的学员可以登记结业，这条报名的状态是：%(status)s。")
                % {"status": label}
            ]
        elif status == EnrolmentStatus.DROPPED and before not in (
            EnrolmentStatus.ENROLLED,
            EnrolmentStatus.REQUESTED,
        ):
            errors[""] = [_("这条报名的状态是“%(status)s”，不能再登记退出。") % {"status": label}]
        elif status == EnrolmentStatus.ENROLLED and before != EnrolmentStatus.REQUESTED:
            errors[""] = [_("这条报名的状态是“%(status)s”，不能改回“在学”。") % {"status": label}]
    if errors:
        return errors
    if status == EnrolmentStatus.COMPLETED:
        error = _day_error(on, _("结业日期"))
        if not error and on < start:
            error = _("结业日期不能早于开班日期（%(start)s）。") % {"start": f"{start:%Y-%m-%d}"}
        if error:
            errors["on"] = [error]
    elif status == EnrolmentStatus.DROPPED:
        error = _day_error(on, _("退出日期"))
        if not error and on < enrolled_on:
            error = _("退出日期不能早于报名日期（%(day)s）。") % {"day": f"{enrolled_on:%Y-%m-%d}"}
        if error:
            errors["on"] = [error]
        if reason not in DropReason.values:
            errors["reason"] = [_("请选择退出原因。")]
        elif reason == DropReason.OTHER and not note:
            errors["note"] = [_("退出原因选择“其他”时，请在备注中写明原因。")]
    if len(note) > 300:
        errors["note"] = [_("备注最多300个字。")]
    return errors


def _raise_change_errors(errors: dict[str, list[str]]) -> None:
    if "" in errors:
        raise ValidationError(errors[""][0], code="status")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enrolment_complete(
    *,
    enrolment: Enrolment,
    by: Any,
    on: dt.date | None,
    assessment: str = "",
    version: int | None = None,
) -> Enrolment:
    current = _locked(enrolment, version)
    _check_staff_scope(by, current.person)
    errors = enrolment_change_errors(
        before=current.status,
        status=EnrolmentStatus.COMPLETED,
        on=on,
        start=current.course.start_date,
        enrolled_on=current.enrolled_on,
        again=False,
    )
    if "" in errors:
        _raise_change_errors(errors)
    assessment = (assessment or "").strip()
    if len(assessment) > 50:
        errors["assessment"] = [_("考核结果最多50个字。")]
    _raise_change_errors(errors)
    current.status = EnrolmentStatus.COMPLETED
    current.completed_on = on
    current.assessment = assessment
    return conflicts.bump(current, by=by, changed={"status", "completed_on", "assessment"})


@transaction.atomic
def enrolment_drop(
    *,
    enrolment: Enrolment,
    by: Any,
    on: dt.date | None,
    reason: str,
    note: str = "",
    version: int | None = None,
) -> Enrolment:
    current = _locked(enrolment, version)
    _check_staff_scope(by, current.person)
    note = (note or "").strip()
    _raise_change_errors(
        enrolment_change_errors(
            before=current.status,
            status=EnrolmentStatus.DROPPED,
            on=on,
            start=current.course.start_date,
            enrolled_on=current.enrolled_on,
            reason=reason,
            note=note,
            again=False,
        )
    )
    current.status = EnrolmentStatus.DROPPED
    current.dropped_on = on
    current.drop_reason = reason
    current.note = note
    return conflicts.bump(current, by=by, changed={"status", "dropped_on", "drop_reason", "note"})


def attendance_date_error(course: Course, day: dt.date) -> str:
    """Why attendance can't be taken for this day of the course ("" when it can)."""
    if not course.start_date <= day <= course.end_date:
        return _(
            "上课日期 %(day)s 不在课程开班至结业期间（%(start)s至%(end)s），请选择期间内的日期。"
        ) % {
            "day": f"{day:%Y-%m-%d}",
            "start": f"{course.start_date:%Y-%m-%d}",
            "end": f"{course.end_date:%Y-%m-%d}",
        }
    if day > _today():
        return _("上课日期 %(day)s 晚于今天，还不能记录考勤。") % {"day": f"{day:%Y-%m-%d}"}
    return ""


def attendance_set(
    *,
    enrolment: Enrolment,
    date: dt.date,
    present: bool,
    by: Any,
    import_batch: Any = None,
) -> Attendance:
    """Record whether the person came on one session day (creates or updates that day's row)."""
    course = enrolment.course
    error = attendance_date_error(course, date)
    if error:
        raise ValidationError({"date": [error]}, code="date")
    _check_staff_scope(by, enrolment.person)
    if enrolment.status not in TAKING_SEATS and enrolment.status != EnrolmentStatus.DROPPED:
        raise ValidationError(_("待确认的申请还不能记录考勤，请先确认报名。"), code="status")
    actor = conflicts.actor(by)
    with transaction.atomic():
        row, created = Attendance.objects.select_for_update().get_or_create(
            enrolment=enrolment,
            date=date,
            defaults={
                "present": present,
                "import_batch": import_batch,
                "created_by": actor,
                "updated_by": actor,
            },
        )
        if not created and row.present != present:
            row.present = present
            row.updated_by = actor
            fields = ["present", "updated_by", "updated_at"]
            if import_batch is not None:
                row.import_batch = import_batch
                fields.append("import_batch")
            row.save(update_fields=fields)
    return row


@transaction.atomic
def attendance_sheet_save(
    *, enrolments: Iterable[Enrolment], date: dt.date, present_ids: set[Any], by: Any
) -> tuple[int, int]:
    """Save one session's sheet: every listed enrolment present or absent. Returns the counts."""
    present = absent = 0
    for enrolment in enrolments:
        came = enrolment.pk in present_ids
        attendance_set(enrolment=enrolment, date=date, present=came, by=by)
        present, absent = present + came, absent + (not came)
    return present, absent


@transaction.atomic
def certificate_add(
    *,
    person: Person,
    by: Any,
    kind: str,
    level: str,
    number: str,
    issued_on: dt.date | None,
    issuer: str = "",
    enrolment: Enrolment | None = None,
) -> Certificate:
    _check_staff_scope(by, person)
    number = (number or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in CertificateKind.values:
        errors["kind"] = [_("请选择证书类型。")]
    if not number:
        errors["number"] = [_("请填写证书编号。")]
    elif Certificate.objects.filter(kind=kind, number=number).exists():
        errors["number"] = [
            _("证书编号 %(number)s 已经登记过一张“%(kind)s”，请核对编号。")
            % {"number": number, "kind": CertificateKind(kind).label}
        ]
    error = _day_error(issued_on, _("发证日期"))
    if error:
        errors["issued_on"] = [error]
    else:
        # Issued in the holder's life, and not before the course it comes from began.
        label = _("发证日期")
        findings = dates.in_life(issued_on, birth=person.birth_date, field="issued_on", label=label)
        if enrolment is not None:
            findings += dates.in_order(
                enrolment.course.start_date,
                issued_on,
                field="issued_on",
                message=_("发证日期早于培训开班日期（%(day)s），请核对。")
                % {"day": dates.day_text(enrolment.course.start_date)},
            )
        for field, messages in dates.errors(findings).items():
            errors.setdefault(field, messages)
    if enrolment is not None and enrolment.person_id != person.pk:
        errors["enrolment"] = [_("只能关联本人的培训。")]
    if errors:
        raise ValidationError(errors)
    actor = conflicts.actor(by)
    certificate = Certificate(
        person=person,
        enrolment=enrolment,
        kind=kind,
        level=(level or "").strip(),
        number=number,
        issued_on=issued_on,
        issuer=(issuer or "").strip(),
        created_by=actor,
        updated_by=actor,
    )
    certificate.full_clean(exclude=["person", "enrolment"])
    certificate.save()
    return certificate
