"""Referrals on the person page's timeline: every dated step (referred, interview, hired, not
hired…) and every recorded follow-up after a placement. Staff who may open the referral get a
link to it."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import PERSONAL_DATA_ROLES
from jiuye.core.timeline import Entry, EntryKind, for_self, provider, stamp
from jiuye.jobs.models import FairSeeker, FollowUp, Referral, ReferralStatus, ReferralStep

REFERRAL = EntryKind("referral", gettext_lazy("岗位推荐"))
FOLLOW_UP = EntryKind("follow_up", gettext_lazy("跟踪回访"))
FAIR = EntryKind("fair", gettext_lazy("招聘会"))


def _referral_reads(person: Any) -> dict[str, Any]:
    steps = ReferralStep.objects.filter(referral__person=person)
    hired = steps.filter(status=ReferralStatus.HIRED)
    return {
        "steps": steps.select_related("referral__posting__employer").order_by("on", "at"),
        # Follow-ups come only after a placement.
        "follow_ups": FollowUp.objects.filter(
            Exists(hired), referral__person=person, done_on__isnull=False
        )
        .select_related("referral__posting__employer")
        .order_by("done_on"),
    }


# Steps and follow-ups both hang on a referral of the person.
@provider(concerns=((Referral, "person"),), reads=_referral_reads)
def referral_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    # The person page is already scoped, so every referral of the person is in the user's scope.
    linked = getattr(user, "role", None) in PERSONAL_DATA_ROLES
    # The person reads their own steps, not the staff's notes on them.
    own = for_self(person, user)
    entries: list[Entry] = []
    for step in rows["steps"]:
        referral = step.referral
        url = reverse("jobs:referral", args=[referral.pk]) if linked else ""
        posting = referral.posting
        title = _("%(status)s：%(employer)s · %(title)s") % {
            "status": step.get_status_display(),
            "employer": posting.employer.name,
            "title": posting.title,
        }
        more = {"detail": "" if own else step.note, "url": url, "sort_key": stamp(step.at)}
        entries.append(REFERRAL.entry(step.on, title, **more))
    for follow_up in rows["follow_ups"]:
        referral = follow_up.referral
        url = reverse("jobs:follow-up", args=[follow_up.pk]) if linked else ""
        title = _("入职后%(months)s个月回访：%(outcome)s") % {
            "months": follow_up.months,
            "outcome": follow_up.get_outcome_display(),
        }
        notes = "" if own else follow_up.notes
        more = {"detail": notes, "url": url, "sort_key": stamp(follow_up.updated_at)}
        entries.append(FOLLOW_UP.entry(follow_up.done_on, title, **more))
    return entries


def _fair_reads(person: Any) -> dict[str, Any]:
    return {"seekers": FairSeeker.objects.filter(person=person).select_related("fair")}


@provider(concerns=((FairSeeker, "person"),), reads=_fair_reads)
def fair_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    """The fairs the person registered for (by staff or themself), and whether they came."""
    entries: list[Entry] = []
    for seeker in rows["seekers"]:
        fair = seeker.fair
        title = _("报名参加招聘会：%(name)s（%(day)s）") % {
            "name": fair.name,
            "day": f"{fair.date:%Y-%m-%d}",
        }
        detail = _("已到场") if seeker.attended else ""
        url = reverse("jobs:fair", args=[fair.pk])
        more = {"detail": detail, "url": url, "sort_key": stamp(seeker.created_at)}
        entries.append(FAIR.entry(seeker.registered_on, title, **more))
    return entries
