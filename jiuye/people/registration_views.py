"""Job seekers' self-registration (注册申请): the public sign-up, the applicant's own page, and
the town's worklist of applications to verify with the decision on one.

The sign-up answers alike for every valid form: the same redirect to the applicant's page
whether the ID number is registered, unregistered or already applied for (ADR 0011); the
officer sorts that out."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.core import ratelimit
from jiuye.core.access import roles_required
from jiuye.core.audit import client_ip
from jiuye.core.forms import add_service_errors
from jiuye.core.roles import PERSONAL_DATA_ROLES, Role
from jiuye.core.scoping import get_scoped_or_404
from jiuye.people import selectors, services
from jiuye.people.models import RegistrationApplication
from jiuye.people.registration_forms import ApplicationDecisionForm, SignupForm

HOUR = 3600
DAY = 24 * HOUR
_BACKEND = "jiuye.accounts.backends.UserBackend"


def _ip(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        per_ip = settings.JIUYE_SIGNUP_PER_IP_PER_HOUR
        if ratelimit.exceeded("signup-ip", _ip(request), limit=per_ip, window=HOUR):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "从您的网络一小时内最多可以提交%(n)d份注册申请，已经达到。请一小时后再试，或到镇街服务窗口办理。"
                )
                % {"n": per_ip},
            )
            status = 429
        elif form.is_valid():
            fields = form.service_fields()
            # Per ID number too, registered or not (the same answer for both).
            per_id = settings.JIUYE_SIGNUP_PER_ID_PER_DAY
            id_key = services.id_number_index(fields["id_number"])
            if ratelimit.exceeded("signup-id", id_key, limit=per_id, window=DAY):
                form.add_error(
                    None,
                    _(
                        "这个身份证号今天已经提交过%(n)d次注册申请。请明天再试，或到镇街服务窗口办理。"
                    )
                    % {"n": per_id},
                )
                status = 429
            else:
                try:
                    application = services.application_submit(**fields)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    ratelimit.hit("signup-ip", _ip(request), window=HOUR)
                    ratelimit.hit("signup-id", id_key, window=DAY)
                    login(request, application.account, backend=_BACKEND)
                    return redirect("people:my-application")
    return render(request, "people/signup.html", {"form": form}, status=status)


@never_cache
@roles_required(Role.APPLICANT, Role.JOBSEEKER)
@require_GET
def my_application(request: HttpRequest) -> HttpResponse:
    """The applicant's own application: what they gave, the consents, and where it stands."""
    application = (
        RegistrationApplication.objects.select_related("region__parent")
        .filter(account=request.user)
        .first()
    )
    if application is None:
        raise Http404
    context = {
        "application": application,
        "consents": selectors.application_consents(application),
    }
    return render(request, "people/my_application.html", context)


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    context = {
        "pending": selectors.applications_pending(request.user),
        "decided": selectors.applications_decided(request.user),
    }
    return render(request, "people/application_list.html", context)


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def application_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    application = get_scoped_or_404(
        request.user,
        RegistrationApplication.objects.select_related(
            "region__parent", "decided_by", "person", "account"
        ),
        pk=pk,
    )
    form = ApplicationDecisionForm(request.POST if request.method == "POST" else None)
    if application.is_pending and request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if decision == form.LINK:
                services.application_link(application=application, by=request.user)
                text = _("已关联：%(name)s 的账号现在可以使用求职者功能。申请人已收到通知。")
            elif decision == form.REGISTER:
                services.application_register(application=application, by=request.user)
                text = _("已登记：%(name)s 已加入残疾人名单，账号已可使用。申请人已收到通知。")
            else:
                services.application_refuse(
                    application=application, reason=form.cleaned_data["reason"], by=request.user
                )
                text = _("已退回：%(name)s 的申请。申请人已收到通知和您的理由。")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, text % {"name": application.name})
            return redirect("people:applications")
    match = services.registered_match(application, request.user) if application.is_pending else None
    context = {
        "application": application,
        "match": match,
        "match_has_account": bool(match and hasattr(match, "user")),
        "same_id": selectors.application_same_id(application),
        "consents": selectors.application_consents(application),
        "form": form if application.is_pending else None,
    }
    return render(request, "people/application_review.html", context)
