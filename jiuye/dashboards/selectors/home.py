"""The role home page: counts of the work that waits for the signed-in user (to review, to
confirm, overdue, due this week), each with a link to the list that holds it, and the few
figures the role is judged by. Counts go through the same scoping as the lists they link to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiuye.actionplan.models import Plan, ProgressReport
from jiuye.actionplan.selectors import kept_values, reminders
from jiuye.core.indicators import registry
from jiuye.core.kept import Kept
from jiuye.core.roles import Role
from jiuye.core.scoping import scope_for
from jiuye.employers.models import Declaration, DeclarationStatus
from jiuye.employers.selectors import pending_applications_count
from jiuye.jobs.models import FollowUp, Posting, PostingStatus, Referral, ReferralStatus
from jiuye.notifications.selectors import unread_for_request
from jiuye.people.models import ChangeRequest, ChangeStatus, TransferRequest, TransferStatus
from jiuye.training.models import Enrolment, EnrolmentStatus

REVIEWERS = frozenset({Role.ADMIN, Role.DISTRICT})
CASEWORKERS = frozenset({Role.ADMIN, Role.DISTRICT, Role.TOWN})

# The figures each role is judged by (plan indicators, for its district or town, this year).
FIGURES: dict[str, tuple[str, ...]] = {
    Role.ADMIN: ("jobs.placements", "jobs.stability_rate", "casework.served_rate"),
    Role.DISTRICT: (
        "jobs.placements",
        "jobs.stability_rate",
        "casework.served_rate",
        "employers.quota_employed",
    ),
    Role.LEADER: (
        "jobs.placements",
        "jobs.stability_rate",
        "casework.served_rate",
        "employers.quota_employed",
    ),
    Role.TOWN: ("casework.verified_rate", "casework.served_rate", "jobs.placements"),
}


@dataclass(frozen=True)
class Waiting:
    label: str | Promise
    count: int
    url: str
    urgent: bool = False


def _follow_ups(user: Any, today: dt.date) -> list[Waiting]:
    open_ = scope_for(user, FollowUp).filter(
        done_on__isnull=True, referral__status=ReferralStatus.HIRED
    )
    week = today + dt.timedelta(days=7)
    url = reverse("jobs:follow-ups")
    counts = open_.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        week=Count("pk", filter=Q(due_on__gte=today, due_on__lte=week)),
    )
    return [
        Waiting(_("逾期未做的跟踪回访"), counts["overdue"], url, True),
        Waiting(_("本周到期的跟踪回访"), counts["week"], url),
    ]


def _reports_owed(user: Any, today: dt.date) -> list[Waiting]:
    """A department's (or a town's, as a responsible unit) reports due within 14 days and
    overdue in the current plan."""
    plan = Plan.objects.filter(is_current=True).first()
    if plan is None:
        return []
    code = user.department_id if user.role == Role.DEPARTMENT else f"town-{user.town_id}"
    groups = next(
        (g for department, g in reminders(plan=plan, today=today).items() if department.pk == code),
        {"overdue": [], "due_soon": []},
    )
    url = reverse("actionplan:dashboard")
    returned = ProgressReport.objects.filter(
        department_id=code, status=ProgressReport.Status.RETURNED
    ).count()
    return [
        Waiting(_("已逾期的进展报告"), len(groups["overdue"]), url, True),
        Waiting(_("14天内到期的进展报告"), len(groups["due_soon"]), url),
        Waiting(_("被退回待修改的进展报告"), returned, url, True),
    ]


def waiting_for(request: HttpRequest, today: dt.date) -> list[Waiting]:
    user = request.user
    role = user.role
    work: list[Waiting] = []
    if role in REVIEWERS:
        work += [
            Waiting(
                _("待审核的进展报告"),
                ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED).count(),
                reverse("actionplan:review-queue"),
            ),
            Waiting(
                _("待审核的年审申报"),
                Declaration.objects.filter(status=DeclarationStatus.SUBMITTED).count(),
                reverse("employers:review-queue"),
            ),
            Waiting(
                _("待审核的招聘岗位"),
                Posting.objects.filter(
                    status=PostingStatus.REVIEW, archived_at__isnull=True
                ).count(),
                reverse("jobs:posting-review-queue"),
            ),
            Waiting(
                _("待审核的迁入申请"),
                TransferRequest.objects.filter(status=TransferStatus.PENDING).count(),
                reverse("people:transfers"),
            ),
            Waiting(
                _("待核实的单位注册"),
                pending_applications_count(),
                reverse("employers:applications"),
            ),
        ]
    if role in (Role.TOWN, Role.DEPARTMENT):
        work += _reports_owed(user, today)
    if role == Role.TOWN:
        work.append(
            Waiting(
                _("待确认的培训报名申请"),
                scope_for(user, Enrolment).filter(status=EnrolmentStatus.REQUESTED).count(),
                reverse("training:courses"),
            )
        )
        work.append(
            Waiting(
                _("待审核的信息变更申请"),
                scope_for(user, ChangeRequest).filter(status=ChangeStatus.PENDING).count(),
                reverse("people:changes"),
            )
        )
    if role in CASEWORKERS:
        work += _follow_ups(user, today)
    if role == Role.EMPLOYER:
        work += [
            Waiting(
                _("被退回待修改的年审申报"),
                Declaration.objects.filter(
                    employer_id=user.employer_id, status=DeclarationStatus.RETURNED
                ).count(),
                reverse("employers:declarations"),
                True,
            ),
            Waiting(
                _("被退回待修改的岗位"),
                Posting.objects.filter(employer_id=user.employer_id, status=PostingStatus.DRAFT)
                .exclude(review_note="")
                .count(),
                reverse("jobs:postings"),
                True,
            ),
            Waiting(
                _("新推荐来的求职者（待查看）"),
                Referral.objects.filter(
                    posting__employer_id=user.employer_id, status=ReferralStatus.REFERRED
                ).count(),
                reverse("jobs:applicants"),
            ),
        ]
    if role == Role.JOBSEEKER:
        mine = Referral.objects.filter(person_id=user.person_id)
        work += [
            Waiting(
                _("等镇街核对的信息修改"),
                ChangeRequest.objects.filter(
                    person_id=user.person_id, status=ChangeStatus.PENDING
                ).count(),
                reverse("people:me"),
            ),
            Waiting(
                _("约了面试的岗位"),
                mine.filter(status=ReferralStatus.INTERVIEW).count(),
                reverse("jobs:referrals"),
                True,
            ),
            Waiting(
                _("进行中的岗位推荐"),
                mine.filter(
                    Q(status=ReferralStatus.REFERRED)
                    | Q(status=ReferralStatus.VIEWED)
                    | Q(status=ReferralStatus.OFFER)
                ).count(),
                reverse("jobs:referrals"),
            ),
        ]
    work.append(Waiting(_("未读通知"), unread_for_request(request), reverse("notifications:list")))
    return work


@dataclass(frozen=True)
class Figure:
    name: str | Promise
    value: Any
    unit: str | Promise


def figures_for(user: Any, today: dt.date) -> tuple[list[Figure], Kept | None]:
    """The role's main figures of its district or town this year, read as kept (ADR 0015): the
    row the plan dashboard reads for the same region and year, so a view reads one row instead
    of counting over the district's persons (only a view with no row yet counts, and keeps it).
    With the row's time, for the page to say when they were counted."""
    codes = FIGURES.get(user.role, ())
    if not codes:
        return [], None
    from jiuye.reference.models import Region
    from jiuye.reference.selectors import district_and_towns

    try:
        region = user.town if user.role == Role.TOWN else district_and_towns()[0]
    except Region.DoesNotExist:  # a fresh installation without its district loaded
        return [], None
    counted = kept_values(region, today.year)
    found = []
    for code in codes:
        indicator = registry.get(code)
        if indicator is not None:
            found.append(
                Figure(indicator.name, indicator.value(region, today.year), indicator.unit)
            )
    return found, counted


def role_home(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    figures, counted = figures_for(user, today)
    return {
        "waiting": waiting_for(request, today),
        "figures": figures,
        "figures_year": today.year,
        "kept": counted,
    }
