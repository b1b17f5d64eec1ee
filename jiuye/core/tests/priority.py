"""Seeing the CPU priority that forked worker processes ran at (core/workers.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def record_priority(monkeypatch: Any, owner: Any, name: str, path: Path) -> None:
    """Wrap ``owner.name`` so that every call, in whichever process, appends that process's id
    and nice value to ``path``."""
    real = getattr(owner, name)

    def recorded(*args: Any, **kwargs: Any) -> Any:
        with path.open("a") as handle:
            handle.write(f"{os.getpid()} {os.getpriority(os.PRIO_PROCESS, 0)}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)


def worker_priorities(path: Path) -> set[int]:
    """The nice values the calls recorded in processes other than this one ran at."""
    lines = path.read_text().split() if path.exists() else []
    pairs = zip(lines[::2], lines[1::2], strict=True)
    return {int(nice) for pid, nice in pairs if int(pid) != os.getpid()}


def wanted_nice() -> int:
    """A worker nice value above this process's own, so lowering is visible."""
    return min(19, os.getpriority(os.PRIO_PROCESS, 0) + 5)
