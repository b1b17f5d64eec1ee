"""Matching pages: ranked candidates for a posting, ranked postings for a person, and the
factor weights.

Who may do what:
- candidates for a posting: administrators, district staff and town officers; a town officer
  ranks only the persons of their town (the pool is ``scope_for(user, Person)``); the posting
  must be one the user can see (else 404). Leaders, liaisons, employers and job seekers: 403
  (an employer never sees candidates, only the referrals made to it).
- postings for a person: the same staff for persons in their scope, and a job seeker for
  themselves; any other person is a 404.
- weights: administrators and district staff; everyone else 403.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role
from jiuye.core.access import roles_required
from jiuye.core.forms import add_service_errors
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE, get_scoped_or_404, scope_for
from jiuye.jobs.forms.matching import WeightsForm, WhyNotForm
from jiuye.jobs.models import Posting, PostingStatus
from jiuye.jobs.selectors import matching as selectors
from jiuye.jobs.selectors.postings import open_postings, postings_visible
from jiuye.jobs.services.matching import weights_save
from jiuye.people.models import Person
from jiuye.people.selectors import person_by_id_number

STAFF = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
PLANNERS = (Role.ADMIN, Role.DISTRICT)
MAX_LOOKUPS = 5


def _posting(request: HttpRequest, pk: uuid.UUID) -> Posting:
    """A posting the user can see (a published one, or one they write); else 404."""
    posting = (
        postings_visible(request.user)
        .select_related("employer", "region__parent")
        .filter(pk=pk)
        .first()
    )
    if posting is None:
        raise Http404
    return posting


def _can_refer(posting: Posting, today: Any) -> bool:
    return (
        posting.status == PostingStatus.PUBLISHED
        and not posting.is_archived
        and (posting.deadline is None or posting.deadline >= today)
    )


def _lookups(
    request: HttpRequest, posting: Posting, form: WhyNotForm, w: dict[str, int]
) -> list[Any]:
    """The persons the "why not listed" form names, within scope, each with why."""
    persons = scope_for(request.user, Person)
    who = form.cleaned_data["who"]
    if form.is_id_number:
        found = person_by_id_number(queryset=persons, id_number=who)
        chosen = persons.filter(pk=found.pk) if found else persons.none()
    else:
        ids = persons.filter(name=who).order_by("region_id", "pk").values("pk")
        chosen = persons.filter(pk__in=ids[:MAX_LOOKUPS])
    return selectors.explain_many(
        posting=posting, persons=chosen.order_by("region_id", "pk"), on=timezone.localdate(), w=w
    )


@roles_required(*STAFF)
@require_http_methods(["GET", "POST"])
def match_posting(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The ranking; a POST is the read-only "why is this person not listed?" lookup (POST
    so that an ID number never travels in an address or a server log)."""
    posting = _posting(request, pk)
    today = timezone.localdate()
    ranking = selectors.candidates_for_posting(
        posting=posting, persons=scope_for(request.user, Person), on=today
    )
    form = WhyNotForm(request.POST if request.method == "POST" else None)
    lookups, nobody = None, ""
    if form.is_bound and form.is_valid():
        lookups = _lookups(request, posting, form, ranking.weights)
        if form.is_id_number:
            nobody = NOT_FOUND_IN_SCOPE
            # The full number is not echoed back (the results show it masked).
            form = WhyNotForm()
    context = {
        "posting": posting,
        "ranking": ranking,
        "form": form,
        "lookups": lookups,
        "nobody": nobody,
        "can_refer": _can_refer(posting, today),
        "own_town": request.user.town if request.user.role == Role.TOWN else None,
        "max_lookups": MAX_LOOKUPS,
    }
    return render(request, "jobs/match_posting.html", context)


@roles_required(*STAFF, Role.JOBSEEKER)
@require_GET
def match_person(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    queryset = Person.objects.select_related("region__parent", "category", "grade")
    person = get_scoped_or_404(request.user, queryset, pk=pk)
    today = timezone.localdate()
    ranking = selectors.postings_for_person(person=person, postings=open_postings(today), on=today)
    context = {
        "person": person,
        "ranking": ranking,
        "outside": selectors.why_not_candidate(person, today),
        "is_self": request.user.role == Role.JOBSEEKER,
        "can_refer": request.user.role in STAFF and not person.is_archived,
    }
    return render(request, "jobs/match_person.html", context)


@roles_required(*PLANNERS, write=True)
@require_http_methods(["GET", "POST"])
def match_weights(request: HttpRequest) -> HttpResponse:
    current = selectors.weights()
    data = request.POST if request.method == "POST" else None
    form = WeightsForm(data, initial_weights=current)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in selectors.FACTORS}
        try:
            saved = weights_save(values=values, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已保存匹配权重，合计 %(total)d 分。新的权重立即用于所有匹配。")
                % {"total": sum(saved.values())},
            )
            return redirect("jobs:match-weights")
    context = {
        "form": form,
        "total": form.total(),
        "saved_total": sum(current.values()),
        "rows": [(form[f], current[f]) for f in selectors.FACTORS],
    }
    return render(request, "jobs/match_weights.html", context)
