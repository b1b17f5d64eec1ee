"""Reads of the worklist and coverage (action 十): the population, each person's marks, the
coverage rows and figures, the gap lists, and the village tallies they are read from (ADR 0005)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jiuye.casework.models import (
    CoverageTally,
    WantsWork,
)
from jiuye.core import tallies as core_tallies
from jiuye.core.indicators import keep_figures, shared_figures
from jiuye.core.models import DirtyRegion
from jiuye.core.periods import reference_date
from jiuye.employment.selectors import alive_on_q, employed_on_q, unemployed_working_age
from jiuye.people.models import Person, WishToWork
from jiuye.people.selectors import registered_persons, working_age_persons, working_age_q
from jiuye.reference.models import Region

# The statuses the worklist can be narrowed to (each is a gap of the coverage dashboard).
WORKLIST_STATUSES = ("not_verified", "needs_missing", "not_served", "done")


def with_case(qs: QuerySet[Person], year: int) -> QuerySet[Person]:
    """Persons with their yearly case joined (LEFT JOIN, one row per person) as ``case_*``."""
    return qs.annotate(
        yearcase=FilteredRelation("annual_cases", condition=Q(annual_cases__year=year))
    ).annotate(
        case_verified_on=F("yearcase__verified_on"),
        case_needs_on=F("yearcase__needs_registered_on"),
        case_wants_work=F("yearcase__wants_work"),
        case_served_on=F("yearcase__served_on"),
        case_last_service_on=F("yearcase__last_service_on"),
    )


# The three duties as conditions on a person annotated by with_case.
VERIFIED = Q(yearcase__verified_on__isnull=False)
WANTS_WORK = Q(wish_to_work=WishToWork.YES)
NEEDS_REGISTERED = WANTS_WORK & Q(yearcase__wants_work=WantsWork.YES)
SERVED = NEEDS_REGISTERED & Q(yearcase__served_on__isnull=False)
STATUS_Q = {
    "not_verified": ~VERIFIED,
    "needs_missing": WANTS_WORK & ~Q(yearcase__wants_work=WantsWork.YES),
    "not_served": NEEDS_REGISTERED & Q(yearcase__served_on__isnull=True),
    "done": VERIFIED & (~WANTS_WORK | (NEEDS_REGISTERED & Q(yearcase__served_on__isnull=False))),
}


def action_population(
    *,
    region: Region,
    year: int,
    queryset: QuerySet[Person] | None = None,
    today: dt.date | None = None,
) -> QuerySet[Person]:
    """Action 十's population for a year: the region's working-age unemployed persons on the
    year's reference date (its last day, or today while it runs)."""
    return unemployed_working_age(region=region, on=reference_date(year, today), queryset=queryset)


