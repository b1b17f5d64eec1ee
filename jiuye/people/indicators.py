"""Plan indicators computed from the registry."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jiuye.core.indicators import declare_batch, indicator, keep_figures, shared_figures
from jiuye.core.periods import reference_date
from jiuye.people import selectors
from jiuye.reference.models import Region


def _list_url(region: Region, year: int, *, working_age: bool) -> str:
    query = {"region": region.code, "year": year}
    if working_age:
        query["working_age"] = "1"
    return f"{reverse('people:list')}?{urlencode(query)}"


def _figures(region: Region, year: int) -> dict[str, int]:
    """Both registry figures in one query (the dashboard asks for both)."""

    def compute() -> dict[str, int]:
        on = reference_date(year)
        return selectors.persons_in_region(region=region).aggregate(
            registered=Count("pk"), working_age=Count("pk", filter=selectors.working_age_q(on))
        )

    return shared_figures(region, ("people", year), compute)


@declare_batch("people")
def _batch(pairs: list[tuple[Region, int]]) -> None:
    """Both registry figures of many regions and years in one query: the persons counted per
    region code prefix of the finest level asked for, each year's working age a filtered
    count, then summed up for each region (the overview's district and towns)."""
    if not pairs:
        return
    years = sorted({year for _region, year in pairs})
    length = max(len(region.prefix) for region, _year in pairs)
    under = reduce(or_, (Q(region__code__startswith=r.prefix) for r, _y in pairs))
    counts = {"registered": Count("pk")}
    for year in years:
        counts[f"working_age_{year}"] = Count(
            "pk", filter=selectors.working_age_q(reference_date(year))
        )
    rows = list(
        selectors.registered_persons()
        .filter(under)
        .annotate(part=Substr("region_id", 1, length))
        .values("part")
        .order_by()
        .annotate(**counts)
    )
    for region, year in pairs:
        mine = [row for row in rows if row["part"].startswith(region.prefix)]
        keep_figures(
            region,
            ("people", year),
            {
                "registered": sum(row["registered"] for row in mine),
                "working_age": sum(row[f"working_age_{year}"] for row in mine),
            },
        )


@indicator(
    code="people.registered",
    name=_("登记残疾人数"),
    name_en="Registered persons with disabilities",
    unit=_("人"),
    action=10,
    records_url=lambda region, year: _list_url(region, year, working_age=False),
)
def registered(region: Region, year: int) -> int:
    return _figures(region, year)["registered"]


@indicator(
    code="people.working_age",
    name=_("就业年龄段登记残疾人数"),
    name_en="Registered persons of working age",
    unit=_("人"),
    action=10,
    records_url=lambda region, year: _list_url(region, year, working_age=True),
)
def working_age(region: Region, year: int) -> int:
    return _figures(region, year)["working_age"]
