"""Reading spreadsheets (.xlsx/.xls/.ods with calamine in a process of its own, see
``workbook``; .csv and tab-separated text in UTF-8, UTF-8 with BOM, GBK/GB18030 or UTF-16,
streamed), mapping their headers, and reading typed values from cells."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from jiuye.core.importing.base import CellError, Column, ImportFileError
from jiuye.core.masking import mask_id_number, mask_phone

_SNIFF_BYTES = 64 * 1024
_CHUNK_BYTES = 1024 * 1024
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_WORKBOOK_SCRIPT = Path(__file__).with_name("workbook.py")
# Invisible characters that come along when a number is copied from a web page or a chat.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# ="0123" is how exports keep Excel from turning a long number into a number.
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)
# Whether any cell of a row (joined by NUL) needs clean_text: a zero-width character anywhere,
# whitespace at a cell's start or end, or a cell starting with =". Most rows need nothing, and
# one search of the row costs far less than a call per cell.
_NEEDS_CLEANING = re.compile(
    r'[\u200b\u200c\u200d\u2060\ufeff\u00ad]|(?:^|\x00)(?:\s|=")|\s(?:\x00|$)'
)
# A long number Excel has already turned into a number and written out as text (1.10101E+17).
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE]\+?\d+")

# --- reading files --------------------------------------------------------------------------


class NumberCell(str):
    """The text of a cell that held a number (Excel keeps 15 significant digits of it), so a
    column that must be typed as text can refuse it."""

    __slots__ = ()


class NoValueCell(str):
    """An empty cell that holds a formula saved without its result (a file written by a
    program, never opened in Excel). Not blank, so its row is not skipped as empty."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True


def clean_text(text: str) -> str:
    """A text cell as meant: zero-width characters removed, ``="…"`` unwrapped, ends trimmed."""
    text = text.translate(_ZERO_WIDTH).strip()
    if text.startswith('="'):
        match = _EXCEL_TEXT.match(text)
        if match:
            text = match.group(1).strip()
    return text


