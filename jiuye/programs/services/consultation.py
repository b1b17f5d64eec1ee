"""Writes of the consultation mechanism (action 二): meetings and their follow-up actions.

District staff and administrators keep every meeting; a town officer those of their town. A
follow-up action is added by whoever keeps its meeting, and closed (done, with the outcome) by
its owner — the user it names, or any user of the department it names (a town officer for their
town as a responsible unit) — or by the meeting's keeper, who alone may cancel one typed by
mistake. Nothing is deleted: a meeting is archived with a reason.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core import conflicts, dates
from jiuye.core.scoping import check_keeper, may_keep
from jiuye.notifications.services import Event, daily_reminder, notify
from jiuye.programs.models.consultation import ConsultationMeeting, FollowUpAction, FollowUpStatus
from jiuye.programs.selectors.consultation import action_owners, is_owner

FIELDS = (
    "title",
    "held_on",
    "convener",
    "region",
    "place",
    "departments",
    "employers",
    "other_participants",
    "topics",
    "decisions",
)
MANY = ("departments", "employers")
KEEPERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、会议取消。"),
    already=gettext_lazy("这次会商会议已经归档。"),
    refused=gettext_lazy("这次会商会议已归档，不能再修改。"),
)


def _check_keeper(by: Any, meeting: ConsultationMeeting) -> None:
    message = _("只有区残联工作人员，或会议所属镇街的专干，可以管理这次会商会议。")
    check_keeper(by, meeting.region_id, message)


def check_meeting(values: dict[str, Any], by: Any) -> None:
    """What a meeting must hold (the form, the service and an import share it)."""
    errors: dict[str, list[str]] = {}
    if not (values.get("title") or "").strip():
        errors["title"] = [_("请填写会议名称。")]
    held_on = values.get("held_on")
    if held_on is None:
        errors["held_on"] = [_("请填写召开日期。")]
    elif held_on > timezone.localdate() + dt.timedelta(days=366):
        errors["held_on"] = [_("召开日期不能晚于明年今天，请核对年份。")]
    if values.get("convener") is None:
        errors["convener"] = [_("请选择召集部门。")]
    region = values.get("region")
    if region is None:
        errors["region"] = [_("请选择所属地区。")]
    elif not may_keep(by, region.pk):
        errors["region"] = [_("只能选择您负责的镇街。")]
    if not (values.get("topics") or "").strip():
        errors["topics"] = [_("请填写会商议题。")]
    if errors:
        raise ValidationError(errors)


def _set_many(meeting: ConsultationMeeting, values: dict[str, Any]) -> set[str]:
    changed = set()
    for name in MANY:
        if name in values:
            wanted = {obj.pk for obj in values[name]}
            if meeting.pk is None or set(getattr(meeting, name).values_list("pk", flat=True)) != (
                wanted
            ):
                getattr(meeting, name).set(values[name])
                changed.add(name)
    return changed


@transaction.atomic
def meeting_create(*, by: Any, **fields: Any) -> ConsultationMeeting:
    conflicts.known_fields(fields, FIELDS, "meeting")
    fields = conflicts.stripped(fields)
    check_meeting(fields, by)
    plain = {k: v for k, v in fields.items() if k not in MANY}
    meeting = conflicts.created(ConsultationMeeting, plain, by=by, exclude=["region", "convener"])
    _set_many(meeting, fields)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: ConsultationMeeting, by: Any, version: int | None, **fields: Any
) -> ConsultationMeeting:
    conflicts.known_fields(fields, FIELDS, "meeting")
    fields = conflicts.stripped(fields)
    current = ARCHIVING.editable(ConsultationMeeting.objects, meeting.pk, version=version)
    _check_keeper(by, current)
    values = {name: getattr(current, name) for name in FIELDS if name not in MANY}
    values.update(fields)
    check_meeting(values, by)
    changed = conflicts.assign(current, {k: v for k, v in fields.items() if k not in MANY})
    current.full_clean(exclude=["region", "convener"])
    changed_many = _set_many(current, fields)
    if changed or changed_many:
        return conflicts.bump(current, by=by, changed=changed)
    return current


@transaction.atomic
def meeting_archive(*, meeting: ConsultationMeeting, by: Any, reason: str) -> ConsultationMeeting:
    check = partial(_check_keeper, by)
    return ARCHIVING.archive(
        ConsultationMeeting.objects, meeting.pk, by=by, reason=reason, check=check
    )


def check_action(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not (values.get("description") or "").strip():
        errors["description"] = [_("请填写落实事项。")]
    if values.get("owner_department") is None and values.get("owner_user") is None:
        errors["owner_department"] = [_("请选择责任部门，或指定一位责任人。")]
    user = values.get("owner_user")
    if user is not None and (not user.is_active or user.role not in KEEPERS + (Role.DEPARTMENT,)):
        errors["owner_user"] = [_("责任人须是在用的工作人员账号。")]
    if values.get("due_on") is None:
        errors["due_on"] = [_("请填写完成时限。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_add(
    *,
    meeting: ConsultationMeeting,
    by: Any,
    description: str,
    due_on: dt.date | None,
    owner_department: Any = None,
    owner_user: Any = None,
) -> FollowUpAction:
    current = conflicts.editable(
        ConsultationMeeting.objects,
        pk=meeting.pk,
        version=None,
        archived=_("这次会商会议已归档，不能再添加落实事项。"),
    )
    _check_keeper(by, current)
    values = {
        "description": (description or "").strip(),
        "due_on": due_on,
        "owner_department": owner_department,
        "owner_user": owner_user,
    }
    check_action(values)
    action = conflicts.created(
        FollowUpAction,
        {"meeting": current, **values},
        by=by,
        exclude=["meeting", "owner_department", "owner_user"],
    )
    _tell_owner(action, "assigned", by=by)
    return action


def _tell_owner(action: FollowUpAction, state: str, *, by: Any = None) -> int:
    """The action's owner hears of it when it is assigned to them and once when it is
    overdue (the daily run); the one who added it is not told of their own step."""
    title = (
        _("会商落实事项已逾期：%(what)s（应在 %(day)s 前完成）")
        if state == "overdue"
        else _("交给您的会商落实事项：%(what)s（%(day)s 前完成）")
    ) % {"what": action.description, "day": action.due_on.isoformat()}
    return len(
        notify(
            event=Event(
                key=f"consultation-action:{action.pk}:{state}",
                kind=f"consultation_action_{state}",
                title=title,
                body=action.meeting.title,
                url="/programs/todo/",
            ),
            recipients=action_owners(action),
            exclude=conflicts.actor(by),
        )
    )


@daily_reminder("consultation_actions_overdue")
def actions_remind(today: dt.date) -> int:
    """Open actions past their due date: the owner is told once (``notify_daily``)."""
    overdue = FollowUpAction.objects.filter(
        status=FollowUpStatus.OPEN, due_on__lt=today, meeting__archived_at__isnull=True
    ).select_related("meeting")
    return sum(_tell_owner(action, "overdue") for action in overdue.iterator(chunk_size=500))


def may_close(by: Any, action: FollowUpAction) -> bool:
    if conflicts.actor(by) is None:
        return True
    return is_owner(by, action) or may_keep(by, action.meeting.region_id)


@transaction.atomic
def action_close(
    *,
    action: FollowUpAction,
    by: Any,
    version: int | None,
    status: str,
    outcome: str,
    closed_on: dt.date | None = None,
) -> FollowUpAction:
    """Mark an open action done (its owner or the meeting's keeper) or cancelled (the
    keeper only), with the outcome or the reason."""
    current = conflicts.locked(
        FollowUpAction.objects.select_related("meeting"), pk=action.pk, version=version
    )
    if not may_close(by, current):
        raise ValidationError(_("只有责任部门、责任人或会议的组织者可以办结这项事项。"))
    if status == FollowUpStatus.CANCELLED and not may_keep(by, current.meeting.region_id):
        raise ValidationError({"status": [_("只有会议的组织者可以撤销落实事项。")]})
    if not current.is_open:
        raise ValidationError(_("这项事项已经办结或撤销。"), code="closed")
    errors: dict[str, list[str]] = {}
    if status not in (FollowUpStatus.DONE, FollowUpStatus.CANCELLED):
        errors["status"] = [_("请选择“已办结”或“已撤销”。")]
    outcome = (outcome or "").strip()
    if not outcome:
        errors["outcome"] = [_("请填写办理结果；撤销时填写撤销原因。")]
    closed_on = closed_on or timezone.localdate()
    if later := dates.after_today(closed_on, label=_("办结日期")):
        errors["closed_on"] = later
    elif closed_on < current.meeting.held_on:
        errors["closed_on"] = [_("办结日期不能早于会议召开日期。")]
    if errors:
        raise ValidationError(errors)
    changed = conflicts.assign(
        current, {"status": status, "outcome": outcome, "closed_on": closed_on}
    )
    current.full_clean(exclude=["meeting", "owner_department", "owner_user"])
    return conflicts.bump(current, by=by, changed=changed)
