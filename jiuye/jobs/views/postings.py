"""Postings pages: the list and search, a posting's page, the posting form, submitting for
review, the review queue and the review, status changes, archiving and the export.

Who may do what:
- every signed-in role reads published postings (list, page); leaders, liaisons and job
  seekers only read (403 on every write);
- administrators and district staff write every posting and review the employers' postings;
- a town officer writes the postings whose place is in their town (others' published postings
  are read-only: 403; others' drafts are not there: 404);
- an employer user sees its own postings in every status and writes them: a draft, sent for
  review, published by district staff or returned with a note;
- the export (.xlsx of the filtered list) is for staff roles.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import PERSONAL_DATA_ROLES, STAFF_ROLES, Role
from jiuye.core import crud
from jiuye.core.access import roles_required
from jiuye.core.downloads import Book, attachment_header, formula_safe
from jiuye.core.forms import add_service_errors
from jiuye.core.roles import VERIFIED_ROLES
from jiuye.jobs.forms.postings import (
    PostingForm,
    PostingSearchForm,
    ReviewForm,
    StatusForm,
)
from jiuye.jobs.models import Posting, PostingStatus
from jiuye.jobs.selectors.postings import (
    posting_for_page,
    posting_search,
    postings_for_list,
    postings_visible,
    review_queue,
)
from jiuye.jobs.services import postings as services
from jiuye.jobs.services import referrals as referral_services
from jiuye.people.models import Education

READERS = VERIFIED_ROLES
WRITERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.EMPLOYER)
REVIEWERS = (Role.ADMIN, Role.DISTRICT)
EXPORTERS = tuple(STAFF_ROLES)
PER_PAGE = 20
EXPORT_LIMIT = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ARCHIVE_HELP = gettext_lazy("归档后岗位不再出现在列表中，岗位和它的推荐记录都保留。")

# The button of each status change, in plain words.
STATUS_ACTIONS = {
    PostingStatus.FILLED: gettext_lazy("标记为已招满"),
    PostingStatus.CLOSED: gettext_lazy("停止招聘（关闭）"),
}


def _posting(request: HttpRequest, pk: uuid.UUID) -> Posting:
    posting = posting_for_page(postings_visible(request.user)).filter(pk=pk).first()
    if posting is None:
        raise Http404
    return posting


def _managed(request: HttpRequest, pk: uuid.UUID) -> Posting:
    """A posting the user writes: 404 when they can't see it, 403 when they only read it."""
    posting = _posting(request, pk)
    if not services.can_manage(request.user, posting):
        raise PermissionDenied
    return posting


def _status_buttons(user: Any, posting: Posting) -> list[tuple[str, str]]:
    buttons = []
    for target in services.status_targets(user, posting):
        if target == PostingStatus.PUBLISHED:
            label = _("发布") if posting.status == PostingStatus.DRAFT else _("重新开放招聘")
        else:
            label = str(STATUS_ACTIONS[target])
        buttons.append((target, label))
    return buttons


def _education(posting: Posting) -> str:
    return str(dict(Education.choices).get(posting.education_min, ""))


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- list, export, review queue -------------------------------------------------------------


def _searched(request: HttpRequest) -> tuple[PostingSearchForm, Any]:
    form = PostingSearchForm(request.GET or None, user=request.user)
    filters = form.filters()
    queryset = posting_search(
        postings_visible(request.user), **filters, user=request.user, on=timezone.localdate()
    )
    return form, postings_for_list(queryset)


@roles_required(*READERS)
@require_GET
def posting_list(request: HttpRequest) -> HttpResponse:
    search_form, postings = _searched(request)
    page = Paginator(postings, PER_PAGE).get_page(request.GET.get("page"))
    role = request.user.role
    context = {
        "search_form": search_form,
        "page": page,
        "today": timezone.localdate(),
        "can_create": role in WRITERS,
        "can_export": role in EXPORTERS,
        "can_review": role in REVIEWERS,
        "show_status": role in WRITERS,
    }
    return render(request, "jobs/posting_list.html", context)


