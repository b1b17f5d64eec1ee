"""Skills competition pages (职业技能竞赛, action 九).

Who may do what:
- list, page: every staff role (read-only for leaders and department liaisons). Entrants'
  names only for roles that handle personal data and within their scope (a town officer sees
  their town's entrants by name, the others as counts); leaders and liaisons see figures only.
- create, edit, archive: administrators and district staff; a town officer for competitions of
  their town (another town's: 403, they can still read it).
- add, correct or remove an entry: administrators, district staff and town officers, for
  persons of their scope (a person or entry outside it: 404).
- export: every staff role (figures only, no personal data).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role
from jiuye.core import crud, listing
from jiuye.core.access import roles_required
from jiuye.core.downloads import formula_safe
from jiuye.core.forms import add_service_errors
from jiuye.core.roles import PERSONAL_DATA_ROLES, STAFF_ROLES
from jiuye.core.scoping import get_scoped_or_404
from jiuye.jobs.forms.fairs import SearchForm
from jiuye.people.models import Person
from jiuye.people.selectors import nobody_found, person_search
from jiuye.training.forms.competitions import LEVEL_FILTER, CompetitionForm, EntryForm
from jiuye.training.models import Competition, CompetitionEntry, CompetitionLevel
from jiuye.training.selectors import competitions as selectors
from jiuye.training.services import competitions as services

RUNNERS = PERSONAL = PERSONAL_DATA_ROLES
READERS = STAFF_ROLES


def _competition(request: HttpRequest, pk: uuid.UUID) -> Competition:
    queryset = selectors.competitions_visible(request.user).select_related("region")
    return get_object_or_404(queryset, pk=pk)


def _runnable(request: HttpRequest, pk: uuid.UUID) -> Competition:
    competition = _competition(request, pk)
    if not services.may_run(request.user, competition):
        raise PermissionDenied
    return competition


def _rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    errors = []
    level = request.GET.get("level", "").strip()
    if level and level not in CompetitionLevel.values:
        errors.append(_("无法识别的级别，已显示全部级别。"))
        level = ""
    year, year_error = listing.year_asked(request)
    if year_error:
        errors.append(year_error)
    context = {
        "level": level,
        "levels": LEVEL_FILTER,
        "year": year,
        "year_raw": request.GET.get("year", ""),
        "filter_errors": errors,
    }
    return selectors.competitions_for_list(records, level=level, year=year), context


@roles_required(*READERS)
@listing.numbers_kept_out_of_urls
@require_GET
def competition_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    competition = _competition(request, pk)
    personal = request.user.role in PERSONAL
    search = SearchForm(
        listing.search_params(request) or None,
        label=_("查找参赛人员"),
        help_text=_("输入姓名的一部分，或18位身份证号；只能查找您负责范围内的人员。"),
    )
    query = search.query() if personal and not competition.is_archived else ""
    entries = list(selectors.entries_visible(request.user, competition))
    figures = selectors.entry_figures(competition)
    context = {
        "competition": competition,
        "figures": figures,
        "entries": entries,
        "hidden_entries": figures["entries"] - len(entries),
        "personal": personal,
        "search": search,
        "query": query,
        "found": person_search(request.user, query),
        "nobody": nobody_found(query),
        "can_run": services.may_run(request.user, competition) and request.user.role in RUNNERS,
        "own_town": request.user.town if request.user.role == Role.TOWN else None,
    }
    return render(request, "training/competition_detail.html", context)


PAGES = crud.EditPages(
    name="competition",
    form_class=CompetitionForm,
    template="training/competition_form.html",
    create=services.competition_create,
    update=services.competition_update,
    archive=services.competition_archive,
    detail="training:competition",
    listing="training:competitions",
    saved=gettext_lazy("已保存竞赛：%(name)s。"),
    archived=gettext_lazy("已归档竞赛：%(name)s。"),
    refused=gettext_lazy("这项竞赛已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、活动取消。归档后不再出现在列表中，记录仍然保留。"),
)


@roles_required(*PERSONAL, write=True)
@require_http_methods(["GET", "POST"])
def competition_entry_add(
    request: HttpRequest, pk: uuid.UUID, person_pk: uuid.UUID
) -> HttpResponse:
    competition = _competition(request, pk)
    if competition.is_archived:
        messages.error(request, _("这项竞赛已归档，不能再修改。"))
        return redirect("training:competition", pk=competition.pk)
    people = Person.objects.filter(archived_at__isnull=True).select_related("region")
    person = get_scoped_or_404(request.user, people, pk=person_pk)
    form = EntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.competition_entry_add(
                competition=competition, person=person, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已添加 %(name)s 的参赛记录。") % {"name": person.name})
            return redirect("training:competition", pk=competition.pk)
    context = {"competition": competition, "person": person, "form": form}
    return render(request, "training/competition_entry_form.html", context)


@roles_required(*PERSONAL, write=True)
@require_http_methods(["GET", "POST"])
def competition_entry(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    entry = get_scoped_or_404(
        request.user,
        CompetitionEntry.objects.select_related("competition", "person__region"),
        pk=pk,
    )
    competition = entry.competition
    if competition.is_archived:
        messages.error(request, _("这项竞赛已归档，不能再修改。"))
        return redirect("training:competition", pk=competition.pk)
    form = EntryForm(entry=entry)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                services.competition_entry_remove(entry=entry, by=request.user)
                messages.success(
                    request, _("已删除 %(name)s 的这条参赛记录。") % {"name": entry.person.name}
                )
                return redirect("training:competition", pk=competition.pk)
            form = EntryForm(request.POST, entry=entry)
            if form.is_valid():
                services.competition_entry_update(entry=entry, by=request.user, **form.cleaned_data)
                messages.success(
                    request, _("已保存 %(name)s 的参赛记录。") % {"name": entry.person.name}
                )
                return redirect("training:competition", pk=competition.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    context = {"competition": competition, "person": entry.person, "entry": entry, "form": form}
    return render(request, "training/competition_entry_form.html", context)


def _export_row(c: Competition) -> list[Any]:
    return [
        formula_safe(c.name),
        c.get_level_display(),
        c.date,
        c.region.name,
        formula_safe(c.place),
        formula_safe(c.organiser),
        formula_safe(c.trades),
        c.n_entries,
        c.n_awards,
    ]


def _export_name(context: dict[str, Any]) -> str:
    year = context["year"]
    return _("职业技能竞赛-%(year)s.xlsx") % {"year": year} if year else _("职业技能竞赛.xlsx")


# The export holds the competitions with their entry figures (no personal data).
COMPETITIONS = crud.RecordPages(
    edit=PAGES,
    readers=READERS,
    keepers=RUNNERS,
    visible=selectors.competitions_visible,
    rows=_rows,
    export=crud.Export(
        title=gettext_lazy("职业技能竞赛"),
        filename=_export_name,
        headers=[
            gettext_lazy("赛事名称"),
            gettext_lazy("级别"),
            gettext_lazy("举办日期"),
            gettext_lazy("所属地区"),
            gettext_lazy("地点"),
            gettext_lazy("主办单位"),
            gettext_lazy("竞赛项目"),
            gettext_lazy("参赛人次"),
            gettext_lazy("获奖人次"),
        ],
        row=_export_row,
        widths=(30,),
    ),
    detail=competition_detail,
    get=_runnable,
)
