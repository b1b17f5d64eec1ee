"""Employers' own sign-up (issue 18): the public page, the applicant's status page, the
district's worklist "待核实" with its decisions, and the unit administrator's "本单位账户".

Who may do what: anyone signs up; a sign-up account sees only its application until verified
(accounts.middleware.ApplicantGateMiddleware); district staff and administrators decide; an
employer user flagged as the unit's administrator manages its own unit's accounts (another
unit's account is a 404); other employer users get a 403."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import Role
from jiuye.core import crud, ratelimit
from jiuye.core.access import roles_required
from jiuye.core.audit import client_ip
from jiuye.core.forms import add_service_errors
from jiuye.employers import selectors
from jiuye.employers.models import ApplicationStatus, EmployerApplication
from jiuye.employers.services import signup
from jiuye.employers.signup_forms import ColleagueForm, CreateEmployerForm, RefuseForm, SignupForm

DECIDERS = (Role.ADMIN, Role.DISTRICT)
HOUR = 3600
_INVITED = "colleague_invited"


# --- the public side ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def signup_form(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect("core:home")
    form = SignupForm(request.POST or None)
    status = 200
    ip = client_ip(request) or "unknown"
    if request.method == "POST":
        limit = settings.JIUYE_EMPLOYER_SIGNUPS_PER_HOUR
        if ratelimit.exceeded("employer-signup", ip, limit=limit, window=HOUR):
            form.is_valid()
            form.add_error(
                None,
                _("从您的网络一小时内最多可以提交%(n)d份单位注册申请，已经达到。请一小时后再试。")
                % {"n": limit},
            )
            status = 429
        elif form.is_valid():
            try:
                application = signup.application_submit(**form.service_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                ratelimit.hit("employer-signup", ip, window=HOUR)
                login(request, application.account, backend="jiuye.accounts.backends.UserBackend")
                messages.success(request, _("申请已提交，区残联核实后会通知您。"))
                return redirect("employers:signup-status")
    return render(request, "employers/signup_form.html", {"form": form}, status=status)


@roles_required()
@require_GET
def signup_status(request: HttpRequest) -> HttpResponse:
    """The applicant's own application: status, and the reason when refused."""
    application = (
        EmployerApplication.objects.select_related("town", "employer")
        .filter(account=request.user)
        .first()
    )
    return render(request, "employers/signup_status.html", {"application": application})


# --- the district's worklist ----------------------------------------------------------------


@roles_required(*DECIDERS)
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or ApplicationStatus.PENDING
    if status not in ApplicationStatus.values:
        status = ApplicationStatus.PENDING
    context = {
        "applications": selectors.applications_worklist(status)[:200],
        "status": status,
        "statuses": ApplicationStatus.choices,
    }
    return render(request, "employers/application_list.html", context)


def _application(pk: uuid.UUID) -> EmployerApplication:
    return get_object_or_404(selectors.applications_any(), pk=pk)


def _refused(request: HttpRequest, form: Any, error: ValidationError) -> None:
    """A field's problem beside the field; a refusal of the whole step (decided already, an
    archived employer) at the top of the page, where it shows whatever forms are left."""
    if hasattr(error, "error_dict"):
        add_service_errors(form, error)
    else:
        messages.error(request, " ".join(error.messages))


def _detail(
    request: HttpRequest, application: EmployerApplication, **forms: object
) -> HttpResponse:
    context = {
        "application": application,
        "create_form": forms.get("create_form") or CreateEmployerForm(),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "others": selectors.same_code_applications(application),
        "create_url": reverse("employers:application-create", args=[application.pk]),
        "refuse_url": reverse("employers:application-refuse", args=[application.pk]),
        # The form sent back with errors: the page title says "错误：" (base.html).
        "form": forms.get("create_form") or forms.get("refuse_form"),
    }
    status = 400 if forms else 200
    return render(request, "employers/application_detail.html", context, status=status)


@roles_required(*DECIDERS)
@require_GET
def application_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _detail(request, _application(pk))


@roles_required(*DECIDERS, write=True)
@require_POST
def application_link(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    application = _application(pk)
    return crud.act(
        request,
        lambda: signup.application_verify_link(application=application, by=request.user),
        _("已核实，账户已关联到登记的单位，并成为该单位的管理员。"),
        "employers:application",
        pk=application.pk,
    )


@roles_required(*DECIDERS, write=True)
@require_POST
def application_create(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    application = _application(pk)
    form = CreateEmployerForm(request.POST)
    if form.is_valid():
        try:
            signup.application_verify_create(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _refused(request, form, error)
        else:
            return crud.done(
                request,
                _("已按申请登记单位“%(name)s”，账户成为该单位的管理员。")
                % {"name": application.name},
                "employers:application",
                pk=application.pk,
            )
    return _detail(request, application, create_form=form)


@roles_required(*DECIDERS, write=True)
@require_POST
def application_refuse(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    application = _application(pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            signup.application_refuse(
                application=application, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            _refused(request, form, error)
        else:
            return crud.done(
                request,
                _("已退回申请，申请人会看到原因。"),
                "employers:application",
                pk=application.pk,
            )
    return _detail(request, application, refuse_form=form)


# --- 本单位账户 ---------------------------------------------------------------------------


def _admin(request: HttpRequest) -> None:
    if not request.user.employer_admin:
        raise PermissionDenied


@roles_required(Role.EMPLOYER)
@require_GET
def unit_accounts(request: HttpRequest) -> HttpResponse:
    _admin(request)
    context = {
        "accounts": selectors.unit_accounts(request.user.employer_id),
        "invited": request.session.pop(_INVITED, None),
    }
    return render(request, "employers/unit_accounts.html", context)


@roles_required(Role.EMPLOYER)
@require_http_methods(["GET", "POST"])
def unit_account_invite(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = ColleagueForm(crud.posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user, password = signup.colleague_invite(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[_INVITED] = {"username": user.username, "password": password}
            return redirect("employers:unit-accounts")
    return render(request, "employers/unit_account_invite.html", {"form": form})


@roles_required(Role.EMPLOYER)
@require_POST
def unit_account_active(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    account = get_object_or_404(selectors.unit_accounts(request.user.employer_id), pk=pk)
    active = not account.is_active
    return crud.act(
        request,
        lambda: signup.colleague_set_active(by=request.user, user=account, active=active),
        (_("已启用账户“%(u)s”。") if active else _("已停用账户“%(u)s”。"))
        % {"u": account.username},
        "employers:unit-accounts",
    )
