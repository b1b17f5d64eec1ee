"""Reads of the consultation mechanism (action 二). Meetings are organisational data: every
staff role reads every meeting (leaders and liaisons included). A follow-up action is read with
its meeting; the worklist ("我的待办") lists the open actions a user owns, by name or through
the responsible unit they act for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator, page_url
from jiuye.core.roles import STAFF_ROLES, Role
from jiuye.programs.models.consultation import ConsultationMeeting, FollowUpAction, FollowUpStatus
from jiuye.reference.models import Region


def owner_department_code(user: Any) -> str:
    """The responsible unit a user acts for: a liaison's department, a town officer's town."""
    if getattr(user, "role", None) == Role.DEPARTMENT:
        return user.department_id or ""
    if getattr(user, "role", None) == Role.TOWN and user.town_id:
        return f"town-{user.town_id}"
    return ""


def is_owner(user: Any, action: FollowUpAction) -> bool:
    if action.owner_user_id is not None and action.owner_user_id == getattr(user, "pk", None):
        return True
    code = owner_department_code(user)
    return bool(code) and action.owner_department_id == code


def action_owners(action: FollowUpAction) -> list[Any]:
    """Who is told of an action: the user it names and every active user of the responsible
    unit it names (a department's liaisons, a town's officers) — the people ``is_owner``
    admits, whose "我的待办" lists it."""
    from jiuye.accounts.selectors import people_accounts

    code = action.owner_department_id or ""
    owners = Q(pk=action.owner_user_id) if action.owner_user_id is not None else Q(pk__in=[])
    if code.startswith("town-"):
        owners |= Q(role=Role.TOWN, town_id=code.removeprefix("town-"))
    elif code:
        owners |= Q(role=Role.DEPARTMENT, department_id=code)
    return list(people_accounts().filter(owners, is_active=True))


def meetings_visible(user: Any) -> QuerySet[ConsultationMeeting]:
    if getattr(user, "role", None) in STAFF_ROLES:
        return ConsultationMeeting.objects.all()
    return ConsultationMeeting.objects.none()


def meetings_for_list(
    queryset: QuerySet[ConsultationMeeting], *, year: int | None = None, query: str = ""
) -> QuerySet[ConsultationMeeting]:
    """Meetings with ``n_actions`` and ``n_open`` (open follow-up actions)."""
    qs = queryset.select_related("convener", "region")
    if year:
        qs = qs.filter(held_on__year=year)
    if query:
        qs = qs.filter(Q(title__contains=query) | Q(topics__contains=query))
    return qs.annotate(
        n_actions=Count("actions", distinct=True),
        n_open=Count("actions", filter=Q(actions__status=FollowUpStatus.OPEN), distinct=True),
    ).order_by("-held_on", "title")


def meeting_actions(meeting: ConsultationMeeting) -> QuerySet[FollowUpAction]:
    return meeting.actions.select_related("owner_department", "owner_user").order_by(
        "status", "due_on", "created_at"
    )


def actions_owned_by(user: Any, *, include_closed: bool = False) -> QuerySet[FollowUpAction]:
    """The follow-up actions a user owns (named, or through their department or town) of
    meetings not archived; open ones only unless asked, soonest due first."""
    if getattr(user, "role", None) not in STAFF_ROLES:
        return FollowUpAction.objects.none()
    owned = Q(owner_user=user)
    code = owner_department_code(user)
    if code:
        owned |= Q(owner_department_id=code)
    qs = FollowUpAction.objects.filter(owned, meeting__archived_at__isnull=True)
    if not include_closed:
        qs = qs.filter(status=FollowUpStatus.OPEN)
    return qs.select_related("meeting__convener", "owner_department", "owner_user").order_by(
        "status", "due_on", "created_at"
    )


def is_overdue(action: FollowUpAction, on: dt.date | None = None) -> bool:
    return action.is_open and action.due_on < (on or timezone.localdate())


# --- plan indicators (action 二) -------------------------------------------------------------


def _year_meetings(region: Region, year: int) -> QuerySet[ConsultationMeeting]:
    return ConsultationMeeting.objects.filter(
        archived_at__isnull=True,
        held_on__year=year,
        region__code__startswith=region.prefix,
    )


@declare_figures("programs.consultation")
def _figures(region: Region, year: int) -> dict[str, Any]:
    """Meetings held in the year at the region or under it, and their follow-up actions done
    in the year (meetings not archived)."""
    live = ConsultationMeeting.objects.filter(
        archived_at__isnull=True, region__code__startswith=region.prefix
    )
    return {
        "meetings": CountOf(_year_meetings(region, year).values("pk")),
        "actions_done": CountOf(
            FollowUpAction.objects.filter(
                meeting__in=live, status=FollowUpStatus.DONE, closed_on__year=year
            ).values("pk")
        ),
    }


@indicator(
    code="programs.consultation_meetings",
    name=gettext_lazy("召开残疾人就业会商协商会议次数"),
    name_en="Employment consultation meetings held",
    unit=gettext_lazy("次"),
    action=2,
    records_url=page_url("programs:consultation-meetings", year="year"),
)
def consultation_meetings(region: Region, year: int) -> int:
    return figures_of(region, year, "programs.consultation")["meetings"] or 0


@indicator(
    code="programs.consultation_actions_done",
    name=gettext_lazy("会商落实事项办结数"),
    name_en="Consultation follow-up actions completed",
    unit=gettext_lazy("项"),
    action=2,
    records_url=page_url("programs:consultation-meetings", year="year"),
)
def consultation_actions_done(region: Region, year: int) -> int:
    return figures_of(region, year, "programs.consultation")["actions_done"] or 0