def _export_xlsx(postings: Any) -> bytes:
    book = Book(write_only=True)
    sheet = book.create_sheet(_("招聘岗位"))
    sheet.append(
        [
            _("岗位名称"),
            _("用人单位"),
            _("统一社会信用代码"),
            _("职业类别"),
            _("招聘人数"),
            _("工作地点"),
            _("可远程"),
            _("新就业形态"),
            _("工作时间"),
            _("月薪下限（元）"),
            _("月薪上限（元）"),
            _("截止日期"),
            _("状态"),
            _("无障碍条件"),
            _("面向人群"),
            _("技能要求"),
            _("发布时间"),
        ]
    )
    for p in postings[:EXPORT_LIMIT]:
        place = p.region.name
        if p.region.parent_id and p.region.level == p.region.Level.VILLAGE:
            place = f"{p.region.parent.name} {p.region.name}"
        published = timezone.localtime(p.published_at) if p.published_at else None
        sheet.append(
            [
                formula_safe(p.title),
                formula_safe(p.employer.name),
                p.employer.uscc,
                str(p.occupation) if p.occupation_id else "",
                p.openings,
                place,
                _("是") if p.is_remote else _("否"),
                p.get_new_form_subtype_display(),
                p.get_hours_display(),
                float(p.wage_min) if p.wage_min is not None else None,
                float(p.wage_max) if p.wage_max is not None else None,
                f"{p.deadline:%Y-%m-%d}" if p.deadline else "",
                p.get_status_display() if not p.is_archived else _("已归档"),
                "、".join(p.accessibility_labels()),
                "、".join(p.target_group_labels()),
                formula_safe("、".join(p.skills)),
                f"{published:%Y-%m-%d %H:%M}" if published else "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@roles_required(*EXPORTERS)
@require_GET
def posting_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx (organisational data: no personal information)."""
    _form, postings = _searched(request)
    response = HttpResponse(_export_xlsx(postings), content_type=XLSX)
    filename = _("招聘岗位-%(day)s.xlsx") % {"day": f"{timezone.localdate():%Y%m%d}"}
    response["Content-Disposition"] = attachment_header(filename)
    return response


@roles_required(*REVIEWERS)
@require_GET
def posting_review_queue(request: HttpRequest) -> HttpResponse:
    queue = review_queue(postings_visible(request.user))
    page = Paginator(queue, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "jobs/posting_review_queue.html", {"page": page})


# --- one posting ----------------------------------------------------------------------------


def _render_detail(request: HttpRequest, posting: Posting) -> HttpResponse:
    user = request.user
    manages = services.can_manage(user, posting)
    context = {
        "posting": posting,
        "today": timezone.localdate(),
        "manages": manages,
        "can_edit": services.can_edit(user, posting),
        "can_submit": manages
        and user.role == Role.EMPLOYER
        and posting.status == PostingStatus.DRAFT
        and not posting.is_archived,
        "can_review": user.role in REVIEWERS
        and posting.status == PostingStatus.REVIEW
        and not posting.is_archived,
        "can_archive": manages and not posting.is_archived,
        "status_buttons": _status_buttons(user, posting),
        "staff_links": user.role in PERSONAL_DATA_ROLES,
        "education": _education(posting),
        # A job seeker applies themself (the apply page checks consent and duplicates).
        "can_apply": user.role == Role.JOBSEEKER
        and bool(user.person_id)
        and referral_services.posting_open_on(posting, timezone.localdate()),
    }
    return render(request, "jobs/posting_detail.html", context)


@roles_required(*READERS)
@require_GET
def posting_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _render_detail(request, _posting(request, pk))


def _create_status(request: HttpRequest) -> str:
    action = request.POST.get("action", "")
    if request.user.role == Role.EMPLOYER:
        return PostingStatus.REVIEW if action == "submit" else PostingStatus.DRAFT
    return PostingStatus.PUBLISHED if action == "publish" else PostingStatus.DRAFT


@roles_required(*WRITERS, write=True)
@require_http_methods(["GET", "POST"])
def posting_create(request: HttpRequest) -> HttpResponse:
    form = PostingForm(crud.posted(request), user=request.user)

    def save() -> HttpResponse:
        status = _create_status(request)
        posting = services.posting_create(by=request.user, status=status, **form.service_fields())
        return crud.done(request, _done_message(posting), "jobs:posting", pk=posting.pk)

    context = {"posting": None}
    return crud.service_form(
        request, form, save, template="jobs/posting_form.html", context=context
    )


def _done_message(posting: Posting) -> str:
    if posting.status == PostingStatus.PUBLISHED:
        return _("已发布岗位：%(title)s。") % {"title": posting.title}
    if posting.status == PostingStatus.REVIEW:
        return _("已提交审核：%(title)s。区残联工作人员审核通过后岗位即发布。") % {
            "title": posting.title
        }
    return _("已保存草稿：%(title)s。") % {"title": posting.title}


@roles_required(*WRITERS, write=True)
@require_http_methods(["GET", "POST"])
def posting_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    posting = _managed(request, pk)
    if not services.can_edit(request.user, posting):
        if posting.is_archived:
            messages.error(request, _("这个岗位已归档，不能再修改。"))
        else:
            messages.error(
                request,
                _("岗位%(status)s，单位不能再修改。如需修改，请联系区残联工作人员。")
                % {"status": posting.get_status_display()},
            )
        return redirect("jobs:posting", pk=posting.pk)
    form = PostingForm(crud.posted(request), user=request.user, posting=posting)

    def save() -> HttpResponse:
        saved = services.posting_update(
            posting=posting,
            by=request.user,
            version=form.cleaned_data.get("version"),
            **form.service_fields(),
        )
        if request.POST.get("action") == "submit" and request.user.role == Role.EMPLOYER:
            saved = services.posting_submit(posting=saved, by=request.user)
        if saved.status == PostingStatus.REVIEW:
            message = _done_message(saved)
        else:
            message = _("已保存修改：%(title)s。") % {"title": saved.title}
        return crud.done(request, message, "jobs:posting", pk=saved.pk)

    context = {"posting": posting}
    return crud.service_form(
        request, form, save, template="jobs/posting_form.html", context=context
    )


@roles_required(Role.EMPLOYER, write=True)
@require_POST
def posting_submit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    posting = _managed(request, pk)
    try:
        services.posting_submit(posting=posting, by=request.user)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(
            request,
            _("已提交审核：%(title)s。区残联工作人员审核通过后岗位即发布。")
            % {"title": posting.title},
        )
    return redirect("jobs:posting", pk=posting.pk)


@roles_required(*REVIEWERS, write=True)
@require_http_methods(["GET", "POST"])
def posting_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    posting = _posting(request, pk)
    if posting.status != PostingStatus.REVIEW or posting.is_archived:
        messages.info(
            request,
            _("这个岗位现在是“%(status)s”，不在待审核状态。")
            % {"status": posting.get_status_display()},
        )
        return redirect("jobs:posting", pk=posting.pk)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.posting_review(
                posting=posting, by=request.user, approve=approve, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if approve:
                text = _("已审核通过并发布：%(title)s。")
            else:
                text = _("已退回单位修改：%(title)s。单位能看到您的意见。")
            messages.success(request, text % {"title": posting.title})
            return redirect("jobs:posting-review-queue")
    context = {"form": form, "posting": posting, "education": _education(posting)}
    return render(request, "jobs/posting_review.html", context)


@roles_required(*WRITERS, write=True)
@require_POST
def posting_status(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    posting = _managed(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _messages_of(ValidationError(form.errors["status"])))
        return redirect("jobs:posting", pk=posting.pk)
    try:
        saved = services.posting_set_status(
            posting=posting, by=request.user, status=form.cleaned_data["status"]
        )
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(
            request,
            _("岗位“%(title)s”现在是“%(status)s”。")
            % {"title": saved.title, "status": saved.get_status_display()},
        )
    return redirect("jobs:posting", pk=posting.pk)


@roles_required(*WRITERS, write=True)
@require_http_methods(["GET", "POST"])
def posting_archive(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    posting = _managed(request, pk)
    return crud.archive_page(
        request,
        posting,
        lambda reason: services.posting_archive(posting=posting, by=request.user, reason=reason),
        template="jobs/posting_archive.html",
        context={"posting": posting},
        help_text=ARCHIVE_HELP,
        already=_("这个岗位已经归档。"),
        message=_("已归档岗位：%(title)s。") % {"title": posting.title},
        detail=reverse("jobs:posting", args=[posting.pk]),
        after=reverse("jobs:postings"),
    )
