"""Reference rows an app ships as a CSV file in its ``data/`` folder, written by its data
migrations: rows are added or brought up to date by their key, none is deleted."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any


def upsert_csv(
    model: Any,
    path: Path,
    values: Callable[[dict[str, str]], dict[str, Any]],
    *,
    key: str = "code",
    keep_edited: bool = False,
) -> None:
    """Write each row of ``path`` to ``model`` under its ``key`` column, with ``values(row)``.
    ``keep_edited``: a row already there keeps its values (staff may have edited them)."""
    write = model.objects.get_or_create if keep_edited else model.objects.update_or_create
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            write(**{key: row[key]}, defaults=values(row))
