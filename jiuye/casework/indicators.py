"""Plan indicators of town casework: action 十's coverage (every working-age unemployed person
verified each year; those who want work registered and served) and action 五's visits to
hard-to-employ persons.

The five share three queries per region and year (``selectors.coverage_figures`` keeps them on the
Region instance the dashboard passes to each), so the plan dashboard does not grow by five
aggregates over the registry. A rate with nobody to count is shown as 0.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jiuye.casework import selectors
from jiuye.core.indicators import DrillDown, declare_batch, indicator
from jiuye.reference.models import Region


def _coverage_url(region: Region, year: int) -> str:
    return f"{reverse('casework:coverage')}?{urlencode({'region': region.code, 'year': year})}"


def _gaps_url(gap: str) -> DrillDown:
    def url(region: Region, year: int) -> str:
        query = {"region": region.code, "year": year, "gap": gap}
        return f"{reverse('casework:coverage-gaps')}?{urlencode(query)}"

    return url


def _survey_url(region: Region, year: int) -> str:
    """The hard-to-employ survey list (per town; at district level the page asks for one)."""
    url = reverse("casework:survey")
    return f"{url}?{urlencode({'town': region.code})}" if region.level == Region.Level.TOWN else url


def _rate(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


@declare_batch("casework")
def _batch(pairs: list[tuple[Region, int]]) -> None:
    selectors.coverage_figures_many(pairs)


@indicator(
    code="casework.unemployed",
    name=_("就业年龄段未就业残疾人数"),
    name_en="Working-age persons with disabilities not in employment",
    unit=_("人"),
    action=10,
    records_url=_gaps_url("unemployed"),
)
def unemployed(region: Region, year: int) -> int:
    return selectors.coverage_figures(region=region, year=year).unemployed


@indicator(
    code="casework.verified_rate",
    name=_("基础信息核对率"),
    name_en="Share verified in the year",
    unit="%",
    action=10,
    records_url=_coverage_url,
)
def verified_rate(region: Region, year: int) -> Decimal:
    return _rate(selectors.coverage_figures(region=region, year=year).verified_rate)


@indicator(
    code="casework.needs_rate",
    name=_("就业需求登记率"),
    name_en="Share of those wanting work with needs registered",
    unit="%",
    action=10,
    records_url=_coverage_url,
)
def needs_rate(region: Region, year: int) -> Decimal:
    return _rate(selectors.coverage_figures(region=region, year=year).needs_rate)


@indicator(
    code="casework.served_rate",
    name=_("登记需求后就业服务率"),
    name_en="Share of those with registered needs served",
    unit="%",
    action=10,
    records_url=_coverage_url,
)
def served_rate(region: Region, year: int) -> Decimal:
    return _rate(selectors.coverage_figures(region=region, year=year).served_rate)


@indicator(
    code="casework.hte_visited_rate",
    name=_("就业困难残疾人走访率"),
    name_en="Share of hard-to-employ persons visited in the year",
    unit="%",
    action=5,
    records_url=_survey_url,
)
def hte_visited_rate(region: Region, year: int) -> Decimal:
    figures = selectors.coverage_figures(region=region, year=year)
    return _rate(figures.hard_to_employ_visited_rate)
