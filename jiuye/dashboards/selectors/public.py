"""The public summary (issue 16): a few of the plan's counts by town and disability category
for one year, as tables of counts ready for small-count suppression (core.suppression).

Counts only, never a person: one grouped statement over the register gives every measure for
every (town, category), and the caller protects each measure's table before anyone sees it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiuye.core.periods import reference_date
from jiuye.employment.models import EmploymentRecord
from jiuye.employment.selectors import employed_on_q
from jiuye.people.selectors import registered_persons
from jiuye.reference.models import DisabilityCategory, Region
from jiuye.reference.selectors import district_and_towns
from jiuye.training.models import Enrolment, EnrolmentStatus

# The measures, in the order the page shows them, with what each counts.
MEASURES: tuple[tuple[str, Promise, Promise], ...] = (
    ("registered", _("登记残疾人数"), _("登记在册（未归档）的持证残疾人。")),
    ("employed", _("就业人数"), _("年末（本年为今天）有就业记录在期的登记残疾人。")),
    ("newly", _("本年新就业人数"), _("本年内开始一段就业（有新的就业记录）的登记残疾人。")),
    ("trained", _("本年参加培训并结业人数"), _("本年内有培训结业记录的登记残疾人。")),
)


@dataclass(frozen=True)
class Counts:
    """One measure's table: ``cells[town][category]``, the last column persons whose category
    is not recorded (kept so that the totals are the register's)."""

    code: str
    name: Promise
    note: Promise
    cells: list[list[int]]


@dataclass(frozen=True)
class Summary:
    year: int
    on: dt.date
    towns: list[Region]
    categories: list[DisabilityCategory]
    measures: list[Counts]


def _measures(year: int, on: dt.date) -> dict[str, Q]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    started = EmploymentRecord.objects.filter(
        person=OuterRef("pk"), archived_at__isnull=True, start_date__range=(start, end)
    )
    completed = Enrolment.objects.filter(
        person=OuterRef("pk"),
        status=EnrolmentStatus.COMPLETED,
        completed_on__range=(start, end),
    )
    return {
        "registered": Q(),
        "employed": employed_on_q(on),
        "newly": Q(Exists(started)),
        "trained": Q(Exists(completed)),
    }


def public_summary(year: int) -> Summary:
    """Every measure of the year by town and category of the district: the towns (cached), the
    categories and one grouped statement."""
    district, towns = district_and_towns()
    categories = list(DisabilityCategory.objects.order_by("code"))
    on = reference_date(year)
    measures = _measures(year, on)
    rows = (
        registered_persons()
        .filter(region__code__startswith=district.prefix)
        .annotate(town=Substr("region_id", 1, 9))
        .values("town", "category_id")
        .order_by()
        .annotate(**{code: Count("pk", filter=q) for code, q in measures.items()})
    )
    town_at = {town.prefix: i for i, town in enumerate(towns)}
    column_at = {category.pk: j for j, category in enumerate(categories)}
    unknown = len(categories)
    tables = {code: [[0] * (unknown + 1) for _town in towns] for code in measures}
    for row in rows:
        i = town_at.get(row["town"])
        if i is None:
            continue  # a village under no town of the register's district list
        j = column_at.get(row["category_id"], unknown)
        for code in measures:
            tables[code][i][j] += row[code]
    return Summary(
        year=year,
        on=on,
        towns=towns,
        categories=categories,
        measures=[
            Counts(code=code, name=name, note=note, cells=tables[code])
            for code, name, note in MEASURES
        ],
    )
