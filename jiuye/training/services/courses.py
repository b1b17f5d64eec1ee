"""Writes of training providers and bases (培训机构、实训基地、职业院校、盲人按摩实训基地) and
of their courses.

Administrators and district staff manage every provider and course; a town officer those whose
provider is located in their town. Leaders and liaisons only read.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core import conflicts
from jiuye.core.scoping import region_in_scope
from jiuye.core.validators import validate_uscc
from jiuye.jobs.models import AccessFeature
from jiuye.training.models import (
    CertificateKind,
    Course,
    CourseKind,
    CourseMode,
    Provider,
    ProviderKind,
)

__all__ = [
    "course_archive",
    "course_create",
    "course_update",
    "may_manage",
    "provider_archive",
    "provider_create",
    "provider_update",
]

PROVIDER_FIELDS = (
    "name",
    "kind",
    "uscc",
    "region",
    "address",
    "contact_name",
    "contact_phone",
    "accessibility",
    "designated_year",
)
COURSE_FIELDS = (
    "provider",
    "title",
    "kind",
    "mode",
    "target_categories",
    "start_date",
    "end_date",
    "hours",
    "places",
    "funding_source",
    "funding_amount",
    "certificate_kind",
    "certificate_level",
    "description",
)
MAX_HOURS = 10_000
MAX_PLACES = 10_000
PROVIDER_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、机构已注销。"),
    already=gettext_lazy("这个培训机构已经归档。"),
)
COURSE_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、课程取消。"),
    already=gettext_lazy("这个课程已经归档。"),
)


def may_manage(by: Any, region_code: str) -> bool:
    """District staff and administrators manage any provider or course; a town officer those
    whose provider is located in their town. ``by=None`` is the system (imports, tests)."""
    if conflicts.actor(by) is None:
        return True
    if by.role in (Role.ADMIN, Role.DISTRICT):
        return True
    return by.role == Role.TOWN and bool(region_code) and region_in_scope(by, region_code)


def _check_manager(by: Any, region_code: str) -> None:
    if not may_manage(by, region_code):
        raise ValidationError(
            _("只有区残联工作人员，或培训机构所在镇街的专干，可以管理这个培训机构和它的课程。"),
            code="scope",
        )


def _check_provider(by: Any, provider: Provider) -> None:
    _check_manager(by, provider.region_id)


def _check_course(by: Any, course: Course) -> None:
    _check_manager(by, course.provider.region_id)


# --- providers ------------------------------------------------------------------------------


def _provider_check(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values = dict(values)
    values["name"] = " ".join((values.get("name") or "").split())
    if not values["name"]:
        errors["name"] = [_("请填写培训机构名称。")]
    if values.get("kind") not in ProviderKind.values:
        errors["kind"] = [_("请选择机构类型。")]
    if values.get("region") is None:
        errors["region"] = [_("请选择所在地。")]
    uscc = (values.get("uscc") or "").strip().upper()
    if uscc:
        try:
            uscc, _warnings = validate_uscc(uscc)
        except ValidationError as exc:
            errors["uscc"] = list(exc.messages)
    values["uscc"] = uscc
    features = list(values.get("accessibility") or [])
    if set(features) - set(AccessFeature.values):
        errors["accessibility"] = [_("无法识别的无障碍条件，请重新勾选。")]
    values["accessibility"] = [f for f in AccessFeature.values if f in features]
    year = values.get("designated_year")
    if year is not None and not 1990 <= int(year) <= timezone.localdate().year + 1:
        errors["designated_year"] = [_("残联认定年度请填写四位年份，例如 2024。")]
    for key in ("address", "contact_name", "contact_phone"):
        values[key] = (values.get(key) or "").strip()
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def provider_create(*, by: Any, **fields: Any) -> Provider:
    conflicts.known_fields(fields, PROVIDER_FIELDS, "provider")
    values = _provider_check(fields)
    _check_manager(by, values["region"].pk)
    provider = Provider(**values, created_by=conflicts.actor(by), updated_by=conflicts.actor(by))
    provider.full_clean(exclude=["region"])
    provider.save()
    return provider


@transaction.atomic
def provider_update(*, provider: Provider, by: Any, version: int | None, **fields: Any) -> Provider:
    conflicts.known_fields(fields, PROVIDER_FIELDS, "provider")
    current = conflicts.locked(Provider.objects, pk=provider.pk, version=version)
    if current.is_archived:
        raise ValidationError(_("这个培训机构已归档，不能再修改。"), code="archived")
    _check_manager(by, current.region_id)
    values = {name: getattr(current, name) for name in PROVIDER_FIELDS}
    values.update(fields)
    values = _provider_check(values)
    _check_manager(by, values["region"].pk)  # nor move it out of their town
    changed = {name for name in fields if getattr(current, name) != values[name]}
    for name in changed:
        setattr(current, name, values[name])
    current.full_clean(exclude=["region"])
    return conflicts.bump(current, by=by, changed=changed) if changed else current


@transaction.atomic
def provider_archive(*, provider: Provider, by: Any, reason: str) -> Provider:
    check = partial(_check_provider, by)
    return PROVIDER_ARCHIVING.archive(
        Provider.objects, provider.pk, by=by, reason=reason, check=check
    )


# --- courses --------------------------------------------------------------------------------


def course_check(values: dict[str, Any]) -> dict[str, list[str]]:
    """The rules of a course, for the form, the services and the import alike: each problem
    by field, in words that say how to fix it."""
    errors: dict[str, list[str]] = {}
    if not (values.get("title") or "").strip():
        errors["title"] = [_("请填写课程名称。")]
    provider = values.get("provider")
    if provider is None:
        errors["provider"] = [_("请选择培训机构。")]
    elif provider.is_archived:
        errors["provider"] = [_("培训机构“%(name)s”已归档，不能再开设课程。") % {"name": provider}]
    if values.get("kind") not in CourseKind.values:
        errors["kind"] = [_("请选择培训类型。")]
    if values.get("mode") not in CourseMode.values:
        errors["mode"] = [_("请选择培训方式。")]
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        errors["start_date"] = [_("请填写开班日期。")]
    if end is None:
        errors["end_date"] = [_("请填写结业日期。")]
    if start is not None and end is not None and end < start:
        errors["end_date"] = [
            _("结业日期（%(end)s）早于开班日期（%(start)s），请改为开班日期当天或之后。")
            % {"end": end.isoformat(), "start": start.isoformat()}
        ]
    hours = values.get("hours")
    if hours is None or not 0 <= hours <= MAX_HOURS:
        errors["hours"] = [_("课时请填写 0 到 10000 之间的整数。")]
    places = values.get("places")
    if places is None or not 1 <= places <= MAX_PLACES:
        errors["places"] = [_("名额至少为 1，请填写 1 到 10000 之间的整数。")]
    amount = values.get("funding_amount")
    if amount is not None and (amount < 0 or amount >= Decimal("1e10")):
        errors["funding_amount"] = [_("经费请填写不小于 0 的金额（元），最多两位小数。")]
    kind = values.get("certificate_kind") or ""
    if kind and kind not in CertificateKind.values:
        errors["certificate_kind"] = [_("请从列出的证书中选择，没有证书的留空。")]
    if (values.get("certificate_level") or "").strip() and not kind:
        errors["certificate_level"] = [_("填写了证书等级，请同时选择可获证书。")]
    return errors


def _course_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = dict(fields)
    for key in ("funding_source", "certificate_kind", "certificate_level", "description"):
        if key in values:
            values[key] = (values[key] or "").strip()
    if "title" in values:
        values["title"] = " ".join((values["title"] or "").split())
    if "target_categories" in values:
        values["target_categories"] = sorted(
            {getattr(c, "pk", c) for c in values["target_categories"] or []}
        )
    return values


@transaction.atomic
def course_create(*, by: Any, **fields: Any) -> Course:
    """A new course; ``target_categories`` is a list of DisabilityCategory (or their codes),
    empty for a course open to every category."""
    conflicts.known_fields(fields, COURSE_FIELDS, "course")
    values = {"hours": 0, "target_categories": [], **_course_values(fields)}
    errors = course_check(values)
    if errors:
        raise ValidationError(errors)
    _check_manager(by, values["provider"].region_id)
    categories = values.pop("target_categories")
    course = Course(**values, created_by=conflicts.actor(by), updated_by=conflicts.actor(by))
    course.full_clean(exclude=["provider"])
    course.save()
    course.target_categories.set(categories)
    return course


@transaction.atomic
def course_update(*, course: Course, by: Any, version: int | None, **fields: Any) -> Course:
    conflicts.known_fields(fields, COURSE_FIELDS, "course")
    current = conflicts.locked(
        Course.objects.select_related("provider"), pk=course.pk, version=version
    )
    if current.is_archived:
        raise ValidationError(_("这个课程已归档，不能再修改。"), code="archived")
    _check_manager(by, current.provider.region_id)
    before_categories = sorted(current.target_categories.values_list("pk", flat=True))
    values = {name: getattr(current, name) for name in COURSE_FIELDS if name != "target_categories"}
    values["target_categories"] = before_categories
    values.update(_course_values(fields))
    errors = course_check(values)
    if errors:
        raise ValidationError(errors)
    _check_manager(by, values["provider"].region_id)  # nor move it to another town's provider
    categories = values.pop("target_categories")
    changed = {name for name in values if name in fields and getattr(current, name) != values[name]}
    for name in changed:
        setattr(current, name, values[name])
    current.full_clean(exclude=["provider"])
    if categories != before_categories:
        current.target_categories.set(categories)
        changed.add("updated_at")
    return conflicts.bump(current, by=by, changed=changed) if changed else current


@transaction.atomic
def course_archive(*, course: Course, by: Any, reason: str) -> Course:
    queryset = Course.objects.select_related("provider")
    check = partial(_check_course, by)
    return COURSE_ARCHIVING.archive(queryset, course.pk, by=by, reason=reason, check=check)
