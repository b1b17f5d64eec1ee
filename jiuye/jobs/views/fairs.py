"""Job-fair pages (招聘会, action 二).

Who may do what:
- list, page: every staff role and job seekers see every fair (job seekers and leaders without
  personal data); an employer the fairs it takes part in (another fair is a 404).
- create, edit, participants: administrators and district staff; a town officer for fairs held
  in their town (another town's fair: 403, they can still read it).
- seekers (register, attendance, 现场投递): administrators, district staff and town officers, each
  for the persons in their scope.
- export: staff roles (figures only, no personal data).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import Role
from jiuye.core import crud, listing, namesearch
from jiuye.core.access import roles_required
from jiuye.core.downloads import attachment, formula_safe, workbook
from jiuye.core.forms import add_service_errors
from jiuye.core.roles import PERSONAL_DATA_ROLES, STAFF_ROLES, VERIFIED_ROLES
from jiuye.core.scoping import get_scoped_or_404, scope_for
from jiuye.employers.models import Employer
from jiuye.jobs.forms.fairs import FairForm, PostingsForm, ReferAtFairForm, SearchForm
from jiuye.jobs.models import Fair, FairEmployer, FairSeeker, Posting, PostingStatus
from jiuye.jobs.selectors import fairs as selectors
from jiuye.jobs.services import fairs as services
from jiuye.people.models import Person
from jiuye.people.selectors import nobody_found, person_search

RUNNERS = PERSONAL = PERSONAL_DATA_ROLES
STAFF = STAFF_ROLES
READERS = VERIFIED_ROLES
PAGE_SIZE = 30
SEARCH_LIMIT = 20


def _fair(request: HttpRequest, pk: uuid.UUID) -> Fair:
    return get_object_or_404(selectors.fairs_visible(request.user).select_related("region"), pk=pk)


def _runnable(request: HttpRequest, pk: uuid.UUID) -> Fair:
    fair = _fair(request, pk)
    if not services.may_run(request.user, fair):
        raise PermissionDenied
    return fair


@roles_required(*READERS)
@require_GET
def fair_list(request: HttpRequest) -> HttpResponse:
    year, year_error = listing.year_asked(request)
    archived = listing.archived_asked(request, RUNNERS)
    fairs = selectors.fairs_visible(request.user).filter(archived_at__isnull=not archived)
    context = {
        "page": listing.page_of(request, selectors.fairs_for_list(fairs, year=year), PAGE_SIZE),
        "year": year,
        "year_raw": request.GET.get("year", ""),
        "year_error": year_error,
        "archived": archived,
        "can_run": request.user.role in RUNNERS,
        "can_export": request.user.role in STAFF,
        "today": timezone.localdate(),
    }
    return render(request, "jobs/fair_list.html", context)


def _participants(fair: Fair) -> list[dict[str, Any]]:
    """Each employer with the postings it brings, in two queries."""
    chosen: dict[Any, list[Posting]] = {}
    for posting in fair.postings.select_related("employer").order_by("title"):
        chosen.setdefault(posting.employer_id, []).append(posting)
    rows = []
    for participant in FairEmployer.objects.filter(fair=fair).select_related("employer"):
        rows.append(
            {
                "participant": participant,
                "employer": participant.employer,
                "postings": chosen.get(participant.employer_id, []),
            }
        )
    return rows


@roles_required(*READERS)
@require_GET
def fair_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    fair = _fair(request, pk)
    personal = request.user.role in PERSONAL
    seekers = None
    if personal:
        seekers = (
            scope_for(request.user, FairSeeker)
            .filter(fair=fair)
            .select_related("person__region", "person__category")
            .order_by("person__name")
        )
    own = None
    if request.user.role == Role.JOBSEEKER:
        own = FairSeeker.objects.filter(fair=fair, person_id=request.user.person_id).first()
    context = {
        "fair": fair,
        "own": own,
        "self_service": request.user.role == Role.JOBSEEKER,
        "open_to_register": fair.date >= timezone.localdate() and not fair.is_archived,
        "participants": _participants(fair),
        "results": selectors.fair_results(fair),
        "seekers": seekers,
        "personal": personal,
        "can_run": services.may_run(request.user, fair) and request.user.role in RUNNERS,
        "own_town": request.user.town if request.user.role == Role.TOWN else None,
    }
    return render(request, "jobs/fair_detail.html", context)


@roles_required(Role.JOBSEEKER, write=True)
@require_POST
def fair_register(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A job seeker registers themself for a fair (issue 18, self-service)."""
    fair = _fair(request, pk)
    person = get_object_or_404(Person, pk=request.user.person_id)
    return crud.act(
        request,
        lambda: services.fair_register_seeker(fair=fair, person=person, by=request.user),
        _("已报名“%(name)s”。请按时参加。") % {"name": fair.name},
        "jobs:fair",
        pk=fair.pk,
    )


