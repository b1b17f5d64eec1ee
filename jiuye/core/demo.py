"""Demo seeders: each app that makes demo records declares, in its own ``demo.py``, a function
``(seed=...) -> int`` (how many records it made, 0 when they are already there) with the order
it runs in. ``manage.py demo_data`` writes the synthetic persons and then runs every registered
seeder in that order, so the registry app names none of the apps that build on it. Modules are
found by ``autodiscover_modules("demo")`` from core's ``ready()``.

Orders used (a seeder reads what lower orders made): 10 employment records, 20 employer
declarations, 30 service records, 40 postings, fairs and referrals, 50 training.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Seed = Callable[..., int]


@dataclass(frozen=True)
class Seeder:
    label: str  # what the command prints: "demo <label>: created N in T s"
    order: int
    run: Seed


_SEEDERS: dict[str, Seeder] = {}


def seeder(label: str, *, order: int) -> Callable[[Seed], Seed]:
    """Register ``func(*, seed) -> int`` to run at ``order`` (ascending; two seeders may not
    share an order, so the sequence never depends on which app was discovered first)."""

    def register(func: Seed) -> Seed:
        key = f"{func.__module__}.{func.__qualname__}"
        taken = {s.order: k for k, s in _SEEDERS.items() if k != key}
        if order in taken:
            raise ValueError(f"demo seeder order {order} is taken by {taken[order]}")
        _SEEDERS[key] = Seeder(label=label, order=order, run=func)
        return func

    return register


def seeders() -> list[Seeder]:
    """The registered seeders in the order they run."""
    return sorted(_SEEDERS.values(), key=lambda s: s.order)
