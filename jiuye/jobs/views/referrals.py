"""Referral pages: the consent to share a profile with employers, referring a person to a
posting, the referral page with its history and next steps, the hire form, the staff pipeline
and an employer's applicants.

Who may do what:
- consent: administrators, district staff, a town officer for their town's persons, and the job
  seeker for themself; others 403, a person out of scope 404.
- refer, hire: administrators, district staff and town officers (for their town's persons).
- referral page: staff within scope; the employer of the posting while the person's consent
  stands; the job seeker for their own referrals (read only). Others 404 or 403.
- next steps: staff; the employer "viewed", "interview", "offer" and "not hired" only.
- pipeline: staff (a town officer sees their town's persons); the job seeker their own.
- applicants: employers only.
- apply (``posting_apply``): job seekers only, for themself; others 403.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import Role
from jiuye.core import listing
from jiuye.core.access import roles_required
from jiuye.core.conflicts import ConflictError
from jiuye.core.forms import add_service_errors
from jiuye.core.scoping import get_scoped_or_404, scope_for
from jiuye.jobs.forms.referrals import (
    AdvanceForm,
    ConsentForm,
    HireForm,
    PipelineFilterForm,
    ReferralForm,
)
from jiuye.jobs.models import (
    OPEN_REFERRAL_STATUSES,
    Posting,
    PostingStatus,
    Referral,
    ReferralChannel,
)
from jiuye.jobs.selectors import referrals as selectors
from jiuye.jobs.selectors.postings import postings_visible
from jiuye.jobs.services import referrals as services
from jiuye.people.models import Consent, Person
from jiuye.people.selectors import person_in_scope
from jiuye.reference.models import Region

STAFF = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
PAGE_SIZE = 50
CONFLICT = gettext_lazy("这条推荐刚刚被其他人更新过。请查看下面的最新状态，再决定下一步。")


def _uuid(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def _referral(request: HttpRequest, pk: uuid.UUID) -> Referral:
    queryset = selectors.referrals_visible(request.user).select_related(
        "person__region",
        "person__category",
        "person__grade",
        "posting__employer",
        "posting__region",
        "fair",
        "employment_record",
        "created_by",
    )
    return get_scoped_or_404(request.user, queryset, pk=pk)


def _add_errors(form: Any, error: ValidationError) -> None:
    """Service errors beside visible fields; those of hidden fields (a person or posting from
    the link) at the top, where the error summary shows them."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = form.fields.get(name)
            visible = field is not None and not field.widget.is_hidden
            form.add_error(name if visible else None, errors)
    else:
        form.add_error(None, error)


def _safe_next(request: HttpRequest, raw: str | None) -> str:
    if raw and url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()}):
        return raw
    return ""


# --- consent ---------------------------------------------------------------------------------


@roles_required(Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.JOBSEEKER, write=True)
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    person = get_scoped_or_404(request.user, Person.objects.select_related("region"), pk=pk)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    current = services.active_consent(person)
    form = ConsentForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                if current is None:
                    messages.info(request, _("没有有效的同意，不需要撤回。"))
                    return redirect("jobs:consent", pk=person.pk)
                services.consent_withdraw(consent=current, by=request.user)
                messages.success(
                    request,
                    _("已撤回 %(name)s 的同意：用人单位从现在起看不到本人的求职信息。")
                    % {"name": person.name},
                )
                return redirect("jobs:consent", pk=person.pk)
            form = ConsentForm(request.POST)
            if form.is_valid():
                services.consent_give(person=person, by=request.user)
                messages.success(
                    request,
                    _("已登记 %(name)s 的同意（告知书版本 %(v)s）。")
                    % {"name": person.name, "v": services.current_policy_version()},
                )
                return redirect(next_url or reverse("jobs:consent", args=[person.pk]))
        except ValidationError as error:
            add_service_errors(form, error)
    history = Consent.objects.filter(
        person=person, purpose=Consent.Purpose.SHARE_WITH_EMPLOYERS
    ).select_related("recorded_by__town", "recorded_by__department", "recorded_by__employer")[:20]
    context = {
        "person": person,
        "current": current,
        "history": history,
        "form": form,
        "next": next_url,
        "shared": services.SHARED_ITEMS,
        "policy_version": services.current_policy_version(),
        "own": request.user.role == Role.JOBSEEKER,
    }
    return render(request, "jobs/consent.html", context)


# --- refer -----------------------------------------------------------------------------------


def _open_postings() -> Any:
    today = timezone.localdate()
    return (
        Posting.objects.filter(status=PostingStatus.PUBLISHED, archived_at__isnull=True)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
        .select_related("employer")
        .order_by("employer__name", "title")
    )


def _chosen(request: HttpRequest, source: Any) -> tuple[Person | None, Posting | None]:
    """The person and posting named by the link (or the form's hidden fields). A person out of
    the user's scope, or an id that is not one, is a 404; so is a posting that does not exist."""
    person = posting = None
    if raw := source.get("person"):
        queryset = Person.objects.filter(archived_at__isnull=True).select_related(
            "region", "category", "grade"
        )
        person = get_scoped_or_404(request.user, queryset, pk=raw)
    if raw := source.get("posting"):
        posting = _posting_or_404(raw)
    return person, posting


