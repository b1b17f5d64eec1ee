"""Plan indicators of jobs: postings and fairs (action 二), placements through referrals by
target group (actions 四, 五, 六, 七, 八), referrals and placements (action 十) and the stability
of placements (action 九).

Placements are counted in the year their job started, in the region of the person; postings and
fairs in the year they were published or held, in their own region. Every figure is a count
per subquery of one statement (core.indicators.declare_figures), which the plan dashboard runs
together with the other apps' figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jiuye.casework.models import TargetGroup as CaseworkGroup
from jiuye.casework.selectors import target_group_q
from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator
from jiuye.jobs.models import FollowUp, Posting, Referral, ReferralStatus
from jiuye.jobs.selectors import referrals as referral_selectors
from jiuye.jobs.selectors.fairs import employers_taking_part, held
from jiuye.people.models import Person
from jiuye.reference.models import Region

BLIND_CATEGORY = "1"


def window_months() -> int:
    """Months after a placement's start at which it counts as stable (DOMAIN.md: 6); one of
    the follow-up months, whose follow-up date is then the stability date."""
    months = int(getattr(settings, "JIUYE_STABILITY_MONTHS", 6))
    if months not in FollowUp.MONTHS:
        raise ImproperlyConfigured(
            f"JIUYE_STABILITY_MONTHS must be one of the follow-up months {FollowUp.MONTHS}"
        )
    return months


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@declare_figures("jobs")
def _expressions(region: Region, year: int) -> dict[str, Any]:
    """Every jobs figure of a region and year, a count per subquery."""
    start, end = _year(year)
    on = min(end, timezone.localdate())
    prefix = region.prefix
    referrals = Referral.objects.filter(person__region__code__startswith=prefix)
    placed = referral_selectors.placements(referrals, start, end)

    def of_group(code: str) -> Any:
        persons = Person.objects.filter(target_group_q([code], on=end)).values("pk")
        return placed.filter(person__in=persons)

    due = referral_selectors.stability_due(
        referrals, window_months=window_months(), start=start, end=on
    )
    counts = {
        "postings": Posting.objects.filter(
            published_at__date__range=(start, end),
            region__code__startswith=prefix,
            archived_at__isnull=True,
        ),
        "fairs": held(prefix, start, end),
        "fair_employers": employers_taking_part(prefix, start, end),
        "referrals": referrals.filter(referred_on__range=(start, end)),
        "placements": placed,
        "graduates": of_group(CaseworkGroup.GRADUATES),
        "rural": of_group(CaseworkGroup.RURAL),
        "hard": of_group(CaseworkGroup.HARD_TO_EMPLOY),
        "blind": placed.filter(person__category_id=BLIND_CATEGORY),
        "new_forms": placed.exclude(employment_record__new_form_subtype=""),
        "stability_due": due,
        "stable": due.filter(referral_selectors.still_employed_q()),
    }
    return {
        name: CountOf(qs if name == "fair_employers" else qs.values("pk"))
        for name, qs in counts.items()
    }


def _figures(region: Region, year: int) -> dict[str, int]:
    """Every jobs figure of a region and year in one statement (a count per subquery)."""
    return {key: value or 0 for key, value in figures_of(region, year, "jobs").items()}


def stability(region: Region, year: int) -> tuple[int, int]:
    """(still employed, placements counted): placements whose stability date (start + the
    window, the date of their follow-up at that month) falls in the year and has passed, and of
    those the ones whose job covered that date."""
    figures = _figures(region, year)
    return figures["stable"], figures["stability_due"]


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
    return _figures(region, year)["postings"]


@indicator(
    code="jobs.fairs_held",
    name=_("举办残疾人专场招聘会场次"),
    name_en="Job fairs held",
    unit=_("场"),
    action=2,
    records_url=_fairs_url,
)
def fairs_held(region: Region, year: int) -> int:
    return _figures(region, year)["fairs"]


@indicator(
    code="jobs.fair_employers",
    name=_("参加招聘会的用人单位数"),
    name_en="Employers taking part in job fairs",
    unit=_("家"),
    action=2,
    records_url=_fairs_url,
)
def fair_employers(region: Region, year: int) -> int:
    return _figures(region, year)["fair_employers"]


@indicator(
    code="jobs.placements_new_forms",
    name=_("推荐实现新就业形态就业人数"),
    name_en="Placements in new forms of employment",
    unit=_("人"),
    action=4,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements_new_forms(region: Region, year: int) -> int:
    return _figures(region, year)["new_forms"]


@indicator(
    code="jobs.placements_hard_to_employ",
    name=_("推荐就业的就业困难残疾人数"),
    name_en="Hard-to-employ persons placed",
    unit=_("人"),
    action=5,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements_hard_to_employ(region: Region, year: int) -> int:
    return _figures(region, year)["hard"]


@indicator(
    code="jobs.placements_rural",
    name=_("推荐就业的农村残疾人数"),
    name_en="Rural persons placed",
    unit=_("人"),
    action=6,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements_rural(region: Region, year: int) -> int:
    return _figures(region, year)["rural"]


@indicator(
    code="jobs.placements_graduates",
    name=_("推荐就业的残疾人高校毕业生数"),
    name_en="Graduates placed",
    unit=_("人"),
    action=7,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements_graduates(region: Region, year: int) -> int:
    return _figures(region, year)["graduates"]


@indicator(
    code="jobs.placements_blind",
    name=_("推荐就业的盲人数"),
    name_en="Blind persons placed",
    unit=_("人"),
    action=8,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements_blind(region: Region, year: int) -> int:
    return _figures(region, year)["blind"]


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
    return _figures(region, year)["referrals"]


@indicator(
    code="jobs.placements",
    name=_("推荐实现就业人数"),
    name_en="Persons placed in jobs through referrals",
    unit=_("人"),
    action=10,
    records_url=_referrals_url(ReferralStatus.HIRED),
)
def placements(region: Region, year: int) -> int:
    return _figures(region, year)["placements"]
