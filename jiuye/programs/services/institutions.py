"""Writes of employment service institutions (action 十): the institution, and its yearly
standardization checklist (each item met or not, with evidence). District staff and
administrators keep every institution, a town officer those of their town. An institution is
archived with a reason, never deleted; a checklist item is corrected, never removed. Service
exchange and contest events are kept the same way, with the institutions taking part."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import conflicts
from jiuye.programs.models import (
    ChecklistEntry,
    EventParticipant,
    ServiceEvent,
    ServiceInstitution,
)
from jiuye.programs.models.institutions import ChecklistItem, EventKind, InstitutionOwner
from jiuye.training.services.massage import may_keep

FIELDS = ("name", "owner", "region", "address", "contact_phone")
ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、机构已撤并。"),
    already=gettext_lazy("这个服务机构已经归档。"),
)


def institution_check(values: dict[str, Any], by: Any) -> dict[str, list[str]]:
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


@dataclass(frozen=True)
class _Kept:
    """What the create and update services of one kind of record kept here share: its model,
    fields and check, the fields ``full_clean`` leaves to the check, and its messages."""

    model: type[Any]
    name: str
    fields: tuple[str, ...]
    check: Callable[[dict[str, Any], Any], dict[str, list[str]]]
    related: tuple[str, ...]
    out_of_scope: Any
    archived: Any

    def keeper(self, by: Any, record: Any) -> None:
        if not may_keep(by, record.region_id):
            raise ValidationError(self.out_of_scope, code="scope")

    def create(self, by: Any, fields: dict[str, Any]) -> Any:
        conflicts.known_fields(fields, self.fields, self.name)
        fields = conflicts.stripped(fields)
        errors = self.check(fields, by)
        if errors:
            raise ValidationError(errors)
        record = self.model(
            **fields, created_by=conflicts.actor(by), updated_by=conflicts.actor(by)
        )
        record.full_clean(exclude=list(self.related))
        record.save()
        return record

    def update(self, pk: Any, by: Any, version: int | None, fields: dict[str, Any]) -> Any:
        conflicts.known_fields(fields, self.fields, self.name)
        fields = conflicts.stripped(fields)
        current = conflicts.locked(self.model.objects, pk=pk, version=version)
        if current.is_archived:
            raise ValidationError(self.archived, code="archived")
        self.keeper(by, current)
        values = {name: getattr(current, name) for name in self.fields}
        values.update(fields)
        errors = self.check(values, by)
        if errors:
            raise ValidationError(errors)
        changed = conflicts.assign(current, fields)
        current.full_clean(exclude=list(self.related))
        return conflicts.bump(current, by=by, changed=changed) if changed else current


INSTITUTION = _Kept(
    model=ServiceInstitution,
    name="institution",
    fields=FIELDS,
    check=institution_check,
    related=("region",),
    out_of_scope=gettext_lazy("这个服务机构不在您负责的范围内。"),
    archived=gettext_lazy("这个服务机构已归档，不能再修改。"),
)


@transaction.atomic
def institution_create(*, by: Any, **fields: Any) -> ServiceInstitution:
    return INSTITUTION.create(by, fields)


@transaction.atomic
def institution_update(
    *, institution: ServiceInstitution, by: Any, version: int | None, **fields: Any
) -> ServiceInstitution:
    return INSTITUTION.update(institution.pk, by, version, fields)


@transaction.atomic
def institution_archive(
    *, institution: ServiceInstitution, by: Any, reason: str
) -> ServiceInstitution:
    check = partial(INSTITUTION.keeper, by)
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
        raise ValidationError(INSTITUTION.archived, code="archived")
    INSTITUTION.keeper(by, current)
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


# --- service exchange and contest events ----------------------------------------------------

EVENT_FIELDS = ("date", "kind", "name", "organiser", "region", "place", "summary")
EVENT_ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、活动取消。"),
    already=gettext_lazy("这个活动已经归档。"),
)


def event_check(values: dict[str, Any], by: Any) -> dict[str, list[str]]:
    """What an event must hold (the form and the service share it)."""
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写活动名称。")]
    if values.get("kind") not in EventKind.values:
        errors["kind"] = [_("请选择活动类别：经验交流、业务竞赛、观摩学习或其他。")]
    day = values.get("date")
    if day is None:
        errors["date"] = [_("请填写举办日期。")]
    elif day.year < 2000:
        errors["date"] = [_("举办日期应在2000年之后。")]
    if values.get("organiser") is None:
        errors["organiser"] = [_("请选择主办部门。")]
    region = values.get("region")
    if region is None:
        errors["region"] = [_("请选择举办地区。")]
    elif not may_keep(by, region.pk):
        errors["region"] = [_("只能选择您负责的镇街。")]
    return errors


EVENT = _Kept(
    model=ServiceEvent,
    name="event",
    fields=EVENT_FIELDS,
    check=event_check,
    related=("region", "organiser"),
    out_of_scope=gettext_lazy("这个活动不在您负责的范围内。"),
    archived=gettext_lazy("这个活动已归档，不能再修改。"),
)


@transaction.atomic
def event_create(*, by: Any, **fields: Any) -> ServiceEvent:
    return EVENT.create(by, fields)


@transaction.atomic
def event_update(
    *, event: ServiceEvent, by: Any, version: int | None, **fields: Any
) -> ServiceEvent:
    return EVENT.update(event.pk, by, version, fields)


@transaction.atomic
def event_archive(*, event: ServiceEvent, by: Any, reason: str) -> ServiceEvent:
    check = partial(EVENT.keeper, by)
    return EVENT_ARCHIVING.archive(
        ServiceEvent.objects, event.pk, by=by, reason=reason, check=check
    )


@transaction.atomic
def participant_add(
    *,
    event: ServiceEvent,
    by: Any,
    institution: ServiceInstitution,
    staff: str = "",
    result: str = "",
) -> EventParticipant:
    """An institution takes part in the event (once), with its staff and its result. A town
    officer adds the institutions of their own town; the district, any."""
    current = conflicts.locked(ServiceEvent.objects, pk=event.pk, version=None)
    if current.is_archived:
        raise ValidationError(EVENT.archived, code="archived")
    EVENT.keeper(by, current)
    if institution.is_archived:
        raise ValidationError({"institution": [_("这个服务机构已归档，不能参加活动。")]})
    if not may_keep(by, institution.region_id):
        raise ValidationError({"institution": [_("只能选择您负责的镇街的服务机构。")]})
    if EventParticipant.objects.filter(event=current, institution=institution).exists():
        raise ValidationError(
            {"institution": [_("%(name)s已经在参加机构中。") % {"name": institution.name}]}
        )
    participant = EventParticipant(
        event=current,
        institution=institution,
        staff=(staff or "").strip(),
        result=(result or "").strip(),
        created_by=conflicts.actor(by),
        updated_by=conflicts.actor(by),
    )
    participant.full_clean(exclude=["event", "institution"])
    participant.save()
    return participant
