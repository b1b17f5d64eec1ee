"""Plan indicators of jobs: postings and fairs (action 二), placements through referrals by
target group (actions 四, 五, 六, 七, 八), referrals and placements (action 十) and the stability
of placements (action 九).

Placements are counted in the year their job started, in the region of the person; postings and
fairs in the year they were published or held, in their own region. The placement figures share
one aggregate and the fair figures another (core.indicators.shared_figures), so the plan
dashboard pays a handful of queries for all of them.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jiuye.casework.models import TargetGroup as CaseworkGroup
from jiuye.casework.selectors import target_group_q
from jiuye.core.indicators import indicator, shared_figures
from jiuye.employment.models import EmploymentForm
from jiuye.jobs.models import Fair, Posting, Referral, ReferralStatus
from jiuye.people.models import Person
from jiuye.reference.models import Region

BLIND_CATEGORY = "1"


def window_months() -> int:
    """Months after a placement's start at which it counts as stable (DOMAIN.md: 6)."""
    return int(getattr(settings, "JIUYE_STABILITY_MONTHS", 6))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _placements(region: Region, year: int) -> Any:
    start, end = _year(year)
    return Referral.objects.filter(
        status=ReferralStatus.HIRED,
        employment_record__start_date__range=(start, end),
        person__region__code__startswith=region.prefix,
    )


def _placement_figures(region: Region, year: int) -> dict[str, int]:
    def compute() -> dict[str, int]:
        start, end = _year(year)
        group = {
            name: target_group_q([code], on=end)
            for name, code in (
                ("graduates", CaseworkGroup.GRADUATES),
                ("rural", CaseworkGroup.RURAL),
                ("hard", CaseworkGroup.HARD_TO_EMPLOY),
            )
        }
        placed = Q(status=ReferralStatus.HIRED, employment_record__start_date__range=(start, end))

        def of_person(q: Q) -> Q:
            return Q(person__in=Person.objects.filter(q).values("pk"))

        figures = Referral.objects.filter(person__region__code__startswith=region.prefix).aggregate(
            referrals=Count("pk", filter=Q(referred_on__range=(start, end))),
            placements=Count("pk", filter=placed),
            graduates=Count("pk", filter=placed & of_person(group["graduates"])),
            rural=Count("pk", filter=placed & of_person(group["rural"])),
            hard=Count("pk", filter=placed & of_person(group["hard"])),
            blind=Count("pk", filter=placed & Q(person__category_id=BLIND_CATEGORY)),
            new_forms=Count(
                "pk",
                filter=placed
                & (
                    ~Q(employment_record__new_form_subtype="")
                    | Q(employment_record__form=EmploymentForm.FLEXIBLE)
                    & ~Q(posting__new_form_subtype="")
                ),
            ),
        )
        return {key: value or 0 for key, value in figures.items()}

    return shared_figures(region, ("jobs.placements", year), compute)


def _fair_figures(region: Region, year: int) -> dict[str, int]:
    def compute() -> dict[str, int]:
        start, end = _year(year)
        figures = Fair.objects.filter(
            date__range=(start, end),
            region__code__startswith=region.prefix,
            archived_at__isnull=True,
        ).aggregate(
            fairs=Count("pk", distinct=True),
            employers=Count("participants__employer", distinct=True),
        )
        return {key: value or 0 for key, value in figures.items()}

    return shared_figures(region, ("jobs.fairs", year), compute)


def stability(region: Region, year: int, *, on: dt.date | None = None) -> tuple[int, int]:
    """(still employed, placements counted): placements whose stability date (start + the window)
    falls in the year and has passed, and of those the ones whose job covered that date."""
    on = on or timezone.localdate()
    months = window_months()
    start, end = _year(year)
    rows = (
        Referral.objects.filter(
            status=ReferralStatus.HIRED,
            person__region__code__startswith=region.prefix,
            employment_record__start_date__range=(add_months(start, -months - 1), end),
        )
        .values_list(
            "employment_record__start_date",
            "employment_record__end_date",
            "employment_record__archived_at",
        )
        .order_by()
    )
    counted = stable = 0
    for started, ended, archived in rows:
        due = add_months(started, months)
        if archived is not None or not (start <= due <= end) or due > on:
            continue
        counted += 1
        if ended is None or ended >= due:
            stable += 1
    return stable, counted


