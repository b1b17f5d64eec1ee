"""Per-person data kept by an app above the registry, refreshed when a registry write moves a
person's rows between records (a merge and its undo). The app that keeps the data registers
how (``register_person_refresher``), since core and the apps below it import no app above
them (as ``core.tallies`` does for the coverage tallies)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Refresher = Callable[[list[Any]], Any]
_refreshers: list[Refresher] = []


def register_person_refresher(refresher: Refresher) -> Refresher:
    if refresher not in _refreshers:
        _refreshers.append(refresher)
    return refresher


def refresh_persons(person_ids: Iterable[Any]) -> None:
    """Recompute the registered per-person data of these persons (in the caller's
    transaction, after its write)."""
    ids = list(dict.fromkeys(person_ids))
    for refresher in _refreshers:
        refresher(ids)
