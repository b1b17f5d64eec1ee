"""Writing spreadsheets from a kind's columns: the template (header, example row and a notes
sheet) and exports in the same columns, streamed, so that an export imports back."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from jiuye.core.downloads import Book, formula_safe
from jiuye.core.importing.base import ImportFileError, ImportKind


def template_xlsx(kind: ImportKind) -> bytes:
    """The kind's template: the header row, one example row, and a notes sheet."""
    book = Book()
    sheet = book.active
    sheet.title = kind.label[:30] or kind.name
    sheet.append([c.header + ("*" if c.required else "") for c in kind.columns])
    for row in kind.template_rows():
        sheet.append(row)
    for index, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            12, len(column.header) * 2 + 4
        )
    notes = book.create_sheet(_("填写说明"))
    notes.append([_("列名"), _("是否必填"), _("也可以写作"), _("说明")])
    for column in kind.columns:
        notes.append(
            [
                column.header,
                _("必填") if column.required else _("选填"),
                "、".join(column.synonyms),
                column.note,
            ]
        )
    notes.append([])
    notes.append([_("带 * 的列必须填写。第一行是表头，不要改动列名；示例行导入前请删除。")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_rows(kind: ImportKind, queryset: Any, *, reveal: bool) -> Iterator[list[str]]:
    yield [c.header for c in kind.columns]
    for obj in queryset.iterator(chunk_size=2000):
        yield kind.export_row(obj, reveal=reveal)


def write_export(
    kind: ImportKind,
    queryset: Any,
    path: Path,
    *,
    reveal: bool,
    progress: Callable[[int], None] | None = None,
    every: int = 2000,
) -> int:
    """Write .xlsx or .csv (by extension), streaming. Returns the number of records.
    ``progress(records written)`` is called every ``every`` records, if given."""
    count = -1
    if path.suffix.lower() == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            for row in export_rows(kind, queryset, reveal=reveal):
                writer.writerow([formula_safe(v) for v in row])
                count += 1
                if progress is not None and count and count % every == 0:
                    progress(count)
        return count
    if path.suffix.lower() != ".xlsx":
        raise ImportFileError(_("只能导出为 .xlsx 或 .csv 文件。"))
    book = Book(write_only=True)
    sheet = book.create_sheet(kind.label[:30] or kind.name)
    for row in export_rows(kind, queryset, reveal=reveal):
        sheet.append([formula_safe(v) for v in row])
        count += 1
        if progress is not None and count and count % every == 0:
            progress(count)
    book.save(path)
    return count


def export_xlsx(kind: ImportKind, queryset: Any, *, reveal: bool) -> tuple[bytes, int]:
    """The export as the bytes of an .xlsx file (written through a temporary file, streaming)
    and the number of records."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        count = write_export(kind, queryset, Path(handle.name), reveal=reveal)
        return Path(handle.name).read_bytes(), count