def _posting_or_404(raw: Any) -> Posting:
    pk = _uuid(raw)
    posting = (
        Posting.objects.select_related("employer", "region").filter(pk=pk).first() if pk else None
    )
    if posting is None:
        raise Http404
    return posting


@roles_required(*STAFF, write=True)
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    person, posting = _chosen(request, source)
    data = request.POST if request.method == "POST" else None
    form = ReferralForm(data, person=person, posting=posting, postings=_open_postings())
    consent_missing = False
    if request.method == "POST" and form.is_valid():
        chosen = person
        if chosen is None:
            try:
                chosen = person_in_scope(request.user, form.cleaned_data["id_number"])
            except ValidationError as error:
                form.add_error("id_number", error)
        if chosen is not None:
            try:
                referral = services.referral_create(
                    person=chosen,
                    posting=form.cleaned_data["posting"],
                    by=request.user,
                    channel=ReferralChannel.STAFF,
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                consent_missing = getattr(error, "code", None) == "consent"
                person = person or chosen
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("已推荐 %(name)s 到“%(title)s”。")
                    % {"name": chosen.name, "title": referral.posting.title},
                )
                return redirect("jobs:referral", pk=referral.pk)
    if person is not None and not consent_missing:
        consent_missing = services.active_consent(person) is None
    closed = posting is not None and not services.posting_open_on(posting, timezone.localdate())
    context = {
        "form": form,
        "person": person,
        "posting": posting,
        "consent_missing": consent_missing,
        "posting_closed": closed,
        "here": request.get_full_path(),
    }
    return render(request, "jobs/referral_create.html", context)


# --- one referral ----------------------------------------------------------------------------


def _render_referral(
    request: HttpRequest,
    referral: Referral,
    advance_form: AdvanceForm | None = None,
) -> HttpResponse:
    role = request.user.role
    writable = not request.user.is_read_only
    steps = services.allowed_steps(referral, role) if writable else []
    if advance_form is None and steps:
        advance_form = AdvanceForm(steps=steps, version=referral.version)
    today = timezone.localdate()
    follow_ups = []
    if role in STAFF or role == Role.JOBSEEKER:
        for follow_up in referral.follow_ups.all():
            follow_up.referral = referral  # the record is already joined
            follow_ups.append((follow_up, selectors.follow_up_state(follow_up, today)))
    context = {
        "referral": referral,
        "person": referral.person,
        "posting": referral.posting,
        "history": referral.steps.select_related("by"),
        "form": advance_form,
        "steps": steps,
        "can_hire": role in STAFF and referral.is_open,
        "staff": role in STAFF,
        "employer": role == Role.EMPLOYER,
        # The job seeker's own view leaves out the staff's and the employer's notes (as their
        # timeline does); their own step notes stay.
        "own_view": role == Role.JOBSEEKER,
        "follow_ups": follow_ups,
        "today": today,
    }
    return render(request, "jobs/referral_detail.html", context)


@roles_required(*STAFF, Role.EMPLOYER, Role.JOBSEEKER)
@require_GET
def referral_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _render_referral(request, _referral(request, pk))


