"""The indicator registry: plan indicators are code, declared by each app in `indicators.py`.

An indicator is a named function of a region and a year computed from operational records, so a
figure on the dashboard is never typed in twice. Each also says where its records are listed, so
every figure can link to the rows behind it (scoped to the viewer by that list page).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import IntegerField, QuerySet, Subquery
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:  # only named in annotations: core imports no app
    from jiuye.reference.models import Region

Compute = Callable[["Region", int], int | Decimal]
DrillDown = Callable[["Region", int], str]
# An app's figures of a region and year as SQL expressions (CountOf …), by name.
Figures = Callable[["Region", int], dict[str, Any]]
# An app's shared figures of many (region, year) pairs at once, kept on each Region instance
# (``keep_figures``) under the key its indicators read them with: a page comparing towns and
# years pays one query for them, not one per pair.
Batch = Callable[[list[tuple["Region", int]]], None]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    name_en: str
    unit: str | Promise
    action: int  # the plan action (1–10) it serves; 0 for general figures
    compute: Compute
    records_url: DrillDown | None = None
    # Higher is better for almost every figure; a rate of something bad would say False.
    higher_is_better: bool = True

    def value(self, region: Region, year: int) -> Decimal:
        kept = region.__dict__.get("_indicator_values", {}).get(year)
        if kept is not None and self.code in kept:
            return kept[self.code]
        return Decimal(self.compute(region, year))


class IndicatorRegistry:
    def __init__(self) -> None:
        self._items: dict[str, Indicator] = {}
        self._statements: dict[str, Figures] = {}
        self._batches: dict[str, Batch] = {}
        self._discovered = False

    def register(self, indicator: Indicator) -> Indicator:
        if indicator.code in self._items and self._items[indicator.code] != indicator:
            raise ValueError(f"indicator {indicator.code!r} is registered twice")
        self._items[indicator.code] = indicator
        return indicator

    def register_figures(self, key: str, build: Figures) -> Figures:
        if self._statements.get(key, build) is not build:
            raise ValueError(f"figures {key!r} are registered twice")
        self._statements[key] = build
        return build

    def register_batch(self, key: str, build: Batch) -> Batch:
        if self._batches.get(key, build) is not build:
            raise ValueError(f"batch {key!r} is registered twice")
        self._batches[key] = build
        return build

    def batches(self) -> list[tuple[str, Batch]]:
        self._discover()
        return list(self._batches.items())

    def figure_keys(self) -> list[str]:
        self._discover()
        return list(self._statements)

    def figures(self, key: str) -> Figures:
        self._discover()
        return self._statements[key]

    def _discover(self) -> None:
        if not self._discovered:
            self._discovered = True
            autodiscover_modules("indicators")

    def all(self) -> list[Indicator]:
        self._discover()
        return sorted(self._items.values(), key=lambda i: (i.action, i.code))

    def get(self, code: str) -> Indicator | None:
        self._discover()
        return self._items.get(code)

    def for_action(self, number: int) -> list[Indicator]:
        return [i for i in self.all() if i.action == number]

    def choices(self) -> list[tuple[str, str]]:
        return [(i.code, f"{i.name}（{i.code}）") for i in self.all()]


registry = IndicatorRegistry()


def indicator(
    *,
    code: str,
    name: str | Promise,
    name_en: str,
    unit: str | Promise,
    action: int,
    records_url: DrillDown | None = None,
    higher_is_better: bool = True,
) -> Callable[[Compute], Compute]:
    """Decorator for an app's indicators.py: registers the function as an indicator."""

    def decorate(fn: Compute) -> Compute:
        registry.register(
            Indicator(
                code=code,
                name=name,
                name_en=name_en,
                unit=unit,
                action=action,
                compute=fn,
                records_url=records_url,
                higher_is_better=higher_is_better,
            )
        )
        return fn

    return decorate