def worklist(
    *,
    queryset: QuerySet[Person],
    region: Region,
    year: int,
    status: str = "",
    order: str = "village",
    today: dt.date | None = None,
) -> QuerySet[Person]:
    """A town officer's list for the year: every working-age unemployed person in scope with
    the three duties' state. ``order`` "village" (village, name) or "todo" (most left to do
    first, then village)."""
    qs = with_case(
        action_population(region=region, year=year, queryset=queryset, today=today), year
    )
    if status:
        qs = qs.filter(STATUS_Q[status])
    qs = qs.select_related("region", "category", "grade")
    if order == "todo":
        todo = Case(
            When(~VERIFIED, then=Value(0)),
            When(STATUS_Q["needs_missing"], then=Value(1)),
            When(STATUS_Q["not_served"], then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
        return qs.annotate(todo=todo).order_by("todo", "region_id", "name", "id")
    return qs.order_by("region_id", "name", "id")


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class _DutyRates:
    """Action 十's three rates in percent (None where nothing is due), for any figures that
    have the counts: verified of unemployed, needs registered of wanting, served of needs."""

    unemployed: int
    verified: int
    wanting: int
    needs: int
    served: int

    @property
    def verified_rate(self) -> Decimal | None:
        return _rate(self.verified, self.unemployed)

    @property
    def needs_rate(self) -> Decimal | None:
        return _rate(self.needs, self.wanting)

    @property
    def served_rate(self) -> Decimal | None:
        return _rate(self.served, self.needs)


@dataclass
class CoverageRow(_DutyRates):
    code: str
    name: str
    unemployed: int = 0
    verified: int = 0
    wanting: int = 0
    needs: int = 0
    served: int = 0

    # The gaps: who is still missing from each duty (the worklist's statuses).
    @property
    def not_verified(self) -> int:
        return self.unemployed - self.verified

    @property
    def needs_missing(self) -> int:
        return self.wanting - self.needs

    @property
    def not_served(self) -> int:
        return self.needs - self.served

    def add(self, other: CoverageRow) -> None:
        for key in ("unemployed", "verified", "wanting", "needs", "served"):
            setattr(self, key, getattr(self, key) + getattr(other, key))


@dataclass
class Coverage:
    region: Region
    year: int
    on: dt.date
    rows: list[CoverageRow] = field(default_factory=list)
    total: CoverageRow | None = None
    # Set when some villages' counts are shown as last counted while they are recounted.
    counted_at: dt.datetime | None = None


COVERAGE_COUNTS = {
    "unemployed": Count("pk"),
    "verified": Count("pk", filter=VERIFIED),
    "wanting": Count("pk", filter=WANTS_WORK),
    "needs": Count("pk", filter=NEEDS_REGISTERED),
    "served": Count("pk", filter=SERVED),
}


def coverage_live(
    *,
    region: Region,
    year: int,
    queryset: QuerySet[Person] | None = None,
    today: dt.date | None = None,
) -> Coverage:
    """Action 十's three rates for a region and year, one row per town (for a district or
    above) or per village (for a town), in one query over the registry. Every child region
    appears, even with nobody in it. This is the definition; the pages read ``coverage``, the
    same figures kept per village (ADR 0005)."""
    on = reference_date(year, today)
    child_level = Region.Level.TOWN if region.level < Region.Level.TOWN else Region.Level.VILLAGE
    length = Region.PREFIX_LENGTH[child_level]
    population = with_case(unemployed_working_age(region=region, on=on, queryset=queryset), year)
    grouped = (
        population.annotate(group=Substr("region_id", 1, length))
        .values("group")
        .order_by("group")
        .annotate(**COVERAGE_COUNTS)
    )
    counts = {row.pop("group"): row for row in grouped}
    children = Region.objects.filter(level=child_level, code__startswith=region.prefix).order_by(
        "code"
    )
    result = Coverage(region=region, year=year, on=on, total=CoverageRow(region.code, region.name))
    for child in children:
        row = CoverageRow(child.code, child.name, **counts.get(child.prefix, {}))
        result.rows.append(row)
        result.total.add(row)
    return result


GAPS = {
    "unemployed": Q(),
    "not_verified": STATUS_Q["not_verified"],
    "needs_missing": STATUS_Q["needs_missing"],
    "not_served": STATUS_Q["not_served"],
}


# --- the worklist's marks, the gap lists and the plan indicators ----------------------------

# What each number of the coverage table stands for, as a condition on a person annotated by
# with_case: the persons counted, and the persons missing from it (the gaps).
GAP_LISTS = {
    "unemployed": Q(),
    "verified": VERIFIED,
    "not_verified": STATUS_Q["not_verified"],
    "wanting": WANTS_WORK,
    "needs": NEEDS_REGISTERED,
    "needs_missing": STATUS_Q["needs_missing"],
    "served": SERVED,
    "not_served": STATUS_Q["not_served"],
}


def gap_list(
    *,
    queryset: QuerySet[Person],
    region: Region,
    year: int,
    gap: str,
    today: dt.date | None = None,
) -> QuerySet[Person]:
    """The persons behind one number of the coverage table (a key of GAP_LISTS), in the
    worklist's order and with its annotations."""
    qs = worklist(queryset=queryset, region=region, year=year, today=today)
    return qs.filter(GAP_LISTS[gap])


@dataclass(frozen=True)
class Mark:
    """One duty of a person's year: done or not, in words (never colour alone)."""

    key: str  # done, todo or none (the duty does not apply)
    label: str


@dataclass(frozen=True)
class CaseMarks:
    verified: Mark
    needs: Mark
    served: Mark
    done: bool

    @property
    def marks(self) -> tuple[Mark, Mark, Mark]:
        return (self.verified, self.needs, self.served)


def _day(value: dt.date) -> str:
    return date_format(value, _("n月j日"))


def case_marks(person: Person) -> CaseMarks:
    """The three duties of a person annotated by with_case, as the worklist shows them. The
    rules are those of STATUS_Q, in Python, for one row already fetched."""
    verified_on = person.case_verified_on
    wants = person.wish_to_work == WishToWork.YES
    registered = wants and person.case_wants_work == WantsWork.YES
    if verified_on:
        verified = Mark("done", _("已核对 %(d)s") % {"d": _day(verified_on)})
    else:
        verified = Mark("todo", _("未核对"))
    if registered:
        needs = Mark("done", _("需求已登记 %(d)s") % {"d": _day(person.case_needs_on)})
    elif wants:
        needs = Mark("todo", _("需求未登记"))
    elif person.case_needs_on:
        needs = Mark("none", _("已登记：暂无就业意愿 %(d)s") % {"d": _day(person.case_needs_on)})
    else:
        needs = Mark(
            "none", _("无需登记（就业意愿：%(w)s）") % {"w": person.get_wish_to_work_display()}
        )
    if registered and person.case_served_on:
        served = Mark("done", _("已服务 %(d)s") % {"d": _day(person.case_served_on)})
    elif registered:
        served = Mark("todo", _("未服务"))
    else:
        served = Mark("none", _("无需服务"))
    done = bool(verified_on) and (not wants or (registered and bool(person.case_served_on)))
    return CaseMarks(verified, needs, served, done)


@dataclass(frozen=True)
class CoverageFigures(_DutyRates):
    """A region's action 十 totals and action 五's hard-to-employ visits for a year."""

    unemployed: int
    verified: int
    wanting: int
    needs: int
    served: int
    hard_to_employ: int
    hard_to_employ_visited: int

    @property
    def hard_to_employ_visited_rate(self) -> Decimal | None:
        return _rate(self.hard_to_employ_visited, self.hard_to_employ)


def coverage_figures_live(
    *, region: Region, year: int, today: dt.date | None = None
) -> CoverageFigures:
    """Every casework indicator of a region and year in three queries (the working-age rule,
    action 十's totals over the working-age unemployed, and action 五's hard-to-employ persons
    of working age with those visited in the year): the plan dashboard asks for five figures
    and they share these.

    The result is kept on the ``region`` instance (``core.indicators.shared_figures``): the
    dashboard passes one Region to every indicator, so the five cost three queries.
    """
    on = reference_date(year, today)
    return shared_figures(
        region, ("casework-live", year, on), lambda: _figures_live(region, year, on)
    )


def _figures_live(region: Region, year: int, on: dt.date) -> CoverageFigures:
    # working_age_persons reads the working-age rule once; both populations start from it.
    # ``unemployed`` is unemployed_working_age's definition, built on the same base.
    working = working_age_persons(region=region, on=on).filter(alive_on_q(on))
    unemployed = working.exclude(employed_on_q(on))
    counts = with_case(unemployed, year).aggregate(**COVERAGE_COUNTS)
    hard = with_case(
        working.filter(hard_to_employ_date__isnull=False, hard_to_employ_date__lte=on), year
    ).aggregate(
        hard_to_employ=Count("pk"),
        hard_to_employ_visited=Count("pk", filter=Q(yearcase__last_visit_on__isnull=False)),
    )
    return CoverageFigures(**counts, **hard)


def coverage_figures(*, region: Region, year: int, today: dt.date | None = None) -> CoverageFigures:
    """``coverage_figures_live`` read from the village tallies (two queries when they are
    fresh), kept on the ``region`` instance (``core.indicators.shared_figures``): the plan
    dashboard passes one Region to all five casework indicators."""
    on = reference_date(year, today)

    def compute() -> CoverageFigures:
        sums = _sum_tallies(village_tallies(region=region, year=year, today=today))
        return CoverageFigures(**{key: sums[key] for key in CoverageFigures.__dataclass_fields__})

    return shared_figures(region, ("casework", year, on), compute)


def coverage_figures_many(pairs: list[tuple[Region, int]], today: dt.date | None = None) -> None:
    """``coverage_figures`` of many (region, year) pairs, kept on each Region instance as it
    keeps them: one read of the tallies of each outermost region (every year at once, and
    every region under it summed from the same rows), refreshed first where stale, as
    ``village_tallies`` does."""
    regions = {region.code: region for region, _year in pairs}
    tops = [
        r
        for r in regions.values()
        if not any(o.code != r.code and r.code.startswith(o.prefix) for o in regions.values())
    ]
    for top in tops:
        stored = stored_tallies(top)
        under = [(r, y) for r, y in pairs if r.code.startswith(top.prefix)]
        for year in sorted({y for _r, y in under}):
            on = reference_date(year, today)
            rows = _tallies_of(region=top, year=year, today=today, stored=stored)
            for region, _y in [(r, y) for r, y in under if y == year]:
                sums = _sum_tallies([t for t in rows if t.village_id.startswith(region.prefix)])
                figures = CoverageFigures(
                    **{key: sums[key] for key in CoverageFigures.__dataclass_fields__}
                )
                keep_figures(region, ("casework", year, on), figures)


# --- tallies: the coverage figures kept per village and year (ADR 0005) ---------------------

# What a CoverageTally counts. The first group is over the working-age unemployed (action 十),
# the last two over the working-age hard-to-employ persons, employed or not (action 五).
TALLY_COUNTS = (
    "unemployed",
    "verified",
    "wanting",
    "needs",
    "served",
    "not_verified",
    "needs_missing",
    "not_served",
    "done",
    "todo_needs",
    "todo_serve",
    "hard_to_employ",
    "hard_to_employ_visited",
)
# The segments of the "not yet done first" order: each a condition that excludes the segments
# before it, with the tally count of its persons.
TODO_SEGMENTS = (
    ("not_verified", STATUS_Q["not_verified"]),
    ("todo_needs", VERIFIED & STATUS_Q["needs_missing"]),
    ("todo_serve", VERIFIED & STATUS_Q["not_served"]),
    ("done", STATUS_Q["done"]),
)

# The same statuses and segments as conditions on the columns ``with_case`` annotates, for the
# worklist's pages: each reads the one LEFT JOIN of the yearly case. The conditions above go
# through the relation, and Django writes a second (inner) join for a positive one and a NOT
# EXISTS subquery over persons and cases for a negated one, which leave PostgreSQL no plan but
# to build the whole town's list before the first 50 (issue 19). A person without a case has
# NULL in every ``case_*`` column: "not yes" is spelled out as NULL or another value.
_ROW_VERIFIED = Q(case_verified_on__isnull=False)
_ROW_REGISTERED = WANTS_WORK & Q(case_wants_work=WantsWork.YES)
_ROW_NOT_REGISTERED = WANTS_WORK & (
    Q(case_wants_work__isnull=True) | ~Q(case_wants_work=WantsWork.YES)
)
PAGE_STATUS_Q = {
    "not_verified": Q(case_verified_on__isnull=True),
    "needs_missing": _ROW_NOT_REGISTERED,
    "not_served": _ROW_REGISTERED & Q(case_served_on__isnull=True),
    "done": _ROW_VERIFIED & (~WANTS_WORK | (_ROW_REGISTERED & Q(case_served_on__isnull=False))),
}
PAGE_SEGMENTS = (
    ("not_verified", PAGE_STATUS_Q["not_verified"]),
    ("todo_needs", _ROW_VERIFIED & _ROW_NOT_REGISTERED),
    ("todo_serve", _ROW_VERIFIED & PAGE_STATUS_Q["not_served"]),
    ("done", PAGE_STATUS_Q["done"]),
)
_POPULATION_COUNTS = {
    **COVERAGE_COUNTS,
    **{status: Count("pk", filter=STATUS_Q[status]) for status in WORKLIST_STATUSES},
    **{key: Count("pk", filter=q) for key, q in TODO_SEGMENTS[1:3]},
}


def counts_by_village(
    *, codes: list[str] | None, region: Region, year: int, on: dt.date
) -> dict[str, dict[str, int]]:
    """The tally counts of the persons of a region (only of the villages ``codes`` when
    given), per village, on a day: two grouped queries (the coverage query grouped by village
    with the status counts, and the hard-to-employ one)."""
    base = Person.objects.all()
    if codes is not None:
        base = base.filter(region_id__in=codes)
    working = working_age_persons(region=region, on=on, queryset=base).filter(alive_on_q(on))
    with _probing(codes):
        return _counts_of_working(working, year, on)


def counts_of_persons(
    *, person_ids: list[Any], year: int, on: dt.date
) -> dict[str, dict[str, int]]:
    """What these persons add to the tallies of their villages (as they are now in the
    database), per village: ``counts_by_village`` restricted to them, read by primary key. A
    write's delta is this after the write minus this before it (services/tallies.py)."""
    working = (
        registered_persons(queryset=Person.objects.filter(pk__in=person_ids))
        .filter(working_age_q(on))
        .filter(alive_on_q(on))
    )
    return _counts_of_working(working, year, on)


def _counts_of_working(
    working: QuerySet[Person], year: int, on: dt.date
) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TALLY_COUNTS, 0))
    unemployed = with_case(working.exclude(employed_on_q(on)), year)
    hard = with_case(
        working.filter(hard_to_employ_date__isnull=False, hard_to_employ_date__lte=on), year
    )
    for row in unemployed.values("region_id").order_by("region_id").annotate(**_POPULATION_COUNTS):
        found[row.pop("region_id")].update(row)
    for row in (
        hard.values("region_id")
        .order_by("region_id")
        .annotate(
            hard_to_employ=Count("pk"),
            hard_to_employ_visited=Count("pk", filter=Q(yearcase__last_visit_on__isnull=False)),
        )
    ):
        found[row.pop("region_id")].update(row)
    return found


