"""Helpers for the tests of each import kind: a CSV file to import, a row built from a kind's
typical values, and the errors an import result names."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A UTF-8 CSV file with this header and these rows."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def row_of(header: list[str], values: dict[str, str], **over: str) -> list[str]:
    """The cells of a row in the order of ``header``: the typical ``values`` but for ``over``."""
    values = {**values, **over}
    return [values[h] for h in header]


def errors_of(result: Any) -> list[tuple[int, str, str]]:
    """(row, column, message) of every error in an import result."""
    return [(r["row"], e["column"], e["message"]) for r in result.errors for e in r["errors"]]
