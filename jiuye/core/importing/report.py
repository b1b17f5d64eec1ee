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
    # Hidden rows skipped at the user's request (rows = valid + invalid + skipped).
    skipped: int = 0
    # What was found in a workbook's sheets (see ``sheet_report``; empty for a CSV file).
    sheets: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        text = (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, invalid {self.invalid}"
        )
        return f"{text}, skipped {self.skipped}" if self.skipped else text

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
            skipped=batch.skipped,
            sheets=dict(batch.sheet_report),
            errors=list(batch.errors_preview),
            message=batch.message,
        )


class ErrorReport:
    """Bad rows with their original columns plus an error column, streamed into an .xlsx.
    When several sheets are read (``several``), a first column names each row's sheet; the
    columns are those of the first sheet read, and a later sheet's cells are placed under
    them by column (``use``)."""

    def __init__(
        self,
        kind: ImportKind,
        headers: list[str] | None = None,
        positions: dict[str, int] | None = None,
        *,
        several: bool = False,
    ) -> None:
        # Made on the first bad row: an unsaved write-only workbook complains when collected.
        self.book: Any = None
        self.sheet: Any = None
        self.model = getattr(kind, "model", None)
        self.kind_columns = {c.key: c for c in kind.columns}
        self.declared = {c.key: c.header for c in kind.columns}
        self.several = several
        self.count = 0
        # The report's own columns (the first sheet's), and where the current sheet's cells go.
        self.report_headers: list[str] | None = None
        self.report_keys: list[str] = []
        self.order: list[int | None] | None = None
        self.sheet_name = ""
        if headers is not None:
            self.use(headers, positions or {})

    def use(self, headers: list[str], positions: dict[str, int], sheet: str = "") -> None:
        """The rows that follow come from a table with these headers (the sheet ``sheet``)."""
        self.headers = headers
        self.sheet_name = sheet if self.several else ""
        by_position = {pos: key for key, pos in positions.items()}
        self.columns = [self.kind_columns.get(by_position.get(i, "")) for i in range(len(headers))]
        self.headers_by_key = {
            **self.declared,
            **{key: headers[pos] for key, pos in positions.items()},
        }
        if self.report_headers is None:
            self.report_headers = headers
            self.report_keys = [by_position.get(i, "") for i in range(len(headers))]
        if headers == self.report_headers:
            self.order = None
        else:
            self.order = [
                positions.get(key)
                if key
                else (headers.index(header) if header and header in headers else None)
                for key, header in zip(self.report_keys, self.report_headers, strict=True)
            ]

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
            first = [_("工作表")] if self.several else []
            self.sheet.append([*first, _("行号"), *self.report_headers, _("错误说明")])
        shown = [
            masked(self.columns[i] if i < len(self.columns) else None, value)
            for i, value in enumerate(cells[: len(self.headers)])
        ]
        if self.order is not None:
            shown = [shown[i] if i is not None and i < len(shown) else "" for i in self.order]
        message = join_errors(errors)
        first = [formula_safe(self.sheet_name)] if self.several else []
        self.sheet.append([*first, number, *[formula_safe(v) for v in shown], message])
        self.count += 1

    def save(self, batch: ImportBatch) -> None:
        if not self.count:
            return
        with tempfile.TemporaryFile() as handle:
            self.book.save(handle)
            handle.seek(0)
            batch.error_report.save("errors.xlsx", File(handle), save=False)
