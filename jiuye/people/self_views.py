"""A job seeker's own pages (issue 18, self-service): "我的信息" with their timeline in plain
words, their consents and the change requests they made; the form that saves their work wishes
at once and sends changes to verified fields to their town; and the town's worklist of change
requests with the decision on one (before → after per field).

Only a job seeker opens the first two (their own record: no id in the URL). The worklist is the
personal-data staff's, scoped like the persons (a town officer: their town); a request out of
scope is a 404.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import PERSONAL_DATA_ROLES, Role
from jiuye.core import crud, timeline
from jiuye.core.access import roles_required
from jiuye.core.conflicts import ConflictError, show_conflict
from jiuye.core.forms import add_service_errors
from jiuye.core.scoping import get_scoped_or_404
from jiuye.people import selectors
from jiuye.people.forms import ChangeDecisionForm, SelfServiceForm
from jiuye.people.models import ChangeRequest, ChangeStatus, Consent, Person
from jiuye.people.services import changes

# What stops, in plain words, when the person withdraws a consent of this purpose.
WITHDRAWAL_EFFECTS = {
    Consent.Purpose.SHARE_WITH_EMPLOYERS: gettext_lazy(
        "撤回后，用人单位马上就看不到您的求职信息，工作人员也不能再把您推荐给用人单位。"
    ),
    Consent.Purpose.CONTACT: gettext_lazy(
        "撤回后，平台马上不再给您发短信和电子邮件；站内通知还会显示在您的账户里。"
    ),
    Consent.Purpose.PROCESS_DISABILITY_INFO: gettext_lazy(
        "撤回后，您的账户马上停用，不能再登录。您在残联的登记信息按规定保留，"
        "镇街工作人员会收到通知；以后还想用平台，请联系镇街。"
    ),
}


def _own(request: HttpRequest) -> Person:
    if not request.user.person_id:
        raise Http404
    queryset = timeline.with_presence(
        Person.objects.select_related("region__parent", "category", "grade")
    )
    return get_scoped_or_404(request.user, queryset, pk=request.user.person_id)


@roles_required(Role.JOBSEEKER)
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    person = _own(request)
    consents = list(Consent.objects.filter(person=person).order_by("purpose", "-given_at"))
    requests = list(ChangeRequest.objects.filter(person=person).order_by("-created_at")[:5])
    for change in requests:
        change.person = person  # already read: no query per request
    context = {
        "person": person,
        "timeline": timeline.entries_for(person, request.user),
        "consents": [(c, WITHDRAWAL_EFFECTS.get(c.purpose, "")) for c in consents],
        "shares": any(
            c.purpose == Consent.Purpose.SHARE_WITH_EMPLOYERS and c.withdrawn_at is None
            for c in consents
        ),
        "requests": [(r, selectors.change_rows(r)) for r in requests],
        "today": timezone.localdate(),
    }
    return render(request, "people/me.html", context)


@roles_required(Role.JOBSEEKER, write=True)
@require_POST
def me_consent_withdraw(request: HttpRequest) -> HttpResponse:
    """Withdraw one of one's own sign-up consents (being contacted, processing disability
    information); what stops is said beside each on 我的信息."""
    person = _own(request)
    purpose = request.POST.get("purpose", "")
    try:
        changes.own_consent_withdraw(person=person, purpose=purpose, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:me")
    if purpose == Consent.Purpose.PROCESS_DISABILITY_INFO:
        logout(request)
        messages.info(
            request, _("已撤回处理残疾信息的同意，您的账户已停用。需要时请联系镇街工作人员。")
        )
        return redirect("accounts:login")
    messages.success(
        request, _("已撤回同意：%(what)s。") % {"what": Consent.Purpose(purpose).label}
    )
    return redirect("people:me")


@roles_required(Role.JOBSEEKER, write=True)
@require_http_methods(["GET", "POST"])
def me_edit(request: HttpRequest) -> HttpResponse:
    person = _own(request)
    if person.is_archived:
        messages.error(request, _("您的记录已归档，不能在这里修改。请联系镇街工作人员。"))
        return redirect("people:me")
    form = SelfServiceForm(crud.posted(request), person=person)

    def save() -> HttpResponse:
        _saved, asked = changes.person_self_update(
            person=person,
            by=request.user,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        message = _("已保存。")
        if asked is not None:
            message = _(
                "已保存。联系电话、住址和文化程度的修改已交给镇街工作人员核对，"
                "核对后会通知您；在此之前仍按原来的信息。"
            )
        return crud.done(request, message, "people:me")

    return crud.service_form(
        request, form, save, template="people/me_form.html", context={"person": person}
    )


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def change_list(request: HttpRequest) -> HttpResponse:
    context = {
        "pending": list(selectors.change_requests_for(request.user, pending=True)),
        "decided": list(selectors.change_requests_for(request.user, pending=False)[:50]),
    }
    return render(request, "people/change_list.html", context)


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def change_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    change = get_scoped_or_404(
        request.user,
        ChangeRequest.objects.select_related("person__region__parent", "decided_by"),
        pk=pk,
    )
    form = ChangeDecisionForm(crud.posted(request))
    if change.is_pending and request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                changes.change_approve(request=change, by=request.user)
                text = _("已同意并修改了 %(name)s 的信息。本人已收到通知。")
            else:
                changes.change_refuse(
                    request=change, reason=form.cleaned_data["reason"], by=request.user
                )
                text = _("已不同意 %(name)s 的申请。本人已收到通知和您的意见。")
        except ConflictError as error:
            show_conflict(form, error, request.get_full_path())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, text % {"name": change.person.name})
            return redirect("people:changes")
        # What the record holds now (a conflict: someone changed it meanwhile).
        change = ChangeRequest.objects.select_related("person__region__parent").get(pk=pk)
    context = {
        "change": change,
        "person": change.person,
        "rows": selectors.change_rows(change),
        "form": form if change.status == ChangeStatus.PENDING else None,
    }
    return render(request, "people/change_review.html", context)
