"""Writes to the registry of persons: register, update (with optimistic locking), archive, set
the life status, and reveal a full number (logged).

Single-row saves are recorded in the audit trail by auditlog's signals (the actor comes from the
request); a reveal goes to the access log here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.accounts.models import PERSONAL_DATA_ROLES
from jiuye.core import conflicts, dates
from jiuye.core.audit import access_log, created_fresh
from jiuye.core.crypto import RESIDENT_ID_INDEX_PURPOSE, blind_index, resident_id_index
from jiuye.core.models import AccessEvent
from jiuye.core.phones import normalize_phone
from jiuye.core.scoping import region_in_scope, scope_for
from jiuye.core.tallies import stepping
from jiuye.core.validators import (
    normalize_resident_id,
    resident_id_birth_date,
    resident_id_sex,
    validate_certificate_number,
    validate_resident_id,
)
from jiuye.people.models import AssistiveNeed, LifeStatus, Person
from jiuye.reference.models import DisabilityCategory, Region

ID_INDEX_PURPOSE = RESIDENT_ID_INDEX_PURPOSE
CERTIFICATE_INDEX_PURPOSE = "person.certificate"
MULTIPLE_CATEGORY = 7  # GB/T 26341-2010: 多重残疾

# Roles that may see a full ID number, certificate number or phone number (asked with a reason,
# logged). Everyone else only ever gets masked values.
REVEAL_ROLES = PERSONAL_DATA_ROLES
REVEALABLE_FIELDS = ("id_number", "certificate_number", "phone")

# A person's household, schooling and monitoring, which the services and the import both set.
BACKGROUND_FIELDS = (
    "hukou_type",
    "education",
    "is_student",
    "school",
    "major",
    "graduation_year",
    "marital_status",
    "monitoring_category",
    "monitoring_identified",
)

# What person_register and person_update accept besides name, id_number and region. Sex and
# birth date follow from the ID number; life status has its own service; version, indexes and
# archiving are the services' business.
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "id_number",
        "region",
        "ethnicity",
        "phone",
        "address",
        "certificate_number",
        "category",
        "grade",
        "multiple_categories",
        "certificate_issued",
        "certificate_valid_until",
        *BACKGROUND_FIELDS,
        "monitoring_risk_eliminated",
        "hard_to_employ_date",
        "hard_to_employ_reasons",
        "hard_to_employ_office",
        "low_income",
        "wish_to_work",
        "work_preferences",
        "skills",
        "assistive_needs",
    }
)


class DuplicatePersonError(ValidationError):
    """The ID number belongs to a person already on the register (``existing_id`` says who, so
    a caller can link to them when the user may see them)."""

    def __init__(self, message: str, *, existing_id: Any) -> None:
        super().__init__({"id_number": [message]}, code="duplicate")
        self.existing_id = existing_id


def id_number_index(id_number: str) -> str:
    return resident_id_index(id_number)


def certificate_index(certificate_number: str) -> str:
    """Blind index of a certificate number (normalised like the validator does)."""
    return blind_index(normalize_resident_id(certificate_number), purpose=CERTIFICATE_INDEX_PURPOSE)


def _birth_of(values: Mapping[str, Any]) -> dt.date | None:
    """The birth date of the ID number in ``values`` (None without a valid one)."""
    try:
        return resident_id_birth_date(values.get("id_number") or "")
    except (ValidationError, ValueError):
        return None


# Days of things that happened: none may be after today (dates.after_today).
PAST_DATES = (
    "certificate_issued",
    "monitoring_identified",
    "hard_to_employ_date",
    "monitoring_risk_eliminated",
)


def person_check(values: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, str]:
    """Rules across the fields of one person's record; ``{field: message}`` for each broken one.

    The forms show these beside the fields, the services refuse to save with any of them, so
    an import or the API can't store what a form would refuse. ``values`` holds typed values
    (model instances for category and grade); a missing key counts as empty.
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    category = values.get("category")
    grade = values.get("grade")
    certificate = values.get("certificate_number") or ""
    if certificate:
        if category is None or grade is None:
            errors["certificate_number"] = _(
                "填写了残疾人证号，请同时选择残疾类别和残疾等级（证号第19、20位）。"
            )
        else:
            try:
                validate_certificate_number(
                    certificate,
                    id_number=values.get("id_number") or None,
                    category=category.code,
                    grade=grade.code,
                )
            except ValidationError as error:
                errors["certificate_number"] = error.messages[0]
    multiple = list(values.get("multiple_categories") or [])
    if multiple:
        if category is None or category.code != MULTIPLE_CATEGORY:
            errors["multiple_categories"] = _(
                "只有残疾类别为“多重残疾”时，才需要勾选包含的残疾类别；请取消勾选或把类别改为多重残疾。"
            )
        elif any(c.code == MULTIPLE_CATEGORY for c in multiple):
            errors["multiple_categories"] = _("多重残疾包含的类别不能再选“多重残疾”。")
        elif len(multiple) < 2:
            errors["multiple_categories"] = _(
                "多重残疾至少包含两类残疾：请勾选两项或以上，不清楚时可以都不勾选。"
            )
    issued, valid_until = values.get("certificate_issued"), values.get("certificate_valid_until")
    if issued and valid_until and valid_until < issued:
        errors["certificate_valid_until"] = _("证件有效期不能早于发证日期。")
    identified = values.get("monitoring_identified")
    eliminated = values.get("monitoring_risk_eliminated")
    if (identified or eliminated) and not values.get("monitoring_category"):
        errors["monitoring_category"] = _("填写了监测日期，请同时选择防返贫监测类别。")
    if identified and eliminated and eliminated < identified:
        errors["monitoring_risk_eliminated"] = _("风险消除日期不能早于纳入监测日期。")
    if (values.get("hard_to_employ_reasons") or values.get("hard_to_employ_office")) and not (
        values.get("hard_to_employ_date")
    ):
        errors["hard_to_employ_date"] = _("填写了就业困难认定原因或机构，请同时填写认定日期。")
    for name in PAST_DATES:
        label = Person._meta.get_field(name).verbose_name
        later = dates.after_today(values.get(name), label=label, today=today)
        if later and name not in errors:
            errors[name] = later[0]
    birth = _birth_of(values)
    for name in ("certificate_issued", "monitoring_identified", "hard_to_employ_date"):
        label = Person._meta.get_field(name).verbose_name
        for finding in dates.in_life(values.get(name), birth=birth, field=name, label=label):
            errors.setdefault(name, finding.message)
    unknown_needs = set(values.get("assistive_needs") or []) - set(AssistiveNeed.values)
    if unknown_needs:
        errors["assistive_needs"] = _("无障碍需求中有无法识别的选项：%(codes)s。") % {
            "codes": "、".join(sorted(unknown_needs))
        }
    return errors


