"""Reads for the leaders' overview: every plan indicator of a year for the district (or one
town) with its target, the change from last year and the towns furthest behind, and the figures
of its charts, in a few statements (``core.indicators.prefetch_many``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from jiuye.actionplan.models import Action, IndicatorTarget, Plan
from jiuye.actionplan.selectors import IndicatorRow, indicator_rows, records_link
from jiuye.core.access import may_open
from jiuye.core.indicators import Indicator, keep_values, prefetch_many, registry
from jiuye.core.kept import Kept, kept
from jiuye.employers.indicators import PUBLIC_KINDS
from jiuye.employers.models import Declaration, DeclarationStatus
from jiuye.employers.services.levy import ENTERPRISE_KINDS
from jiuye.employment.models import EmploymentForm
from jiuye.jobs.models import Referral
from jiuye.jobs.selectors.referrals import placements
from jiuye.people.selectors import persons_in_region
from jiuye.reference.models import Region
from jiuye.reference.selectors import district_and_towns

# The trend chart's indicators: the plan's headline counts of persons, one unit (人).
TREND_CODES = (
    "jobs.placements",
    "employers.quota_employed",
    "training.persons_trained",
    "programs.aux_members",
)
# What the towns are compared on unless the reader chooses another indicator.
DEFAULT_TOWN_CODE = "jobs.placements"
# How many towns "furthest behind" names for each indicator.
BEHIND = 3
# Placements by target group: the jobs figures that count them (the indicators of 四–八).
GROUP_CODES = (
    "jobs.placements_graduates",
    "jobs.placements_rural",
    "jobs.placements_hard_to_employ",
    "jobs.placements_blind",
    "jobs.placements_new_forms",
)
CHARTS = ("trend", "towns", "registry", "quota", "groups", "forms")


def _progress(actual: Decimal, target: Decimal | None) -> Decimal | None:
    if not target:
        return None
    return (actual / target * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class TownFigure:
    town: Region
    actual: Decimal
    target: Decimal | None
    records_url: str | None = None

    @property
    def progress(self) -> Decimal | None:
        return _progress(self.actual, self.target)

    @property
    def actual_text(self) -> str:
        return _number(self.actual)

    @property
    def target_text(self) -> str:
        return _number(self.target)


@dataclass
class Line:
    """One indicator on the overview: the year's row, last year's value, the towns behind."""

    row: IndicatorRow
    previous: Decimal | None
    towns: list[TownFigure] = field(default_factory=list)

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    @property
    def actual_text(self) -> str:
        return _number(self.row.actual)

    @property
    def target_text(self) -> str:
        return _number(self.row.target)

    @property
    def frozen_text(self) -> str:
        return _number(self.row.frozen)

    @property
    def previous_text(self) -> str:
        return _number(self.previous)

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.row.actual - self.previous

    @property
    def change_text(self) -> str:
        """The change in words and signs ("↑ 12"), never by colour alone."""
        change = self.change
        if change is None:
            return "—"
        if change > 0:
            return f"↑ +{_number(change)}"
        if change < 0:
            return f"↓ {_number(change)}"
        return _("→ 持平")

    @property
    def status(self) -> tuple[str, str]:
        """(key, label) in words with a symbol: met, behind, or no target; an indicator where
        lower is better has met its target when it stays at or below it."""
        met = self.row.met
        if met is None:
            return "none", _("○ 未设目标")
        if met:
            return "met", _("✔ 已达到目标")
        return "behind", _("▲ 未达到目标")

    @property
    def behind(self) -> list[TownFigure]:
        """The towns furthest behind: the lowest progress against their own targets first,
        then, among towns without a target, the lowest actual (the highest where lower is
        better)."""
        sign = 1 if self.indicator.higher_is_better else -1
        with_target = sorted(
            (t for t in self.towns if t.progress is not None),
            key=lambda t: (t.progress * sign, t.town.code),
        )
        without = sorted(
            (t for t in self.towns if t.progress is None),
            key=lambda t: (t.actual * sign, t.town.code),
        )
        return (with_target + without)[:BEHIND]


@dataclass
class Section:
    number: int
    numeral: str
    title: str
    lines: list[Line]


@dataclass
class Chart:
    """A chart and its table: the same numbers drawn, listed, summarised and exported."""

    key: str
    title: str
    summary: str
    columns: list[str]  # the table's header: the row label's, then one per series
    rows: list[tuple[str, list[Any]]]  # (label, one value per series)
    kind: str = "bar"  # bar (horizontal), line, stacked
    unit: str = ""
    drawn: int = 0  # how many series the chart draws (0: every column; the table may add more)

    @property
    def table(self) -> list[tuple[str, list[str]]]:
        """The rows as the page's table shows them (numbers as text, "—" for none)."""
        return [(label, [_number(v) for v in values]) for label, values in self.rows]

    @property
    def script_id(self) -> str:
        return f"chart-{self.key}-data"

    def data(self) -> dict[str, Any]:
        """What the page's script draws (json_script)."""
        names = self.columns[1:]
        return {
            "title": self.title,
            "kind": self.kind,
            "unit": self.unit,
            "names": [label for label, _v in self.rows],
            "series": [
                {"name": name, "data": [_plain(values[i]) for _l, values in self.rows]}
                for i, name in enumerate(names[: self.drawn or len(names)])
            ],
        }


