"""Demo seeders: each app that makes demo records declares, in its own ``demo.py``, a function
with the command that runs it and its order there, so the commands name none of the apps that
build on the registry. Modules are found by ``autodiscover_modules("demo")`` from core's
``ready()``.

- ``demo_data`` (after writing the synthetic persons) calls ``run(seed=...)``, which returns how
  many records it made (0 when they are already there). Orders: 10 employment records,
  20 employer declarations, 30 service records, 40 postings, fairs and referrals, 50 training.
- ``load_demo`` calls ``run()``, which returns the demo logins it made (usually none). Orders:
  10 the persons the accounts are bound to, 20 their employer, 30 the accounts, 40 plan reports
  and targets.

A seeder reads what lower orders of its command made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Seed = Callable[..., Any]


@dataclass(frozen=True)
class Seeder:
    label: str  # what demo_data prints: "demo <label>: created N in T s"
    order: int
    command: str
    run: Seed


_SEEDERS: dict[str, Seeder] = {}


def seeder(label: str, *, order: int, command: str = "demo_data") -> Callable[[Seed], Seed]:
    """Register ``func`` to run at ``order`` (ascending) of ``command``. Two seeders of one
    command may not share an order, so the sequence never depends on which app was discovered
    first."""

    def register(func: Seed) -> Seed:
        key = f"{func.__module__}.{func.__qualname__}"
        taken = {s.order: k for k, s in _SEEDERS.items() if k != key and s.command == command}
        if order in taken:
            raise ValueError(f"demo seeder order {order} is taken by {taken[order]}")
        _SEEDERS[key] = Seeder(label=label, order=order, command=command, run=func)
        return func

    return register


def seeders(command: str = "demo_data") -> list[Seeder]:
    """The seeders of ``command`` in the order they run."""
    return sorted((s for s in _SEEDERS.values() if s.command == command), key=lambda s: s.order)
