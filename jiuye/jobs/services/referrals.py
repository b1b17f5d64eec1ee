"""Writes of referrals: the consent to share a profile with employers, referring a person to a
posting, each later step of the referral, the hire (which opens the employment record) and the
follow-ups after it.

The state machine (``referral_advance``): referred → viewed → interview → offer, skipping
forward allowed, never backward; not hired (with a reason) or withdrawn from any open state;
hired only through ``referral_hire``. Every step is dated (not before the previous step, not in
the future) and written as a ``ReferralStep`` with who took it; the rows themselves are audited
by django-auditlog (registered in ``jobs.apps``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core import conflicts, dates
from jiuye.core.periods import add_months
from jiuye.core.scoping import region_in_scope
from jiuye.employment import services as employment_services
from jiuye.employment.models import EmploymentForm, EmploymentRecord, EndReason, Source
from jiuye.jobs.models import (
    OPEN_REFERRAL_STATUSES,
    Fair,
    FollowUp,
    FollowUpOutcome,
    NotHiredReason,
    Posting,
    PostingStatus,
    Referral,
    ReferralChannel,
    ReferralStatus,
    ReferralStep,
)
from jiuye.notifications import selectors as told
from jiuye.notifications.services import Event, daily_reminder, notify
from jiuye.people.models import Consent, LifeStatus, Person

__all__ = [
    "SHARED_ITEMS",
    "consent_give",
    "consent_withdraw",
    "follow_up_record",
    "current_policy_version",
    "referral_advance",
    "referral_apply",
    "referral_create",
    "referral_hire",
]

# The version of the notice a person agrees to; a setting so a new notice needs no code change.

# What an employer sees of a person who agreed (and nothing else: no ID or certificate number,
# no phone, no address). The consent page lists exactly this; the applicants page shows it.
SHARED_ITEMS = (
    gettext_lazy("姓名"),
    gettext_lazy("残疾类别和等级（不含残疾人证号）"),
    gettext_lazy("文化程度"),
    gettext_lazy("技能特长"),
    gettext_lazy("求职意向"),
    gettext_lazy("被推荐岗位的进度（已推荐、面试、录用意向等）"),
)

# The order of the open steps: a referral moves only to the right.
STEP_ORDER = (
    ReferralStatus.REFERRED,
    ReferralStatus.VIEWED,
    ReferralStatus.INTERVIEW,
    ReferralStatus.OFFER,
)
# Steps an employer may record on its own applicants (hiring is recorded by staff).
EMPLOYER_STEPS = frozenset(
    {
        ReferralStatus.VIEWED,
        ReferralStatus.INTERVIEW,
        ReferralStatus.OFFER,
        ReferralStatus.NOT_HIRED,
    }
)
# Where each step keeps its date on the referral.
DATE_FIELD = {
    ReferralStatus.VIEWED: "viewed_on",
    ReferralStatus.INTERVIEW: "interview_on",
    ReferralStatus.OFFER: "offer_on",
    ReferralStatus.NOT_HIRED: "closed_on",
    ReferralStatus.WITHDRAWN: "closed_on",
    ReferralStatus.HIRED: "closed_on",
}


def current_policy_version() -> str:
    # The sharing notice's version is kept with the other consent texts (people.policies).
    from jiuye.people.policies import policy_version

    return policy_version(Consent.Purpose.SHARE_WITH_EMPLOYERS)


def _after_today(day: dt.date, label: Any, today: dt.date) -> list[str]:
    """The message of a day after today (dates.past), or none."""
    return [finding.message for finding in dates.past(day, field="", label=label, today=today)]


def _label(status: str) -> str:
    return str(dict(ReferralStatus.choices).get(status, status))


def _may_act_for(by: Any, person: Person) -> bool:
    """Staff within their scope, or the person themself (their own consent)."""
    if conflicts.actor(by) is None:
        return True  # commands, demo data and imports run without a user
    if by.role == Role.JOBSEEKER:
        return by.person_id == person.pk
    return by.role in (Role.ADMIN, Role.DISTRICT, Role.TOWN) and region_in_scope(
        by, person.region_id
    )


# --- consent ----------------------------------------------------------------------------------


def active_consent(person: Person) -> Consent | None:
    return (
        Consent.objects.filter(
            person=person,
            purpose=Consent.Purpose.SHARE_WITH_EMPLOYERS,
            withdrawn_at__isnull=True,
        )
        .order_by("-given_at")
        .first()
    )


@transaction.atomic
def consent_give(*, person: Person, by: Any, policy_version: str | None = None) -> Consent:
    """Record the person's explicit consent to show their profile to the employers they are
    referred to. A consent under an older notice is replaced (withdrawn, then given anew)."""
    version = policy_version or current_policy_version()
    if not _may_act_for(by, person):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")
    if person.is_archived:
        raise ValidationError(_("这个人员已归档，不能再登记同意。"), code="archived")
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one consent at a time
    current = active_consent(person)
    now = timezone.now()
    if current is not None:
        if current.policy_version == version:
            raise ValidationError(
                _("本人已于 %(at)s 同意（告知书版本 %(v)s），不需要重复登记。")
                % {"at": f"{timezone.localtime(current.given_at):%Y-%m-%d %H:%M}", "v": version},
                code="exists",
            )
        current.withdrawn_at = now
        current.updated_by = conflicts.actor(by)
        current.save(update_fields=["withdrawn_at", "updated_by", "updated_at"])
    consent = Consent(
        person=person,
        purpose=Consent.Purpose.SHARE_WITH_EMPLOYERS,
        policy_version=version,
        given_at=now,
        recorded_by=conflicts.actor(by),
        created_by=conflicts.actor(by),
        updated_by=conflicts.actor(by),
    )
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: Any) -> Consent:
    """Withdraw the consent: from now on no employer sees the person among its applicants."""
    current = Consent.objects.select_for_update().select_related("person").get(pk=consent.pk)
    if not _may_act_for(by, current.person):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")
    if current.withdrawn_at is not None:
        raise ValidationError(
            _("这份同意已于 %(at)s 撤回。")
            % {"at": f"{timezone.localtime(current.withdrawn_at):%Y-%m-%d %H:%M}"},
            code="withdrawn",
        )
    current.withdrawn_at = timezone.now()
    current.updated_by = conflicts.actor(by)
    current.save(update_fields=["withdrawn_at", "updated_by", "updated_at"])
    return current


# --- referrals --------------------------------------------------------------------------------


def _step(referral: Referral, status: str, on: dt.date, by: Any, note: str = "") -> ReferralStep:
    step = ReferralStep(
        referral=referral, status=status, on=on, note=note[:300], by=conflicts.actor(by)
    )
    step.full_clean(exclude=["referral", "by"])
    step.save()
    return step


def _match(posting: Posting, person: Person, on: dt.date) -> tuple[int | None, list[str]]:
    """The score and reasons shown when the referral is made (none while matching is missing)."""
    try:
        from jiuye.jobs.selectors.matching import explain
    except ImportError:
        return None, []
    match = explain(posting=posting, person=person, on=on)
    reasons = [str(reason.text) for reason in match.reasons]
    if match.excluded:
        reasons.insert(0, _("不符合：%(why)s") % {"why": match.excluded})
    return max(0, min(int(match.score), 32767)), reasons


def posting_open_on(posting: Posting, on: dt.date) -> bool:
    return (
        posting.status == PostingStatus.PUBLISHED
        and not posting.is_archived
        and (posting.deadline is None or posting.deadline >= on)
    )


@transaction.atomic
def referral_create(
    *,
    person: Person,
    posting: Posting,
    by: Any,
    channel: str,
    fair: Fair | None = None,
    on: dt.date | None = None,
    note: str = "",
) -> Referral:
    """Put a person forward for a published, open posting. Needs the person's standing consent
    to share their profile with employers."""
    today = timezone.localdate()
    on = on or today
    errors: dict[str, list[str]] = {}
    if channel not in ReferralChannel.values:
        raise ValidationError({"channel": [_("请选择推荐渠道。")]})
    if later := _after_today(on, _("推荐日期"), today):
        errors["on"] = later
    own = channel == ReferralChannel.APPLICATION  # a job seeker may apply only for themself
    if not _may_act_for(by, person) or (
        conflicts.actor(by) and by.role == Role.JOBSEEKER and not own
    ):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")
    if person.is_archived or person.life_status != LifeStatus.ACTIVE:
        raise ValidationError(
            _("%(name)s 已归档或已不在册（已故、已迁出），不能推荐。") % {"name": person.name},
            code="person",
        )
    if not posting_open_on(posting, on):
        raise ValidationError(
            {
                "posting": [
                    _(
                        "岗位“%(title)s”目前不能推荐：只有已发布、未过截止日期的岗位可以推荐"
                        "（现在是“%(status)s”%(deadline)s）。"
                    )
                    % {
                        "title": posting.title,
                        "status": posting.get_status_display(),
                        "deadline": _("，截止日期 %(d)s") % {"d": dates.day_text(posting.deadline)}
                        if posting.deadline
                        else "",
                    }
                ]
            }
        )
    consent = active_consent(person)
    if consent is None:
        raise ValidationError(
            _(
                "%(name)s 还没有同意向用人单位展示求职信息。请先在“同意展示求职信息”页面为本人"
                "登记同意（须本人明确同意），再推荐。"
            )
            % {"name": person.name},
            code="consent",
        )
    if fair is not None:
        if channel != ReferralChannel.FAIR:
            raise ValidationError({"channel": [_("招聘会现场投递的渠道应为“招聘会现场”。")]})
        if not fair.postings.filter(pk=posting.pk).exists():
            raise ValidationError({"posting": [_("这个岗位没有参加这场招聘会。")]})
        if not fair.seekers.filter(person=person).exists():
            raise ValidationError(
                _("%(name)s 还没有报名这场招聘会，请先报名。") % {"name": person.name},
                code="fair",
            )
    elif channel == ReferralChannel.FAIR:
        raise ValidationError({"channel": [_("“招聘会现场”的推荐须选择招聘会。")]})
    if Referral.objects.filter(
        person=person, posting=posting, status__in=OPEN_REFERRAL_STATUSES
    ).exists():
        raise ValidationError(
            _("%(name)s 已被推荐到这个岗位，推荐还在进行中，不能重复推荐。")
            % {"name": person.name},
            code="duplicate",
        )
    if errors:
        raise ValidationError(errors)
    score, reasons = _match(posting, person, on)
    referral = Referral(
        person=person,
        posting=posting,
        fair=fair,
        channel=channel,
        referred_on=on,
        note=note.strip()[:300],
        consent=consent,
        match_score=score,
        match_reasons=reasons,
        created_by=conflicts.actor(by),
        updated_by=conflicts.actor(by),
    )
    referral.full_clean(exclude=["person", "posting", "fair", "consent", "employment_record"])
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:  # a second click raced the first past the check above
        raise ValidationError(
            _("%(name)s 已被推荐到这个岗位，推荐还在进行中，不能重复推荐。")
            % {"name": person.name},
            code="duplicate",
        ) from None
    _step(referral, ReferralStatus.REFERRED, on, by, note)
    _tell(referral, by, employer=True)
    return referral


@transaction.atomic
def referral_apply(*, posting: Posting, by: Any) -> Referral:
    """A job seeker applies to an open posting themself (issue 18): a referral with the channel
    "本人申请", owned by the town's officers. Only for their own person record, only with
    their standing consent to share their profile with employers, never twice while an earlier
    application or referral to the same posting is open, never to a closed or archived
    posting. The employer's users and the town's officers are told."""
    if by is None or getattr(by, "role", None) != Role.JOBSEEKER or not by.person_id:
        raise ValidationError(_("只有求职者本人可以申请岗位。"), code="scope")
    person = Person.objects.select_related("region").get(pk=by.person_id)
    today = timezone.localdate()
    if posting.is_archived or not posting_open_on(posting, today):
        raise ValidationError(
            _("岗位“%(title)s”已停止招聘（已关闭、已归档或已过截止日期），不能申请。")
            % {"title": posting.title},
            code="closed",
        )
    if active_consent(person) is None:
        raise ValidationError(
            _(
                "申请岗位前，需要您同意向用人单位展示求职信息。"
                "请先在“同意向用人单位展示求职信息”页面同意，再申请。"
            ),
            code="consent",
        )
    if Referral.objects.filter(
        person=person, posting=posting, status__in=OPEN_REFERRAL_STATUSES
    ).exists():
        raise ValidationError(
            _("您已经申请过（或已被推荐到）岗位“%(title)s”，还在进行中，不用重复申请。")
            % {"title": posting.title},
            code="duplicate",
        )
    return referral_create(
        person=person, posting=posting, by=by, channel=ReferralChannel.APPLICATION, on=today
    )


_STEP_TITLES = {
    ReferralStatus.REFERRED: gettext_lazy("%(name)s 被推荐到岗位“%(title)s”（%(employer)s）"),
    ReferralStatus.VIEWED: gettext_lazy("用人单位已查看 %(name)s 的推荐：%(title)s"),
    ReferralStatus.INTERVIEW: gettext_lazy("%(name)s 约了面试：%(title)s（%(employer)s）"),
    ReferralStatus.OFFER: gettext_lazy("%(name)s 得到录用意向：%(title)s（%(employer)s）"),
    ReferralStatus.HIRED: gettext_lazy("%(name)s 已入职：%(title)s（%(employer)s）"),
    ReferralStatus.NOT_HIRED: gettext_lazy("%(name)s 未被录用：%(title)s"),
    ReferralStatus.WITHDRAWN: gettext_lazy("%(name)s 的推荐已撤回：%(title)s"),
}

_APPLIED_TITLE = gettext_lazy("%(name)s 本人申请了岗位“%(title)s”（%(employer)s）")


def _tell(referral: Referral, by: Any, *, employer: bool = False) -> None:
    """A referral step: the job seeker and the staff member who owns the case are told (and,
    when a person is first referred, the employer's users, who have a candidate to look at)."""
    person = referral.person
    recipients = [
        *told.person_users(person.pk),
        *told.staff_owner(referral.created_by, person.region_id),
    ]
    if employer:
        recipients += list(told.employer_users(referral.posting.employer_id))
    step = referral.status
    day = {ReferralStatus.INTERVIEW: referral.interview_on}.get(step)
    title = _STEP_TITLES[step]
    if step == ReferralStatus.REFERRED and referral.channel == ReferralChannel.APPLICATION:
        title = _APPLIED_TITLE
    notify(
        event=Event(
            key=f"referral:{referral.pk}:{step}",
            kind=f"referral_{step}",
            title=str(title)
            % {
                "name": person.name,
                "title": referral.posting.title,
                "employer": referral.posting.employer.name,
            },
            body=_("面试日期：%(day)s") % {"day": day.isoformat()} if day else "",
            url=f"/jobs/referrals/{referral.pk}/",
        ),
        recipients=recipients,
        exclude=conflicts.actor(by),
    )


def _locked(referral: Referral, version: int | None) -> Referral:
    queryset = Referral.objects.select_related("person", "posting__employer")
    return conflicts.locked(queryset, pk=referral.pk, version=version)


def last_step_on(referral: Referral) -> dt.date:
    days = [referral.referred_on, referral.viewed_on, referral.interview_on, referral.offer_on]
    return max(day for day in days if day is not None)


def _check_actor(referral: Referral, by: Any, to: str) -> None:
    if conflicts.actor(by) is None:
        return
    if by.role == Role.EMPLOYER:
        if by.employer_id != referral.posting.employer_id:
            raise ValidationError(_("这条推荐不是推荐到本单位的岗位。"), code="scope")
        if active_consent(referral.person) is None:
            raise ValidationError(_("本人已撤回展示求职信息的同意。"), code="consent")
        if to not in EMPLOYER_STEPS:
            raise ValidationError(
                _(
                    "用人单位可以登记“单位已查看”“面试”“录用意向”“未录用”；入职由工作人员核实后登记。"
                ),
                code="role",
            )
    elif by.role not in (Role.ADMIN, Role.DISTRICT, Role.TOWN) or not region_in_scope(
        by, referral.person.region_id
    ):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")


def _check_day(current: Referral, on: dt.date | None, field: str, what: str) -> None:
    today = timezone.localdate()
    if on is None:
        raise ValidationError({field: [_("请填写%(what)s。") % {"what": what}]})
    if later := _after_today(on, what, today):
        raise ValidationError({field: later})
    previous = last_step_on(current)
    if on < previous:
        raise ValidationError(
            {
                field: [
                    _("%(what)s不能早于上一步的日期（%(day)s）。")
                    % {"what": what, "day": dates.day_text(previous)}
                ]
            }
        )


@transaction.atomic
def referral_advance(
    *,
    referral: Referral,
    to: str,
    by: Any,
    on: dt.date | None,
    version: int | None,
    reason: str = "",
    note: str = "",
) -> Referral:
    """Move a referral one or more steps on, or close it as not hired / withdrawn."""
    current = _locked(referral, version)
    status = current.status
    if to not in ReferralStatus.values:
        raise ValidationError({"to": [_("请选择下一步。")]})
    if status not in OPEN_REFERRAL_STATUSES:
        raise ValidationError(
            _("这条推荐已经是“%(status)s”，已结束，不能再改变状态。") % {"status": _label(status)},
            code="closed",
        )
    if to == ReferralStatus.HIRED:
        raise ValidationError({"to": [_("登记入职请用“登记入职”表单，填写入职日期和就业信息。")]})
    if to == ReferralStatus.REFERRED or (
        to in STEP_ORDER and STEP_ORDER.index(to) <= STEP_ORDER.index(status)
    ):
        raise ValidationError(
            {
                "to": [
                    _("这条推荐现在是“%(status)s”，不能改为“%(to)s”：推荐只能向前推进，不能退回。")
                    % {"status": _label(status), "to": _label(to)}
                ]
            }
        )
    _check_actor(current, by, to)
    _check_day(current, on, "on", _("日期"))
    changed = {"status"}
    if to == ReferralStatus.NOT_HIRED:
        if reason not in NotHiredReason.values:
            raise ValidationError({"reason": [_("请选择未录用的原因。")]})
        current.not_hired_reason = reason
        changed.add("not_hired_reason")
    field = DATE_FIELD[to]
    setattr(current, field, on)
    changed.add(field)
    current.status = to
    conflicts.bump(current, by=by, changed=changed)
    _step(current, to, on, by, note)  # type: ignore[arg-type]
    _tell(current, by)
    return current


@transaction.atomic
def referral_hire(
    *,
    referral: Referral,
    by: Any,
    start_date: dt.date | None,
    form: str,
    contract_type: str = "",
    monthly_wage: Decimal | None = None,
    version: int | None,
    note: str = "",
) -> EmploymentRecord:
    """The person started the job: open exactly one employment record (source: placement) and
    plan the follow-ups at 1, 3, 6 and 12 months. Staff only: an employer's word is confirmed
    first. The posting's own status (filled or not) stays a decision of staff."""
    current = _locked(referral, version)
    if current.employment_record_id or current.status == ReferralStatus.HIRED:
        record = current.employment_record
        raise ValidationError(
            _("这条推荐已经登记入职（%(day)s 起的就业记录），不能重复登记。")
            % {"day": dates.day_text(record.start_date if record else current.closed_on)},
            code="hired",
        )
    if current.status not in OPEN_REFERRAL_STATUSES:
        raise ValidationError(
            _("这条推荐已经是“%(status)s”，已结束，不能登记入职。")
            % {"status": _label(current.status)},
            code="closed",
        )
    if conflicts.actor(by) is not None and (
        by.role not in (Role.ADMIN, Role.DISTRICT, Role.TOWN)
        or not region_in_scope(by, current.person.region_id)
    ):
        raise ValidationError(_("入职由区残联或本镇街工作人员核实后登记。"), code="role")
    _check_day(current, start_date, "start_date", _("入职日期"))
    posting = current.posting
    subtype = posting.new_form_subtype if form == EmploymentForm.FLEXIBLE else ""
    record = employment_services.employment_open(
        person=current.person,
        by=by,
        source=Source.PLACEMENT,
        form=form,
        new_form_subtype=subtype,
        employer=posting.employer,
        job_title=posting.title[:100],
        start_date=start_date,
        contract_type=contract_type,
        monthly_wage=monthly_wage,
        evidence=(_("推荐就业：%(title)s") % {"title": posting.title})[:300],
    )
    current.status = ReferralStatus.HIRED
    current.closed_on = start_date
    current.employment_record = record
    conflicts.bump(current, by=by, changed={"status", "closed_on", "employment_record"})
    _step(current, ReferralStatus.HIRED, start_date, by, note)  # type: ignore[arg-type]
    FollowUp.objects.bulk_create(
        FollowUp(
            referral=current,
            months=months,
            due_on=add_months(start_date, months),  # type: ignore[arg-type]
            created_by=conflicts.actor(by),
            updated_by=conflicts.actor(by),
        )
        for months in FollowUp.MONTHS
    )
    _tell(current, by)
    return record


@daily_reminder("follow_ups_due")
def follow_ups_remind(today: dt.date) -> int:
    """The staff owner of each placement is told when a follow-up is due within a week and
    again when it is overdue (each once)."""
    week = today + dt.timedelta(days=7)
    written = 0
    due = (
        FollowUp.objects.filter(done_on__isnull=True, due_on__lte=week)
        .filter(referral__status=ReferralStatus.HIRED)
        .select_related("referral__person", "referral__posting__employer", "referral__created_by")
    )
    for follow_up in due.iterator(chunk_size=500):
        referral = follow_up.referral
        state = "overdue" if follow_up.due_on < today else "due"
        title = (
            _("跟踪回访已逾期：%(name)s 入职 %(months)d 个月（应在 %(day)s 前）")
            if state == "overdue"
            else _("跟踪回访本周到期：%(name)s 入职 %(months)d 个月（%(day)s）")
        ) % {
            "name": referral.person.name,
            "months": follow_up.months,
            "day": follow_up.due_on.isoformat(),
        }
        written += len(
            notify(
                event=Event(
                    key=f"follow-up:{follow_up.pk}:{state}",
                    kind=f"follow_up_{state}",
                    title=title,
                    body=referral.posting.title,
                    url=f"/jobs/follow-ups/{follow_up.pk}/",
                ),
                recipients=told.staff_owner(referral.created_by, referral.person.region_id),
            )
        )
    return written


# --- follow-ups -------------------------------------------------------------------------------

# A follow-up may be done from this many days before it is due (later is always fine).
FOLLOW_UP_WINDOW_DAYS = 14


def follow_up_window_opens(follow_up: FollowUp) -> dt.date:
    return follow_up.due_on - dt.timedelta(days=FOLLOW_UP_WINDOW_DAYS)


def early_follow_up_message(follow_up: FollowUp, done_on: dt.date) -> str:
    return _(
        "这是入职后%(months)d个月的回访，应在 %(due)s 前后进行（最早 %(opens)s）；"
        "%(day)s 还太早。如果确实已经回访，请勾选下面的确认后再保存。"
    ) % {
        "months": follow_up.months,
        "due": dates.day_text(follow_up.due_on),
        "opens": dates.day_text(follow_up_window_opens(follow_up)),
        "day": dates.day_text(done_on),
    }


@transaction.atomic
def follow_up_record(
    *,
    follow_up: FollowUp,
    by: Any,
    done_on: dt.date | None,
    outcome: str,
    left_on: dt.date | None = None,
    left_reason: str = "",
    notes: str = "",
    early_ok: bool = False,
) -> FollowUp:
    """Record one follow-up. "Left" ends the employment record on the day the person left
    (later follow-ups then show as not needed). A follow-up done before its window opens
    (``FOLLOW_UP_WINDOW_DAYS`` before it is due) is refused unless the user confirmed it
    (``early_ok``): a 1-month follow-up on the hire day is almost always a slip."""
    current = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("referral__person", "referral__employment_record")
        .get(pk=follow_up.pk)
    )
    referral = current.referral
    record = referral.employment_record
    if conflicts.actor(by) is not None and (
        by.role not in (Role.ADMIN, Role.DISTRICT, Role.TOWN)
        or not region_in_scope(by, referral.person.region_id)
    ):
        raise ValidationError(_("这个人员不在您负责的范围内。"), code="scope")
    if current.done_on is not None:
        raise ValidationError(
            _("这次回访已于 %(day)s 登记。") % {"day": dates.day_text(current.done_on)}, code="done"
        )
    if record is None or record.is_archived:
        raise ValidationError(_("这条推荐没有有效的就业记录，不需要回访。"), code="record")
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if done_on is None:
        errors["done_on"] = [_("请填写回访日期。")]
    elif later := _after_today(done_on, _("回访日期"), today):
        errors["done_on"] = later
    elif done_on < record.start_date:
        errors["done_on"] = [
            _("回访日期不能早于入职日期（%(day)s）。") % {"day": dates.day_text(record.start_date)}
        ]
    elif done_on < follow_up_window_opens(current) and not early_ok:
        errors["done_on"] = [early_follow_up_message(current, done_on)]
    if outcome not in FollowUpOutcome.values:
        errors["outcome"] = [_("请选择回访结果。")]
    if outcome == FollowUpOutcome.LEFT:
        if left_on is None:
            errors["left_on"] = [_("请填写离职日期（最后一天上班的日期）。")]
        elif left_on < record.start_date:
            errors["left_on"] = [
                _("离职日期不能早于入职日期（%(day)s）。")
                % {"day": dates.day_text(record.start_date)}
            ]
        elif later := _after_today(left_on, _("离职日期"), today):
            errors["left_on"] = later
        elif done_on is not None and left_on > done_on:
            errors["left_on"] = [_("离职日期不能晚于回访日期。")]
        if left_reason not in EndReason.values:
            errors["left_reason"] = [_("请选择离职原因。")]
    elif (
        outcome == FollowUpOutcome.EMPLOYED
        and record.end_date is not None
        and done_on is not None
        and record.end_date < done_on
    ):
        errors["outcome"] = [
            _("就业记录显示已于 %(day)s 离职；如果情况有变，请先核对就业记录。")
            % {"day": dates.day_text(record.end_date)}
        ]
    if errors:
        raise ValidationError(errors)
    if outcome == FollowUpOutcome.LEFT:
        if record.end_date is None:
            employment_services.employment_end(
                record=record, end_date=left_on, end_reason=left_reason, by=by
            )
        current.left_on = left_on
        current.left_reason = left_reason
    else:
        current.left_on = None
        current.left_reason = ""
    current.done_on = done_on
    current.outcome = outcome
    current.notes = notes.strip()[:500]
    current.done_by = conflicts.actor(by)
    current.updated_by = conflicts.actor(by)
    current.full_clean(exclude=["referral", "done_by"])
    current.save(
        update_fields=[
            "done_on",
            "outcome",
            "left_on",
            "left_reason",
            "notes",
            "done_by",
            "updated_by",
            "updated_at",
        ]
    )
    return current


def allowed_steps(referral: Referral, role: str) -> list[str]:
    """The steps a role may take next on a referral (what the page offers): forward steps,
    not hired and withdrawn while open; an employer never withdraws."""
    if referral.status not in OPEN_REFERRAL_STATUSES:
        return []
    if role not in (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.EMPLOYER):
        return []
    later = list(STEP_ORDER[STEP_ORDER.index(referral.status) + 1 :])
    steps = [*later, ReferralStatus.NOT_HIRED, ReferralStatus.WITHDRAWN]
    if role == Role.EMPLOYER:
        steps = [step for step in steps if step in EMPLOYER_STEPS]
    return [str(step) for step in steps]