# Up to this many villages, a refresh probes indexes person by person (see _probing).
PROBE_VILLAGES = 6


@contextmanager
def _probing(codes: list[str] | None) -> Iterator[None]:
    """On PostgreSQL, for the refresh of a few villages (the one written to since the last
    read), join by index probes only: with ~10,000 persons in a village the planner prefers
    to hash every open employment record and every yearly case of the district (≈ 150,000 and
    600,000 rows at 1M persons) for the anti join and the case join, which made the first
    coverage read after a write cost about the whole district's refresh (issue 19, ADR 0005).
    Hash and merge joins are switched off for these two statements only, and back on after
    (session settings, not SET LOCAL: the caller's transaction may go on to other work)."""
    if connection.vendor != "postgresql" or codes is None or len(codes) > PROBE_VILLAGES:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET enable_hashjoin = off; SET enable_mergejoin = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_hashjoin; RESET enable_mergejoin")


@dataclass
class StoredTallies:
    """What one query tells about a region's tallies: its villages, and their tallies of every
    year with a flag for those marked dirty."""

    villages: list[str]
    tallies: list[CoverageTally]

    def of_year(self, year: int) -> list[CoverageTally]:
        return [t for t in self.tallies if t.year == year]

    def fresh(self, year: int, on: dt.date) -> bool:
        rows = self.of_year(year)
        good = {t.village_id for t in rows if t.as_of == on and not t.dirty}
        return len(good) == len(rows) and good.issuperset(self.villages)

    def counted(self, year: int, on: dt.date) -> bool:
        """Every village has a tally of the year for this reference day, marked or not: what a
        reader may show while another process recounts the marked ones."""
        rows = self.of_year(year)
        return all(t.as_of == on for t in rows) and {t.village_id for t in rows}.issuperset(
            self.villages
        )


