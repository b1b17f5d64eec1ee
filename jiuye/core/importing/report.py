"""What a run reports while and after it runs: progress and cancelling (kept in the progress
cache), the result's counts and kept errors, and the error report (the bad rows with their own
columns and an explanation, as an .xlsx)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import caches
from django.core.files import File
from django.utils.translation import gettext as _

from jiuye.core.downloads import Book, formula_safe
from jiuye.core.importing.base import CellError, ImportKind, join_errors
from jiuye.core.importing.files import masked
from jiuye.core.labels import field_label
from jiuye.core.models import ImportBatch

# --- progress and cancelling ----------------------------------------------------------------


def _progress_cache() -> Any:
    return caches["progress"]


def progress_of(batch_id: Any) -> dict[str, Any]:
    return _progress_cache().get(f"import:{batch_id}:progress") or {}


def request_cancel(batch_id: Any) -> None:
    _progress_cache().set(f"import:{batch_id}:cancel", True, 24 * 3600)


def cancelled(batch_id: Any) -> bool:
    return bool(_progress_cache().get(f"import:{batch_id}:cancel"))


def report_progress(batch_id: Any, rows: int, phase: str) -> None:
    """Also the worker's heartbeat: ``at`` is when it last reported (see ``batch_fail_stale``)."""
    _progress_cache().set(
        f"import:{batch_id}:progress",
        {"rows": rows, "phase": phase, "at": time.time()},
        24 * 3600,
    )


# --- results and the error report -------------------------------------------------------


@dataclass
class ImportResult:
    batch: ImportBatch
    rows: int = 0
    valid: int = 0
    invalid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""
    # Headers of the file's columns that the kind does not read.
    ignored: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, invalid {self.invalid}"
        )

    @property
    def ok(self) -> bool:
        return self.batch.status in (ImportBatch.Status.SUCCEEDED, ImportBatch.Status.VALIDATED)

    @classmethod
    def of(cls, batch: ImportBatch) -> ImportResult:
        """The result of a finished batch, as its counts and kept errors say."""
        return cls(
            batch=batch,
            rows=batch.total_rows,
            valid=batch.valid_rows,
            invalid=batch.invalid_rows,
            created=batch.created,
            updated=batch.updated,
            unchanged=batch.unchanged,
            errors=list(batch.errors_preview),
            message=batch.message,
        )


class ErrorReport:
    """Bad rows with their original columns plus an error column, streamed into an .xlsx."""

    def __init__(self, kind: ImportKind, headers: list[str], positions: dict[str, int]) -> None:
        # Made on the first bad row: an unsaved write-only workbook complains when collected.
        self.book: Any = None
        self.sheet: Any = None
        self.headers = headers
        self.model = getattr(kind, "model", None)
        by_position = {pos: key for key, pos in positions.items()}
        columns = {c.key: c for c in kind.columns}
        self.columns = [columns.get(by_position.get(i, "")) for i in range(len(headers))]
        declared = {c.key: c.header for c in kind.columns}
        self.headers_by_key = {**declared, **{key: headers[pos] for key, pos in positions.items()}}
        self.count = 0

    def header_of(self, column: str) -> str:
        """A column key as the header the user wrote (a row-level problem stays ""). A key that
        is no column of the kind (a check on a model field) is named by the field's label, never
        by its code."""
        if column in self.headers_by_key or not column:
            return self.headers_by_key.get(column, column)
        return field_label(self.model, column)

    def value_of(self, header: str, cells: list[str]) -> str:
        """The cell of a row under a header, masked as the report shows it ("" if none)."""
        if not header or header not in self.headers:
            return ""
        position = self.headers.index(header)
        column = self.columns[position] if position < len(self.columns) else None
        return masked(column, cells[position]) if position < len(cells) else ""

    def add(self, number: int, cells: list[str], errors: list[CellError]) -> None:
        if self.book is None:
            self.book = Book(write_only=True)
            self.sheet = self.book.create_sheet(_("错误行"))
            self.sheet.append([_("行号"), *self.headers, _("错误说明")])
        shown = [
            masked(self.columns[i] if i < len(self.columns) else None, value)
            for i, value in enumerate(cells[: len(self.headers)])
        ]
        message = join_errors(errors)
        self.sheet.append([number, *[formula_safe(v) for v in shown], message])
        self.count += 1

    def save(self, batch: ImportBatch) -> None:
        if not self.count:
            return
        with tempfile.TemporaryFile() as handle:
            self.book.save(handle)
            handle.seek(0)
            batch.error_report.save("errors.xlsx", File(handle), save=False)
