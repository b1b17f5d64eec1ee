"""Writes of blind massage (action 八): massage establishments and practitioners'
qualifications.

An establishment is organisational data located at a region: district staff and administrators
keep every one, a town officer those of their town. Its staff are never typed here: they are the
employment records of the matching employer (``selectors.massage.blind_staff``). A
qualification belongs to a person and is kept by the staff whose scope holds that person.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core import conflicts, dates
from jiuye.core.scoping import check_keeper, may_keep, region_in_scope
from jiuye.people.models import Person
from jiuye.training.models import (
    EstablishmentKind,
    HealthMassageLevel,
    MassageEstablishment,
    MassageQualification,
    MassageTitle,
)

FIELDS = (
    "name",
    "kind",
    "licence_number",
    "region",
    "address",
    "owner",
    "owner_name",
    "employer",
)
QUALIFICATION_FIELDS = (
    "medical_certificate_number",
    "medical_certificate_date",
    "title",
    "health_level",
)
WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、已停业。"),
    already=gettext_lazy("这家按摩机构已经归档。"),
)


def _check(
    values: dict[str, Any], by: Any, current: MassageEstablishment | None, owner_given: bool
) -> None:
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写机构名称。")]
    if values.get("kind") not in EstablishmentKind.values:
        errors["kind"] = [_("请选择机构类型：盲人医疗按摩所或盲人保健按摩机构。")]
    region = values.get("region")
    if region is None:
        errors["region"] = [_("请选择所在地。")]
    elif not may_keep(by, region.pk):
        errors["region"] = [_("只能选择您负责的镇街或村（社区）。")]
    owner = values.get("owner")
    if (
        owner_given
        and owner is not None
        and conflicts.actor(by) is not None
        and not region_in_scope(by, owner.region_id)
    ):
        errors["owner"] = [_("开办人不在您负责的范围内，请填写开办人姓名。")]
    if owner is not None and (values.get("owner_name") or "").strip():
        errors["owner_name"] = [_("已选择登记的开办人时，不要再填写开办人姓名。")]
    employer = values.get("employer")
    if employer is not None:
        if employer.is_archived:
            errors["employer"] = [_("这家用人单位已归档，不能关联。")]
        else:
            taken = MassageEstablishment.objects.filter(employer=employer)
            if current is not None:
                taken = taken.exclude(pk=current.pk)
            other = taken.first()
            if other is not None:
                errors["employer"] = [
                    _("这家用人单位已经对应按摩机构“%(name)s”，一家单位只能对应一个机构。")
                    % {"name": other.name}
                ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def establishment_create(*, by: Any, **fields: Any) -> MassageEstablishment:
    conflicts.known_fields(fields, FIELDS, "establishment")
    fields = conflicts.stripped(fields)
    _check(fields, by, None, owner_given=True)
    establishment = MassageEstablishment(
        **fields, created_by=conflicts.actor(by), updated_by=conflicts.actor(by)
    )
    establishment.full_clean(exclude=["region", "owner", "employer"])
    establishment.save()
    return establishment


def _check_keeper(by: Any, establishment: MassageEstablishment) -> None:
    check_keeper(by, establishment.region_id, _("这家按摩机构不在您负责的范围内。"))


@transaction.atomic
def establishment_update(
    *, establishment: MassageEstablishment, by: Any, version: int | None, **fields: Any
) -> MassageEstablishment:
    conflicts.known_fields(fields, FIELDS, "establishment")
    fields = conflicts.stripped(fields)
    current = conflicts.locked(MassageEstablishment.objects, pk=establishment.pk, version=version)
    if current.is_archived:
        raise ValidationError(_("这家按摩机构已归档，不能再修改。"), code="archived")
    _check_keeper(by, current)
    values = {name: getattr(current, name) for name in FIELDS}
    values.update(fields)
    _check(values, by, current, owner_given="owner" in fields)
    changed = conflicts.assign(current, fields)
    current.full_clean(exclude=["region", "owner", "employer"])
    return conflicts.bump(current, by=by, changed=changed) if changed else current


@transaction.atomic
def establishment_archive(
    *, establishment: MassageEstablishment, by: Any, reason: str
) -> MassageEstablishment:
    check = partial(_check_keeper, by)
    return ARCHIVING.archive(
        MassageEstablishment.objects, establishment.pk, by=by, reason=reason, check=check
    )


def certificate_date_errors(day: Any) -> list[str]:
    """The qualification's day is on the certificate: not after today (``dates.after_today``)."""
    later = dates.after_today(day, label=_("医疗按摩资格取得日期"))
    return [_("%(message)s请填写证书上的日期。") % {"message": m} for m in later]


def _check_qualification(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    number = values.get("medical_certificate_number") or ""
    day = values.get("medical_certificate_date")
    if later := certificate_date_errors(day):
        errors["medical_certificate_date"] = later
    if day is not None and not number:
        errors["medical_certificate_number"] = [
            _("填写了取得日期时，请同时填写医疗按摩资格证书编号。")
        ]
    if number and day is None:
        errors["medical_certificate_date"] = [
            _("填写了证书编号时，请同时填写医疗按摩资格取得日期。")
        ]
    if values.get("title") and values["title"] not in MassageTitle.values:
        errors["title"] = [_("请从列出的专业技术职务中选择。")]
    if values.get("health_level") and values["health_level"] not in HealthMassageLevel.values:
        errors["health_level"] = [_("请从列出的保健按摩技能等级中选择。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def qualification_save(
    *, person: Person, by: Any, version: int | None, **fields: Any
) -> MassageQualification:
    """Record or correct a person's massage qualifications. ``version`` is the version the user
    saw (0: there was none yet; None skips the check)."""
    conflicts.known_fields(fields, QUALIFICATION_FIELDS, "qualification")
    if conflicts.actor(by) is not None and not may_keep(by, person.region_id):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")
    if person.is_archived:
        raise ValidationError(_("这个人员已归档，不能再修改。"), code="archived")
    fields = conflicts.stripped(fields)
    current = MassageQualification.objects.select_for_update().filter(person=person).first()
    conflicts.check_version(current, version)
    values = {name: getattr(current, name) if current else None for name in QUALIFICATION_FIELDS}
    values.update(fields)
    _check_qualification(values)
    if current is None:
        qualification = MassageQualification(
            person=person,
            created_by=conflicts.actor(by),
            updated_by=conflicts.actor(by),
            **{k: v if v is not None or k.endswith("date") else "" for k, v in values.items()},
        )
        qualification.full_clean(exclude=["person"])
        qualification.save()
        return qualification
    changed = conflicts.assign(current, fields)
    if not changed:
        return current
    current.full_clean(exclude=["person"])
    return conflicts.bump(current, by=by, changed=changed)