def stored_tallies(region: Region) -> StoredTallies:
    """The region's villages left-joined to their tallies (every year), one query."""
    fields = ["year", "as_of", "refreshed_at", *TALLY_COUNTS]
    rows = (
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=region.prefix)
        .annotate(dirty=Exists(DirtyRegion.objects.filter(code=OuterRef("code"))))
        .order_by("code", "coverage_tallies__year")
        .values("code", "dirty", *(f"coverage_tallies__{f}" for f in fields))
    )
    stored = StoredTallies(villages=[], tallies=[])
    for row in rows:
        if not stored.villages or stored.villages[-1] != row["code"]:
            stored.villages.append(row["code"])
        if row["coverage_tallies__year"] is not None:
            tally = CoverageTally(
                village_id=row["code"], **{f: row[f"coverage_tallies__{f}"] for f in fields}
            )
            tally.dirty = row["dirty"]
            stored.tallies.append(tally)
    return stored


def village_tallies(
    *, region: Region, year: int, today: dt.date | None = None
) -> list[CoverageTally]:
    """The region's village tallies for a year, refreshed first when any is dirty, missing or
    of another reference day: one query when they are fresh. While a recount is under way a
    page is shown the last counts (``counted_before_recount``), unless the read waits for it
    (``core.tallies.reading(wait=True)``)."""
    return _tallies_of(region=region, year=year, today=today, stored=stored_tallies(region))


