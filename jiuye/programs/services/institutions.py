"""Writes of employment service institutions (action 十): the institution, and its yearly
standardization checklist (each item met or not, with evidence). District staff and
administrators keep every institution, a town officer those of their town. An institution is
archived with a reason, never deleted; a checklist item is corrected, never removed. Service
exchange and contest events are kept the same way, with the institutions taking part."""

from __future__ import annotations

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
    refused=gettext_lazy("这个服务机构已归档，不能再修改。"),
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


INSTITUTION = conflicts.Kept(
    model=ServiceInstitution,
    name="institution",
    fields=FIELDS,
    check=lambda values, by, current: institution_check(values, by),
    archiving=ARCHIVING,
    out_of_scope=gettext_lazy("这个服务机构不在您负责的范围内。"),
    related=("region",),
)


institution_create = transaction.atomic(INSTITUTION.create)
institution_update = transaction.atomic(INSTITUTION.update)
institution_archive = transaction.atomic(INSTITUTION.archive)


@transaction.atomic
def checklist_save(
    *, institution: ServiceInstitution, by: Any, year: int, items: dict[str, tuple[bool, str]]
) -> list[ChecklistEntry]:
    """Record the year's checklist: for each item given, met or not and the evidence (an item
    marked met needs its evidence)."""
    current = conflicts.locked(ServiceInstitution.objects, pk=institution.pk, version=None)
    if current.is_archived:
        raise ValidationError(str(INSTITUTION.archiving.refused), code="archived")
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
    refused=gettext_lazy("这个活动已归档，不能再修改。"),
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


EVENT = conflicts.Kept(
    model=ServiceEvent,
    name="event",
    fields=EVENT_FIELDS,
    check=lambda values, by, current: event_check(values, by),
    archiving=EVENT_ARCHIVING,
    out_of_scope=gettext_lazy("这个活动不在您负责的范围内。"),
    related=("region", "organiser"),
)


event_create = transaction.atomic(EVENT.create)
event_update = transaction.atomic(EVENT.update)
event_archive = transaction.atomic(EVENT.archive)


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
        raise ValidationError(str(EVENT.archiving.refused), code="archived")
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


@transaction.atomic
def participant_remove(*, participant: EventParticipant, by: Any) -> None:
    """Take an institution added by mistake off the event. The participant row is deleted (a
    link with no history of its own; the audit trail keeps the deletion). The same keepers as
    for adding: the event's, for an institution they keep."""
    participant = EventParticipant.objects.select_related("institution").get(pk=participant.pk)
    current = conflicts.locked(ServiceEvent.objects, pk=participant.event_id, version=None)
    if current.is_archived:
        raise ValidationError(EVENT.archiving.refused, code="archived")
    EVENT.keeper(by, current)
    if not may_keep(by, participant.institution.region_id):
        raise ValidationError(_("只能移出您负责的镇街的服务机构。"), code="scope")
    participant.delete()
    conflicts.bump(current, by=by)
