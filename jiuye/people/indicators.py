"""Plan indicators computed from the registry."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jiuye.core.indicators import batch_figures, indicator, keep_figures, shared_figures
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


@batch_figures("people")
def _figures_of_many(regions: list[Region], year: int) -> None:
    """``_figures`` of many regions: one grouped query per prefix length (one for towns)."""
    on = reference_date(year)
    by_length: dict[int, list[Region]] = {}
    for region in regions:
        by_length.setdefault(len(region.prefix), []).append(region)
    for length, group in by_length.items():
        rows = (
            selectors.registered_persons()
            .annotate(part=Substr("region_id", 1, length))
            .filter(part__in=[r.prefix for r in group])
            .values("part")
            .annotate(
                registered=Count("pk"), working_age=Count("pk", filter=selectors.working_age_q(on))
            )
        )
        found = {row["part"]: row for row in rows}
        for region in group:
            row = found.get(region.prefix, {})
            keep_figures(
                region,
                ("people", year),
                {"registered": row.get("registered", 0), "working_age": row.get("working_age", 0)},
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