def shared_figures(region: Region, key: Any, compute: Callable[[], Any]) -> Any:
    """Figures several indicators read from one query, computed once per Region instance.

    The dashboard passes one Region to every indicator, so indicators of one app that share an
    aggregate cost one query together; a new request (a new instance) computes afresh, the way
    Django keeps a prefetch on an instance."""
    cache: dict[Any, Any] = region.__dict__.setdefault("_indicator_figures", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def keep_figures(region: Region, key: Any, value: Any) -> None:
    """Keep ``value`` on ``region`` as ``shared_figures(region, key, …)`` would have computed it
    (a batch computed it for many regions at once)."""
    region.__dict__.setdefault("_indicator_figures", {})[key] = value


def keep_values(
    region: Region, year: int, values: dict[str, Decimal], *, complete: bool = False
) -> None:
    """Keep indicator values of ``region`` in ``year`` (by code) on the instance, as computed
    earlier (``core.kept``): ``Indicator.value`` returns them without computing. ``complete``
    says every indicator's value is there, so ``prefetch_figures`` and ``prefetch_many`` skip
    the pair."""
    region.__dict__.setdefault("_indicator_values", {}).setdefault(year, {}).update(values)
    if complete:
        region.__dict__.setdefault("_indicator_complete", set()).add(year)


def _values_kept(region: Region, year: int) -> bool:
    return year in region.__dict__.get("_indicator_complete", ())


def declare_batch(key: str) -> Callable[[Batch], Batch]:
    """Decorator for an app's indicators.py: how the app's shared figures (``shared_figures``)
    of many (region, year) pairs are computed in one query and kept with ``keep_figures``.
    ``prefetch_many`` calls it; each indicator still reads its figure as on its own, so a batch
    that misses a pair costs only that pair's own queries."""

    def decorate(build: Batch) -> Batch:
        return registry.register_batch(key, build)

    return decorate


class CountOf(Subquery):
    """``(SELECT count(*) FROM (<queryset>))`` as an expression, so one statement can carry the
    counts of several tables: an app's figures for the dashboard in a single round trip. The
    queryset should select one column (``.values("pk")``, or ``.values("x").distinct()`` to count
    distinct values)."""

    template = "(SELECT count(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet[Any]) -> None:
        super().__init__(queryset.order_by())


def page_url(name: str, **query: Any) -> DrillDown:
    """An indicator's records: the list page ``name`` (a URL name taking no arguments), with
    ``query`` in its address; a value ``"year"`` stands for the indicator's year."""

    def url(region: Region, year: int) -> str:
        values = {k: (year if v == "year" else v) for k, v in query.items()}
        suffix = f"?{urlencode(values)}" if values else ""
        return f"{reverse(name)}{suffix}"

    return url


def declare_figures(key: str) -> Callable[[Figures], Figures]:
    """Decorator for an app's indicators.py: the app's figures of a region and year as
    expressions, one per name, that read nothing of the row they annotate (scalar subqueries
    such as ``CountOf``). Indicators read them with ``figures_of``; the dashboard first asks
    ``prefetch_figures`` for every app's in a single statement."""

    def decorate(build: Figures) -> Figures:
        return registry.register_figures(key, build)

    return decorate


def _evaluate(region: Region, year: int, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The figures of ``keys`` in one statement: one row of scalar subqueries."""
    names: dict[str, tuple[str, str]] = {}
    expressions: dict[str, Any] = {}
    for key in keys:
        for name, expression in registry.figures(key)(region, year).items():
            alias = f"figure_{len(expressions)}"
            names[alias] = (key, name)
            expressions[alias] = expression
    out: dict[str, dict[str, Any]] = {key: {} for key in keys}
    if expressions:
        # One row of the region's own table carries the subqueries (core names no app's model).
        row = type(region)._default_manager.filter(pk=region.pk)
        row = row.annotate(**expressions).values(*expressions)
        for alias, value in row.get().items():
            key, name = names[alias]
            out[key][name] = value
    return out


def figures_of(region: Region, year: int, key: str) -> dict[str, Any]:
    """The figures an app declared under ``key`` (``@declare_figures(key)``), by name; one statement
    unless the dashboard already fetched them with every other app's."""
    return shared_figures(region, (key, year), lambda: _evaluate(region, year, [key])[key])


def prefetch_figures(region: Region, year: int) -> None:
    """Every app's declared figures of a region and year in a single statement, kept on the
    Region instance for ``figures_of``: the plan dashboard pays one round trip for all of
    them, not one per app."""
    if _values_kept(region, year):
        return
    cache: dict[Any, Any] = region.__dict__.setdefault("_indicator_figures", {})
    keys = [key for key in registry.figure_keys() if (key, year) not in cache]
    for key, values in _evaluate(region, year, keys).items():
        cache[(key, year)] = values


def prefetch_many(pairs: list[tuple[Region, int]], only: Collection[str] | None = None) -> None:
    """Every indicator figure of many (region, year) pairs in a few statements: the declared
    figures of every app, then each app's batch (``declare_batch``). Regions of one level under
    a region also asked for (the towns under the district) are counted together: each figure
    the ancestor builds is one grouped count over all of them (``_grouped_term``), so the
    statement grows with the figures, not with the towns; what cannot be grouped, and the
    pairs with no such ancestor, are a row per pair in one ``UNION ALL``. The overview compares
    towns and years with this; each Region instance keeps its figures, so ``Indicator.value``
    afterwards reads memory. ``only`` limits it to the figures and batches of those keys
    (``values_by_region``)."""
    wanted = [key for key in registry.figure_keys() if only is None or key in only]
    pairs = [(region, year) for region, year in pairs if not _values_kept(region, year)]
    todo = []
    for region, year in pairs:
        cache: dict[Any, Any] = region.__dict__.setdefault("_indicator_figures", {})
        keys = [key for key in wanted if (key, year) not in cache]
        if keys:
            todo.append((region, year, keys))
    if todo:
        keys = todo[0][2]
        if all(item[2] == keys for item in todo):
            _evaluate_many(todo, keys, _ancestors(todo, [region for region, _year in pairs]))
        else:  # some pairs were partly fetched before: each on its own
            for region, year, own_keys in todo:
                for key, values in _evaluate(region, year, own_keys).items():
                    keep_figures(region, (key, year), values)
    for key, batch in registry.batches():
        if pairs and (only is None or key in only):
            batch(list(pairs))


def values_by_region(indicator: Indicator, regions: list[Region], year: int) -> dict[str, Decimal]:
    """``indicator``'s value for each region (by code), from the indicator's own function, in a
    few queries whatever the number of regions: the first region is computed alone, which
    shows the figures the indicator reads (the keys it leaves on the instance); only those are
    then fetched for all the others at once (``prefetch_many``), and the function reads them
    from there. A map of one indicator by town pays for that indicator, not for all of them."""
    if not regions:
        return {}
    first, rest = regions[0], list(regions[1:])
    values = {first.code: indicator.value(first, year)}
    read = first.__dict__.get("_indicator_figures", {})
    touched = {key[0] for key in read if isinstance(key, tuple) and len(key) >= 2}
    if rest and touched:
        prefetch_many([(region, year) for region in rest], only=touched)
    for region in rest:
        values[region.code] = indicator.value(region, year)
    return values


# The compiled statements of ``_evaluate_many``, by the pairs, apps and day they were built for.
# Building and compiling scalar subqueries costs the ORM far more Python than the database
# spends running small ones, so the text is kept and run again: the figures are always read
# live, only the SQL text is reused. It embeds what the apps read while building it (the
# working-age rule, the day), so it lives for ``COMPILED_SECONDS`` and never past the day it
# was made on.
COMPILED_SECONDS = 60.0
_COMPILED: dict[Any, tuple[float, Compiled]] = {}
_COMPILED_MAX = 64


def compiled_figures_clear() -> None:
    _COMPILED.clear()


@dataclass
class Compiled:
    """The two statements of ``_evaluate_many``.

    ``rows``: one row per pair (``figure_pair``, then each figure as ``figure_<n>``), a
    ``UNION ALL``; ``names`` the figure of each column, ``converters`` what Django applies to
    the values read. A figure counted for a whole group of regions at once (``grouped``) is
    NULL there.

    ``grouped``: the figures of regions of one level under a common ancestor, each counted in
    one pass for all of them: ``(term, part, count)`` rows, ``part`` the region code prefix;
    ``terms`` the (group, key, name) of each term and ``groups`` the todo indexes of each
    group; ``sums`` the terms whose parts add up to the figure of a group's ancestor (its todo
    index), when the ancestor is asked for in the same year."""

    rows_sql: str | None
    rows_params: tuple[Any, ...]
    names: dict[str, tuple[str, str]]
    converters: Any
    grouped_sql: str | None
    grouped_params: tuple[Any, ...]
    terms: list[tuple[int, str, str]]
    groups: list[list[int]]
    sums: list[tuple[int, int]]


def _ancestors(
    todo: list[tuple[Region, int, list[str]]], regions: list[Region]
) -> dict[int, Region]:
    """For each pair of ``todo`` that can be counted with others of its level: the nearest
    region of ``regions`` above it (a region is a code prefix of its own). Pairs alone in
    their (ancestor, year, level) are left out, as are pairs with no ancestor here."""
    above: dict[int, Region] = {}
    for index, (region, _year, _keys) in enumerate(todo):
        candidates = [
            r
            for r in regions
            if len(r.prefix) < len(region.prefix) and region.prefix.startswith(r.prefix)
        ]
        if candidates:
            above[index] = max(candidates, key=lambda r: len(r.prefix))
    sizes: dict[tuple[str, int, int], int] = {}
    for index, ancestor in above.items():
        group = (ancestor.code, todo[index][1], len(todo[index][0].prefix))
        sizes[group] = sizes.get(group, 0) + 1
    return {
        index: ancestor
        for index, ancestor in above.items()
        if sizes[(ancestor.code, todo[index][1], len(todo[index][0].prefix))] > 1
    }


def _prefix_lookups(node: Any, prefix: str) -> list[Any]:
    """The ``startswith`` lookups of ``prefix`` that every row of a WHERE tree must pass (those
    in AND nodes, not negated)."""
    from django.db.models.lookups import StartsWith
    from django.db.models.sql.where import AND, WhereNode

    if node.negated or (node.connector != AND and len(node.children) > 1):
        return []
    found = []
    for child in node.children:
        if isinstance(child, WhereNode):
            found.extend(_prefix_lookups(child, prefix))
        elif isinstance(child, StartsWith) and child.rhs == prefix:
            found.append(child)
    return found


def _grouped_term(expression: Any, prefix: str, length: int, connection: Any) -> Any:
    """``expression`` (a ``CountOf`` built for the region of ``prefix``) counted for every
    region under it at once: its rows grouped by their region's code cut to ``length``, as
    ``(sql, params)`` of ``SELECT part, count(*) … GROUP BY part``; None when that would not
    count the same rows as the expression built for each of them (the region enters anywhere
    but one ``startswith`` filter every row passes, or the query groups, slices or combines)."""
    from django.db.models.functions import Substr

    if not isinstance(expression, CountOf):
        return None
    query = expression.query
    if query.combinator or query.group_by is not None or query.is_sliced:
        return None
    lookups = _prefix_lookups(query.where, prefix)
    if len(lookups) != 1:
        return None
    grouped = query.clone()
    grouped.add_annotation(Substr(lookups[0].lhs, 1, length), "figure_part", select=True)
    try:
        sql, params = grouped.get_compiler(connection=connection).as_sql()
    except Exception:  # e.g. a reference to an outer query: only valid as a subquery
        return None
    # The region must enter only through that one filter, or the count of a part would not be
    # the count built for that part's region.
    if sum(1 for p in params if isinstance(p, str) and prefix in p) != 1:
        return None
    # Compiled text of Django's own query and an integer: nothing the user typed.
    return (
        f"SELECT %s AS figure_term, figure_rows.figure_part, COUNT(*) FROM ({sql}) figure_rows "  # noqa: S608
        "GROUP BY figure_rows.figure_part",
        tuple(params),
    )


def _compile_many(
    todo: list[tuple[Region, int, list[str]]], keys: list[str], above: dict[int, Region]
) -> Compiled:
    """Both statements of ``_evaluate_many``, compiled. A group's ancestor builds each app's
    figures once; each figure it can count for the whole group (``_grouped_term``) is one term
    of the grouped statement, and an app all of whose figures are counted so is not built for
    the group's regions at all."""
    from django.db import connection
    from django.db.models import Value

    # The groups: (ancestor code, year, prefix length) -> todo indexes.
    by_group: dict[tuple[str, int, int], list[int]] = {}
    for index, ancestor in above.items():
        region, year, _keys = todo[index]
        by_group.setdefault((ancestor.code, year, len(region.prefix)), []).append(index)
    groups = list(by_group.values())
    terms: list[tuple[int, str, str]] = []
    term_sql: list[str] = []
    term_params: list[Any] = []
    counted: dict[int, set[tuple[str, str]]] = {}  # todo index -> figures counted in a group
    placeholders: dict[tuple[str, str], Any] = {}
    own = {(region.code, year): index for index, (region, year, _keys) in enumerate(todo)}
    sums: list[tuple[int, int]] = []  # (term, todo index of the ancestor it adds up for)
    for group_index, ((_code, year, length), members) in enumerate(by_group.items()):
        ancestor = above[members[0]]
        # The ancestor's own pair of the year, if asked for: a count of rows (not of distinct
        # values) is the sum of its parts, as every row it counts falls in one part.
        itself = own.get((ancestor.code, year))
        done: set[tuple[str, str]] = set()
        summed: set[tuple[str, str]] = set()
        for key in keys:
            for name, expression in registry.figures(key)(ancestor, year).items():
                placeholders.setdefault((key, name), expression.output_field)
                term = _grouped_term(expression, ancestor.prefix, length, connection)
                if term is not None:
                    if itself is not None and not expression.query.distinct:
                        sums.append((len(terms), itself))
                        summed.add((key, name))
                    term_sql.append(term[0])
                    term_params.extend([len(terms), *term[1]])
                    terms.append((group_index, key, name))
                    done.add((key, name))
        for index in members:
            counted[index] = done
        if itself is not None:
            counted[itself] = counted.get(itself, set()) | summed

    names: dict[str, tuple[str, str]] = {}
    parts = []
    for index, (region, year, _keys) in enumerate(todo):
        done = counted.get(index, set())
        expressions: dict[str, Any] = {"figure_pair": Value(index, output_field=IntegerField())}
        for key in keys:
            if done and all(k != key or (k, n) in done for k, n in placeholders if k == key):
                built = {n: None for k, n in placeholders if k == key}  # the app is not built
            else:
                built = registry.figures(key)(region, year)
            for name, expression in built.items():
                alias = f"figure_{len(expressions) - 1}"
                names[alias] = (key, name)
                if (key, name) in done:
                    expression = Value(None, output_field=placeholders[(key, name)])
                expressions[alias] = expression
        if len(expressions) > 1 and all(isinstance(e, Value) for e in expressions.values()):
            continue  # every figure of this pair is counted in its group
        row = type(region)._default_manager.filter(pk=region.pk).order_by()
        parts.append(row.annotate(**expressions).values(*expressions))
    rows_sql, rows_params, converters = None, (), {}
    if parts:
        query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        compiler = query.query.get_compiler(using=query.db)
        rows_sql, params = compiler.as_sql()
        rows_params = tuple(params)
        converters = compiler.get_converters([column for column, _sql, _a in compiler.select])
    return Compiled(
        rows_sql=rows_sql,
        rows_params=rows_params,
        names=names,
        converters=converters,
        grouped_sql=" UNION ALL ".join(term_sql) or None,
        grouped_params=tuple(term_params),
        terms=terms,
        groups=groups,
        sums=sums,
    )


def _evaluate_many(
    todo: list[tuple[Region, int, list[str]]], keys: list[str], above: dict[int, Region]
) -> None:
    """The declared figures of ``keys`` for every (region, year) of ``todo``: one row per pair
    in one ``UNION ALL`` statement, and the figures of regions counted together under an
    ancestor (``above``) in a second statement of one grouped count per figure."""
    import time

    from django.db import connection
    from django.utils import timezone

    now = time.monotonic()
    cache_key = (
        connection.alias,
        tuple((region.code, year) for region, year, _keys in todo),
        tuple(keys),
        tuple(sorted((index, region.code) for index, region in above.items())),
        timezone.localdate(),
    )
    hit = _COMPILED.get(cache_key)
    if hit is None or now - hit[0] > COMPILED_SECONDS:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        hit = (now, _compile_many(todo, keys, above))
        _COMPILED[cache_key] = hit
    compiled = hit[1]
    found: dict[int, dict[str, dict[str, Any]]] = {
        index: {key: {} for key in keys} for index in range(len(todo))
    }
    with connection.cursor() as cursor:
        if compiled.rows_sql is not None:
            cursor.execute(compiled.rows_sql, compiled.rows_params)
            columns = ["figure_pair", *compiled.names]
            for raw in cursor.fetchall():
                values = list(raw)
                for position, (functions, expression) in compiled.converters.items():
                    for function in functions:
                        values[position] = function(values[position], expression, connection)
                out = found[values[0]]
                for alias, value in zip(columns, values, strict=True):
                    if alias != "figure_pair":
                        key, name = compiled.names[alias]
                        out[key][name] = value
        if compiled.grouped_sql is not None:
            cursor.execute(compiled.grouped_sql, compiled.grouped_params)
            counts = {(term, part): n for term, part, n in cursor.fetchall()}
            for term, (group, key, name) in enumerate(compiled.terms):
                for index in compiled.groups[group]:
                    prefix = todo[index][0].prefix
                    found[index][key][name] = counts.get((term, prefix), 0)
            totals: dict[int, int] = {}
            for (term, _part), n in counts.items():
                totals[term] = totals.get(term, 0) + n
            for term, index in compiled.sums:
                _group, key, name = compiled.terms[term]
                found[index][key][name] = totals.get(term, 0)
    for index, (region, year, _keys) in enumerate(todo):
        for key, values in found[index].items():
            keep_figures(region, (key, year), values)
