"""Self-registration of job seekers (注册申请, issue 18): the public sign-up makes an applicant
account and an application with the consents given; the officer of the village's town links
it to the registered person with the same ID number, registers the person from it, or refuses
with a reason the applicant reads.

The sign-up answers the same whether or not the number is registered or already applied for
(ADR 0011): nothing here looks the registry up before the officer does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.accounts.models import User
from jiuye.accounts.services import user_create
from jiuye.core import conflicts
from jiuye.core.roles import PERSONAL_DATA_ROLES, Role
from jiuye.core.scoping import region_in_scope, scope_for
from jiuye.core.validators import certificate_category_grade
from jiuye.notifications.selectors import town_officers
from jiuye.notifications.services import Event, notify
from jiuye.people.models import (
    ApplicationOutcome,
    ApplicationStatus,
    Consent,
    Person,
    RegistrationApplication,
    WishToWork,
)
from jiuye.people.policies import SIGNUP_PURPOSES, policy_version
from jiuye.people.services.person import (
    DuplicatePersonError,
    id_number_index,
    person_register,
)
from jiuye.reference.models import DisabilityCategory, DisabilityGrade, Region

REQUIRED_PURPOSES = frozenset({Consent.Purpose.PROCESS_DISABILITY_INFO})


@transaction.atomic
def application_submit(
    *,
    name: str,
    id_number: str,
    certificate_number: str,
    applying_for_certificate: bool,
    phone: str,
    region: Region,
    work_preferences: str,
    consents: Iterable[str],
    username: str,
    password: str,
) -> RegistrationApplication:
    """Make the applicant's account and their application, recording each consent with its
    purpose, policy version and time; tell the officers of the village's town.

    Refused (ValidationError) without the consent to process disability information."""
    given = [purpose for purpose in SIGNUP_PURPOSES if purpose in set(consents)]
    if not set(given) >= REQUIRED_PURPOSES:
        raise ValidationError(
            {
                "consent_process_disability_info": _(
                    "没有您对处理残疾信息的同意，无法在网上注册。请阅读说明后勾选；"
                    "不想在网上提供，可以到镇街服务窗口办理。"
                )
            },
            code="consent_required",
        )
    if not certificate_number and not applying_for_certificate:
        raise ValidationError(
            {
                "certificate_number": _(
                    "请填写残疾人证号；正在申请残疾人证的，请勾选“正在申请残疾人证”。"
                )
            }
        )
    try:
        with transaction.atomic():
            account, _password = user_create(
                username=username, role=Role.APPLICANT, display_name=name, password=password
            )
    except IntegrityError as error:  # taken between the form's check and now
        raise ValidationError(
            {"username": _("这个用户名已经有人用了，请换一个，例如在后面加几个数字。")}
        ) from error
    now = timezone.now()
    application = RegistrationApplication(
        account=account,
        name=name,
        id_number=id_number,
        id_number_index=id_number_index(id_number),
        certificate_number=certificate_number or "",
        applying_for_certificate=bool(applying_for_certificate and not certificate_number),
        phone=phone,
        region=region,
        work_preferences=work_preferences,
        consents=[
            {
                "purpose": purpose,
                "policy_version": policy_version(purpose),
                "given_at": now.isoformat(),
            }
            for purpose in given
        ],
        created_by=account,
        updated_by=account,
    )
    application.full_clean()
    application.save()
    notify(
        event=Event(
            key=f"application:{application.pk}:submitted",
            kind="application_submitted",
            title=_("新的注册申请待核实：%(name)s") % {"name": name},
            body=_("申请人所在：%(region)s。请核对登记信息后关联、登记或退回。")
            % {"region": region.name},
            url=reverse("people:application", kwargs={"pk": application.pk}),
        ),
        recipients=town_officers(region.code),
    )
    return application


def _locked_pending(application: RegistrationApplication, by: Any) -> RegistrationApplication:
    if getattr(by, "role", None) not in PERSONAL_DATA_ROLES or not region_in_scope(
        by, application.region_id
    ):
        raise ValidationError(_("只有申请人所在镇街和区残联的工作人员可以核实这份申请。"))
    return conflicts.locked_pending(
        RegistrationApplication.objects.select_related("account", "region"), pk=application.pk
    )


def _notify(application: RegistrationApplication, title: str, body: str) -> None:
    notify(
        event=Event(
            key=f"application:{application.pk}:{application.status}",
            kind="application_decided",
            title=title,
            body=body,
            url=reverse("people:my-application")
            if application.status == ApplicationStatus.REFUSED
            else reverse("core:home"),
        ),
        recipients=[application.account],
    )


def _attach(
    application: RegistrationApplication, person: Person, outcome: str, by: Any
) -> RegistrationApplication:
    """The account becomes the person's job seeker account; the consents become theirs."""
    if User.objects.filter(person=person).exists():
        raise ValidationError(
            _(
                "这位人员已经有自己的账号，不能再关联一个。请退回这份申请，"
                "并在理由里告诉申请人用原来的账号登录（忘记密码可以找镇街重置）。"
            ),
            code="has_account",
        )
    account = application.account
    account.role = Role.JOBSEEKER
    account.person = person
    account.full_clean()
    account.save(update_fields=["role", "person"])
    for entry in application.consents:
        Consent.objects.create(
            person=person,
            purpose=entry["purpose"],
            policy_version=entry["policy_version"],
            given_at=entry["given_at"],
            recorded_by=account,
            created_by=by,
            updated_by=by,
        )
    application.status = ApplicationStatus.VERIFIED
    application.outcome = outcome
    application.person = person
    application.decided_at = timezone.now()
    application.decided_by = application.updated_by = by
    application.save()
    _notify(
        application,
        _("您的注册申请已核实"),
        _("您现在可以用这个账号查看岗位、培训和推荐进度了。"),
    )
    return application


