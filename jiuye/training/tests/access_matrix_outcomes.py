"""Rows of the URL × role access matrix for the training outcome pages (see
core/tests/test_url_matrix.py).

The world: a provider in 东城街道 (made directly, so these rows do not depend on the course
services). Its scorecard is figures only: staff roles read it, except 西城's officer, for whom a
provider of another town does not exist (404). The list behind the numbers and its export are
personal data: the roles that handle it, each seeing the persons in their own scope."""

from __future__ import annotations

from typing import Any

from jiuye.core.tests.matrix import Kwargs, access
from jiuye.reference.models import Region
from jiuye.training.models import Provider, ProviderKind

READERS = {"admin", "district", "liaison", "town_a", "town_b", "leader"}
PERSONAL = {"admin", "district", "town_a", "town_b"}


def _provider(w: dict[str, Any]) -> Provider:
    found = Provider.objects.filter(name="矩阵成效机构").first()
    return found or Provider.objects.create(
        name="矩阵成效机构",
        kind=ProviderKind.TRAINING_ORG,
        region=Region.objects.get(code="440199001000"),
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
PROVIDER: Kwargs = lambda w: {"pk": _provider(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "training:scorecard": (PROVIDER, access(READERS, town_b=404)),
    "training:outcomes": (NONE, access(PERSONAL)),
    "training:outcomes-export": (NONE, access(PERSONAL)),
}