def _rate(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _postings_url(region: Region, year: int) -> str:
    return reverse("jobs:postings")


def _fairs_url(region: Region, year: int) -> str:
    return f"{reverse('jobs:fairs')}?{urlencode({'year': year})}"


def _referrals_url(status: str = "") -> Any:
    def url(region: Region, year: int) -> str:
        query = {"year": year}
        if status:
            query["status"] = status
        if region.level == Region.Level.TOWN:
            query["town"] = region.code
        return f"{reverse('jobs:referrals')}?{urlencode(query)}"

    return url


@indicator(
    code="jobs.postings_published",
    name=_("发布的招聘岗位数"),
    name_en="Job postings published",
    unit=_("个"),
    action=2,
    records_url=_postings_url,
)
def postings_published(region: Region, year: int) -> int:
    start, end = _year(year)
    return Posting.objects.filter(
        published_at__date__range=(start, end),
        region__code__startswith=region.prefix,
        archived_at__isnull=True,
    ).count()


@indicator(
    code="jobs.fairs_held",
    name=_("举办残疾人专场招聘会场次"),
    name_en="Job fairs held",
    unit=_("场"),
    action=2,
    records_url=_fairs_url,
)
def fairs_held(region: Region, year: int) -> int:
    return _fair_figures(region, year)["fairs"]


@indicator(
    code="jobs.fair_employers",
    name=_("参加招聘会的用人单位数"),
    name_en="Employers taking part in job fairs",
    unit=_("家"),
    action=2,
    records_url=_fairs_url,
)
def fair_employers(region: Region, year: int) -> int:
    return _fair_figures(region, year)["employers"]


@indicator(
    code="jobs.placements_new_forms",
    name=_("推荐实现新就业形态就业人数"),
    name_en="Placements in new forms of employment",
    unit=_("人"),
    action=4,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements_new_forms(region: Region, year: int) -> int:
    return _placement_figures(region, year)["new_forms"]


@indicator(
    code="jobs.placements_hard_to_employ",
    name=_("推荐就业的就业困难残疾人数"),
    name_en="Hard-to-employ persons placed",
    unit=_("人"),
    action=5,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements_hard_to_employ(region: Region, year: int) -> int:
    return _placement_figures(region, year)["hard"]


@indicator(
    code="jobs.placements_rural",
    name=_("推荐就业的农村残疾人数"),
    name_en="Rural persons placed",
    unit=_("人"),
    action=6,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements_rural(region: Region, year: int) -> int:
    return _placement_figures(region, year)["rural"]


@indicator(
    code="jobs.placements_graduates",
    name=_("推荐就业的残疾人高校毕业生数"),
    name_en="Graduates placed",
    unit=_("人"),
    action=7,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements_graduates(region: Region, year: int) -> int:
    return _placement_figures(region, year)["graduates"]


@indicator(
    code="jobs.placements_blind",
    name=_("推荐就业的盲人数"),
    name_en="Blind persons placed",
    unit=_("人"),
    action=8,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements_blind(region: Region, year: int) -> int:
    return _placement_figures(region, year)["blind"]


@indicator(
    code="jobs.stability_rate",
    name=_("推荐就业稳定率"),
    name_en="Placements still in work six months after starting",
    unit="%",
    action=9,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def stability_rate(region: Region, year: int) -> Decimal:
    return _rate(*stability(region, year))


@indicator(
    code="jobs.referrals",
    name=_("岗位推荐人次"),
    name_en="Referrals to job postings",
    unit=_("人次"),
    action=10,
    records_url=_referrals_url(),
)
def referrals(region: Region, year: int) -> int:
    return _placement_figures(region, year)["referrals"]


@indicator(
    code="jobs.placements",
    name=_("推荐实现就业人数"),
    name_en="Persons placed in jobs through referrals",
    unit=_("人"),
    action=10,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements(region: Region, year: int) -> int:
    return _placement_figures(region, year)["placements"]