PAGES = crud.EditPages(
    name="fair",
    form_class=FairForm,
    template="jobs/fair_form.html",
    create=services.fair_create,
    update=services.fair_update,
    archive=services.fair_archive,
    detail="jobs:fair",
    listing="jobs:fairs",
    saved=gettext_lazy("已保存招聘会：%(name)s。"),
    archived=gettext_lazy("已归档招聘会：%(name)s。"),
    refused=gettext_lazy("这场招聘会已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、活动取消。归档后不再出现在列表中，记录仍然保留。"),
)


fair_create, fair_edit = PAGES.views(*RUNNERS, get=_runnable)


def _employer_search(query: str) -> list[Employer]:
    if not query:
        return []
    qs = namesearch.with_name_chars(Employer.objects.filter(archived_at__isnull=True), query)
    found = qs.filter(namesearch.name_has(query) | Q(uscc=query.upper()))
    return list(found.order_by("name")[:SEARCH_LIMIT])


@roles_required(*RUNNERS, write=True)
@require_http_methods(["GET", "POST"])
def fair_participants(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    fair = _runnable(request, pk)
    failed: Any = None
    failed_for: Any = None
    if request.method == "POST":
        if fair.is_archived:
            messages.error(request, _("这场招聘会已归档，不能再修改。"))
            return redirect("jobs:fair", pk=fair.pk)
        action = request.POST.get("action")
        employer = Employer.objects.filter(pk=_uuid(request.POST.get("employer"))).first()
        if employer is None:
            messages.error(request, _("没有找到这家单位，请重新查找。"))
            return redirect("jobs:fair-participants", pk=fair.pk)
        try:
            if action == "add":
                services.fair_add_employer(fair=fair, employer=employer, by=request.user)
                messages.success(request, _("已加入参会单位：%(name)s。") % {"name": employer.name})
                return redirect("jobs:fair-participants", pk=fair.pk)
            if action == "remove":
                services.fair_remove_employer(fair=fair, employer=employer, by=request.user)
                messages.success(request, _("已移除参会单位：%(name)s。") % {"name": employer.name})
                return redirect("jobs:fair-participants", pk=fair.pk)
            form = PostingsForm(
                request.POST,
                prefix=f"p-{employer.pk}",
                employer=employer,
                choices=list(_published([employer.pk]).get(employer.pk, [])),
            )
            if form.is_valid():
                services.fair_set_postings(
                    fair=fair,
                    employer=employer,
                    postings=form.cleaned_data["postings"],
                    by=request.user,
                )
                messages.success(
                    request, _("已保存 %(name)s 的参会岗位。") % {"name": employer.name}
                )
                return redirect("jobs:fair-participants", pk=fair.pk)
            failed, failed_for = form, employer.pk
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("jobs:fair-participants", pk=fair.pk)
    search = SearchForm(
        request.GET or None,
        label=_("查找用人单位"),
        help_text=_("输入单位名称的一部分，或18位统一社会信用代码。"),
    )
    query = search.query()
    rows = _participants(fair)
    published = _published([row["employer"].pk for row in rows])
    for row in rows:
        employer = row["employer"]
        if failed is not None and failed_for == employer.pk:
            row["form"] = failed
        else:
            row["form"] = PostingsForm(
                prefix=f"p-{employer.pk}",
                employer=employer,
                choices=published.get(employer.pk, []),
                initial={"postings": [p.pk for p in row["postings"]]},
            )
    taking_part = {row["employer"].pk for row in rows}
    context = {
        "fair": fair,
        "rows": rows,
        "search": search,
        "query": query,
        "found": [e for e in _employer_search(query) if e.pk not in taking_part],
        "form": failed,
    }
    return render(request, "jobs/fair_participants.html", context)


def _published(employer_ids: list[Any]) -> dict[Any, list[Posting]]:
    by_employer: dict[Any, list[Posting]] = {}
    postings = Posting.objects.filter(
        employer_id__in=employer_ids, status=PostingStatus.PUBLISHED, archived_at__isnull=True
    ).order_by("title")
    for posting in postings:
        by_employer.setdefault(posting.employer_id, []).append(posting)
    return by_employer


def _uuid(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def _seeker_post(request: HttpRequest, fair: Fair, postings: list[Posting]) -> tuple[Any, Any]:
    """Handle one action of the seekers page; returns (failed form, the seeker it was for)."""
    action = request.POST.get("action")
    if action == "register":
        person = (
            scope_for(request.user, Person).filter(pk=_uuid(request.POST.get("person"))).first()
        )
        if person is None:
            raise Http404
        services.fair_register_seeker(fair=fair, person=person, by=request.user)
        messages.success(request, _("已为 %(name)s 报名。") % {"name": person.name})
        return None, None
    seeker = get_scoped_or_404(
        request.user,
        FairSeeker.objects.filter(fair=fair).select_related("person", "fair"),
        pk=_uuid(request.POST.get("seeker")),
    )
    if action == "attend":
        attended = request.POST.get("attended") == "1"
        services.fair_mark_attendance(seeker=seeker, attended=attended, by=request.user)
        message = _("已登记 %(name)s 到场。") if attended else _("已取消 %(name)s 的到场登记。")
        messages.success(request, message % {"name": seeker.person.name})
        return None, None
    form = ReferAtFairForm(request.POST, prefix=f"r-{seeker.pk}", fair=fair, postings=postings)
    if not form.is_valid():
        return form, seeker.pk
    try:
        services.fair_refer(seeker=seeker, posting=form.cleaned_data["posting"], by=request.user)
    except ValidationError as error:
        add_service_errors(form, error)
        return form, seeker.pk
    messages.success(
        request,
        _("已为 %(name)s 现场投递“%(title)s”。")
        % {"name": seeker.person.name, "title": form.cleaned_data["posting"].title},
    )
    return None, None


@roles_required(*PERSONAL, write=True)
@listing.numbers_kept_out_of_urls
@require_http_methods(["GET", "POST"])
def fair_seekers(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    fair = _fair(request, pk)
    postings = list(fair.postings.select_related("employer").order_by("employer__name", "title"))
    failed: Any = None
    failed_for: Any = None
    if request.method == "POST":
        if fair.is_archived:
            messages.error(request, _("这场招聘会已归档，不能再修改。"))
            return redirect("jobs:fair", pk=fair.pk)
        try:
            failed, failed_for = _seeker_post(request, fair, postings)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("jobs:fair-seekers", pk=fair.pk)
        if failed is None:
            return redirect("jobs:fair-seekers", pk=fair.pk)
    search = SearchForm(
        listing.search_params(request) or None,
        label=_("查找人员"),
        help_text=_("输入姓名的一部分，或18位身份证号；只能查找您负责范围内的人员。"),
    )
    query = search.query()
    seekers = list(
        scope_for(request.user, FairSeeker)
        .filter(fair=fair)
        .select_related("person__region", "person__category")
        .prefetch_related(
            Prefetch(
                "person__referrals",
                queryset=fair.referrals.select_related("posting"),
                to_attr="fair_referrals",
            )
        )
        .order_by("person__name")
    )
    registered = {s.person_id for s in seekers}
    rows = []
    for seeker in seekers:
        form = failed if failed_for == seeker.pk else None
        rows.append(
            {
                "seeker": seeker,
                "form": form
                or ReferAtFairForm(prefix=f"r-{seeker.pk}", fair=fair, postings=postings),
            }
        )
    context = {
        "fair": fair,
        "rows": rows,
        "postings": postings,
        "search": search,
        "query": query,
        "found": [p for p in person_search(request.user, query) if p.pk not in registered],
        "nobody": nobody_found(query),
        "form": failed,
        "own_town": request.user.town if request.user.role == Role.TOWN else None,
    }
    return render(request, "jobs/fair_seekers.html", context)


def _export_row(fair: Fair) -> list[Any]:
    results = selectors.results_of(fair)
    return [
        formula_safe(fair.name),
        fair.get_kind_display(),
        fair.date,
        fair.region.name,
        formula_safe(fair.place),
        formula_safe(fair.organiser),
        "、".join(fair.target_group_labels()),
        *(results[key] for key in selectors.RESULT_KEYS),
    ]


@roles_required(*STAFF)
@require_GET
def fairs_export(request: HttpRequest) -> HttpResponse:
    """Fairs with their results as .xlsx (figures only: no personal data, no access log)."""
    year, _error = listing.year_asked(request)
    fairs = selectors.fairs_visible(request.user).filter(archived_at__isnull=True)
    rows = [_export_row(fair) for fair in selectors.fairs_for_list(fairs, year=year)]
    headers = [
        _("名称"),
        _("形式"),
        _("举办日期"),
        _("举办地"),
        _("地点或平台"),
        _("主办单位"),
        _("面向人群"),
        _("参会单位"),
        _("参会岗位"),
        _("报名人数"),
        _("到场人数"),
        _("现场投递和推荐"),
        _("面试"),
        _("录用意向"),
        _("入职"),
    ]
    content = workbook(_("招聘会"), headers, rows, widths=(30,), width=14)
    name = _("招聘会-%(year)s.xlsx") % {"year": year} if year else _("招聘会.xlsx")
    return attachment(content, name)