def cell_text(value: Any) -> str:
    """A cell as the text the user sees: 12.0 → "12", dates as YYYY-MM-DD. A number comes back
    as a ``NumberCell``."""
    if value.__class__ is str:
        return clean_text(value)
    if value is None:
        return ""
    if isinstance(value, NoValueCell):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return NumberCell(int(value) if value.is_integer() else repr(value))
    if isinstance(value, int):
        return NumberCell(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return clean_text(str(value))


@dataclass
class Table:
    """One table of a file: a CSV file, or one worksheet of a workbook."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    file_type: str
    # The row number of ``headers`` (the first non-empty row until the header is looked for;
    # 0 for an empty sheet).
    header_row: int = 1
    # The worksheet's name ("" for a CSV file, which has no sheets) and whether Excel hides it.
    sheet: str = ""
    hidden: bool = False
    # The numbers of the rows Excel hides (by hand, by a filter, in a collapsed outline).
    hidden_rows: frozenset[int] = frozenset()


def _limits(**extra: Any) -> dict[str, Any]:
    return {
        "max_rows": settings.JIUYE_IMPORT_MAX_ROWS,
        "max_columns": settings.JIUYE_IMPORT_MAX_COLUMNS,
        "max_cells": settings.JIUYE_IMPORT_MAX_CELLS,
        "max_xml_bytes": settings.JIUYE_IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024,
        "memory_mb": settings.JIUYE_IMPORT_READER_MEMORY_MB,
        "cpu_seconds": settings.JIUYE_IMPORT_READER_SECONDS,
        **extra,
    }


def too_big_error(rows: int, columns: int) -> ImportFileError:
    return ImportFileError(
        _(
            "表格太大：数据区域到第%(rows)d行、第%(columns)d列（有时是很远的单元格里有内容或格式，"
            "如 XFD1048576）。每个文件最多%(max_rows)d行、%(max_columns)d列。"
            "请删除多余的行和列（或把数据复制到新的工作表）后再导入；数据多时请拆分成几个文件。"
        )
        % {
            "rows": rows,
            "columns": columns,
            "max_rows": settings.JIUYE_IMPORT_MAX_ROWS,
            "max_columns": settings.JIUYE_IMPORT_MAX_COLUMNS,
        }
    )


class DamagedFileError(ImportFileError):
    """A workbook that is not one (broken, cut off, or another kind of zip)."""


def _damaged() -> ImportFileError:
    return DamagedFileError(
        _("这个 Excel 文件已损坏或不完整，无法读取。请在 Excel 中打开确认后重新保存再导入。")
    )


def _reader_problem(returncode: int, stderr: bytes) -> ImportFileError:
    """The message for a reader process that did not finish: a limit it found, or its end."""
    details: dict[str, Any] = {}
    if returncode == 3 and stderr.strip():
        try:
            details = json.loads(stderr.strip().splitlines()[-1])
        except ValueError:
            details = {}
    problem = details.get("problem")
    if problem == "too_big":
        return too_big_error(details.get("rows", 0), details.get("columns", 0))
    if problem == "bomb":
        return ImportFileError(
            _(
                "这个文件解压后超过%(mb)d MB，不是正常的表格，没有读取。"
                "请确认上传的是要导入的表格；数据确实很多时请拆分成几个文件。"
            )
            % {"mb": details.get("mb", 0)}
        )
    if problem == "damaged":
        return _damaged()
    return ImportFileError(
        _(
            "读取这个表格时超出了允许的内存或时间（文件太大或结构异常），已停止读取，没有导入任何数据。"
            "请在 Excel 中删除多余的行和列、另存为新的 .xlsx 文件后再导入，或拆分成几个文件。"
        )
    )


def _run_reader(path: Path, heartbeat: Callable[[], None] | None) -> Any:
    """Run ``workbook.py`` on the workbook at ``path`` in a separate process under memory,
    CPU-time and size limits (the settings ``JIUYE_IMPORT_*``) and return the temporary file
    holding what it wrote (the caller closes it); any problem is an ``ImportFileError`` with a
    message for the user."""
    limits = _limits()
    seconds = settings.JIUYE_IMPORT_READER_SECONDS
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller
    try:
        with tempfile.TemporaryFile() as err:
            process = subprocess.Popen(  # noqa: S603 - our own script, no shell
                [sys.executable, "-I", str(_WORKBOOK_SCRIPT), str(path), json.dumps(limits)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env={"RUST_BACKTRACE": "0", "LC_ALL": "C.UTF-8"},
            )
            waited = 0.0
            while True:
                try:
                    process.wait(timeout=2)
                    break
                except subprocess.TimeoutExpired:
                    waited += 2
                    if heartbeat is not None:
                        heartbeat()
                    if waited >= seconds:
                        process.kill()
                        process.wait()
                        raise ImportFileError(
                            _("读取这个表格超过了%(s)d秒，已停止。请拆分成几个较小的文件后再导入。")
                            % {"s": seconds}
                        ) from None
            if process.returncode != 0:
                err.seek(0)
                raise _reader_problem(process.returncode, err.read(64 * 1024))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def workbook_lines(path: Path, *, heartbeat: Callable[[], None] | None = None) -> Iterator[Any]:
    """The decoded lines ``workbook.py`` writes for the workbook at ``path`` (every worksheet),
    read safely (see ``_run_reader``)."""
    with _run_reader(path, heartbeat) as out:
        for line in out:
            yield json.loads(line)


def _typed(value: Any) -> Any:
    """A cell as ``workbook.py`` sent it, back to the Python value calamine gave."""
    if not isinstance(value, dict):
        return value
    kind, text = value.get("t"), value.get("v")
    if kind == "datetime":
        return dt.datetime.fromisoformat(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "time":
        return dt.time.fromisoformat(text)
    if kind == "duration":
        return dt.timedelta(seconds=text)
    return NoValueCell()


@dataclass
class Sheet:
    name: str
    # Merged ranges as ((top, left), (bottom, right)), 0-based.
    merged: list[Any]
    # From A1: every row, each a list of values as calamine gives them.
    rows: list[list[Any]]
    hidden: bool = False


def read_workbook(path: Path, *, heartbeat: Callable[[], None] | None = None) -> list[Sheet]:
    """Every worksheet of a workbook, read safely (see ``workbook_lines``)."""
    sheets: list[Sheet] = []
    for line in workbook_lines(path, heartbeat=heartbeat):
        if isinstance(line, dict):
            sheets.append(Sheet(line["sheet"], line["merged"], [], line.get("hidden", False)))
            continue
        index, cells = line
        rows = sheets[-1].rows
        rows.extend([] for _i in range(index - len(rows)))
        rows.append([_typed(v) for v in cells])
    return sheets


def _lines(handle: Any, start: int, end: int) -> Iterator[bytes]:
    """The lines of ``handle`` between two offsets. Each sheet's rows are read by their own
    iterator from the one file, so every block is read after a seek of its own."""
    rest = b""
    while start < end:
        handle.seek(start)
        block = handle.read(min(_CHUNK_BYTES, end - start))
        if not block:
            break
        start += len(block)
        lines = (rest + block).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def _sheet_rows(handle: Any, start: int, end: int) -> Iterator[tuple[int, list[str]]]:
    for line in _lines(handle, start, end):
        index, cells = json.loads(line)
        yield index + 1, [cell_text(v if v.__class__ is not dict else _typed(v)) for v in cells]


def _excel_tables(handle: Any, file_type: str) -> list[Table]:
    """A table for each worksheet the reader wrote to ``handle``: the lines that start a sheet
    are found first (and where its rows lie), then each sheet's rows are read when asked."""
    starts: list[tuple[dict[str, Any], int, int]] = []  # (sheet, its line's start, its end)
    offset = 0
    for line in handle:
        if line.startswith(b"{"):
            starts.append((json.loads(line), offset, offset + len(line)))
        offset += len(line)
    tables = []
    for at, (sheet, _begin, rows_start) in enumerate(starts):
        rows_end = starts[at + 1][1] if at + 1 < len(starts) else offset
        tables.append(
            _first_row(
                _sheet_rows(handle, rows_start, rows_end),
                file_type,
                sheet=sheet["sheet"],
                hidden=bool(sheet.get("hidden")),
                hidden_rows=frozenset(i + 1 for i in sheet.get("hidden_rows", ())),
            )
        )
    return tables


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # A cut in the middle of a multi-byte character at the end of the sample is not an error.
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("无法识别文件的文字编码。请另存为 UTF-8 编码的 CSV 或 Excel 文件。"))


