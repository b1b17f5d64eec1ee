"""The indicator registry: plan indicators are code, declared by each app in `indicators.py`.

An indicator is a named function of a region and a year computed from operational records, so a
figure on the dashboard is never typed in twice. Each also says where its records are listed, so
every figure can link to the rows behind it (scoped to the viewer by that list page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import IntegerField, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:  # only named in annotations: core imports no app
    from jiuye.reference.models import Region

Compute = Callable[["Region", int], int | Decimal]
DrillDown = Callable[["Region", int], str]


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
        return Decimal(self.compute(region, year))


class IndicatorRegistry:
    def __init__(self) -> None:
        self._items: dict[str, Indicator] = {}
        self._discovered = False

    def register(self, indicator: Indicator) -> Indicator:
        if indicator.code in self._items and self._items[indicator.code] != indicator:
            raise ValueError(f"indicator {indicator.code!r} is registered twice")
        self._items[indicator.code] = indicator
        return indicator

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


class CountOf(Subquery):
    """``(SELECT count(*) FROM (<queryset>))`` as an expression, so one statement can carry the
    counts of several tables: an app's figures for the dashboard in a single round trip. The
    queryset should select one column (``.values("pk")``, or ``.values("x").distinct()`` to count
    distinct values)."""

    template = "(SELECT count(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet[Any]) -> None:
        super().__init__(queryset.order_by())