def _tallies_of(
    *, region: Region, year: int, today: dt.date | None, stored: StoredTallies
) -> list[CoverageTally]:
    """``village_tallies`` from the tallies ``stored`` (just read)."""
    if stored.fresh(year, reference_date(year, today)):
        return stored.of_year(year)
    # A read-through cache: the write is the services'.
    from jiuye.casework.services.tallies import tallies_bring_up_to_date

    rows = tallies_bring_up_to_date(
        region=region,
        year=year,
        today=today,
        stored=stored,
        everything=False,
        wait=core_tallies.waits_for_recount(),
    )[0]
    # What a kept page or a report built from these counts says of them (core.tallies.reading).
    core_tallies.shown_as_counted(counted_before_recount(rows))
    return rows


def counted_before_recount(tallies: list[CoverageTally]) -> dt.datetime | None:
    """When the oldest of these tallies was counted, if any is shown as last counted while its
    village, marked since, waits for the recount (``tallies_bring_up_to_date`` with
    ``wait=False``); None when every one is up to date. What the pages tell their users."""
    stale = [t.refreshed_at for t in tallies if getattr(t, "dirty", False)]
    return min(stale) if stale else None


def _sum_tallies(rows: list[CoverageTally]) -> dict[str, int]:
    return {key: sum(getattr(row, key) for row in rows) for key in TALLY_COUNTS}


