"""Reading spreadsheets (.xlsx/.xls with calamine, .csv in UTF-8, UTF-8 with BOM or
GBK/GB18030, streamed), mapping their headers, and reading typed values from cells."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from jiuye.core.importing.base import Column, ImportFileError, ImportKind
from jiuye.core.masking import mask_id_number, mask_phone

_SNIFF_BYTES = 64 * 1024
_EXCEL_EPOCH = dt.date(1899, 12, 30)

# --- reading files --------------------------------------------------------------------------


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = re.sub(r"[\s*＊]", "", text)
    return re.sub(r"[（(](必填|选填)[）)]$", "", text)


def cell_text(value: Any) -> str:
    """A cell as the text the user sees: 12.0 → "12", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    file_type: str


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # A cut in the middle of a multi-byte character at the end of the sample is not an error.
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("无法识别文件的文字编码。请另存为 UTF-8 编码的 CSV 或 Excel 文件。"))


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head[:4096]:
        return True
    controls = sum(1 for b in head[:4096] if b < 9 or 13 < b < 32)
    return controls > 10


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    with open(path, encoding=encoding, newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for number, row in enumerate(reader, start=1):
                yield number, [cell.strip() for cell in row]
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


def _excel_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # noqa: BLE001 - calamine raises many kinds for a broken file
        raise ImportFileError(
            _("这个 Excel 文件已损坏或不完整，无法读取。请在 Excel 中打开确认后重新保存再导入。")
        ) from exc
    for number, row in enumerate(rows, start=1):
        yield number, [cell_text(value) for value in row]


def open_table(path: Path, original_name: str = "") -> Table:
    """Open a spreadsheet; the first non-empty row is the header."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise ImportFileError(_("无法读取上传的文件。")) from exc
    if not head.strip():
        raise ImportFileError(_("文件是空的。"))
    if head.startswith(b"PK\x03\x04"):
        rows, file_type = _excel_rows(path), "xlsx"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        rows, file_type = _excel_rows(path), "xls"
    else:
        if _looks_binary(head):
            raise ImportFileError(_("这不是表格文件。请上传 Excel（.xlsx、.xls）或 CSV 文件。"))
        rows, file_type = _csv_rows(path, _detect_encoding(head)), "csv"
    for _number, cells in rows:
        if any(cells):
            return Table(headers=cells, rows=rows, file_type=file_type)
    raise ImportFileError(_("文件中没有任何内容。"))


def map_headers(kind: ImportKind, headers: list[str]) -> dict[str, int]:
    """Column key → position. Unknown columns are ignored; missing required ones are an error."""
    by_name: dict[str, Column] = {}
    for column in kind.columns:
        for name in column.names():
            by_name[normalise_header(name)] = column
    positions: dict[str, int] = {}
    repeated: list[str] = []
    for index, header in enumerate(headers):
        column = by_name.get(normalise_header(header))
        if column is None:
            continue
        if column.key in positions:
            repeated.append(header)
            continue
        positions[column.key] = index
    if repeated:
        raise ImportFileError(
            _("表头中这些列重复了：%(cols)s。每一列只能出现一次。") % {"cols": "、".join(repeated)}
        )
    missing = [c.header for c in kind.columns if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(
            _("第1行（表头）缺少必填列：%(cols)s。请下载导入模板对照列名。")
            % {"cols": "、".join(missing)}
        )
    return positions


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
