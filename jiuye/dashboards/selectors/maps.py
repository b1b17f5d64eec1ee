"""The figures of the map page: one indicator of a year by town, with each town's boundary."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jiuye.core.indicators import Indicator, registry, values_by_region
from jiuye.core.kept import Kept, kept
from jiuye.core.roles import Role
from jiuye.reference.models import Region
from jiuye.reference.selectors import boundaries_of, district_and_towns


@dataclass
class MapRow:
    region: Region
    value: Decimal


@dataclass
class TownMap:
    indicator: Indicator
    year: int
    rows: list[MapRow]
    # A FeatureCollection of the towns with a boundary (properties: name, code), or None.
    geojson: dict[str, Any] | None
    without_boundary: list[Region] = field(default_factory=list)
    kept: Kept | None = None  # when the figures were counted (core.kept)

    def summary(self) -> str:
        """One sentence of the same numbers as the table and the map."""
        unit, name = self.indicator.unit, self.indicator.name
        if not self.rows:
            return _("没有可显示的镇街。")
        if len(self.rows) == 1:
            row = self.rows[0]
            return _("%(y)d年%(town)s的%(name)s为 %(v)s%(unit)s。") % {
                "y": self.year,
                "town": row.region.name,
                "name": name,
                "v": row.value,
                "unit": unit,
            }
        ordered = sorted(self.rows, key=lambda r: (r.value, r.region.code))
        low, high = ordered[0], ordered[-1]
        return _(
            "%(y)d年%(n)d个镇街的%(name)s：最高的是%(high)s（%(hv)s%(unit)s），"
            "最低的是%(low)s（%(lv)s%(unit)s）。"
        ) % {
            "y": self.year,
            "n": len(self.rows),
            "name": name,
            "high": high.region.name,
            "hv": high.value,
            "low": low.region.name,
            "lv": low.value,
            "unit": unit,
        }

    def chart(self) -> dict[str, Any]:
        """What the page's script draws (json_script): the same numbers as the table."""
        values = [float(row.value) for row in self.rows]
        return {
            "title": f"{self.year} {self.indicator.name}",
            "unit": str(self.indicator.unit),
            "geojson": self.geojson,
            "data": [{"name": r.region.name, "value": float(r.value)} for r in self.rows],
            "min": min(values, default=0),
            "max": max(values, default=0),
        }


def towns_for_map(user: Any) -> list[Region]:
    """The towns whose figures a user may see on the map: every live town of the district, or a
    town officer's own town only."""
    _district, towns = district_and_towns()
    towns = [t for t in towns if t.disabled_at is None]
    if user.role == Role.TOWN:
        return [t for t in towns if t.code == user.town_id]
    return towns


# The map's figures as kept (core.kept, ADR 0015): built by this function, by dotted path.
VALUES = "jiuye.dashboards.selectors.maps.map_values"


def map_values(*, indicator: str, year: int) -> dict[str, Any]:
    """One indicator's value of a year for every live town of the district (the indicator's own
    function, a few queries for all towns: core.indicators.values_by_region), as JSON."""
    _district, towns = district_and_towns()
    live = [t for t in towns if t.disabled_at is None]
    found = registry.get(indicator)
    values = values_by_region(found, live, year) if found is not None else {}
    return {"values": {code: str(value) for code, value in values.items()}}


def town_map(*, user: Any, indicator: Indicator, year: int) -> TownMap:
    """``indicator``'s value of ``year`` for each town the user may see (as kept, at most
    ``JIUYE_FIGURES_MAX_AGE`` old: ``map_values``) and the towns' stored boundaries (one
    query)."""
    towns = towns_for_map(user)
    figures = kept(VALUES, {"indicator": indicator.code, "year": year})
    values = figures.data["values"]
    rows = [MapRow(region=t, value=Decimal(values.get(t.code, "0"))) for t in towns]
    shapes = boundaries_of(t.code for t in towns)
    features = [
        {
            "type": "Feature",
            "properties": {"name": t.name, "code": t.code},
            "geometry": shapes[t.code],
        }
        for t in towns
        if t.code in shapes
    ]
    return TownMap(
        indicator=indicator,
        year=year,
        rows=rows,
        geojson={"type": "FeatureCollection", "features": features} if features else None,
        without_boundary=[t for t in towns if t.code not in shapes],
        kept=figures,
    )
