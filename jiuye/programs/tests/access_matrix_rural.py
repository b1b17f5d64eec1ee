"""Rows of the URL × role access matrix for the rural pages of action 六 (see
core/tests/test_url_matrix.py).

The world: a base in a 东城 village. Bases are read by administrators, district staff, leaders
and town officers (西城's officer: 404 for 东城's base); kept by administrators, district staff
and 东城's officer. Supports are added and archived by POST only (GET: 405). The monitoring
pages are personal data: administrators, district staff and town officers (their own persons)."""

from __future__ import annotations

from typing import Any

from jiuye.core.tests.matrix import Kwargs, access
from jiuye.programs.models.rural import RuralBase
from jiuye.programs.services import rural
from jiuye.reference.models import Region

READERS = {"admin", "district", "town_a", "town_b", "leader"}
KEEPERS = {"admin", "district", "town_a", "town_b"}
KEEPERS_A = {"admin", "district", "town_a"}


def _base(w: dict[str, Any]) -> RuralBase:
    found = RuralBase.objects.filter(name="矩阵基地").first()
    return found or rural.base_create(
        by=None,
        name="矩阵基地",
        kind="workshop",
        industry="planting",
        region=Region.objects.get(code="440199001001"),
    )


def _support(w: dict[str, Any]) -> Any:
    base = _base(w)
    found = base.supports.first()
    return found or rural.support_add(base=base, by=None, kind="funds", date=base.created_at.date())


NONE: Kwargs = lambda w: {}  # noqa: E731
BASE: Kwargs = lambda w: {"pk": _base(w).pk}  # noqa: E731
SUPPORT: Kwargs = lambda w: {"pk": _support(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "programs:rural-bases": (NONE, access(READERS)),
    "programs:rural-base-create": (NONE, access(KEEPERS)),
    "programs:rural-bases-export": (NONE, access(READERS)),
    "programs:rural-supports-export": (NONE, access(READERS)),
    "programs:rural-base": (BASE, access(KEEPERS_A | {"leader"}, town_b=404)),
    "programs:rural-base-edit": (BASE, access(KEEPERS_A, town_b=404)),
    "programs:rural-support-add": (BASE, access(KEEPERS, ok=405)),
    "programs:rural-support-archive": (SUPPORT, access(KEEPERS, ok=405)),
    "programs:rural-monitoring": (NONE, access(KEEPERS)),
    "programs:rural-monitoring-export": (NONE, access(KEEPERS)),
    "programs:rural-watch-list": (NONE, access(KEEPERS)),
    "programs:rural-watch-list-export": (NONE, access(KEEPERS)),
}