@dataclass
class Overview:
    plan: Plan
    year: int
    region: Region
    towns: list[Region]
    sections: list[Section]
    charts: list[Chart]
    town_code: str
    frozen: bool
    kept: Kept | None = None  # when and how the figures were computed (core.kept)


def _number(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def _plain(value: Any) -> Any:
    """A number as JSON carries it (Decimal is not JSON)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def plan_actions(plan: Plan) -> dict[int, Action]:
    return {a.number: a for a in Action.objects.filter(plan=plan).order_by("number")}


def _targets(regions: list[Region], years: list[int]) -> dict[tuple[str, int, str], Decimal]:
    return {
        (t.indicator_code, t.year, t.region_id): t.value
        for t in IndicatorTarget.objects.filter(
            year__in=years, region__in=[r.code for r in regions]
        ).only("indicator_code", "year", "region_id", "value")
    }


class _Reads(dict):
    """A region's kept figures that note which were asked for."""

    def __init__(self, kept: dict[Any, Any]) -> None:
        super().__init__(kept)
        self.read: set[Any] = set()

    def __contains__(self, key: object) -> bool:
        self.read.add(key)
        return super().__contains__(key)


def _keys_read(indicators: list[Indicator], region: Region, year: int) -> set[str]:
    """The figure keys (apps) ``indicators`` read for ``region`` in ``year``, found by computing
    them once more from the figures already kept on it (no query)."""
    probe = Region(code=region.code, name=region.name, level=region.level)
    kept = _Reads(region.__dict__.get("_indicator_figures", {}))
    probe.__dict__["_indicator_figures"] = kept
    for indicator in indicators:
        indicator.value(probe, year)
    return {key[0] for key in kept.read if isinstance(key, tuple) and len(key) >= 2}


# Stands for a town's code while one indicator's records address is built for all its towns.
_TOWN_MARK = "qTOWNMARKq00"


def town_links(
    ind: Indicator,
    towns: list[Region],
    year: int,
    *,
    drill_down: bool,
    viewer: Any = None,
    allowed: dict[str, bool] | None = None,
) -> list[str | None]:
    """``records_link`` of ``ind`` for each of ``towns`` (one level, one parent), built once:
    the address for a stand-in town whose code is a mark, then the mark replaced by each town's
    code. Used only when the stand-in's address, with the first town's code put in, is exactly
    the first town's own (so the address depends on the town through its code alone: a stand-in
    has another name and no other code-derived value); otherwise each town's is built alone.
    Whether the viewer may open it is asked once when the mark is only in the query, and kept
    by path in ``allowed`` (one dict per viewer) for the next indicator of the same page."""
    if not drill_down or ind.records_url is None or not towns:
        return [None] * len(towns)
    first = towns[0]
    stand_in = Region(
        code=_TOWN_MARK,
        name=_TOWN_MARK,
        level=first.level,
        parent_id=first.parent_id,
        disabled_at=first.disabled_at,
    )
    try:
        template = ind.records_url(stand_in, year)
    except Exception:  # an address built from something the stand-in lacks
        template = ""
    own = ind.records_url(first, year)
    path = template.split("?", 1)[0]
    if (
        any(t.level != first.level or t.parent_id != first.parent_id for t in towns)
        or template.replace(_TOWN_MARK, first.code) != own
        or _TOWN_MARK in path
    ):
        return [records_link(ind, t, year, drill_down=drill_down, viewer=viewer) for t in towns]
    if viewer is not None:
        allowed = {} if allowed is None else allowed
        if path not in allowed:
            allowed[path] = may_open(viewer, path)
        if not allowed[path]:
            return [None] * len(towns)
    return [own] + [template.replace(_TOWN_MARK, t.code) for t in towns[1:]]


# The overview's figures as kept (core.kept): built by this function, by dotted path.
FIGURES = "jiuye.dashboards.selectors.overview.overview_figures"


def overview_figures(*, plan: str, year: int, region: str, towns: bool) -> dict[str, Any]:
    """Everything the overview counts for one region and year, as JSON (``core.kept``): every
    indicator's value for the region in the year and the one before, for the towns (``towns``:
    the district's, compared) in the year, the trend chart's for the plan's other years, and the
    grouped counts of the registry, quota and forms charts."""
    district, all_towns = district_and_towns()
    place = next((r for r in (district, *all_towns) if r.code == region), None)
    return _figures(
        Plan.objects.get(pk=plan),
        year,
        place or Region.objects.get(code=region),
        list(all_towns) if towns else [],
    )


def figures_args(plan: Plan, year: int, region: Region, towns: list[Region]) -> dict[str, Any]:
    """The arguments of ``overview_figures`` for one overview (its kept row's key)."""
    return {"plan": str(plan.pk), "year": year, "region": region.code, "towns": bool(towns)}


def _figures(plan: Plan, year: int, region: Region, towns: list[Region]) -> dict[str, Any]:
    # Every figure of the year and the one before (the change) for the region, of the year for
    # the towns; of the plan's other years only what the trend chart reads.
    prefetch_many([(region, year - 1), (region, year)] + [(town, year) for town in towns])
    trend = [i for code in TREND_CODES if (i := registry.get(code)) is not None]
    others = [(region, y) for y in sorted(plan.years) if y not in (year - 1, year)]
    if others:
        prefetch_many(others, only=_keys_read(trend, region, year))
    every = registry.all()
    values: dict[str, dict[str, str]] = {}
    complete: list[str] = []
    # (region, year, indicators, whether they are every indicator of the pair)
    pairs = [(region, year - 1, every, True), (region, year, every, True)]
    pairs += [(town, year, every, True) for town in towns]
    pairs += [(region, y, trend, False) for _r, y in others]
    for place, y, indicators, whole in pairs:
        key = f"{place.code}|{y}"
        values[key] = {i.code: str(i.value(place, y)) for i in indicators}
        if whole:
            complete.append(key)
    return {
        "values": values,
        "complete": complete,
        "registry": registry_counts(region=region),
        "quota": quota_counts(region=region, year=year),
        "forms": forms_counts(region=region, year=year),
    }


def _keep(data: dict[str, Any], regions: list[Region]) -> None:
    """Put the kept values on the page's Region instances, where ``Indicator.value`` reads them."""
    by_code = {r.code: r for r in regions}
    complete = set(data["complete"])
    for key, values in data["values"].items():
        code, year = key.rsplit("|", 1)
        if code in by_code:
            keep_values(
                by_code[code],
                int(year),
                {c: Decimal(v) for c, v in values.items()},
                complete=key in complete,
            )


def overview(
    *,
    plan: Plan,
    year: int,
    region: Region,
    towns: list[Region],
    drill_down: bool,
    viewer: Any = None,
    town_code: str = DEFAULT_TOWN_CODE,
) -> Overview:
    """Everything the overview shows for ``region`` in ``year``: ``towns`` (the district's,
    or none for a town's own overview) are compared and ranked. The figures are read as kept
    (``core.kept``, at most ``JIUYE_FIGURES_MAX_AGE`` old, else being rebuilt); only the
    targets, frozen values and links are read live."""
    figures = kept(FIGURES, figures_args(plan, year, region, towns))
    _keep(figures.data, [region, *towns])
    # The region's rows as the plan dashboard builds them (its figures already fetched above).
    rows = indicator_rows(region=region, year=year, drill_down=drill_down, viewer=viewer)
    town_targets = _targets(towns, [year]) if towns else {}
    allowed: dict[str, bool] = {}  # may the viewer open a page, by path
    lines = []
    for row in rows:
        ind = row.indicator
        lines.append(
            Line(
                row=row,
                previous=ind.value(region, year - 1),
                towns=[
                    TownFigure(
                        t,
                        ind.value(t, year),
                        town_targets.get((ind.code, year, t.code)),
                        link,
                    )
                    for t, link in zip(
                        towns,
                        town_links(
                            ind,
                            towns,
                            year,
                            drill_down=drill_down,
                            viewer=viewer,
                            allowed=allowed,
                        ),
                        strict=True,
                    )
                ],
            )
        )
    actions = plan_actions(plan)
    by_action: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        by_action[line.indicator.action].append(line)
    sections = [
        Section(
            number,
            actions[number].numeral if number in actions else str(number),
            actions[number].title if number in actions else _("总体情况"),
            by_action[number],
        )
        for number in sorted(by_action)
    ]
    by_code = {line.indicator.code: line for line in lines}
    if registry.get(town_code) is None:
        town_code = DEFAULT_TOWN_CODE
    charts = [
        trend_chart(region=region, years=sorted(plan.years)),
        *([towns_chart(by_code[town_code], year=year)] if towns else []),
        registry_chart(region=region, counts=figures.data["registry"]),
        quota_chart(year=year, found=figures.data["quota"]),
        groups_chart(by_code, region=region, year=year),
        forms_chart(year=year, counts=figures.data["forms"]),
    ]
    return Overview(
        plan=plan,
        year=year,
        region=region,
        towns=towns,
        sections=sections,
        charts=charts,
        town_code=town_code,
        frozen=any(row.frozen is not None for row in rows),
        kept=figures,
    )


# --- charts -------------------------------------------------------------------------------


def trend_chart(*, region: Region, years: list[int]) -> Chart:
    """The headline counts by year (their figures already fetched for these years)."""
    indicators = [i for code in TREND_CODES if (i := registry.get(code)) is not None]
    rows = [(f"{y}", [i.value(region, y) for i in indicators]) for y in years]
    first, last = rows[0], rows[-1]
    parts = [
        _("%(name)s从%(a)s到%(b)s") % {"name": i.name, "a": _number(a), "b": _number(b)}
        for i, a, b in zip(indicators, first[1], last[1], strict=True)
    ]
    summary = _("%(r)s %(y1)s—%(y2)s年：%(parts)s（单位：人）。") % {
        "r": region.name,
        "y1": years[0],
        "y2": years[-1],
        "parts": "；".join(parts),
    }
    return Chart(
        key="trend",
        title=_("主要指标逐年变化"),
        summary=summary,
        columns=[_("年度"), *[str(i.name) for i in indicators]],
        rows=rows,
        kind="line",
        unit=_("人"),
    )


def towns_chart(line: Line, *, year: int) -> Chart:
    """The towns on one indicator, largest first (or smallest, where lower is better)."""
    ind = line.indicator
    sign = -1 if ind.higher_is_better else 1
    towns = sorted(line.towns, key=lambda t: (t.actual * sign, t.town.code))
    rows = [(t.town.name, [t.actual, t.target, t.progress]) for t in towns]
    if towns:
        summary = _(
            "%(y)s年各镇街%(name)s：%(top)s最多（%(a)s%(u)s），%(low)s最少（%(b)s%(u)s）。"
        ) % {
            "y": year,
            "name": ind.name,
            "top": max(towns, key=lambda t: t.actual).town.name,
            "a": _number(max(t.actual for t in towns)),
            "low": min(towns, key=lambda t: t.actual).town.name,
            "b": _number(min(t.actual for t in towns)),
            "u": ind.unit,
        }
    else:
        summary = _("没有镇街可比较。")
    return Chart(
        key="towns",
        title=_("各镇街比较：%(name)s") % {"name": ind.name},
        summary=summary,
        columns=[_("镇街"), _("实际值"), _("目标值"), _("完成进度（%）")],
        rows=rows,
        kind="bar",
        unit=str(ind.unit),
        drawn=1,  # the bars are the values; the table adds each town's target and progress
    )


def registry_counts(*, region: Region) -> list[list[Any]]:
    """The registered persons by disability category and grade (one grouped query), as rows of
    category id and name, grade id and name, and count."""
    return [
        [row["category_id"], row["category__name"], row["grade_id"], row["grade__name"], row["n"]]
        for row in persons_in_region(region=region)
        .values("category_id", "category__name", "grade_id", "grade__name")
        .order_by()
        .annotate(n=Count("pk"))
    ]


def registry_chart(*, region: Region, counts: list[list[Any]]) -> Chart:
    """The registered persons by disability category and grade (``registry_counts``)."""
    by_category: dict[str, dict[str, int]] = defaultdict(dict)
    grades: dict[str, str] = {}
    categories: dict[str, str] = {}
    for category_id, category_name, grade_id, grade_name, n in counts:
        category = category_id or ""
        grade = grade_id or ""
        categories[category] = category_name or _("未填写")
        grades[grade] = grade_name or _("未填写")
        by_category[category][grade] = by_category[category].get(grade, 0) + n
    counts_of = by_category
    grade_keys = sorted(grades, key=lambda g: (g == "", g))
    category_keys = sorted(categories, key=lambda c: (c == "", c))
    rows = [
        (
            categories[c],
            [counts_of[c].get(g, 0) for g in grade_keys] + [sum(counts_of[c].values())],
        )
        for c in category_keys
    ]
    total = sum(values[-1] for _l, values in rows)
    if rows:
        biggest = max(rows, key=lambda r: r[1][-1])
        summary = _("%(r)s登记残疾人共%(n)s人，%(c)s最多（%(m)s人）。") % {
            "r": region.name,
            "n": _number(total),
            "c": biggest[0],
            "m": _number(biggest[1][-1]),
        }
    else:
        summary = _("%(r)s尚无登记残疾人。") % {"r": region.name}
    return Chart(
        key="registry",
        title=_("登记残疾人：按类别和等级"),
        summary=summary,
        columns=[_("残疾类别"), *[grades[g] for g in grade_keys], _("合计")],
        rows=rows,
        kind="stacked",
        unit=_("人"),
        drawn=len(grade_keys),
    )


def quota_counts(*, region: Region, year: int) -> dict[str, int]:
    """Confirmed declarations of the year: units meeting the quota and all, for agencies and
    public institutions and for enterprises (one grouped query)."""
    public, enterprise = Q(employer__kind__in=PUBLIC_KINDS), Q(employer__kind__in=ENTERPRISE_KINDS)
    return Declaration.objects.filter(
        year=year,
        status=DeclarationStatus.CONFIRMED,
        employer__region__code__startswith=region.prefix,
    ).aggregate(
        public_met=Count("pk", filter=public & Q(met=True)),
        public_all=Count("pk", filter=public),
        enterprise_met=Count("pk", filter=enterprise & Q(met=True)),
        enterprise_all=Count("pk", filter=enterprise),
    )


def quota_chart(*, year: int, found: dict[str, int]) -> Chart:
    """Units meeting the quota and not (``quota_counts``)."""
    rows = [
        (
            _("机关、事业单位"),
            [found["public_met"], found["public_all"] - found["public_met"]],
        ),
        (
            _("企业"),
            [found["enterprise_met"], found["enterprise_all"] - found["enterprise_met"]],
        ),
    ]
    summary = _(
        "%(y)s年已确认的年审申报中，机关、事业单位%(pa)s个，达标%(pm)s个；企业%(ea)s家，达标%(em)s家。"
    ) % {
        "y": year,
        "pa": found["public_all"],
        "pm": found["public_met"],
        "ea": found["enterprise_all"],
        "em": found["enterprise_met"],
    }
    return Chart(
        key="quota",
        title=_("按比例安排就业达标情况"),
        summary=summary,
        columns=[_("单位类型"), _("达标"), _("未达标")],
        rows=rows,
        kind="stacked",
        unit=_("个"),
    )


def groups_chart(by_code: dict[str, Line], *, region: Region, year: int) -> Chart:
    """Placements of the year by target group: the jobs indicators' own figures."""
    lines = [by_code[code] for code in GROUP_CODES if code in by_code]
    total = by_code["jobs.placements"].row.actual if "jobs.placements" in by_code else None
    rows = [(str(line.indicator.name), [line.row.actual]) for line in lines]
    summary = _("%(y)s年%(r)s推荐实现就业%(n)s人，其中%(parts)s。") % {
        "y": year,
        "r": region.name,
        "n": _number(total),
        "parts": "，".join(f"{label}{_number(values[0])}人" for label, values in rows),
    }
    return Chart(
        key="groups",
        title=_("推荐就业：按重点人群"),
        summary=summary,
        columns=[_("人群"), _("人数")],
        rows=rows,
        kind="bar",
        unit=_("人"),
    )


def forms_counts(*, region: Region, year: int) -> dict[str, int]:
    """Placements of the year by the form of the job taken (one grouped query)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    referrals = Referral.objects.filter(person__region__code__startswith=region.prefix)
    return {
        row["employment_record__form"] or "": row["n"]
        for row in placements(referrals, start, end)
        .values("employment_record__form")
        .order_by()
        .annotate(n=Count("pk"))
    }


def forms_chart(*, year: int, counts: dict[str, int]) -> Chart:
    """Placements of the year by the form of the job taken (``forms_counts``)."""
    rows = [(str(label), [counts.get(value, 0)]) for value, label in EmploymentForm.choices]
    total = sum(counts.values())
    if total:
        top_value = max(counts, key=lambda k: (counts[k], k))
        summary = _("%(y)s年推荐就业%(n)s人，%(f)s最多（%(m)s人）。") % {
            "y": year,
            "n": _number(total),
            "f": dict(EmploymentForm.choices).get(top_value, top_value),
            "m": _number(counts[top_value]),
        }
    else:
        summary = _("%(y)s年尚无推荐就业。") % {"y": year}
    return Chart(
        key="forms",
        title=_("推荐就业：按就业形式"),
        summary=summary,
        columns=[_("就业形式"), _("人数")],
        rows=rows,
        kind="bar",
        unit=_("人"),
    )