def registered_match(application: RegistrationApplication, by: Any) -> Person | None:
    """The registered person with the application's ID number, when ``by`` may see them."""
    return (
        scope_for(by, Person)
        .filter(id_number_index=application.id_number_index, archived_at__isnull=True)
        .first()
    )


@transaction.atomic
def application_link(*, application: RegistrationApplication, by: Any) -> RegistrationApplication:
    """Link the account to the registered person of the town with the same ID number."""
    application = _locked_pending(application, by)
    person = registered_match(application, by)
    if person is None:
        raise ValidationError(
            _("在您负责的范围内没有登记这个身份证号的人员，无法关联。请按申请登记，或退回申请。"),
            code="no_match",
        )
    return _attach(application, person, ApplicationOutcome.LINKED, by)


def _certificate_fields(certificate_number: str) -> dict[str, Any]:
    if not certificate_number:
        return {}
    category_code, grade_code = certificate_category_grade(certificate_number)
    category = DisabilityCategory.objects.filter(code=category_code).first()
    grade = DisabilityGrade.objects.filter(code=grade_code).first()
    if category is None or grade is None:
        return {}
    return {"certificate_number": certificate_number, "category": category, "grade": grade}


@transaction.atomic
def application_register(
    *, application: RegistrationApplication, by: Any
) -> RegistrationApplication:
    """Register the person from the application (not registered before) and link the account."""
    application = _locked_pending(application, by)
    try:
        person = person_register(
            name=application.name,
            id_number=application.id_number,
            region=application.region,
            by=by,
            phone=application.phone,
            work_preferences=application.work_preferences,
            wish_to_work=WishToWork.YES,
            **_certificate_fields(application.certificate_number),
        )
    except DuplicatePersonError as error:
        if scope_for(by, Person).filter(pk=error.existing_id).exists():
            raise ValidationError(
                _("这个身份证号的人员已经登记在您的镇街，请选择“关联已登记的人员”。"),
                code="registered",
            ) from error
        raise ValidationError(
            _(
                "这个身份证号不能在本镇街登记。请联系区残联核对，"
                "或退回申请并告诉申请人到户籍所在镇街办理。"
            ),
            code="elsewhere",
        ) from error
    return _attach(application, person, ApplicationOutcome.REGISTERED, by)


@transaction.atomic
def application_refuse(
    *, application: RegistrationApplication, reason: str, by: Any
) -> RegistrationApplication:
    """Refuse with a reason the applicant reads on their application's page."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退回的理由，申请人会看到这段话。")})
    application = _locked_pending(application, by)
    application.status = ApplicationStatus.REFUSED
    application.reason = reason
    application.decided_at = timezone.now()
    application.decided_by = application.updated_by = by
    application.save()
    _notify(
        application,
        _("您的注册申请未通过"),
        _("镇街的意见：%(reason)s") % {"reason": reason},
    )
    return application
