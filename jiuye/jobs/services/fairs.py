"""Writes of job fairs (招聘会): the fair itself, the employers taking part and the postings they
bring, the job seekers registered and whether they came, and referrals made on the day.

District staff and administrators run every fair; a town officer the fairs held in their town.
Registering a seeker needs the person in the user's scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core import conflicts
from jiuye.core.scoping import region_in_scope
from jiuye.employers.models import Employer
from jiuye.jobs.models import (
    Fair,
    FairEmployer,
    FairKind,
    FairSeeker,
    Posting,
    PostingStatus,
    Referral,
    ReferralChannel,
    TargetGroup,
)
from jiuye.jobs.services.referrals import referral_create
from jiuye.people.models import LifeStatus, Person

FIELDS = ("name", "kind", "date", "place", "region", "organiser", "target_groups", "description")
ARCHIVING = conflicts.Archiving(
    required=gettext_lazy("请填写归档原因，例如：重复录入、活动取消。"),
    already=gettext_lazy("这场招聘会已经归档。"),
)


def may_run(by: Any, fair: Fair | None = None, region_code: str = "") -> bool:
    """District staff and administrators run any fair; a town officer those in their town."""
    if conflicts.actor(by) is None:
        return True
    if by.role in (Role.ADMIN, Role.DISTRICT):
        return True
    code = fair.region_id if fair is not None else region_code
    return by.role == Role.TOWN and bool(code) and region_in_scope(by, code)


def _check_runner(by: Any, fair: Fair | None = None, region_code: str = "") -> None:
    if not may_run(by, fair, region_code):
        raise ValidationError(
            _("只有区残联工作人员，或招聘会举办地所在镇街的专干，可以管理这场招聘会。"),
            code="scope",
        )


def _check(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("请填写招聘会名称。")]
    if values.get("kind") not in FairKind.values:
        errors["kind"] = [_("请选择招聘会形式。")]
    if values.get("date") is None:
        errors["date"] = [_("请填写举办日期。")]
    if values.get("region") is None:
        errors["region"] = [_("请选择举办地。")]
    if not (values.get("organiser") or "").strip():
        errors["organiser"] = [_("请填写主办单位。")]
    unknown = set(values.get("target_groups") or []) - set(TargetGroup.values)
    if unknown:
        errors["target_groups"] = [_("无法识别的面向人群，请重新勾选。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def fair_create(*, by: Any, **fields: Any) -> Fair:
    conflicts.known_fields(fields, FIELDS, "fair")
    _check(fields)
    _check_runner(by, region_code=fields["region"].pk)
    fair = Fair(**fields, created_by=conflicts.actor(by), updated_by=conflicts.actor(by))
    fair.name = fair.name.strip()
    fair.full_clean(exclude=["region"])
    fair.save()
    return fair


@transaction.atomic
def fair_update(*, fair: Fair, by: Any, version: int | None, **fields: Any) -> Fair:
    conflicts.known_fields(fields, FIELDS, "fair")
    current = conflicts.locked(Fair.objects, pk=fair.pk, version=version)
    if current.is_archived:
        raise ValidationError(_("这场招聘会已归档，不能再修改。"), code="archived")
    _check_runner(by, current)
    values = {name: getattr(current, name) for name in FIELDS}
    values.update(fields)
    _check(values)
    _check_runner(by, region_code=values["region"].pk)  # nor move it out of their town
    changed = conflicts.assign(current, fields)
    current.full_clean(exclude=["region"])
    return conflicts.bump(current, by=by, changed=changed) if changed else current


@transaction.atomic
def fair_archive(*, fair: Fair, by: Any, reason: str) -> Fair:
    check = partial(_check_runner, by)
    return ARCHIVING.archive(Fair.objects, fair.pk, by=by, reason=reason, check=check)


def _writable(fair: Fair, by: Any) -> Fair:
    current = conflicts.locked(Fair.objects, pk=fair.pk, version=None)
    if current.is_archived:
        raise ValidationError(_("这场招聘会已归档，不能再修改。"), code="archived")
    _check_runner(by, current)
    return current


@transaction.atomic
def fair_add_employer(*, fair: Fair, employer: Employer, by: Any, booth: str = "") -> FairEmployer:
    current = _writable(fair, by)
    if employer.is_archived:
        raise ValidationError({"employer": [_("这家单位已归档，不能参会。")]})
    if FairEmployer.objects.filter(fair=current, employer=employer).exists():
        raise ValidationError(
            {"employer": [_("%(name)s 已经在参会单位中。") % {"name": employer.name}]}
        )
    participant = FairEmployer(
        fair=current,
        employer=employer,
        booth=booth.strip()[:30],
        created_by=conflicts.actor(by),
        updated_by=conflicts.actor(by),
    )
    participant.full_clean(exclude=["fair", "employer"])
    participant.save()
    conflicts.bump(current, by=by)
    return participant


@transaction.atomic
def fair_remove_employer(*, fair: Fair, employer: Employer, by: Any) -> None:
    """Take an employer off the fair with its postings. Referrals made at the fair stay."""
    current = _writable(fair, by)
    deleted, _rows = FairEmployer.objects.filter(fair=current, employer=employer).delete()
    if not deleted:
        raise ValidationError(_("%(name)s 不在参会单位中。") % {"name": employer.name})
    current.postings.remove(*current.postings.filter(employer=employer))
    conflicts.bump(current, by=by)


@transaction.atomic
def fair_set_postings(
    *, fair: Fair, employer: Employer, postings: Iterable[Posting], by: Any
) -> Fair:
    """The postings an employer brings to the fair: its own published postings only."""
    current = _writable(fair, by)
    if not FairEmployer.objects.filter(fair=current, employer=employer).exists():
        raise ValidationError(_("请先把 %(name)s 加为参会单位。") % {"name": employer.name})
    chosen = list(postings)
    for posting in chosen:
        if posting.employer_id != employer.pk:
            raise ValidationError({"postings": [_("只能选择这家单位自己的岗位。")]})
        if posting.status != PostingStatus.PUBLISHED or posting.is_archived:
            raise ValidationError(
                {"postings": [_("岗位“%(title)s”未发布，不能参会。") % {"title": posting.title}]}
            )
    current.postings.remove(*current.postings.filter(employer=employer))
    current.postings.add(*chosen)
    return conflicts.bump(current, by=by)


@transaction.atomic
def fair_register_seeker(
    *, fair: Fair, person: Person, by: Any, on: dt.date | None = None
) -> FairSeeker:
    current = conflicts.locked(Fair.objects, pk=fair.pk, version=None)
    if current.is_archived:
        raise ValidationError(_("这场招聘会已归档，不能再报名。"), code="archived")
    # Staff register the persons of their scope; a job seeker registers themself (issue 18).
    itself = getattr(by, "role", None) == Role.JOBSEEKER and by.person_id == person.pk
    if (
        conflicts.actor(by) is not None
        and not itself
        and (
            by.role not in (Role.ADMIN, Role.DISTRICT, Role.TOWN)
            or not region_in_scope(by, person.region_id)
        )
    ):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")
    if person.is_archived or person.life_status != LifeStatus.ACTIVE:
        raise ValidationError(
            _("%(name)s 已归档或已不在册，不能报名。") % {"name": person.name}, code="person"
        )
    if FairSeeker.objects.filter(fair=current, person=person).exists():
        if itself:
            raise ValidationError(_("您已经报名这场招聘会了。"), code="exists")
        raise ValidationError(_("%(name)s 已经报名这场招聘会。") % {"name": person.name})
    if itself and current.date < timezone.localdate():
        raise ValidationError(_("这场招聘会已经结束，不能再报名。"), code="past")
    seeker = FairSeeker(
        fair=current,
        person=person,
        registered_on=on or timezone.localdate(),
        created_by=conflicts.actor(by),
        updated_by=conflicts.actor(by),
    )
    seeker.full_clean(exclude=["fair", "person"])
    seeker.save()
    return seeker


@transaction.atomic
def fair_mark_attendance(*, seeker: FairSeeker, attended: bool, by: Any) -> FairSeeker:
    current = (
        FairSeeker.objects.select_for_update(of=("self",))
        .select_related("person", "fair")
        .get(pk=seeker.pk)
    )
    if current.fair.is_archived:
        raise ValidationError(_("这场招聘会已归档，不能再修改。"), code="archived")
    if conflicts.actor(by) is not None and (
        by.role not in (Role.ADMIN, Role.DISTRICT, Role.TOWN)
        or not region_in_scope(by, current.person.region_id)
    ):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")
    if current.attended != attended:
        current.attended = attended
        current.updated_by = conflicts.actor(by)
        current.save(update_fields=["attended", "updated_by", "updated_at"])
    return current


def fair_refer(
    *, seeker: FairSeeker, posting: Posting, by: Any, on: dt.date | None = None, note: str = ""
) -> Referral:
    """现场投递: a registered seeker applies to a posting of the fair. Marks them as attended."""
    with transaction.atomic():
        referral = referral_create(
            person=seeker.person,
            posting=posting,
            by=by,
            channel=ReferralChannel.FAIR,
            fair=seeker.fair,
            on=on,
            note=note,
        )
        if not seeker.attended:
            fair_mark_attendance(seeker=seeker, attended=True, by=by)
    return referral
