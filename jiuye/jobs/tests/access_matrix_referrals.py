"""Rows of the URL × role access matrix for the referral, consent and follow-up pages (see
core/tests/test_url_matrix.py).

The world: person_a (东城街道, the job seeker persona) has consented and is referred to a
published posting of employer_a (the employer persona's), and hired through a second referral
(so there are follow-ups). town_b (西城街道) reaches none of it (404); leaders and liaisons get
403 everywhere; the employer sees its applicants and their referral pages, never consent,
referral forms or follow-ups."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiuye.core.tests.matrix import Kwargs, access
from jiuye.jobs.models import FollowUp, Posting, Referral
from jiuye.jobs.tests.referral_fixtures import days_ago, hire, make_posting, refer

STAFF = {"admin", "district", "town_a", "town_b"}


def _posting(w: dict[str, Any], title: str) -> Posting:
    employer = w["personas"]["employer"].employer
    found = Posting.objects.filter(employer=employer, title=title).first()
    return found or make_posting(employer, title=title, published_at=timezone.now())


def _referral(w: dict[str, Any]) -> Referral:
    person = w["personas"]["jobseeker"].person
    posting = _posting(w, "矩阵岗位")
    found = Referral.objects.filter(person=person, posting=posting).first()
    return found or refer(person, posting, on=days_ago(5))


def _follow_up(w: dict[str, Any]) -> FollowUp:
    person = w["personas"]["jobseeker"].person
    posting = _posting(w, "矩阵入职岗位")
    referral = Referral.objects.filter(person=person, posting=posting).first()
    if referral is None:
        referral = refer(person, posting, on=days_ago(60))
        hire(referral, days_ago(50))
    return referral.follow_ups.get(months=1)


NONE: Kwargs = lambda w: {}  # noqa: E731
REFERRAL: Kwargs = lambda w: {"pk": _referral(w).pk}  # noqa: E731
FOLLOW_UP: Kwargs = lambda w: {"pk": _follow_up(w).pk}  # noqa: E731
PERSON: Kwargs = lambda w: {"pk": w["personas"]["jobseeker"].person_id}  # noqa: E731
APPLY: Kwargs = lambda w: {"pk": _posting(w, "矩阵申请岗位").pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "jobs:referrals": (NONE, access(STAFF | {"jobseeker"})),
    "jobs:referral-create": (NONE, access(STAFF)),
    "jobs:referral": (
        REFERRAL,
        access({"admin", "district", "town_a", "employer", "jobseeker"}, town_b=404),
    ),
    "jobs:referral-advance": (REFERRAL, access(STAFF | {"employer"}, ok=405)),
    "jobs:referral-hire": (REFERRAL, access({"admin", "district", "town_a"}, town_b=404)),
    "jobs:applicants": (NONE, access({"employer"})),
    # A job seeker applies themself (GET: the confirmation page); nobody else may.
    "jobs:posting-apply": (APPLY, access({"jobseeker"})),
    "jobs:consent": (PERSON, access({"admin", "district", "town_a", "jobseeker"}, town_b=404)),
    "jobs:follow-ups": (NONE, access(STAFF)),
    "jobs:follow-up": (FOLLOW_UP, access({"admin", "district", "town_a"}, town_b=404)),
}
