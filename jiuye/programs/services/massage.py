"""Writes of medical massage (action 八): medical institutions and applications through the
approval channel.

A medical institution is kept like its employer's other organisational records: district staff
and administrators everywhere, a town officer in their town. An application is about a person
and is kept by the staff whose scope holds that person. Its stages only move forward:
submitted → accepted → approved or refused, each with its date; approving a qualification
records the certificate on the person's massage qualification (``training``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import conflicts, dates
from jiuye.notifications import selectors as told
from jiuye.notifications.services import Event, notify
from jiuye.people.models import Person
from jiuye.programs.models import MassageApplication, MedicalInstitution
from jiuye.programs.models.massage import ApplicationKind, ApplicationStatus, InstitutionKind
from jiuye.training.models import MassageQualification
from jiuye.training.services.massage import may_keep, qualification_save

INSTITUTION_FIELDS = ("employer", "kind", "licence_number")
APPLICATION_FIELDS = ("kind", "person", "clinic_name", "authority", "submitted_on")
ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、已不是医疗机构。"),
    already=gettext_lazy("这个医疗机构已经归档。"),
    refused=gettext_lazy("这个医疗机构已归档，不能再修改。"),
)


def institution_check(values: dict[str, Any], by: Any, current: MedicalInstitution | None) -> Any:
    errors: dict[str, list[str]] = {}
    employer = values.get("employer")
    if employer is None:
        errors["employer"] = [_("请填写医疗机构的统一社会信用代码。")]
    elif current is None or current.employer_id != employer.pk:
        if employer.is_archived:
            errors["employer"] = [_("这家用人单位已归档，不能登记为医疗机构。")]
        elif not may_keep(by, employer.region_id):
            errors["employer"] = [_("这家单位不在您负责的镇街，不能登记。")]
        elif MedicalInstitution.objects.filter(employer=employer).exists():
            errors["employer"] = [_("这家单位已经登记为医疗机构。")]
    if values.get("kind") not in InstitutionKind.values:
        errors["kind"] = [_("请选择医疗机构类别。")]
    return errors


INSTITUTION = conflicts.Kept(
    model=MedicalInstitution,
    name="institution",
    fields=INSTITUTION_FIELDS,
    check=institution_check,
    archiving=ARCHIVING,
    out_of_scope=gettext_lazy("这个医疗机构不在您负责的范围内。"),
    related=("employer",),
    region=lambda institution: institution.employer.region_id,
)
institution_create = transaction.atomic(INSTITUTION.create)
institution_update = transaction.atomic(INSTITUTION.update)
institution_archive = transaction.atomic(INSTITUTION.archive)


def _check_person(by: Any, person: Person) -> None:
    if conflicts.actor(by) is not None and not may_keep(by, person.region_id):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")


@transaction.atomic
def application_submit(*, by: Any, **fields: Any) -> MassageApplication:
    conflicts.known_fields(fields, APPLICATION_FIELDS, "application")
    fields = conflicts.stripped(fields)
    person = fields.get("person")
    errors: dict[str, list[str]] = {}
    if fields.get("kind") not in ApplicationKind.values:
        errors["kind"] = [_("请选择申请事项。")]
    if person is None:
        errors["person"] = [_("请填写申请人的身份证号。")]
    if fields.get("kind") == ApplicationKind.CLINIC and not fields.get("clinic_name"):
        errors["clinic_name"] = [_("申请开办按摩所时，请填写拟开办的按摩所名称。")]
    day = fields.get("submitted_on")
    if day is None:
        errors["submitted_on"] = [_("请填写提交日期。")]
    elif later := dates.after_today(day, label=_("提交日期")):
        errors["submitted_on"] = later
    conflicts.refuse(errors)
    _check_person(by, person)
    if person.is_archived:
        raise ValidationError(_("这个人员已归档，不能再登记申请。"), code="archived")
    return conflicts.created(MassageApplication, fields, by=by, exclude=["person", "establishment"])


NEXT = {
    ApplicationStatus.SUBMITTED: (ApplicationStatus.ACCEPTED, ApplicationStatus.REFUSED),
    ApplicationStatus.ACCEPTED: (ApplicationStatus.APPROVED, ApplicationStatus.REFUSED),
}


@transaction.atomic
def application_advance(
    *,
    application: MassageApplication,
    by: Any,
    version: int | None,
    status: str,
    on: dt.date | None,
    number: str = "",
    note: str = "",
) -> MassageApplication:
    """Move an application to its next stage on the day ``on``: accepted, then approved (with
    the certificate or licence number) or refused (with the reasons; an application can also
    be refused before it is accepted)."""
    current = conflicts.locked(
        MassageApplication.objects.select_related("person"), pk=application.pk, version=version
    )
    _check_person(by, current.person)
    allowed = NEXT.get(current.status, ())
    if status not in allowed:
        raise ValidationError(
            {
                "status": [
                    _("这份申请已经%(stage)s，不能再改为这个阶段。")
                    % {"stage": current.get_status_display()}
                ]
            }
        )
    number, note = (number or "").strip(), (note or "").strip()
    errors: dict[str, list[str]] = {}
    last = current.accepted_on or current.submitted_on
    if on is None:
        errors["on"] = [_("请填写日期。")]
    elif later := dates.after_today(on, label=_("日期")):
        errors["on"] = later
    elif on < last:
        errors["on"] = [_("日期不能早于上一阶段的日期（%(day)s）。") % {"day": last.isoformat()}]
    if status == ApplicationStatus.APPROVED and not number:
        errors["number"] = [_("批准时请填写证书编号或许可证号。")]
    if status == ApplicationStatus.REFUSED and not note:
        errors["note"] = [_("未批准时请写明原因。")]
    conflicts.refuse(errors)
    changes: dict[str, Any] = {"status": status}
    if status == ApplicationStatus.ACCEPTED:
        changes["accepted_on"] = on
    else:
        changes.update(decided_on=on, decision_number=number, decision_note=note)
        if current.accepted_on is None:
            changes["accepted_on"] = on
    changed = conflicts.assign(current, changes)
    current.full_clean(exclude=["person", "establishment"])
    saved = conflicts.bump(current, by=by, changed=changed)
    notify(
        event=Event(
            key=f"massage-application:{saved.pk}:{saved.status}",
            kind=f"massage_{saved.status}",
            title=_("您的%(kind)s申请%(stage)s")
            % {"kind": saved.get_kind_display(), "stage": saved.get_status_display()},
            body=saved.decision_note,
            url="",
        ),
        recipients=told.person_users(saved.person_id),
        exclude=conflicts.actor(by),
    )
    if status == ApplicationStatus.APPROVED and current.kind == ApplicationKind.QUALIFICATION:
        held = MassageQualification.objects.filter(person=current.person).first()
        if held is None or not held.medical_certificate_number:
            qualification_save(
                person=current.person,
                by=by,
                version=None,
                medical_certificate_number=number,
                medical_certificate_date=on,
            )
    return saved
