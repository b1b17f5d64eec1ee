"""Demo boundaries for ``manage.py load_demo``: the demo district's towns get made-up outlines
(a jittered grid around a centre, cells sharing their edges) so the map page has something to
show on ``make run``. They go through the same check and import as an uploaded file."""

from __future__ import annotations

import hashlib
import json
import math

from jiuye.core.demo import seeder
from jiuye.reference.importing.boundaries import boundaries_check
from jiuye.reference.models import Region, RegionBoundary
from jiuye.reference.selectors import district_and_towns
from jiuye.reference.services import boundaries_import

# Roughly where a Guangzhou district (4401…) lies; a town is about 4 km across.
CENTRE = (113.40, 23.15)
CELL = 0.04


@seeder("demo town boundaries", order=50, command="load_demo")
def demo_boundaries() -> list:
    _district, towns = district_and_towns()
    if not towns or RegionBoundary.objects.filter(region__level=Region.Level.TOWN).exists():
        return []
    collection = town_grid([t.code for t in towns])
    check = boundaries_check(json.dumps(collection).encode(), level=Region.Level.TOWN)
    boundaries_import(check=check)
    return []


def town_grid(codes: list[str]) -> dict:
    """A FeatureCollection with one Polygon per code: cells of a grid whose inner corners and
    edge midpoints are moved a little (by a hash, so the same codes give the same map), shared
    by the neighbouring cells so the outlines meet without gaps."""
    cols = max(1, math.ceil(math.sqrt(len(codes) * 1.5)))
    rows = math.ceil(len(codes) / cols)
    left = CENTRE[0] - cols * CELL / 2
    top = CENTRE[1] + rows * CELL / 2

    def corner(i: int, j: int) -> tuple[float, float]:
        inner = 0 < i < cols and 0 < j < rows
        dx, dy = _jitter(f"c{i},{j}") if inner else (0.0, 0.0)
        return (round(left + (i + dx) * CELL, 6), round(top - (j + dy) * CELL, 6))

    def middle(a: tuple[int, int], b: tuple[int, int]) -> tuple[float, float]:
        (ax, ay), (bx, by) = corner(*a), corner(*b)
        outer = (a[0] == b[0] and a[0] in (0, cols)) or (a[1] == b[1] and a[1] in (0, rows))
        dx, dy = (0.0, 0.0) if outer else _jitter(f"m{sorted([a, b])}")
        return (round((ax + bx) / 2 + dx * CELL, 6), round((ay + by) / 2 + dy * CELL, 6))

    features = []
    for n, code in enumerate(codes):
        i, j = n % cols, n // cols
        corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
        ring: list[list[float]] = []
        for k, a in enumerate(corners):
            b = corners[(k + 1) % 4]
            ring += [list(corner(*a)), list(middle(a, b))]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _jitter(key: str) -> tuple[float, float]:
    """A fixed offset of at most 0.15 cell in each direction: small enough that no edge of a
    cell can cross another."""
    digest = hashlib.sha256(key.encode()).digest()
    return ((digest[0] / 255 - 0.5) * 0.3, (digest[1] / 255 - 0.5) * 0.3)
