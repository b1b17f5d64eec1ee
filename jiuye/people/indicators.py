"""Plan indicators computed from the registry."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jiuye.core.indicators import indicator, shared_figures
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
