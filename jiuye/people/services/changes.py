"""A job seeker's own changes to their record (issue 18, self-service).

Two kinds of fields: what only the person can tell (their work wishes, skills and what they
need to work: ``SELF_FIELDS``) is saved at once, with the audit entry ``person_update`` writes;
what the town verified when it registered them (phone, address, education: ``VERIFIED_FIELDS``)
becomes a change request (变更申请) that the person's town officer approves or refuses with a
reason. Approval applies the values through ``person_update``, so every domain check holds.
"""

from __future__ import annotations

import json
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import conflicts
from jiuye.core.conflicts import ConflictError, actor
from jiuye.core.roles import PERSONAL_DATA_ROLES, Role
from jiuye.core.scoping import region_in_scope
from jiuye.notifications.selectors import person_users, town_officers
from jiuye.notifications.services import Event, notify
from jiuye.people.models import ChangeRequest, ChangeStatus, Consent, Person
from jiuye.people.services.person import normalize_phone, person_update

# Preferences only the person can state: saved at once.
SELF_FIELDS = ("wish_to_work", "work_preferences", "skills", "assistive_needs")
# What the town verified when it registered the person: changed only after the town approves.
VERIFIED_FIELDS = ("phone", "address", "education")

STALE = _(
    "申请提交后，这些信息已经被修改过（现在的值与申请时不同）。请刷新后重新核对；如仍需修改，请让本人重新提交申请。"
)


def _check_self(person: Person, by: Any) -> None:
    if getattr(by, "role", None) != Role.JOBSEEKER or by.person_id != person.pk:
        raise ValidationError(_("只能修改本人的信息。"), code="scope")


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    """The verified fields as the register keeps them (the same checks ``person_update`` makes
    on apply, so a bad phone number is refused when it is asked, not when it is approved)."""
    clean = {name: (value or "").strip() for name, value in values.items()}
    if "phone" in clean:
        try:
            clean["phone"] = normalize_phone(clean["phone"])
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}, code="phone") from error
    return clean


