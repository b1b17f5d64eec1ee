"""Employment service institution pages (action 十).

Who may do what:
- institutions (list, page, export): administrators, district staff and leaders see every
  institution, a town officer those of their town (another town's: 404).
- register, edit, archive and record the yearly checklist: administrators, district staff and
  the town officer of the institution's town.
- service exchange and contest events (list, page, export): read like the institutions, by the
  region they are held in; register, edit, archive and add participants: administrators,
  district staff and the town officer of that town (a town officer adds their own town's
  institutions).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role
from jiuye.core import crud, listing
from jiuye.core.access import roles_required
from jiuye.core.downloads import formula_safe
from jiuye.programs.forms.institutions import (
    ChecklistForm,
    EventForm,
    InstitutionForm,
    ParticipantForm,
)
from jiuye.programs.models import (
    ChecklistEntry,
    EventParticipant,
    ServiceEvent,
    ServiceInstitution,
)
from jiuye.programs.models.institutions import ChecklistItem
from jiuye.programs.selectors import institutions as selectors
from jiuye.programs.services import institutions as services
from jiuye.training.services.massage import WRITERS as KEEPERS
from jiuye.training.services.massage import may_keep

READERS = selectors.READERS


def _institution(request: HttpRequest, pk: uuid.UUID) -> ServiceInstitution:
    queryset = selectors.institutions_visible(request.user).select_related("region")
    return get_object_or_404(queryset, pk=pk)


def _keepable(request: HttpRequest, pk: uuid.UUID) -> ServiceInstitution:
    institution = _institution(request, pk)
    if not may_keep(request.user, institution.region_id):
        raise PermissionDenied
    return institution


def _year(request: HttpRequest) -> tuple[int, list[str]]:
    year, error = listing.year_asked(request)
    return year or timezone.localdate().year, [error] if error else []


def _institution_rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    year, errors = _year(request)
    context = {"year": year, "items": len(ChecklistItem.values), "filter_errors": errors}
    return selectors.institutions_for_list(records, year=year), context


@roles_required(*READERS)
@require_GET
def institution_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    institution = _institution(request, pk)
    year, errors = _year(request)
    entries = selectors.checklist_of(institution, year)
    rows = [(label, entries.get(item)) for item, label in ChecklistItem.choices]
    context = {
        "institution": institution,
        "year": year,
        "rows": rows,
        "filter_errors": errors,
        "can_keep": request.user.role in KEEPERS and may_keep(request.user, institution.region_id),
    }
    return render(request, "programs/institutions/institution_detail.html", context)


PAGES = crud.EditPages(
    name="institution",
    form_class=InstitutionForm,
    template="programs/institutions/institution_form.html",
    create=services.institution_create,
    update=services.institution_update,
    archive=services.institution_archive,
    detail="programs:service-institution",
    listing="programs:service-institutions",
    saved=gettext_lazy("已保存服务机构：%(name)s。"),
    archived=gettext_lazy("已归档服务机构：%(name)s。"),
    refused=gettext_lazy("这个服务机构已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、机构已撤并。归档后不再计入统计，记录仍然保留。"),
)


def _institution_export(institutions: Any, context: dict[str, Any]) -> list[list[Any]]:
    """Each institution with the year's checklist: met or not, and the evidence."""
    year = context["year"]
    institutions = list(institutions)
    met = {
        (e.institution_id, e.item): e
        for e in ChecklistEntry.objects.filter(institution__in=institutions, year=year)
    }
    rows = []
    for i in institutions:
        row = [formula_safe(i.name), i.get_owner_display(), i.region.name, formula_safe(i.address)]
        for item in ChecklistItem.values:
            entry = met.get((i.pk, item))
            row.append(_("达标") if entry is not None and entry.met else _("未达标"))
            row.append(formula_safe(entry.evidence) if entry is not None else "")
        rows.append(row)
    return rows


def _evidence_text(label: str) -> str:
    return _("%(item)s的佐证") % {"item": label}


_evidence_of = lazy(_evidence_text, str)  # the header in the language of the download


def _institution_headers() -> list[Any]:
    headers: list[Any] = [
        gettext_lazy("机构名称"),
        gettext_lazy("机构性质"),
        gettext_lazy("所在地"),
        gettext_lazy("地址"),
    ]
    for _item, label in ChecklistItem.choices:
        headers += [label, _evidence_of(label)]
    return headers