@roles_required(*STAFF, Role.EMPLOYER, write=True)
@require_POST
def referral_advance(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = _referral(request, pk)
    steps = services.allowed_steps(referral, request.user.role)
    if not steps:
        messages.error(
            request,
            _("这条推荐已经是“%(status)s”，已结束，不能再改变状态。")
            % {"status": referral.get_status_display()},
        )
        return redirect("jobs:referral", pk=referral.pk)
    form = AdvanceForm(request.POST, steps=steps, version=referral.version)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_advance(
                referral=referral,
                to=data["to"],
                by=request.user,
                on=data["on"],
                version=data["version"],
                reason=data.get("reason") or "",
                note=data["note"],
            )
        except ConflictError:
            messages.error(request, CONFLICT)
            return redirect("jobs:referral", pk=referral.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            labels = dict(form.fields["to"].choices)
            messages.success(
                request, _("已登记：%(step)s。") % {"step": labels.get(data["to"], data["to"])}
            )
            return redirect("jobs:referral", pk=referral.pk)
    return _render_referral(request, referral, form)


@roles_required(*STAFF, write=True)
@require_http_methods(["GET", "POST"])
def referral_hire(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = _referral(request, pk)
    if referral.employment_record_id or not referral.is_open:
        if referral.employment_record_id:
            message = _("这条推荐已经登记入职（%(day)s 起的就业记录），不能重复登记。") % {
                "day": f"{referral.employment_record.start_date:%Y-%m-%d}"
            }
        else:
            message = _("这条推荐已经是“%(status)s”，已结束，不能登记入职。") % {
                "status": referral.get_status_display()
            }
        messages.error(request, message)
        return redirect("jobs:referral", pk=referral.pk)
    data = request.POST if request.method == "POST" else None
    form = HireForm(data, posting=referral.posting, version=referral.version)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            record = services.referral_hire(
                referral=referral,
                by=request.user,
                start_date=values["start_date"],
                form=values["form"],
                contract_type=values["contract_type"],
                monthly_wage=values["monthly_wage"],
                version=values["version"],
                note=values["note"],
            )
        except ConflictError:
            messages.error(request, CONFLICT)
            return redirect("jobs:referral", pk=referral.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "已登记 %(name)s 入职，入职日期 %(day)s；已生成就业记录，"
                    "并安排了入职后 1、3、6、12 个月的跟踪回访。"
                )
                % {"name": referral.person.name, "day": f"{record.start_date:%Y-%m-%d}"},
            )
            return redirect("jobs:referral", pk=referral.pk)
    context = {"form": form, "referral": referral, "posting": referral.posting}
    return render(request, "jobs/referral_hire.html", context)


# --- lists -----------------------------------------------------------------------------------


def _towns(user: Any) -> Any:
    towns = Region.objects.filter(level=Region.Level.TOWN, disabled_at__isnull=True)
    if user.role == Role.TOWN:
        towns = towns.filter(code=user.town_id)
    return towns.order_by("code")


@roles_required(*STAFF, Role.JOBSEEKER)
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    staff = request.user.role in STAFF
    filters = PipelineFilterForm(request.GET or None, towns=_towns(request.user) if staff else None)
    chosen = filters.filters()
    base = selectors.referrals_visible(request.user)
    posting = person = None
    if chosen.get("posting"):
        posting = Posting.objects.select_related("employer").filter(pk=chosen["posting"]).first()
    if chosen.get("person"):
        person = scope_for(request.user, Person).filter(pk=chosen["person"]).first()
    narrowed = selectors.referral_filter(
        base,
        posting=chosen.get("posting"),
        person=chosen.get("person"),
        town=chosen.get("town", ""),
        year=chosen.get("year"),
    )
    context = {
        **_pipeline(request, filters, narrowed, chosen.get("status", "")),
        "posting": posting,
        "chosen_person": person,
        "staff": staff,
        "own_town": request.user.town if request.user.role == Role.TOWN else None,
    }
    return render(request, "jobs/referral_list.html", context)


@roles_required(Role.EMPLOYER)
@require_GET
def applicants(request: HttpRequest) -> HttpResponse:
    filters = PipelineFilterForm(request.GET or None)
    chosen = filters.filters()
    base = selectors.referrals_visible(request.user)
    narrowed = selectors.referral_filter(base, posting=chosen.get("posting"))
    posting = None
    if chosen.get("posting"):
        posting = (
            Posting.objects.filter(pk=chosen["posting"], employer_id=request.user.employer_id)
            .only("pk", "title")
            .first()
        )
    context = {
        **_pipeline(request, filters, narrowed, chosen.get("status", "")),
        "posting": posting,
    }
    return render(request, "jobs/applicants.html", context)


def _pipeline(
    request: HttpRequest, filters: PipelineFilterForm, narrowed: Any, status: str
) -> dict[str, Any]:
    """The referrals of the list by status: the counts of each and the page of the one chosen."""
    counts = selectors.status_counts(narrowed)
    rows = selectors.referral_filter(narrowed, status=status)
    query = {k: v for k, v in request.GET.items() if k not in ("status", "page")}
    return {
        "page": listing.page_of(request, selectors.referrals_for_list(rows), PAGE_SIZE),
        "filters": filters,
        "counts": counts,
        "total": sum(n for _s, _l, n in counts),
        "status": status,
        "status_query": urlencode(query),
    }


# --- a job seeker's own application ----------------------------------------------------------


@roles_required(Role.JOBSEEKER, write=True)
@require_http_methods(["GET", "POST"])
def posting_apply(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A job seeker applies to a posting themself (issue 18): the page says what the employer
    will see and asks to confirm; without the sharing consent it explains and links to it."""
    posting = (
        postings_visible(request.user).select_related("employer", "region").filter(pk=pk).first()
    )
    if posting is None:
        raise Http404
    person = get_scoped_or_404(request.user, Person.objects.all(), pk=request.user.person_id)
    if request.method == "POST":
        try:
            referral = services.referral_apply(posting=posting, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("jobs:posting-apply", pk=posting.pk)
        messages.success(
            request,
            _("已申请岗位“%(title)s”。用人单位和镇街专干已收到通知，进展会通知您。")
            % {"title": posting.title},
        )
        return redirect("jobs:referral", pk=referral.pk)
    today = timezone.localdate()
    open_referral = (
        Referral.objects.filter(person=person, posting=posting, status__in=OPEN_REFERRAL_STATUSES)
        .only("pk")
        .first()
    )
    context = {
        "posting": posting,
        "person": person,
        "shared_items": services.SHARED_ITEMS,
        "has_consent": services.active_consent(person) is not None,
        "is_open": services.posting_open_on(posting, today),
        "open_referral": open_referral,
    }
    return render(request, "jobs/posting_apply.html", context)
