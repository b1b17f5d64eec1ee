"""Casework pages: campaigns (就业援助月 and other drives, action 五) and public-welfare posts.

Who may do what:
- campaigns: district staff and administrators create, change and archive them and see every
  town; a town officer sees the campaigns with a quota for their town, and only their town's row
  of the tally; leaders see every campaign's tally (aggregates only, read-only); the counted
  service records behind a town's figure are personal data (district staff, and a town officer
  for their own town). Liaisons, employers and job seekers: 403.
- posts: district staff and administrators every post, a town officer their own town's posts
  (another town's post is a 404); everyone else 403. Placing a person needs them in the
  officer's scope.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jiuye.accounts.models import PERSONAL_DATA_ROLES, Role
from jiuye.casework import selectors, services
from jiuye.casework.forms.campaigns import (
    CampaignForm,
    LeaveForm,
    PlaceForm,
    PostForm,
    district_towns,
)
from jiuye.casework.models import Campaign, PostPlacement, PublicWelfarePost, TargetGroup
from jiuye.core import crud
from jiuye.core.access import roles_required
from jiuye.core.downloads import Book, attachment_header, formula_safe
from jiuye.core.forms import ArchiveForm, add_service_errors
from jiuye.core.scoping import get_scoped_or_404, region_in_scope, scope_for, town_prefix
from jiuye.employment import services as employment_services
from jiuye.people.models import Person
from jiuye.people.selectors import person_in_scope
from jiuye.reference.models import Region

PLANNERS = (Role.ADMIN, Role.DISTRICT)
CAMPAIGN_READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)
POST_ROLES = tuple(PERSONAL_DATA_ROLES)
CAMPAIGNS_PER_PAGE = 20
ARCHIVE_HELP = gettext_lazy("例如：重复录入、活动取消。归档后不再出现在列表中，记录仍然保留。")
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- campaigns ------------------------------------------------------------------------------


def _archive_form() -> ArchiveForm:
    return ArchiveForm(prefix="archive", help_text=ARCHIVE_HELP)


def _campaign(request: HttpRequest, pk: uuid.UUID) -> Campaign:
    queryset = Campaign.objects.prefetch_related("service_types", "quotas__town")
    return get_scoped_or_404(request.user, queryset, pk=pk)


def _own_town(user: Any) -> str:
    """A town officer's town code ("" for roles that see the whole district)."""
    return user.town_id if user.role == Role.TOWN else ""


def _group_labels(campaign: Campaign) -> list[str]:
    labels = dict(TargetGroup.choices)
    return [str(labels.get(code, code)) for code in campaign.target_groups]


def _rate(part: int, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class TallyTotal:
    persons: int
    services: int
    quota: int

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.persons, self.quota)


def _tally(campaign: Campaign, user: Any) -> tuple[list[selectors.TallyRow], TallyTotal]:
    towns = district_towns()
    if own := _own_town(user):
        towns = towns.filter(code=own)
    rows = selectors.campaign_tally(campaign, towns=towns)
    total = TallyTotal(
        persons=sum(r.persons for r in rows),
        services=sum(r.services for r in rows),
        quota=sum(r.quota or 0 for r in rows),
    )
    return rows, total