INSTITUTIONS = crud.RecordPages(
    edit=PAGES,
    readers=READERS,
    keepers=KEEPERS,
    visible=selectors.institutions_visible,
    rows=_institution_rows,
    export=crud.Export(
        title=gettext_lazy("%(year)d年残疾人就业服务机构"),
        filename=gettext_lazy("残疾人就业服务机构.xlsx"),
        headers=_institution_headers(),
        rows=_institution_export,
    ),
    detail=institution_detail,
    get=_keepable,
)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def checklist(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    institution = _keepable(request, pk)
    year, _errors = _year(request)
    form = ChecklistForm(crud.posted(request), entries=selectors.checklist_of(institution, year))

    def save() -> HttpResponse:
        services.checklist_save(
            institution=institution, by=request.user, year=year, items=form.items()
        )
        message = _("已保存%(year)d年的规范化建设检查。") % {"year": year}
        url = reverse("programs:service-institution", args=[institution.pk]) + f"?year={year}"
        return crud.done(request, message, url)

    context = {"institution": institution, "year": year}
    template = "programs/institutions/checklist.html"
    return crud.service_form(request, form, save, template=template, context=context)


# --- service exchange and contest events ----------------------------------------------------


def _event(request: HttpRequest, pk: uuid.UUID) -> ServiceEvent:
    queryset = selectors.events_visible(request.user).select_related("organiser", "region")
    return get_object_or_404(queryset, pk=pk)


def _keepable_event(request: HttpRequest, pk: uuid.UUID) -> ServiceEvent:
    event = _event(request, pk)
    if not may_keep(request.user, event.region_id):
        raise PermissionDenied
    return event


def _event_rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    year, errors = _year(request)
    return selectors.events_for_list(records, year=year), {"year": year, "filter_errors": errors}


@roles_required(*READERS)
@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The event with its participants and, for those who keep it, the form that adds one."""
    event = _event(request, pk)
    can_keep = request.user.role in KEEPERS and may_keep(request.user, event.region_id)
    if request.method == "POST" and (not can_keep or request.user.is_read_only):
        raise PermissionDenied
    institutions = selectors.institutions_visible(request.user).filter(archived_at__isnull=True)
    if request.user.role == Role.TOWN:
        institutions = institutions.filter(region_id=request.user.town_id)
    form = ParticipantForm(crud.posted(request), institutions=institutions.order_by("name"))

    def save() -> HttpResponse:
        services.participant_add(event=event, by=request.user, **form.cleaned_data)
        message = _("已添加参加机构：%(name)s。") % {"name": form.cleaned_data["institution"].name}
        return crud.done(request, message, "programs:service-event", pk=event.pk)

    context = {
        "event": event,
        "participants": selectors.participants_of(event),
        "can_keep": can_keep and not event.is_archived,
    }
    template = "programs/institutions/event_detail.html"
    return crud.service_form(request, form, save, template=template, context=context)


EVENT_PAGES = crud.EditPages(
    name="event",
    form_class=EventForm,
    template="programs/institutions/event_form.html",
    create=services.event_create,
    update=services.event_update,
    archive=services.event_archive,
    detail="programs:service-event",
    listing="programs:service-events",
    saved=gettext_lazy("已保存活动：%(name)s。"),
    archived=gettext_lazy("已归档活动：%(name)s。"),
    refused=gettext_lazy("这个活动已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、活动取消。归档后不再计入统计，记录仍然保留。"),
)


def _event_export(events: Any, context: dict[str, Any]) -> list[list[Any]]:
    """The year's events, one row per participant (an event without any: one row)."""
    events = list(events)
    taking_part: dict[uuid.UUID, list[EventParticipant]] = {}
    for p in EventParticipant.objects.filter(event__in=events).select_related("institution"):
        taking_part.setdefault(p.event_id, []).append(p)
    rows = []
    for e in events:
        head = [
            e.date,
            e.get_kind_display(),
            formula_safe(e.name),
            e.organiser.name,
            e.region.name,
            formula_safe(e.place),
            formula_safe(e.summary),
        ]
        for p in sorted(taking_part.get(e.pk, []), key=lambda p: p.institution.name) or [None]:
            tail = (
                [formula_safe(p.institution.name), formula_safe(p.staff), formula_safe(p.result)]
                if p is not None
                else ["", "", ""]
            )
            rows.append(head + tail)
    return rows


EVENTS = crud.RecordPages(
    edit=EVENT_PAGES,
    readers=READERS,
    keepers=KEEPERS,
    visible=selectors.events_visible,
    rows=_event_rows,
    export=crud.Export(
        title=gettext_lazy("%(year)d年服务交流和竞赛活动"),
        filename=gettext_lazy("服务交流和竞赛活动.xlsx"),
        headers=[
            gettext_lazy("举办日期"),
            gettext_lazy("活动类别"),
            gettext_lazy("活动名称"),
            gettext_lazy("主办部门"),
            gettext_lazy("举办地区"),
            gettext_lazy("地点"),
            gettext_lazy("成果总结"),
            gettext_lazy("参加机构"),
            gettext_lazy("参加人员"),
            gettext_lazy("名次或奖项"),
        ],
        rows=_event_export,
        widths=(12, 10, 30),
    ),
    detail=event_detail,
    get=_keepable_event,
)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def participant_remove(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Confirm, then take an institution added by mistake off the event (the participant row
    is deleted)."""
    queryset = selectors.participants_visible(request.user).select_related("institution")
    participant = get_object_or_404(queryset, pk=pk)
    event = _keepable_event(request, participant.event_id)
    name = participant.institution.name
    return crud.confirm(
        request,
        lambda: services.participant_remove(participant=participant, by=request.user),
        _("已移出参加机构：%(name)s。") % {"name": name},
        title=_("移出参加机构：%(name)s") % {"name": name},
        question=_(
            "确定把 %(name)s 从活动“%(event)s”的参加机构中移出吗？它的参加人员和成绩也一并删除。"
        )
        % {"name": name, "event": event.name},
        button=_("移出"),
        back=reverse("programs:service-event", args=[event.pk]),
    )
