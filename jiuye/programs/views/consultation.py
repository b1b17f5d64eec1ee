"""Consultation mechanism pages (就业会商协商机制, action 二).

Who may do what:
- meetings (list, page, export): every staff role (meetings are organisational data).
- create, edit, archive a meeting and add its follow-up actions: administrators and district
  staff; a town officer for meetings of their town (others may read them: 403 on change).
- close a follow-up action: its owner (the named user, or a user of the named department or
  town) or the meeting's keeper; cancelling one is for the keeper only. Others: 403.
- "我的待办" (and its export): every staff role sees the open actions they own.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role
from jiuye.core import crud, listing
from jiuye.core.access import roles_required
from jiuye.core.downloads import attachment, formula_safe, workbook
from jiuye.core.roles import STAFF_ROLES
from jiuye.programs.forms.consultation import ActionForm, CloseForm, MeetingForm
from jiuye.programs.models import ConsultationMeeting, FollowUpAction
from jiuye.programs.selectors import consultation as selectors
from jiuye.programs.services import consultation as services

READERS = STAFF_ROLES
KEEPERS = services.KEEPERS
CLOSERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.DEPARTMENT)


def _meeting(request: HttpRequest, pk: uuid.UUID) -> ConsultationMeeting:
    queryset = selectors.meetings_visible(request.user).select_related("convener", "region")
    return get_object_or_404(queryset, pk=pk)


def _keepable(request: HttpRequest, pk: uuid.UUID) -> ConsultationMeeting:
    meeting = _meeting(request, pk)
    if not services.may_keep(request.user, meeting.region_id):
        raise PermissionDenied
    return meeting


def _rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """Meetings of a year (``?year=``) whose title, topics or decisions hold ``?q=``."""
    year, error = listing.year_asked(request)
    query = request.GET.get("q", "").strip()[:50]
    context = {
        "year": year,
        "year_raw": request.GET.get("year", ""),
        "q": query,
        "filter_errors": [error] if error else [],
    }
    return selectors.meetings_for_list(records, year=year, query=query), context


@roles_required(*READERS)
@require_GET
def meeting_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    meeting = _meeting(request, pk)
    actions = list(selectors.meeting_actions(meeting))
    for action in actions:
        action.overdue = selectors.is_overdue(action)
        action.closable = action.is_open and services.may_close(request.user, action)
    context = {
        "meeting": meeting,
        "departments": list(meeting.departments.all()),
        "employers": list(meeting.employers.all()),
        "actions": actions,
        "can_keep": request.user.role in KEEPERS
        and services.may_keep(request.user, meeting.region_id),
    }
    return render(request, "programs/consultation/meeting_detail.html", context)


PAGES = crud.EditPages(
    name="meeting",
    form_class=MeetingForm,
    template="programs/consultation/meeting_form.html",
    create=services.meeting_create,
    update=services.meeting_update,
    archive=services.meeting_archive,
    detail="programs:consultation-meeting",
    listing="programs:consultation-meetings",
    saved=gettext_lazy("已保存会商会议：%(title)s。"),
    archived=gettext_lazy("已归档会商会议：%(title)s。"),
    refused=gettext_lazy("这次会商会议已归档，不能再修改。"),
    archive_help=gettext_lazy(
        "例如：重复录入、会议取消。归档后不再出现在列表和待办中，记录仍然保留。"
    ),
    label="title",
)


def _export_row(m: ConsultationMeeting) -> list[Any]:
    return [
        m.held_on,
        formula_safe(m.title),
        formula_safe(m.convener.name),
        m.region.name,
        formula_safe(m.topics),
        formula_safe(m.decisions),
        m.n_actions,
        m.n_open,
    ]


MEETINGS = crud.RecordPages(
    edit=PAGES,
    readers=READERS,
    keepers=KEEPERS,
    visible=selectors.meetings_visible,
    rows=_rows,
    export=crud.Export(
        title=gettext_lazy("就业会商会议"),
        headers=[
            gettext_lazy("召开日期"),
            gettext_lazy("会议名称"),
            gettext_lazy("召集部门"),
            gettext_lazy("所属地区"),
            gettext_lazy("会商议题"),
            gettext_lazy("议定事项"),
            gettext_lazy("落实事项"),
            gettext_lazy("办理中"),
        ],
        row=_export_row,
        widths=(12, 30),
    ),
    detail=meeting_detail,
    get=_keepable,
)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    meeting = _keepable(request, pk)
    form = ActionForm(crud.posted(request))

    def save() -> HttpResponse:
        services.action_add(meeting=meeting, by=request.user, **form.cleaned_data)
        message = _("已添加落实事项：%(what)s。") % {"what": form.cleaned_data["description"]}
        return crud.done(request, message, "programs:consultation-meeting", pk=meeting.pk)

    template = "programs/consultation/action_form.html"
    return crud.service_form(request, form, save, template=template, context={"meeting": meeting})


def _action(request: HttpRequest, pk: uuid.UUID) -> FollowUpAction:
    visible = selectors.meetings_visible(request.user)
    queryset = FollowUpAction.objects.filter(meeting__in=visible).select_related(
        "meeting__convener", "owner_department", "owner_user"
    )
    action = get_object_or_404(queryset, pk=pk)
    if not services.may_close(request.user, action):
        raise PermissionDenied
    return action


@roles_required(*CLOSERS, write=True)
@require_http_methods(["GET", "POST"])
def action_close(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    action = _action(request, pk)
    form = CloseForm(crud.posted(request), action=action)

    def save() -> HttpResponse:
        services.action_close(action=action, by=request.user, **form.cleaned_data)
        message = _("已更新落实事项：%(what)s。") % {"what": action.description}
        return crud.done(request, message, "programs:consultation-todo")

    context = {"action": action, "meeting": action.meeting}
    template = "programs/consultation/action_close.html"
    return crud.service_form(request, form, save, template=template, context=context)


@roles_required(*READERS)
@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    closed = request.GET.get("closed") == "1"
    actions = list(selectors.actions_owned_by(request.user, include_closed=closed))
    for action in actions:
        action.overdue = selectors.is_overdue(action)
    context = {"actions": actions, "closed": closed}
    return render(request, "programs/consultation/my_actions.html", context)


@roles_required(*READERS)
@require_GET
def my_actions_export(request: HttpRequest) -> HttpResponse:
    closed = request.GET.get("closed") == "1"
    rows = (
        [
            formula_safe(a.description),
            formula_safe(a.meeting.title),
            a.meeting.held_on,
            a.owner_department.name if a.owner_department_id else "",
            (a.owner_user.display_name or a.owner_user.username) if a.owner_user_id else "",
            a.due_on,
            a.get_status_display(),
            a.closed_on,
            formula_safe(a.outcome),
        ]
        for a in selectors.actions_owned_by(request.user, include_closed=closed)
    )
    headers = [
        _("落实事项"),
        _("会议名称"),
        _("召开日期"),
        _("责任部门"),
        _("责任人"),
        _("完成时限"),
        _("状态"),
        _("办结或撤销日期"),
        _("办理结果或撤销原因"),
    ]
    content = workbook(_("我的待办"), headers, rows, widths=(30, 30))
    return attachment(content, _("我的待办.xlsx"))