def _utf16(head: bytes) -> str:
    """The UTF-16 flavour of text saved as "Unicode 文本" by Excel ("" if it is not)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # Without a byte-order mark: the high byte of every ASCII character is zero.
    sample = head[: 4096 - 4096 % 2]
    for encoding, highs in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if len(highs) >= 2 and highs.count(0) > len(highs) // 3:
            try:
                text = sample.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not _looks_binary(text.encode("utf-8")):
                return encoding
    return ""


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head[:4096]:
        return True
    controls = sum(1 for b in head[:4096] if b < 9 or 13 < b < 32)
    return controls > 10


def _web_page(text: str) -> str:
    """What kind of non-table text an "Excel" file really is ("" for a table)."""
    start = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if start.startswith("mime-version:") or (
        start.startswith(("<!doctype html", "<html", "<table", "<meta", "<head", "<body"))
    ):
        return "html"
    if start.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "xml"
    return ""


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    max_rows, max_columns = settings.JIUYE_IMPORT_MAX_ROWS, settings.JIUYE_IMPORT_MAX_COLUMNS
    with open(path, encoding=encoding, newline="") as handle:
        try:
            sample = handle.read(4096)
        except UnicodeDecodeError as exc:
            # The encoding was told from the head, where a cut character is allowed; a short
            # file that ends in one is not text of that encoding.
            raise ImportFileError(
                _("无法识别文件的文字编码。请另存为 UTF-8 编码的 CSV 或 Excel 文件。")
            ) from exc
        handle.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for number, row in enumerate(reader, start=1):
                if number > max_rows or len(row) > max_columns:
                    raise too_big_error(number, len(row))
                if _NEEDS_CLEANING.search("\x00".join(row)):
                    row = [clean_text(cell) for cell in row]
                yield number, row
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _(
                    "文件第%(row)d行附近有无法识别的字符（编码不一致）。"
                    "请另存为 UTF-8 编码后再导入。"
                )
                % {"row": reader.line_num + 1}
            ) from exc
        except csv.Error as exc:
            raise ImportFileError(
                _("第%(row)d行的格式有误：%(err)s") % {"row": reader.line_num, "err": exc}
            ) from exc


def _first_row(rows: Iterator[tuple[int, list[str]]], file_type: str, **sheet: Any) -> Table:
    """A table whose header is, until the header is looked for further, its first non-empty row
    (no header and no rows for an empty sheet)."""
    for number, cells in rows:
        if any(cells):
            return Table(headers=cells, rows=rows, file_type=file_type, header_row=number, **sheet)
    return Table(headers=[], rows=iter(()), file_type=file_type, header_row=0, **sheet)


@contextmanager
def open_tables(
    path: Path, original_name: str = "", *, heartbeat: Callable[[], None] | None = None
) -> Iterator[list[Table]]:
    """Open a spreadsheet: a table for a CSV file, one for each worksheet of a workbook (hidden
    ones too; an empty sheet has no header and no rows). ``heartbeat`` is called every few
    seconds while a workbook is being read. The tables can be read until the block ends."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise ImportFileError(_("无法读取上传的文件。")) from exc
    if not head.strip():
        raise ImportFileError(_("文件是空的。"))
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        file_type = "xlsx" if head.startswith(b"PK") else "xls"
        with _run_reader(path, heartbeat) as out:
            tables = _excel_tables(out, file_type)
            if not any(t.headers for t in tables):
                raise ImportFileError(_("文件中没有任何内容。"))
            yield tables
        return
    encoding = _utf16(head)
    if not encoding:
        if _looks_binary(head):
            raise ImportFileError(_("这不是表格文件。请上传 Excel（.xlsx、.xls）或 CSV 文件。"))
        encoding = _detect_encoding(head)
    page = _web_page(head.decode(encoding, errors="replace"))
    if page:
        raise ImportFileError(
            _(
                "这个文件实际上是网页（HTML），不是 Excel 表格"
                "（有些系统导出的“.xls”文件就是网页），无法按表格读取。"
                "请在 Excel 中打开它，“另存为”Excel 工作簿（.xlsx）后再导入。"
            )
            if page == "html"
            else _(
                "这个文件是“XML 电子表格 2003”格式，无法读取。"
                "请在 Excel 中打开它，“另存为”Excel 工作簿（.xlsx）后再导入。"
            )
        )
    table = _first_row(_csv_rows(path, encoding), "csv")
    if not table.headers:
        raise ImportFileError(_("文件中没有任何内容。"))
    yield [table]


