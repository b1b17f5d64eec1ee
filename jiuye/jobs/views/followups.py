"""The follow-ups after a placement (1, 3, 6 and 12 months): the worklist and recording one.

Administrators and district staff see every person; a town officer their town's persons (a
follow-up of another town is a 404). Leaders, liaisons, employers and job seekers: 403.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role
from jiuye.core.access import roles_required
from jiuye.core.forms import add_service_errors
from jiuye.core.scoping import get_scoped_or_404, scope_for
from jiuye.jobs.forms.referrals import FollowUpFilterForm, FollowUpForm
from jiuye.jobs.models import FollowUp, FollowUpOutcome
from jiuye.jobs.selectors import referrals as selectors
from jiuye.jobs.services import referrals as services

STAFF = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
PAGE_SIZE = 50


@roles_required(*STAFF)
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = FollowUpFilterForm(request.GET or None)
    chosen = filters.filters()
    state = chosen.get("state") or "due"
    rows = selectors.follow_ups_for_worklist(
        scope_for(request.user, FollowUp),
        on=today,
        months=chosen.get("months"),
        done=state == "done",
        horizon_days=31 if state == "due" else None,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for follow_up in page.object_list:
        overdue = (today - follow_up.due_on).days if not follow_up.done_on else 0
        items.append(
            {
                "follow_up": follow_up,
                "state": selectors.follow_up_state(follow_up, today),
                "overdue": max(overdue, 0),
            }
        )
    context = {
        "page": page,
        "items": items,
        "filters": filters,
        "state": state,
        "today": today,
        "own_town": request.user.town if request.user.role == Role.TOWN else None,
    }
    return render(request, "jobs/follow_up_list.html", context)


@roles_required(*STAFF, write=True)
@require_http_methods(["GET", "POST"])
def follow_up_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    queryset = FollowUp.objects.select_related(
        "referral__person__region",
        "referral__posting__employer",
        "referral__employment_record",
        "done_by",
    )
    follow_up = get_scoped_or_404(request.user, queryset, pk=pk)
    record = follow_up.referral.employment_record
    today = timezone.localdate()
    state = selectors.follow_up_state(follow_up, today)
    form = None
    if state not in ("done", "not_needed") and record is not None:
        data = request.POST if request.method == "POST" else None
        form = FollowUpForm(
            data,
            start=record.start_date,
            window_opens=services.follow_up_window_opens(follow_up),
        )
        if request.method == "POST" and form.is_valid():
            values = form.cleaned_data
            left = values["outcome"] == FollowUpOutcome.LEFT
            try:
                services.follow_up_record(
                    follow_up=follow_up,
                    by=request.user,
                    done_on=values["done_on"],
                    outcome=values["outcome"],
                    left_on=values["left_on"] if left else None,
                    left_reason=values["left_reason"] if left else "",
                    notes=values["notes"],
                    early_ok=form.early_confirmed,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                name = follow_up.referral.person.name
                if left:
                    message = _("已登记 %(name)s 的回访：已离职，就业记录已结束。")
                else:
                    message = _("已登记 %(name)s 的回访。")
                messages.success(request, message % {"name": name})
                return redirect("jobs:follow-ups")
    elif request.method == "POST":
        messages.info(request, _("这次回访已经登记，或已无需回访。"))
        return redirect("jobs:follow-up", pk=follow_up.pk)
    others = []
    for other in follow_up.referral.follow_ups.all():
        other.referral = follow_up.referral  # already joined: no query a row
        others.append((other, selectors.follow_up_state(other, today)))
    context = {
        "follow_up": follow_up,
        "referral": follow_up.referral,
        "record": record,
        "state": state,
        "form": form,
        "others": others,
        "today": today,
    }
    return render(request, "jobs/follow_up_form.html", context)
