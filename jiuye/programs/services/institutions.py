"""Writes of employment service institutions (action 十): the institution, and its yearly
standardization checklist (each item met or not, with evidence). District staff and
administrators keep every institution, a town officer those of their town. An institution is
archived with a reason, never deleted; a checklist item is corrected, never removed."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import conflicts
from jiuye.programs.models import ChecklistEntry, ServiceInstitution
from jiuye.programs.models.institutions import ChecklistItem, InstitutionOwner
from jiuye.training.services.massage import may_keep

FIELDS = ("name", "owner", "region", "address", "contact_phone")
ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、机构已撤并。"),
    already=gettext_lazy("这个服务机构已经归档。"),
)


def institution_check(values: dict[str, Any], by: Any) -> Any:
    """What an institution must hold (the form, the service and the import share it)."""
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写机构名称。")]
    if values.get("owner") not in InstitutionOwner.values:
        errors["owner"] = [_("请选择机构性质：公共就业服务机构或残联就业服务机构。")]
    region = values.get("region")
    if region is None:
        errors["region"] = [_("请选择所在地。")]
    elif not may_keep(by, region.pk):
        errors["region"] = [_("只能选择您负责的镇街。")]
    return errors


@transaction.atomic
def institution_create(*, by: Any, **fields: Any) -> ServiceInstitution:
    conflicts.known_fields(fields, FIELDS, "institution")
    fields = conflicts.stripped(fields)
    errors = institution_check(fields, by)
    if errors:
        raise ValidationError(errors)
    institution = ServiceInstitution(
        **fields, created_by=conflicts.actor(by), updated_by=conflicts.actor(by)
    )
    institution.full_clean(exclude=["region"])
    institution.save()
    return institution


def _check_keeper(by: Any, institution: ServiceInstitution) -> None:
    if not may_keep(by, institution.region_id):
        raise ValidationError(_("这个服务机构不在您负责的范围内。"), code="scope")


@transaction.atomic
def institution_update(
    *, institution: ServiceInstitution, by: Any, version: int | None, **fields: Any
) -> ServiceInstitution:
    conflicts.known_fields(fields, FIELDS, "institution")
    fields = conflicts.stripped(fields)
    current = conflicts.locked(ServiceInstitution.objects, pk=institution.pk, version=version)
    if current.is_archived:
        raise ValidationError(_("这个服务机构已归档，不能再修改。"), code="archived")
    _check_keeper(by, current)
    values = {name: getattr(current, name) for name in FIELDS}
    values.update(fields)
    errors = institution_check(values, by)
    if errors:
        raise ValidationError(errors)
    changed = conflicts.assign(current, fields)
    current.full_clean(exclude=["region"])
    return conflicts.bump(current, by=by, changed=changed) if changed else current


@transaction.atomic
def institution_archive(
    *, institution: ServiceInstitution, by: Any, reason: str
) -> ServiceInstitution:
    check = partial(_check_keeper, by)
    return ARCHIVING.archive(
        ServiceInstitution.objects, institution.pk, by=by, reason=reason, check=check
    )


@transaction.atomic
def checklist_save(
    *, institution: ServiceInstitution, by: Any, year: int, items: dict[str, tuple[bool, str]]
) -> list[ChecklistEntry]:
    """Record the year's checklist: for each item given, met or not and the evidence (an item
    marked met needs its evidence)."""
    current = conflicts.locked(ServiceInstitution.objects, pk=institution.pk, version=None)
    if current.is_archived:
        raise ValidationError(_("这个服务机构已归档，不能再修改。"), code="archived")
    _check_keeper(by, current)
    errors: dict[str, list[str]] = {}
    if not 2000 <= year <= timezone.localdate().year:
        errors["year"] = [_("年度应在2000年到今年之间。")]
    for item, (met, evidence) in items.items():
        if item not in ChecklistItem.values:
            raise ValidationError(_("无法识别的检查项目。"))
        if met and not (evidence or "").strip():
            errors[f"{item}_evidence"] = [_("达标的项目请写明佐证，例如：制度文件名称、照片。")]
    if errors:
        raise ValidationError(errors)
    saved = []
    for item, (met, evidence) in items.items():
        entry = (
            ChecklistEntry.objects.select_for_update()
            .filter(institution=current, year=year, item=item)
            .first()
        )
        values = {"met": met, "evidence": (evidence or "").strip()}
        if entry is None:
            entry = ChecklistEntry.objects.create(
                institution=current,
                year=year,
                item=item,
                created_by=conflicts.actor(by),
                updated_by=conflicts.actor(by),
                **values,
            )
        else:
            changed = conflicts.assign(entry, values)
            if changed:
                entry = conflicts.bump(entry, by=by, changed=changed)
        saved.append(entry)
    return saved