def _duplicate_error(existing: Person) -> DuplicatePersonError:
    return DuplicatePersonError(
        _("这个身份证号的人员已经登记过，不能重复登记。请查找并修改已有的记录。"),
        existing_id=existing.pk,
    )


def _check_region(by: Any, region: Region) -> None:
    if by is not None and not region_in_scope(by, region.code):
        raise ValidationError(
            {"region": _("您只能把人员登记在自己负责的镇街范围内，请选择本镇街的村（社区）。")},
            code="region_scope",
        )


def _apply(
    person: Person, fields: dict[str, Any], *, multiple: list[DisabilityCategory]
) -> tuple[set[str], list[DisabilityCategory]]:
    """Set ``fields`` on ``person`` with everything derived from them; returns the names of the
    columns that changed and the multiple categories to store (``multiple`` holds the current
    ones)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable through this service: {sorted(unknown)}")
    fields = dict(fields)
    multiple_given = "multiple_categories" in fields
    multiple = list(fields.pop("multiple_categories", multiple) or [])
    if "id_number" in fields:
        try:
            fields["id_number"] = validate_resident_id(fields["id_number"])
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}, code=error.code) from error
    if "phone" in fields:
        try:
            fields["phone"] = normalize_phone(fields["phone"])
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}, code="phone") from error
    if "certificate_number" in fields:
        fields["certificate_number"] = normalize_resident_id(fields["certificate_number"] or "")
    if "assistive_needs" in fields:
        fields["assistive_needs"] = sorted(set(fields["assistive_needs"] or []))
    for text in ("name", "address", "school", "major", "ethnicity"):
        if isinstance(fields.get(text), str):
            fields[text] = fields[text].strip()
    changed = {name for name, value in fields.items() if getattr(person, name) != value}
    for name in changed:
        setattr(person, name, fields[name])
    category = person.category
    if (category is None or category.code != MULTIPLE_CATEGORY) and not multiple_given:
        multiple = []  # the old list means nothing once the category is not 多重残疾 any more
    errors = person_check({**_values(person), "multiple_categories": multiple})
    if errors:
        raise ValidationError(errors)
    if "id_number" in changed:
        person.id_number_index = blind_index(person.id_number, purpose=ID_INDEX_PURPOSE)
        person.sex = resident_id_sex(person.id_number)
        person.birth_date = resident_id_birth_date(person.id_number)
        changed |= {"id_number_index", "sex", "birth_date"}
    new_certificate_index = (
        certificate_index(person.certificate_number) if person.certificate_number else ""
    )
    if new_certificate_index != person.certificate_index:
        person.certificate_index = new_certificate_index
        changed.add("certificate_index")
    return changed, multiple


def _values(person: Person) -> dict[str, Any]:
    return {name: getattr(person, name) for name in EDITABLE_FIELDS - {"multiple_categories"}}


def _ensure_unique(person: Person) -> None:
    existing = (
        Person.objects.filter(id_number_index=person.id_number_index).exclude(pk=person.pk).first()
    )
    if existing is not None:
        raise _duplicate_error(existing)


def _save(person: Person, *, update_fields: Iterable[str] | None = None) -> None:
    try:
        with transaction.atomic():  # a savepoint, so a lost race leaves the outer block usable
            person.save(update_fields=update_fields)
    except IntegrityError as error:
        existing = Person.objects.filter(id_number_index=person.id_number_index).first()
        if existing is None or existing.pk == person.pk:
            raise
        raise _duplicate_error(existing) from error


@transaction.atomic
def person_register(
    *, name: str, id_number: str, region: Region, by: Any = None, **fields: Any
) -> Person:
    """Create a person from a validated ID number; sex and birth date follow from it.

    Other fields of the record may be given by keyword (``EDITABLE_FIELDS``). Raises
    ``DuplicatePersonError`` when the ID number is already registered.
    """
    _check_region(by, region)
    person = created_fresh(Person(region=region, created_by=by, updated_by=by))
    _, multiple = _apply(person, {"name": name, "id_number": id_number, **fields}, multiple=[])
    _ensure_unique(person)
    person.full_clean()
    # The village's coverage tallies follow by the new person's count (ADR 0005).
    with stepping(person_ids=[], regions=[region.pk]) as created:
        _save(person)
        created.append(person.pk)
        if multiple:
            person.multiple_categories.set(multiple)
    return person


def _bump(person: Person, by: Any, changed: set[str]) -> None:
    person.version = F("version") + 1
    person.updated_by = by
    person.full_clean(exclude=["version"])
    _save(person, update_fields=sorted(changed | {"version", "updated_by", "updated_at"}))
    person.refresh_from_db()


@transaction.atomic
def person_update(*, person: Person, by: Any, version: int, **fields: Any) -> Person:
    """Change a person's record, unless someone saved it since ``version`` was read
    (``ConflictError``). Returns the saved record with its new version.

    A changed ID number re-derives sex, birth date and the blind index; the certificate number
    must agree with the ID number, category and grade the record ends up with.
    """
    queryset = Person.objects.select_related("region", "category", "grade")
    current = conflicts.locked(queryset, pk=person.pk, version=version)
    if current.is_archived:
        raise ValidationError(_("这条记录已归档，不能再修改。"), code="archived")
    if "region" in fields and fields["region"].pk != current.region_id:
        _check_region(by, fields["region"])
    old_multiple = list(current.multiple_categories.all())
    old_region = current.region_id
    changed, multiple = _apply(current, fields, multiple=old_multiple)
    multiple_changed = {c.pk for c in multiple} != {c.pk for c in old_multiple}
    if not changed and not multiple_changed:
        return current
    if "id_number" in changed:
        _ensure_unique(current)
    # The coverage tallies follow, both villages' when the person moves (ADR 0005).
    with stepping(person_ids=[current.pk], regions=[old_region, current.region_id]):
        _bump(current, by, changed)
        if multiple_changed:
            current.multiple_categories.set(multiple)
    return current


@transaction.atomic
def person_archive(*, person: Person, reason: str, by: Any) -> Person:
    """Take a person off the register with a reason. Nothing is deleted; the record, its history
    and everything that points at it stay."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写归档原因，例如：重复登记、已迁出本区。")})
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.is_archived:
        raise ValidationError(_("这条记录已经归档。"), code="archived")
    current.archived_at = timezone.now()
    current.archived_by = by
    current.archived_reason = reason
    with stepping(person_ids=[current.pk], regions=[current.region_id]):
        _bump(current, by, {"archived_at", "archived_by", "archived_reason"})
    return current