@roles_required(*CAMPAIGN_READERS)
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    campaigns = scope_for(request.user, Campaign).filter(archived_at__isnull=not archived)
    page = Paginator(selectors.campaigns_for_list(campaigns), CAMPAIGNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    own = _own_town(request.user)
    prefix = town_prefix(own) if own else ""
    campaigns = list(page.object_list)
    served_by = selectors.campaigns_served(campaigns, prefix=prefix)
    rows = []
    for campaign in campaigns:
        served = served_by[campaign.pk]
        quota = selectors.campaign_quota_total(campaign, town_code=own)
        groups = _group_labels(campaign)
        rows.append({"campaign": campaign, "served": served, "quota": quota, "groups": groups})
    context = {
        "page": page,
        "rows": rows,
        "archived": archived,
        "can_plan": request.user.role in PLANNERS,
        "own_town": request.user.town if own else None,
    }
    return render(request, "casework/campaign_list.html", context)


def _render_campaign(
    request: HttpRequest, campaign: Campaign, archive_form: ArchiveForm | None = None
) -> HttpResponse:
    can_plan = request.user.role in PLANNERS and not campaign.is_archived
    rows, total = _tally(campaign, request.user)
    if archive_form is None and can_plan:
        archive_form = _archive_form()
    context = {
        "campaign": campaign,
        "rows": rows,
        "total": total,
        "groups": _group_labels(campaign),
        "can_plan": can_plan,
        "can_list": request.user.role in PERSONAL_DATA_ROLES,
        "own_town": request.user.town if _own_town(request.user) else None,
        "archive_form": archive_form,
        "form": archive_form,
        "today": timezone.localdate(),
    }
    return render(request, "casework/campaign_detail.html", context)


@roles_required(*CAMPAIGN_READERS)
@require_GET
def campaign_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _render_campaign(request, _campaign(request, pk))


def _campaign_form(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    form = CampaignForm(crud.posted(request), campaign=campaign)

    def save() -> HttpResponse:
        saved = services.campaign_save(by=request.user, campaign=campaign, **form.service_fields())
        message = _("已保存活动：%(name)s。") % {"name": saved.name}
        return crud.done(request, message, "casework:campaign-detail", pk=saved.pk)

    context = {"campaign": campaign}
    return crud.service_form(
        request, form, save, template="casework/campaign_form.html", context=context
    )


@roles_required(*PLANNERS, write=True)
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    return _campaign_form(request, None)


@roles_required(*PLANNERS, write=True)
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    campaign = _campaign(request, pk)
    if campaign.is_archived:
        messages.error(request, _("这个活动已归档，不能再修改。"))
        return redirect("casework:campaign-detail", pk=campaign.pk)
    return _campaign_form(request, campaign)


@roles_required(*PLANNERS, write=True)
@require_POST
def campaign_archive(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    campaign = _campaign(request, pk)
    return crud.archive_page(
        request,
        campaign,
        lambda reason: services.campaign_archive(campaign=campaign, reason=reason, by=request.user),
        help_text=ARCHIVE_HELP,
        already=_("这个活动已经归档。"),
        message=_("已归档活动：%(name)s。") % {"name": campaign.name},
        detail=reverse("casework:campaign-detail", args=[campaign.pk]),
        after=reverse("casework:campaigns"),
        page=lambda form: _render_campaign(request, campaign, form),
    )


@roles_required(*POST_ROLES)
@require_GET
def campaign_services(request: HttpRequest, pk: uuid.UUID, town: str) -> HttpResponse:
    """The service records behind one town's figure (personal data: scoped)."""
    campaign = _campaign(request, pk)
    region = Region.objects.filter(code=town, level=Region.Level.TOWN).first()
    if region is None or not region_in_scope(request.user, region.code):
        raise Http404
    records = scope_for(request.user, selectors.campaign_town_services(campaign, town=region))
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"campaign": campaign, "town": region, "page": page}
    return render(request, "casework/campaign_services.html", context)


def _tally_xlsx(campaign: Campaign, rows: list[selectors.TallyRow], total: TallyTotal) -> bytes:
    book = Book()
    sheet = book.active
    sheet.title = _("分镇街进度")
    sheet.append([formula_safe(campaign.name)])
    sheet.append(
        [
            _("活动期间：%(start)s 至 %(end)s")
            % {"start": f"{campaign.start_date:%Y-%m-%d}", "end": f"{campaign.end_date:%Y-%m-%d}"}
        ]
    )
    sheet.append(
        [_("镇街"), _("区划代码"), _("服务人数"), _("服务人次"), _("目标人数"), _("完成比例（%）")]
    )
    for row in rows:
        rate = float(row.rate) if row.rate is not None else None
        sheet.append([row.name, row.code, row.persons, row.services, row.quota, rate])
    rate = float(total.rate) if total.rate is not None else None
    sheet.append([_("合计"), "", total.persons, total.services, total.quota or None, rate])
    for cell in (*sheet[1], *sheet[3], *sheet[sheet.max_row]):
        cell.font = Font(bold=True)
    for index, width in enumerate([16, 16, 10, 10, 10, 14], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@roles_required(*CAMPAIGN_READERS)
@require_GET
def campaign_export(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The tally as .xlsx (aggregates only: no personal data, so no access-log entry)."""
    campaign = _campaign(request, pk)
    rows, total = _tally(campaign, request.user)
    response = HttpResponse(_tally_xlsx(campaign, rows, total), content_type=XLSX)
    filename = _("%(name)s-分镇街进度.xlsx") % {"name": campaign.name}
    response["Content-Disposition"] = attachment_header(filename)
    return response


# --- public-welfare posts -------------------------------------------------------------------


def _post(request: HttpRequest, pk: uuid.UUID) -> PublicWelfarePost:
    queryset = PublicWelfarePost.objects.select_related("region")
    return get_scoped_or_404(request.user, queryset, pk=pk)


@roles_required(*POST_ROLES)
@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    today = timezone.localdate()
    posts = scope_for(request.user, PublicWelfarePost).filter(archived_at__isnull=not archived)
    page = Paginator(selectors.posts_for_list(posts, on=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "archived": archived, "today": today}
    return render(request, "casework/post_list.html", context)


def _post_form(request: HttpRequest, post: PublicWelfarePost | None) -> HttpResponse:
    form = PostForm(crud.posted(request), user=request.user, post=post)

    def save() -> HttpResponse:
        saved = services.post_save(by=request.user, post=post, **form.service_fields())
        message = _("已保存岗位：%(post)s。") % {"post": str(saved)}
        return crud.done(request, message, "casework:post-detail", pk=saved.pk)

    return crud.service_form(
        request, form, save, template="casework/post_form.html", context={"post": post}
    )


@roles_required(*POST_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest) -> HttpResponse:
    return _post_form(request, None)


@roles_required(*POST_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    post = _post(request, pk)
    if post.is_archived:
        messages.error(request, _("这个岗位已归档，不能再修改。"))
        return redirect("casework:post-detail", pk=post.pk)
    return _post_form(request, post)


def _current(placement: PostPlacement, today: dt.date) -> bool:
    record = placement.employment_record
    return not record.is_archived and (record.end_date is None or record.end_date >= today)


def _linked_person(request: HttpRequest, raw: str | None) -> tuple[Person | None, bool]:
    """The person named by a link or the form's hidden field, if in the user's scope. The flag
    says an id was given but not found (out of scope, archived or malformed)."""
    if not raw:
        return None, False
    try:
        person = (
            scope_for(request.user, Person)
            .filter(pk=uuid.UUID(str(raw)), archived_at__isnull=True)
            .select_related("region")
            .first()
        )
    except ValueError:
        person = None
    return person, person is None


def _render_post(
    request: HttpRequest,
    post: PublicWelfarePost,
    *,
    place_form: PlaceForm | None = None,
    failed: Form | None = None,
    failed_placement: Any = None,
    archive_form: ArchiveForm | None = None,
    person_missing: bool = False,
) -> HttpResponse:
    today = timezone.localdate()
    placements = selectors.post_placements(scope_for(request.user, PostPlacement).filter(post=post))
    current, past = [], []
    for placement in placements:
        if _current(placement, today):
            form = failed if placement.pk == failed_placement else None
            record = placement.employment_record
            form = form or LeaveForm(prefix=f"leave-{placement.pk}", start=record.start_date)
            current.append((placement, form))
        else:
            past.append(placement)
    occupied = services.post_occupied(post, today)
    writable = not post.is_archived
    if place_form is None and writable:
        person, person_missing = _linked_person(request, request.GET.get("person"))
        place_form = PlaceForm(person=person)
    if archive_form is None and writable:
        archive_form = _archive_form()
    context = {
        "post": post,
        "today": today,
        "occupied": occupied,
        "hidden": max(occupied - len(current), 0),
        "current": current,
        "past": past,
        "place_form": place_form,
        "archive_form": archive_form,
        "person_missing": person_missing,
        "writable": writable,
        "funded": post.funding_start <= today <= post.funding_end,
        "form": failed,
    }
    return render(request, "casework/post_detail.html", context)


@roles_required(*POST_ROLES)
@require_GET
def post_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _render_post(request, _post(request, pk))


def _place_person(request: HttpRequest, form: PlaceForm) -> Person | None:
    if form.chosen is not None:
        return form.chosen
    try:
        found = person_in_scope(request.user, form.cleaned_data["id_number"])
    except ValidationError as error:
        form.add_error("id_number", error)
        return None
    return found


@roles_required(*POST_ROLES, write=True)
@require_POST
def post_place(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    post = _post(request, pk)
    person, missing = _linked_person(request, request.POST.get("place-person"))
    form = PlaceForm(request.POST, person=person)
    if form.is_valid():
        if missing:
            form.add_error(None, _("所选人员不在您负责的范围内或已归档，请用身份证号查找。"))
        elif (found := _place_person(request, form)) is not None:
            try:
                placement = services.post_place(
                    post=post,
                    person=found,
                    start_date=form.cleaned_data["start_date"],
                    monthly_wage=form.cleaned_data["monthly_wage"],
                    idempotency_key=form.cleaned_data["idempotency_key"] or None,
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                start = placement.employment_record.start_date
                messages.success(
                    request,
                    _("已安置 %(name)s 到这个岗位，上岗日期 %(day)s；已生成公益性岗位就业记录。")
                    % {"name": found.name, "day": f"{start:%Y-%m-%d}"},
                )
                return redirect("casework:post-detail", pk=post.pk)
    return _render_post(request, post, place_form=form, failed=form)


@roles_required(*POST_ROLES, write=True)
@require_POST
def post_leave(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    queryset = PostPlacement.objects.select_related("post", "person", "employment_record")
    placement = get_scoped_or_404(request.user, queryset, pk=pk)
    post = _post(request, placement.post_id)
    record = placement.employment_record
    if not _current(placement, timezone.localdate()):
        messages.info(request, _("%(name)s 已经离岗。") % {"name": placement.person.name})
        return redirect("casework:post-detail", pk=post.pk)
    form = LeaveForm(request.POST, prefix=f"leave-{placement.pk}", start=record.start_date)
    if form.is_valid():
        try:
            employment_services.employment_end(
                record=record,
                end_date=form.cleaned_data["end_date"],
                end_reason=form.cleaned_data["end_reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            day = form.cleaned_data["end_date"]
            messages.success(
                request,
                _("已登记 %(name)s 离岗，离岗日期 %(day)s；就业记录已结束。")
                % {"name": placement.person.name, "day": f"{day:%Y-%m-%d}"},
            )
            return redirect("casework:post-detail", pk=post.pk)
    return _render_post(request, post, failed=form, failed_placement=placement.pk)


@roles_required(*POST_ROLES, write=True)
@require_POST
def post_archive(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    post = _post(request, pk)
    return crud.archive_page(
        request,
        post,
        lambda reason: services.post_archive(post=post, reason=reason, by=request.user),
        help_text=ARCHIVE_HELP,
        already=_("这个岗位已经归档。"),
        message=_("已归档岗位：%(post)s。") % {"post": str(post)},
        detail=reverse("casework:post-detail", args=[post.pk]),
        after=reverse("casework:posts"),
        page=lambda form: _render_post(request, post, failed=form, archive_form=form),
    )
