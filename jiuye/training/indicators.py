"""Plan indicators of training (actions 四, 八 and 九): persons trained, e-commerce and
livestream trainees, completion, conversion and stability rates, certificates, competitions, and
blind persons employed in massage and in new forms of employment.

Persons are counted in their own region; competitions in theirs. Completers are counted in the
year of their completion date, and their conversion and stability are judged on the year's
reference date (the end of the year, or today while it runs), the way
``training.selectors.outcomes`` does for a page. Every figure, the rates included, comes from
one statement (a count per subquery): conversion and stability are compared in month numbers
(year × 12 + month) and days, which is ``core.periods.add_months`` written in SQL, so the plan
dashboard runs them in its one statement of every app's figures
(core.indicators.declare_figures). ``test_indicators`` checks the SQL against the same hand count
as the Python of the selector.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator, page_url
from jiuye.core.periods import add_months, reference_date
from jiuye.employment.models import EmploymentRecord, covering_q
from jiuye.people.models import Person
from jiuye.reference.models import Region
from jiuye.training.models import (
    Certificate,
    Competition,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    MassageEstablishment,
)
from jiuye.training.selectors.outcomes import conversion_months, rate, stability_months

BLIND_CATEGORY = "1"


def _month(field: Any) -> Any:
    """The month number of a date (year × 12 + month), for comparing with add_months."""
    return ExtractYear(field) * 12 + ExtractMonth(field)


def last_start_due(on: dt.date, months: int) -> dt.date:
    """The latest start date whose stability date (start + months) is on or before ``on``."""
    day = add_months(on, -months)
    while add_months(day + dt.timedelta(days=1), months) <= on:
        day += dt.timedelta(days=1)
    return day


def completers_with_first_job(completers: QuerySet[Enrolment], months: int) -> QuerySet[Enrolment]:
    """Completers annotated with ``first_start``: the start of their first job (not archived)
    from the course's start to ``add_months(completed_on, months)``, or NULL.

    ``x <= add_months(c, n)`` holds exactly when x's month number is below c's + n, or equal
    to it with x's day at most c's day (add_months only ever shortens c's day to the month's
    last, and no day of x passes that)."""
    window = (
        EmploymentRecord.objects.filter(
            person=OuterRef("person"),
            archived_at__isnull=True,
            start_date__gte=OuterRef("course__start_date"),
        )
        .annotate(s_month=_month("start_date"), s_day=ExtractDay("start_date"))
        .filter(
            Q(s_month__lt=OuterRef("c_month") + months)
            | Q(s_month=OuterRef("c_month") + months, s_day__lte=OuterRef("c_day"))
        )
        .order_by("start_date")
        .values("start_date")[:1]
    )
    return completers.annotate(
        c_month=_month("completed_on"), c_day=ExtractDay("completed_on")
    ).annotate(first_start=Subquery(window, output_field=DateField()))


def stable_q(months: int) -> Q:
    """Completers (annotated by ``completers_with_first_job``) with a record covering the first
    job's start + ``months``: it started on or before that day and did not end before it (its
    end + 1 day is after it)."""
    covering = (
        EmploymentRecord.objects.filter(person=OuterRef("person"), archived_at__isnull=True)
        .annotate(
            r_month=_month("start_date"),
            r_day=ExtractDay("start_date"),
            after_end=ExpressionWrapper(
                F("end_date") + dt.timedelta(days=1), output_field=DateField()
            ),
        )
        .annotate(a_month=_month("after_end"), a_day=ExtractDay("after_end"))
        .filter(
            Q(r_month__lt=OuterRef("f_month") + months)
            | Q(r_month=OuterRef("f_month") + months, r_day__lte=OuterRef("f_day"))
        )
        .filter(
            Q(end_date__isnull=True)
            | ~(
                Q(a_month__lt=OuterRef("f_month") + months)
                | Q(a_month=OuterRef("f_month") + months, a_day__lte=OuterRef("f_day"))
            )
        )
    )
    return Q(Exists(covering))


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _counts(region: Region, year: int, on: dt.date | None = None) -> dict[str, Any]:
    """Every training figure of a region and year as a count per subquery; conversion and
    stability judged on ``on`` (the year's reference date unless given)."""
    start, end = _year(year)
    on = on or reference_date(year)
    prefix = region.prefix
    mine = Enrolment.objects.filter(person__region__code__startswith=prefix)
    done = mine.filter(status=EnrolmentStatus.COMPLETED, completed_on__range=(start, end))
    converted = completers_with_first_job(done, conversion_months()).filter(
        first_start__isnull=False
    )
    due = converted.filter(first_start__lte=last_start_due(on, stability_months())).annotate(
        f_month=_month("first_start"), f_day=ExtractDay("first_start")
    )
    blind = Person.objects.filter(region__code__startswith=prefix, category_id=BLIND_CATEGORY)
    covering = EmploymentRecord.objects.filter(covering_q(on), person=OuterRef("pk"))
    massage_employers = MassageEstablishment.objects.filter(
        archived_at__isnull=True, employer__isnull=False
    ).values("employer_id")
    counts: dict[str, QuerySet[Any]] = {
        "trained": done.values("person_id").distinct(),
        "ecommerce": done.filter(course__kind=CourseKind.ECOMMERCE).values("person_id").distinct(),
        "completers": done.values("pk"),
        "dropped": mine.filter(
            status=EnrolmentStatus.DROPPED, dropped_on__range=(start, end)
        ).values("pk"),
        "unfinished": mine.filter(
            status=EnrolmentStatus.ENROLLED, course__end_date__range=(start, end)
        )
        .filter(course__end_date__lt=on)
        .values("pk"),
        "converted": converted.values("pk"),
        "stable_due": due.values("pk"),
        "stable": due.filter(stable_q(stability_months())).values("pk"),
        "certificates": Certificate.objects.filter(
            issued_on__range=(start, end), person__region__code__startswith=prefix
        ).values("pk"),
        "competitions": Competition.objects.filter(
            date__range=(start, end),
            region__code__startswith=prefix,
            archived_at__isnull=True,
        ).values("pk"),
        "blind_massage": blind.filter(
            Exists(covering.filter(employer_id__in=massage_employers))
        ).values("pk"),
        "blind_new_forms": blind.filter(Exists(covering.exclude(new_form_subtype=""))).values("pk"),
    }
    return {name: CountOf(qs) for name, qs in counts.items()}


@declare_figures("training")
def _expressions(region: Region, year: int) -> dict[str, Any]:
    return _counts(region, year)


def figures(region: Region, year: int, on: dt.date | None = None) -> dict[str, int]:
    """Every training figure of a region and year in one statement; conversion and stability
    judged on ``on`` (the year's reference date unless given)."""
    counts = _counts(region, year, on)
    row = Region.objects.filter(pk=region.pk).annotate(**counts).values(*counts).get()
    return {key: value or 0 for key, value in row.items()}


def _figures(region: Region, year: int) -> dict[str, int]:
    """The figures of the dashboard: run with the other apps' when it prefetches them."""
    return {key: value or 0 for key, value in figures_of(region, year, "training").items()}


def _rate(part: int, whole: int) -> Decimal:
    return rate(part, whole) or Decimal(0)


def _outcomes_url(**extra: str) -> Any:
    def url(region: Region, year: int) -> str:
        return f"{reverse('training:outcomes')}?{urlencode({'year': year, **extra})}"

    return url


@indicator(
    code="training.ecommerce_trainees",
    name=_("电商、直播、短视频培训结业人数"),
    name_en="Persons completing e-commerce, livestream and short-video training",
    unit=_("人"),
    action=4,
    records_url=_outcomes_url(kind=CourseKind.ECOMMERCE),
)
def ecommerce_trainees(region: Region, year: int) -> int:
    return _figures(region, year)["ecommerce"]


@indicator(
    code="training.blind_massage_employed",
    name=_("在盲人按摩机构就业的盲人数"),
    name_en="Blind persons employed at massage establishments",
    unit=_("人"),
    action=8,
    records_url=page_url("training:establishments"),
)
def blind_massage_employed(region: Region, year: int) -> int:
    return _figures(region, year)["blind_massage"]


@indicator(
    code="training.blind_new_jobs",
    name=_("实现新就业形态就业的盲人数"),
    name_en="Blind persons in new forms of employment",
    unit=_("人"),
    action=8,
)
def blind_new_jobs(region: Region, year: int) -> int:
    return _figures(region, year)["blind_new_forms"]


@indicator(
    code="training.persons_trained",
    name=_("职业技能培训结业人数"),
    name_en="Persons completing vocational training",
    unit=_("人"),
    action=9,
    records_url=_outcomes_url(),
)
def persons_trained(region: Region, year: int) -> int:
    return _figures(region, year)["trained"]


@indicator(
    code="training.completion_rate",
    name=_("培训结业率"),
    name_en="Training completion rate",
    unit="%",
    action=9,
    records_url=_outcomes_url(),
)
def completion_rate(region: Region, year: int) -> Decimal:
    f = _figures(region, year)
    return _rate(f["completers"], f["completers"] + f["dropped"] + f["unfinished"])


@indicator(
    code="training.conversion_rate",
    name=_("培训后就业转化率"),
    name_en="Completers employed within the conversion window",
    unit="%",
    action=9,
    records_url=_outcomes_url(),
)
def conversion_rate(region: Region, year: int) -> Decimal:
    f = _figures(region, year)
    return _rate(f["converted"], f["completers"])


@indicator(
    code="training.stability_rate",
    name=_("培训后就业稳定率"),
    name_en="Trained persons still employed months after starting their job",
    unit="%",
    action=9,
    records_url=_outcomes_url(),
)
def stability_rate(region: Region, year: int) -> Decimal:
    f = _figures(region, year)
    return _rate(f["stable"], f["stable_due"])


@indicator(
    code="training.certificates",
    name=_("取得职业资格和技能等级证书人次"),
    name_en="Certificates awarded",
    unit=_("人次"),
    action=9,
    records_url=page_url("training:certificates", year="year"),
)
def certificates(region: Region, year: int) -> int:
    return _figures(region, year)["certificates"]


@indicator(
    code="training.competitions",
    name=_("举办职业技能竞赛场次"),
    name_en="Skills competitions held",
    unit=_("场"),
    action=9,
    records_url=page_url("training:competitions", year="year"),
)
def competitions(region: Region, year: int) -> int:
    return _figures(region, year)["competitions"]