def coverage(*, region: Region, year: int, today: dt.date | None = None) -> Coverage:
    """``coverage_live`` read from the village tallies: a row per town (for a district or
    above) or per village (for a town), every child region even with nobody in it."""
    on = reference_date(year, today)
    child_level = Region.Level.TOWN if region.level < Region.Level.TOWN else Region.Level.VILLAGE
    length = Region.PREFIX_LENGTH[child_level]
    counts: dict[str, CoverageRow] = defaultdict(lambda: CoverageRow("", ""))
    tallies = village_tallies(region=region, year=year, today=today)
    for tally in tallies:
        counts[tally.village_id[:length]].add(tally)
    children = Region.objects.filter(level=child_level, code__startswith=region.prefix).order_by(
        "code"
    )
    result = Coverage(
        region=region,
        year=year,
        on=on,
        total=CoverageRow(region.code, region.name),
        counted_at=counted_before_recount(tallies),
    )
    for child in children:
        row = CoverageRow(child.code, child.name)
        if child.prefix in counts:
            row.add(counts[child.prefix])
        result.rows.append(row)
        result.total.add(row)
    return result


class Segments:
    """A list of persons made of querysets walked in order, each with its length known ahead
    (from the tallies): what ``Paginator`` needs (``count`` and slicing) without a COUNT over
    the population, and a page that touches only the segments its offset falls in."""

    ordered = True

    def __init__(
        self,
        segments: list[tuple[QuerySet[Person], int]],
        counted_at: dt.datetime | None = None,
    ) -> None:
        self.segments = segments
        # The sizes came from tallies shown as last counted (``counted_before_recount``).
        self.counted_at = counted_at

    def count(self) -> int:
        return sum(size for _qs, size in self.segments)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Person]:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("Segments only support contiguous slices")
        start = key.start or 0
        stop = self.count() if key.stop is None else key.stop
        found: list[Person] = []
        offset = 0
        for qs, size in self.segments:
            if start < offset + size and stop > offset and size:
                found.extend(qs[max(start - offset, 0) : min(stop - offset, size)])
            offset += size
            if offset >= stop:
                break
        return found


def worklist_counts(*, region: Region, year: int, today: dt.date | None = None) -> dict[str, int]:
    """The worklist's numbers for a town or village (everyone, each status, each segment of
    the "not yet done first" order), from the tallies."""
    return _sum_tallies(village_tallies(region=region, year=year, today=today))


def worklist_pages(
    *,
    queryset: QuerySet[Person],
    region: Region,
    year: int,
    status: str = "",
    order: str = "village",
    today: dt.date | None = None,
) -> Segments:
    """``worklist`` for a Paginator: the same persons in the same order, counted from the
    tallies, and the "not yet done first" order served segment by segment (each by village
    and name, so a page stops early on the index) rather than by a CASE over everyone. The
    statuses and segments are ``PAGE_STATUS_Q``/``PAGE_SEGMENTS``: STATUS_Q's persons, read
    from the one case join.
    ``queryset`` must not be narrower than ``region`` (the counts are the region's)."""
    tallies = village_tallies(region=region, year=year, today=today)
    counts, counted_at = _sum_tallies(tallies), counted_before_recount(tallies)
    base = worklist(queryset=queryset, region=region, year=year, today=today)
    if status:
        segments = [(base.filter(PAGE_STATUS_Q[status]), counts[status])]
    elif order == "todo":
        segments = [(base.filter(q), counts[key]) for key, q in PAGE_SEGMENTS]
    else:
        segments = [(base, counts["unemployed"])]
    return Segments(segments, counted_at)