@transaction.atomic
def person_set_life_status(
    *, person: Person, status: str, on: dt.date | None = None, by: Any = None
) -> Person:
    """Record that a person died or moved away (or is on the register again), and since when."""
    if status not in LifeStatus.values:
        raise ValidationError({"life_status": _("无法识别的人员状态。")})
    on = on or timezone.localdate()
    if later := dates.after_today(on, label=_("状态变更日期")):
        raise ValidationError({"life_status_date": later})
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.life_status == status and current.life_status_date == on:
        return current
    current.life_status = status
    current.life_status_date = on
    with stepping(person_ids=[current.pk], regions=[current.region_id]):
        _bump(current, by, {"life_status", "life_status_date"})
    return current


def person_reveal(*, person: Person, field: str, reason: str, request: HttpRequest) -> str:
    """The full value of one of a person's numbers, for a user allowed to see it, with the
    reason written to the access log. Returns "" (and logs nothing) when nothing is recorded."""
    if field not in REVEALABLE_FIELDS:
        raise ValueError(f"{field!r} cannot be revealed")
    user = request.user
    if getattr(user, "role", None) not in REVEAL_ROLES or not (
        scope_for(user, Person).filter(pk=person.pk).exists()
    ):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写查看原因，例如：核对身份、办理业务。")})
    value = getattr(person, field) or ""
    if value:
        access_log(
            action=AccessEvent.Action.REVEAL,
            request=request,
            obj=person,
            reason=reason,
            detail={"field": field},
        )
    return value