def _dump(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def change_values(request: ChangeRequest) -> tuple[dict[str, str], dict[str, str]]:
    """The request's (before, asked) values, field by field."""
    return json.loads(request.before or "{}"), json.loads(request.values or "{}")


@transaction.atomic
def person_self_update(
    *, person: Person, by: Any, version: int, **fields: Any
) -> tuple[Person, ChangeRequest | None]:
    """Save the person's own preferences and ask the town to change the verified fields that
    differ. Returns the saved person and the change request (None when nothing verified
    changed). A pending request of the person is renewed with what they asked last."""
    _check_self(person, by)
    conflicts.known_fields(fields, (*SELF_FIELDS, *VERIFIED_FIELDS), "self-service")
    direct = {name: fields[name] for name in SELF_FIELDS if name in fields}
    asked = _normalised({name: fields[name] for name in VERIFIED_FIELDS if name in fields})
    current = conflicts.locked(Person.objects, pk=person.pk, version=version)
    if current.is_archived:
        raise ValidationError(_("这条记录已归档，不能再修改。"), code="archived")
    asked = {name: value for name, value in asked.items() if getattr(current, name) != value}
    saved = current
    if direct:
        with set_actor(actor(by)):  # the audit entry names the person, from any caller
            saved = person_update(person=current, by=by, version=version, **direct)
    if not asked:
        return saved, None
    request = (
        ChangeRequest.objects.select_for_update()
        .filter(person=saved, status=ChangeStatus.PENDING)
        .first()
    ) or ChangeRequest(person=saved, created_by=actor(by))
    request.values = _dump(asked)
    request.before = _dump({name: getattr(saved, name) for name in asked})
    request.updated_by = actor(by)
    with set_actor(actor(by)):
        request.save()
    notify(
        event=Event(
            key=f"change:{request.pk}:submitted:{request.updated_at:%Y%m%d%H%M%S%f}",
            kind="change_submitted",
            title=_("信息变更申请待审核：%(name)s") % {"name": saved.name},
            body=_("本人申请修改已核实的信息，请核对后同意或不同意。"),
            url=reverse("people:change", kwargs={"pk": request.pk}),
        ),
        recipients=town_officers(saved.region_id),
        exclude=by,
    )
    return saved, request


def _check_decider(request: ChangeRequest, by: Any) -> None:
    if getattr(by, "role", None) not in PERSONAL_DATA_ROLES or not region_in_scope(
        by, request.person.region_id
    ):
        raise ValidationError(_("只有本人所在镇街的工作人员可以审核这份申请。"), code="scope")


def _locked_pending(request: ChangeRequest) -> ChangeRequest:
    return conflicts.locked_pending(ChangeRequest.objects.select_related("person"), pk=request.pk)


def _decide(request: ChangeRequest, status: str, reason: str, by: Any) -> None:
    request.status = status
    request.reason = reason
    request.decided_at = timezone.now()
    request.decided_by = request.updated_by = actor(by)
    with set_actor(actor(by)):
        request.save()


def _tell_person(request: ChangeRequest, title: str, body: str) -> None:
    notify(
        event=Event(
            key=f"change:{request.pk}:{request.status}",
            kind="change_decided",
            title=title,
            body=body,
            url=reverse("people:me"),
        ),
        recipients=person_users(request.person_id),
    )


@transaction.atomic
def change_approve(*, request: ChangeRequest, by: Any) -> Person:
    """Apply the asked values through ``person_update``. A ConflictError when one of the fields
    asked about changed since the request was made (its value is no longer the one the person
    saw): the town then decides on what the record holds now."""
    request = _locked_pending(request)
    _check_decider(request, by)
    before, asked = change_values(request)
    person = Person.objects.select_for_update(of=("self",)).get(pk=request.person_id)
    if any(getattr(person, name) != value for name, value in before.items()):
        raise ConflictError(STALE)
    updated = person_update(person=person, by=by, version=person.version, **asked)
    _decide(request, ChangeStatus.APPROVED, "", by)
    _tell_person(
        request,
        _("您的信息变更申请已通过"),
        _("镇街工作人员已核对并更新了您的信息。"),
    )
    return updated


@transaction.atomic
def change_refuse(*, request: ChangeRequest, reason: str, by: Any) -> ChangeRequest:
    """Refuse with a reason the person reads; the record is not changed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不同意的理由，申请人会看到这段话。")})
    request = _locked_pending(request)
    _check_decider(request, by)
    _decide(request, ChangeStatus.REFUSED, reason, by)
    _tell_person(
        request,
        _("您的信息变更申请没有通过"),
        _("镇街工作人员的意见：%(reason)s") % {"reason": reason},
    )
    return request


# --- a job seeker withdraws a consent given at sign-up ------------------------------------------

# Withdrawn here (the sharing consent has its own page, jobs' consent page).
SELF_WITHDRAWABLE = (Consent.Purpose.CONTACT, Consent.Purpose.PROCESS_DISABILITY_INFO)


@transaction.atomic
def own_consent_withdraw(*, person: Person, purpose: str, by: Any) -> Consent:
    """The person withdraws their own consent for ``purpose``, at once.

    - being contacted: no text message or e-mail reaches their account from then on (the
      notification channels read it); in-app notices still show;
    - processing their disability information: the account the consent was given for is
      closed (deactivated) and its sessions end; the registry record the federation keeps by
      law stays, and the town's officers are told so they can follow up in person."""
    _check_self(person, by)
    if purpose not in SELF_WITHDRAWABLE:
        raise ValidationError(_("这项同意不能在这里撤回。"))
    current = (
        Consent.objects.select_for_update()
        .filter(person=person, purpose=purpose, withdrawn_at__isnull=True)
        .order_by("-given_at")
        .first()
    )
    if current is None:
        raise ValidationError(_("这项同意已经撤回，或者您没有给过这项同意。"))
    current.withdrawn_at = timezone.now()
    current.updated_by = actor(by)
    with set_actor(by):
        current.save(update_fields=["withdrawn_at", "updated_by", "updated_at"])
        if purpose == Consent.Purpose.PROCESS_DISABILITY_INFO:
            by.is_active = False  # every session of the account ends (the backend refuses it)
            by.save(update_fields=["is_active"])
    if purpose == Consent.Purpose.PROCESS_DISABILITY_INFO:
        notify(
            event=Event(
                key=f"consent-withdrawn:{current.pk}",
                kind="consent_withdrawn",
                title=_("%(name)s 撤回了处理残疾信息的同意，本人账户已停用")
                % {"name": person.name},
                body=_("登记信息按规定保留；如需继续服务，请与本人联系。"),
                url=reverse("people:detail", args=[person.pk]),
            ),
            recipients=town_officers(person.region_id),
        )
    return current
