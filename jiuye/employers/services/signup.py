"""Employers' own sign-up (issue 18): the application from the public page, the district's
decision on it (link to the registered employer, register the employer from it, or refuse),
and the unit's own administrator inviting, disabling and enabling its colleagues' accounts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role, User
from jiuye.accounts.services import user_create, user_set_active, user_update
from jiuye.core import conflicts
from jiuye.employers.models import ApplicationStatus, Employer, EmployerApplication
from jiuye.employers.services import registry
from jiuye.notifications import selectors as told
from jiuye.notifications.services import Event, notify
from jiuye.reference.forms import district_towns

_TITLES = {
    "submitted": gettext_lazy("单位注册待核实：%(name)s"),
    "verified": gettext_lazy("单位注册已通过核实：%(name)s"),
    "refused": gettext_lazy("单位注册未通过：%(name)s"),
}


def _tell(application: EmployerApplication, step: str, recipients: Any, by: Any) -> None:
    stamp = application.updated_at.strftime("%Y%m%d%H%M%S%f")
    url = {
        "submitted": f"/employers/applications/{application.pk}/",
        "verified": "/employers/unit-accounts/",
        "refused": "/employers/signup/status/",
    }[step]
    notify(
        event=Event(
            key=f"employer-application:{application.pk}:{step}:{stamp}",
            kind=f"employer_application_{step}",
            title=str(_TITLES[step]) % {"name": application.name},
            body=application.refusal_reason if step == "refused" else "",
            url=url,
        ),
        recipients=recipients,
        exclude=conflicts.actor(by),
    )


@transaction.atomic
def application_submit(
    *,
    uscc: str,
    name: str,
    contact_name: str,
    contact_phone: str,
    town_code: str,
    username: str,
    password: str,
) -> EmployerApplication:
    """The public sign-up: an account that sees only its application, and the application in
    the district's worklist. Whether the code is registered already is not looked at here, so
    the answer is the same either way."""
    town = district_towns().filter(code=town_code).first()
    if town is None:
        raise ValidationError({"town": [_("请从列表中选择镇街。")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": [_("用户名“%(u)s”已被使用，请换一个。") % {"u": username}]}
        )
    account = user_create(
        username=username,
        role=Role.EMPLOYER_APPLICANT,
        display_name=contact_name,
        password=password,
    )[0]
    application = EmployerApplication(
        uscc=uscc,
        name=name,
        contact_name=contact_name,
        contact_phone=contact_phone,
        town=town,
        account=account,
        created_by=account,
        updated_by=account,
    )
    application.full_clean()
    application.save()
    _tell(application, "submitted", told.reviewers(), None)
    return application


def _pending(application: EmployerApplication) -> EmployerApplication:
    current = (
        EmployerApplication.objects.select_for_update()
        .select_related("account")
        .get(pk=application.pk)
    )
    if current.status != ApplicationStatus.PENDING:
        raise ValidationError(_("这份申请已经处理过了，不能再处理。"))
    return current


def _verify(application: EmployerApplication, employer: Employer, by: Any) -> EmployerApplication:
    if employer.is_archived:
        raise ValidationError(_("“%(name)s”已归档，不能关联。") % {"name": employer.name})
    user_update(
        user=application.account, role=Role.EMPLOYER, employer=employer, employer_admin=True
    )
    application.status = ApplicationStatus.VERIFIED
    application.employer = employer
    application.decided_at = timezone.now()
    application.decided_by = application.updated_by = conflicts.actor(by)
    application.full_clean()
    application.save()
    _tell(application, "verified", [application.account], by)
    return application


@transaction.atomic
def application_verify_link(*, application: EmployerApplication, by: Any) -> EmployerApplication:
    """The code is registered: the account becomes the admin of that employer."""
    application = _pending(application)
    employer = Employer.objects.filter(uscc=application.uscc).first()
    if employer is None:
        raise ValidationError(
            _("登记库中没有统一社会信用代码为 %(code)s 的单位，请改为“按申请登记新单位”。")
            % {"code": application.uscc}
        )
    return _verify(application, employer, by)


@transaction.atomic
def application_verify_create(
    *, application: EmployerApplication, kind: str, industry: str = "", by: Any
) -> EmployerApplication:
    """The code is not registered: register the employer from the application."""
    application = _pending(application)
    employer = registry.employer_create(
        by=by,
        name=application.name,
        uscc=application.uscc,
        kind=kind,
        industry=industry,
        region=application.town,
        contact_name=application.contact_name,
        contact_phone=application.contact_phone,
    )
    return _verify(application, employer, by)


@transaction.atomic
def application_refuse(
    *, application: EmployerApplication, reason: str, by: Any
) -> EmployerApplication:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请写明未通过的原因，申请人会看到。")]})
    application = _pending(application)
    application.status = ApplicationStatus.REFUSED
    application.refusal_reason = reason
    application.decided_at = timezone.now()
    application.decided_by = application.updated_by = conflicts.actor(by)
    application.full_clean()
    application.save()
    _tell(application, "refused", [application.account], by)
    return application


# --- the unit's own administrator -----------------------------------------------------------


def _require_admin(by: Any) -> None:
    if not (by.role == Role.EMPLOYER and by.employer_admin and by.employer_id):
        raise ValidationError(_("只有本单位的管理员可以管理本单位账户。"))


def colleague_invite(
    *, by: Any, username: str, display_name: str = "", email: str = ""
) -> tuple[User, str]:
    """An account of the employer role in the admin's own unit (never an admin, never another
    role), with a one-time password shown once."""
    _require_admin(by)
    return registry.employer_invite(
        employer=by.employer,
        username=username,
        display_name=display_name,
        email=email,
        by=by,
    )


def colleague_set_active(*, by: Any, user: User, active: bool) -> User:
    _require_admin(by)
    if user.role != Role.EMPLOYER or user.employer_id != by.employer_id:
        raise ValidationError(_("只能管理本单位的账户。"))
    if user.pk == by.pk:
        raise ValidationError(_("不能停用自己的账户。"))
    return user_set_active(user=user, active=active)
