"""The roles of the URL × role access matrix (test_url_matrix.py), shared with the apps that
keep their own rows in `jiuye/<app>/tests/access_matrix.py`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The personas of the root conftest, one per role (town_a: 东城街道, town_b: 西城街道).
ALL = ("admin", "district", "liaison", "town_a", "town_b", "leader", "employer", "jobseeker")
STAFF = {"admin", "district", "liaison", "town_a", "town_b", "leader"}
AUDITORS = {"admin", "district"}
PLANNERS = {"admin", "district"}
REPORTERS = {"liaison", "town_a", "town_b"}
PERSONAL = {"admin", "district", "town_a", "town_b"}

# URL kwargs from the test world {"personas": {...}, "plan": Plan}; person_a (东城街道, bound
# to the job seeker persona) is personas["jobseeker"].person.
Kwargs = Callable[[dict[str, Any]], dict[str, Any]]


def access(allowed: set[str], ok: int = 200, denied: int = 403, **override: int) -> dict[str, int]:
    """Expected status per persona: ``ok`` for the allowed, ``denied`` for the rest, with
    per-persona overrides (a 404 for an object out of a town's scope, say)."""
    return {p: override.get(p, ok if p in allowed else denied) for p in ALL}


Row = tuple[Kwargs, dict[str, int]]


def alike(kwargs: Kwargs, expected: dict[str, int], *names: str) -> dict[str, Row]:
    """Rows for URLs that take the same arguments and answer every persona alike."""
    return dict.fromkeys(names, (kwargs, expected))