def cell_errors(
    columns: dict[str, Column], values: dict[str, str], text_keys: frozenset[str]
) -> list[CellError]:
    """What the file did to a row's cells before any kind reads them: a formula saved without
    its result, a number in a column that must be text (ID and certificate numbers).
    ``text_keys``: the keys of the ``text_only`` columns, worked out once by the reader of
    many rows instead of asked of every column on every row."""
    errors = []
    for key, text in values.items():
        if text.__class__ is str and key not in text_keys:
            continue  # the usual cell, decided at once
        if isinstance(text, NoValueCell):
            errors.append(
                CellError(
                    key,
                    _(
                        "这个单元格是公式，但文件里没有保存公式的结果（由程序生成、未在 Excel 中"
                        "保存过的文件常见）。请用 Excel 打开文件、保存后再导入。"
                    ),
                )
            )
        elif columns[key].text_only and (
            isinstance(text, NumberCell) or _SCIENTIFIC.fullmatch(text.strip())
        ):
            errors.append(
                CellError(
                    key,
                    _(
                        "%(header)s是数字格式的单元格：Excel 只保留15位数字，号码可能已被改变，"
                        "不能导入。请把该列设为文本格式后重新填写。"
                    )
                    % {"header": columns[key].header},
                )
            )
    return errors


# --- values ---------------------------------------------------------------------------------

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(text: str) -> dt.date:
    """A date typed in any of the ways staff type them, or an Excel serial number."""
    text = text.strip().split(" ")[0]
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        serial = int(float(text))
        if 1 <= serial < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=serial)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    raise ValueError(text)


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"是", "有", "y", "yes", "true", "1", "√", "✓"}:
        return True
    if value in {"否", "无", "没有", "n", "no", "false", "0", ""}:
        return False
    raise ValueError(text)


def masked(column: Column | None, value: str) -> str:
    if column is None or not value:
        return value
    if column.mask == "id":
        return mask_id_number(value)
    if column.mask == "phone":
        return mask_phone(value)
    return value
