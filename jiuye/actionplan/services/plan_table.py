"""Read the plan's task table (落实分解表) from a text export, a Word file or a spreadsheet.

The table has four columns — 内容, 工作任务目标, 责任部门, 完成时限 — and one row per action,
numbered （一）, （二）, …. Staff upload whatever they have at hand: the text Word writes when a
table is saved as plain text (irregular tabs and blank lines, GBK or UTF-8), the .docx itself,
or a spreadsheet somebody typed the table into. Every format ends up as the same
``ParsedPlan``; every problem is a ``PlanTableError`` whose Chinese message names the line or
table row to fix, because the person reading it has the original document open, not our code.

Django is only needed for ``gettext`` when a message is built, so the module imports without
configured settings.
"""

from __future__ import annotations

import codecs
import datetime
import io
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from django.utils.translation import gettext

if TYPE_CHECKING:
    from docx.table import Table

__all__ = [
    "ACTION_NUMERALS",
    "ALL_TOWNS",
    "REQUIRED_COLUMNS",
    "ParsedAction",
    "ParsedPlan",
    "PlanTableError",
    "detect_text_encoding",
    "parse_plan_table",
]

ACTION_NUMERALS = "一二三四五六七八九十"
ALL_TOWNS = "各镇街"

COLUMN_CONTENT = "内容"
COLUMN_TARGETS = "工作任务目标"
COLUMN_DEPARTMENTS = "责任部门"
COLUMN_DEADLINE = "完成时限"
REQUIRED_COLUMNS = (COLUMN_CONTENT, COLUMN_TARGETS, COLUMN_DEPARTMENTS, COLUMN_DEADLINE)


@dataclass(frozen=True)
class ParsedAction:
    number: int
    numeral: str
    title: str
    targets: str
    departments: tuple[str, ...]
    deadline: str
    # Where the row came from only matters for messages; the same action read from a .txt and
    # from a .docx is the same action.
    source: str = field(compare=False)


@dataclass(frozen=True)
class ParsedPlan:
    title: str
    actions: tuple[ParsedAction, ...]
    source_format: str
    encoding: str


class PlanTableError(Exception):
    """The table cannot be read. ``message`` is Chinese, names the place and says how to fix it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------
# Numerals, cell values
# --------------------------------------------------------------------------------------

# The opening bracket may be full- or half-width and the closing one of the other width or
# missing: all three occur in tables typed by hand.
_ACTION_START = re.compile(r"[（(][ ]*(?P<numeral>[一二三四五六七八九十]{1,3})[ ]*[）)]?")
_DIGITS = ACTION_NUMERALS[:9]


def _numeral_value(numeral: str) -> int | None:
    """一 → 1 … 十 → 10, 十一 → 11, 二十 → 20, 九十九 → 99; None for anything not written so."""
    if len(numeral) == 1:
        return ACTION_NUMERALS.index(numeral) + 1 if numeral in ACTION_NUMERALS else None
    tens, _, ones = numeral.partition("十")
    if "十" not in numeral or "十" in ones or tens == "一":
        return None
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
        return None
    return (_DIGITS.index(tens) + 1 if tens else 1) * 10 + (_DIGITS.index(ones) + 1 if ones else 0)


def _action_numeral(number: int) -> str:
    """The inverse of ``_numeral_value``: the numeral an action with this number should carry."""
    if number <= len(ACTION_NUMERALS):
        return ACTION_NUMERALS[number - 1]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _DIGITS[tens - 1]) + "十" + (_DIGITS[ones - 1] if ones else "")


def _match_action_start(text: str) -> tuple[re.Match[str], int] | None:
    match = _ACTION_START.match(text.lstrip())
    if match is None:
        return None
    number = _numeral_value(match["numeral"])
    return None if number is None else (match, number)


def _compact(text: str) -> str:
    return "".join(text.split())


def _clean_title(text: str) -> str:
    # A long title wraps inside its cell; Chinese needs no space where the line broke.
    return "".join(line.strip() for line in text.splitlines()).lstrip("、.．:：").strip()


def _clean_targets(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


_DUTY_PHRASE = re.compile(r"按照?职责分工负责$")
_ET_CETERA = re.compile(r"等(?:部门|单位)?$")
_DEPARTMENT_SEPARATORS = re.compile(r"[、，,；;\s]+")
_ALL_TOWNS_SPELLINGS = frozenset(
    {"各镇街", "各镇街道", "各镇（街道）", "各镇(街道)", "各镇（街）", "各镇(街)"}
)


def _split_departments(text: str) -> tuple[str, ...]:
    body = text.strip().rstrip("。.；;，,")
    body = _DUTY_PHRASE.sub("", body).rstrip()
    body = _ET_CETERA.sub("", body)
    names = (name for name in _DEPARTMENT_SEPARATORS.split(body) if name)
    return tuple(ALL_TOWNS if name in _ALL_TOWNS_SPELLINGS else name for name in names)


def _quoted_list(names: Sequence[str]) -> str:
    quoted = [f"“{name}”" for name in names]
    if len(quoted) == 1:
        return quoted[0]
    return gettext("%(first)s和%(last)s") % {"first": "、".join(quoted[:-1]), "last": quoted[-1]}


def _row_label(numeral: str, title: str) -> str:
    shown = title if len(title) <= 20 else f"{title[:10]}……{title[-4:]}"
    return f"（{numeral}）“{shown}”"


# --------------------------------------------------------------------------------------
# Rows to actions (all formats)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RawRow:
    """One table row as read, before checking. A value is None when the row ran out of cells."""

    source: str
    content: str
    targets: str | None
    departments: str | None
    deadline: str | None


def _build_actions(rows: Sequence[_RawRow], *, from_text: bool) -> tuple[ParsedAction, ...]:
    actions: list[ParsedAction] = []
    for position, row in enumerate(rows):
        start = _match_action_start(row.content)
        if start is None:  # the readers only hand over numbered rows
            raise AssertionError(row)
        match, number = start
        expected = len(actions) + 1
        if number != expected:
            raise PlanTableError(
                gettext(
                    "%(place)s：行动序号应为“（%(expected)s）”，这里是“（%(found)s）”。"
                    "序号必须从（一）开始依次排列，不能跳号或重复；"
                    "请检查是否漏掉或重复了一行。"
                )
                % {
                    "place": row.source,
                    "expected": _action_numeral(expected),
                    "found": match["numeral"],
                }
            )
        numeral = match["numeral"]
        title = _clean_title(row.content.lstrip()[match.end() :])
        if not title:
            raise PlanTableError(
                gettext(
                    "%(place)s：“内容”只有序号“（%(numeral)s）”，没有行动名称。请补上行动名称。"
                )
                % {"place": row.source, "numeral": numeral}
            )
        label = _row_label(numeral, title)
        cells = {
            COLUMN_TARGETS: row.targets,
            COLUMN_DEPARTMENTS: row.departments,
            COLUMN_DEADLINE: row.deadline,
        }
        missing = [name for name, value in cells.items() if not (value or "").strip()]
        if missing:
            ran_out = any(cells[name] is None for name in missing)
            if from_text and ran_out and position == len(rows) - 1:
                message = gettext(
                    "%(place)s：%(row)s缺少%(columns)s，表格可能被截断。"
                    "请确认上传的是完整的文件，必要时从 Word 重新导出。"
                )
            elif from_text:
                message = gettext(
                    "%(place)s：%(row)s缺少%(columns)s。请在原表中补全这一行后重新导出上传。"
                )
            else:
                message = gettext(
                    "%(place)s：%(row)s的%(columns)s是空的。请补全后重新上传；"
                    "如果用了合并单元格，请取消合并并在每一行都填写。"
                )
            raise PlanTableError(
                message % {"place": row.source, "row": label, "columns": _quoted_list(missing)}
            )
        departments = _split_departments(row.departments or "")
        if not departments:
            raise PlanTableError(
                gettext(
                    "%(place)s：%(row)s的“责任部门”里没有部门名称（“%(text)s”）。"
                    "请写出负责的部门，例如“区残联、区人力资源和社会保障局按职责分工负责”。"
                )
                % {"place": row.source, "row": label, "text": _compact(row.departments or "")}
            )
        actions.append(
            ParsedAction(
                number=number,
                numeral=numeral,
                title=title,
                targets=_clean_targets(row.targets or ""),
                departments=departments,
                deadline=_compact(row.deadline or ""),
                source=row.source,
            )
        )
    return tuple(actions)


def _missing_columns_error(place: str, missing: Sequence[str]) -> PlanTableError:
    return PlanTableError(
        gettext(
            "%(place)s：表头缺少%(columns)s列。表头应包含“内容”“工作任务目标”“责任部门”"
            "“完成时限”四列（列名中的空格和换行不影响识别）；请补上或改正列名后重新上传。"
        )
        % {"place": place, "columns": _quoted_list(missing)}
    )


def _no_header_error(where: str) -> PlanTableError:
    return PlanTableError(
        gettext(
            "%(where)s中没有找到表头。计划表的表头应包含“内容”“工作任务目标”“责任部门”"
            "“完成时限”四列；请确认上传的是落实分解表，且表头行没有被删除或改名。"
        )
        % {"where": where}
    )


def _no_actions_error(place: str) -> PlanTableError:
    return PlanTableError(
        gettext(
            "%(place)s的表头下面没有找到任何行动。每个行动的“内容”应以带括号的序号开头，"
            "例如“（一）实施……行动”；请检查序号是否漏写。"
        )
        % {"place": place}
    )


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------

# Word's text export may also write \v (a manual line break inside a cell) and \f (a page
# break); editors don't count those as lines, so they break the structure but not the count.
_NEWLINES = frozenset("\n\r\u2028\u2029\x85")
_SOFT_BREAKS = frozenset("\f\v")
_ALLOWED_CONTROL_BYTES = frozenset(b"\t\n\r\x0b\x0c")


def _count_control_bytes(data: bytes) -> int:
    return sum(1 for byte in data if byte < 0x20 and byte not in _ALLOWED_CONTROL_BYTES)


def _looks_binary(control_count: int, length: int) -> bool:
    # A stray control character survives copy and paste now and then; binary files are full
    # of them.
    return control_count > 2 + length // 100


def _binary_error(count: int) -> PlanTableError:
    return PlanTableError(
        gettext(
            "文件不是文本文件：其中有%(count)d个控制字符（例如 NUL 字节），"
            "可能是图片、压缩包或其他二进制文件。请上传 Word（.docx）、Excel（.xlsx）"
            "文件，或在 Word 中把计划表另存为纯文本（.txt）后上传。"
        )
        % {"count": count}
    )


def _is_odd_character(char: str) -> bool:
    """Control, private-use, unassigned or surrogate: what decoding binary data produces."""
    return char not in "\t\n\r\f\v" and unicodedata.category(char) in {"Cc", "Co", "Cn", "Cs"}


def _decode_tolerating_cut(data: bytes, encoding: str) -> str:
    """Decode strictly, except that a character cut in half at the very end is dropped.

    An upload cut off mid-transfer usually ends inside a multi-byte character; reporting that as
    "unknown encoding" would hide the real problem, which the row check then names.
    """
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3 and error.end == len(data):
            return data[: error.start].decode(encoding)
        raise


def _decode_text(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Word's "Unicode text" export is UTF-16 with a byte-order mark.
        candidates = ["utf-16"]
    else:
        if b"\x00" in data or _looks_binary(_count_control_bytes(data), len(data)):
            raise _binary_error(_count_control_bytes(data))
        candidates = ["utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8", "gb18030"]
    first_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = _decode_tolerating_cut(data, encoding)
        except UnicodeDecodeError as error:
            first_error = first_error or error
            continue
        odd = sum(1 for char in text if _is_odd_character(char))
        if _looks_binary(odd, len(text)):
            raise _binary_error(odd)
        return text, encoding
    position = first_error.start if first_error else 0
    raise PlanTableError(
        gettext(
            "无法识别文件的文字编码：第%(line)d行附近的内容既不是 UTF-8 也不是 GBK/GB18030 编码。"
            "请在记事本或 Word 中把文件另存为 UTF-8 编码的文本后重新上传。"
        )
        % {"line": data[:position].count(b"\n") + 1}
    )


def detect_text_encoding(data: bytes) -> str:
    """Name the encoding of a text export: "utf-8", "utf-8-sig", "gb18030" (or "utf-16").

    UTF-8 is tried first because valid GBK text is almost never valid UTF-8, while the reverse
    guess would turn UTF-8 into mojibake without any error.
    """
    if not data:
        raise _empty_error()
    return _decode_text(data)[1]


def _normalise(text: str) -> tuple[str, list[int]]:
    """Unify line breaks and spaces, and remember the line each character came from.

    The result has one entry in ``lines`` per character, so a cell found anywhere in the
    normalised text can still be reported by the line number the user sees in an editor.
    """
    chars: list[str] = []
    lines: list[int] = []
    line = 1
    for index, char in enumerate(text):
        if char == "\r" and text[index + 1 : index + 2] == "\n":
            continue
        if char in _NEWLINES:
            chars.append("\n")
            lines.append(line)
            line += 1
            continue
        if char in _SOFT_BREAKS:
            chars.append("\n")
        elif char == "\t":
            chars.append("\t")
        elif char.isspace():  # NBSP, the full-width space U+3000 and friends
            chars.append(" ")
        elif unicodedata.category(char) in {"Cc", "Cf"}:
            continue  # BOMs, zero-width spaces, Word's cell marker \x07
        else:
            chars.append(char)
        lines.append(line)
    return "".join(chars), lines


@dataclass(frozen=True)
class _TextCell:
    text: str
    start: int  # offset in the normalised text
    line: int  # line of its first visible character, as an editor counts


class _TextTable:
    """Split normalised text into cells and group the cells into rows.

    Cells are separated by tabs. A row begins at a cell that starts with a bracketed numeral.
    Word sometimes writes that cell on a fresh line without a tab, so a line inside a cell that
    starts with the numeral of the next expected action starts a row too — but only in the last
    cell of a row that already has its other cells, so a targets text that lists sub-items
    (一)(二) on lines of their own is not torn apart.
    """

    def __init__(self, text: str, lines: list[int]) -> None:
        self.text = text
        self.lines = lines
        self.preamble: list[_TextCell] = []
        self.rows: list[list[_TextCell]] = []
        self._expected = 1
        start = 0
        while start <= len(text):
            end = text.find("\t", start)
            end = len(text) if end < 0 else end
            self._add_span(start, end)
            start = end + 1

    def cell(self, start: int, stop: int) -> _TextCell:
        return _TextCell(self.text[start:stop], start, self.line_at(start, stop))

    def line_at(self, start: int, stop: int) -> int:
        for index in range(start, stop):
            if not self.text[index].isspace():
                return self.lines[index]
        return self.lines[min(start, len(self.lines) - 1)] if self.lines else 1

    def _add_span(self, start: int, end: int) -> None:
        while True:
            begins = _match_action_start(self.text[start:end])
            if begins is not None:
                self.rows.append([])
                self._expected = begins[1] + 1
            current = self.rows[-1] if self.rows else self.preamble
            split = None
            if len(current) >= len(REQUIRED_COLUMNS) - 1:
                split = self._next_row_start(start, end)
            current.append(self.cell(start, end if split is None else split))
            if split is None:
                return
            start = split

    def _next_row_start(self, start: int, end: int) -> int | None:
        segment = self.text[start:end]
        content = start + len(segment) - len(segment.lstrip())
        for newline in re.finditer("\n", self.text[content:end]):
            line_start = content + newline.end()
            line_end = self.text.find("\n", line_start, end)
            begins = _match_action_start(self.text[line_start : end if line_end < 0 else line_end])
            if begins is not None and begins[1] == self._expected:
                return line_start
        return None

    def header(self) -> tuple[str, list[_TextCell]]:
        """The title and the header cells, found among the cells before the first action."""
        for index, cell in enumerate(self.preamble):
            if _compact(cell.text) in REQUIRED_COLUMNS:
                above = [c.text for c in self.preamble[:index]]
                header = self.preamble[index:]
                break
            # Without a leading tab, the title and the first column name share a cell.
            body = cell.text.rstrip()
            split = body.rfind("\n") + 1
            if split and _compact(body[split:]) in REQUIRED_COLUMNS:
                above = [c.text for c in self.preamble[:index]] + [body[:split]]
                header = [self.cell(cell.start + split, cell.start + len(body))]
                header += self.preamble[index + 1 :]
                break
        else:
            raise _no_header_error(gettext("文件"))
        title_lines = [line.strip() for text in above for line in text.split("\n") if line.strip()]
        # The title is the last line above the header; a line before it ("附件2") is not.
        return (title_lines[-1] if title_lines else ""), [c for c in header if c.text.strip()]


def _place_line(line: int) -> str:
    return gettext("第%(line)d行") % {"line": line}


def _cell_at(cells: list[_TextCell], index: int) -> str | None:
    return cells[index].text if index < len(cells) else None


_BLANK_LINE_THEN_TEXT = re.compile(r"\n[ ]*\n\s*\S")


def _parse_text(data: bytes) -> ParsedPlan:
    decoded, encoding = _decode_text(data)
    text, lines = _normalise(decoded)
    if not text.strip():
        raise PlanTableError(
            gettext("文件里只有空白字符，没有任何内容。请确认导出的是计划表本身，然后重新上传。")
        )
    table = _TextTable(text, lines)
    title, header = table.header()
    names = [_compact(cell.text) for cell in header]
    header_place = gettext("第%(line)d行附近的表头") % {"line": header[0].line}
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise _missing_columns_error(header_place, missing)
    if names[0] != COLUMN_CONTENT:
        raise PlanTableError(
            gettext(
                "%(place)s：第一列应为“内容”，这里是“%(found)s”。文本文件里行动序号所在的"
                "“内容”列必须在最前面；请按原表的列顺序重新导出。"
            )
            % {"place": header_place, "found": names[0]}
        )
    if not table.rows:
        raise _no_actions_error(header_place)
    width = len(names)
    index = {name: names.index(name) for name in REQUIRED_COLUMNS}
    raw_rows: list[_RawRow] = []
    for position, row in enumerate(table.rows):
        cells = list(row)
        if position == len(table.rows) - 1 and len(cells) >= width:
            # Text after a blank line below the last row ("注：……") is not part of its cell.
            final = cells[width - 1]
            below = _BLANK_LINE_THEN_TEXT.search(final.text)
            if below is not None:
                cells[width - 1] = table.cell(final.start, final.start + below.start())
        source = _place_line(cells[0].line)
        extra = [cell for cell in cells[width:] if cell.text.strip()]
        if extra:
            raise PlanTableError(
                gettext(
                    "%(place)s：这一行的单元格比表头多，多出的内容是“%(extra)s”（第%(line)d行）。"
                    "可能是单元格里多了制表符，请删除多余的制表符后重新上传。"
                )
                % {"place": source, "extra": _compact(extra[0].text)[:30], "line": extra[0].line}
            )
        raw_rows.append(
            _RawRow(
                source=source,
                content=cells[0].text,
                targets=_cell_at(cells, index[COLUMN_TARGETS]),
                departments=_cell_at(cells, index[COLUMN_DEPARTMENTS]),
                deadline=_cell_at(cells, index[COLUMN_DEADLINE]),
            )
        )
    actions = _build_actions(raw_rows, from_text=True)
    return ParsedPlan(title=title, actions=actions, source_format="text", encoding=encoding)


# --------------------------------------------------------------------------------------
# Word and Excel: both give a grid of cell texts
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grid:
    rows: list[list[str]]
    place: Callable[[int], str]  # 0-based row index → "表格第3行"
    title_above: str = ""


# Rows below the table that explain it rather than being part of it.
_NOTE_ROW = re.compile(r"^(?:注|备注|说明|附)")


def _locate_header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """The first row that names all four columns, else the row that names the most of them."""
    best: tuple[int, dict[str, int]] | None = None
    for row_index, row in enumerate(rows):
        columns: dict[str, int] = {}
        for column, value in enumerate(row):
            name = _compact(value)
            if name in REQUIRED_COLUMNS and name not in columns:
                columns[name] = column
        if columns and (best is None or len(columns) > len(best[1])):
            best = (row_index, columns)
            if len(columns) == len(REQUIRED_COLUMNS):
                break
    return best


def _parse_grids(grids: list[_Grid], *, where: str, source_format: str) -> ParsedPlan:
    best: tuple[_Grid, int, dict[str, int]] | None = None
    for grid in grids:
        found = _locate_header(grid.rows)
        if found is not None and (best is None or len(found[1]) > len(best[2])):
            best = (grid, *found)
            if len(found[1]) == len(REQUIRED_COLUMNS):
                break
    if best is None:
        raise _no_header_error(where)
    grid, header, columns = best
    header_place = grid.place(header)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise _missing_columns_error(
            gettext("%(place)s（表头）") % {"place": header_place}, missing
        )

    title = grid.title_above
    for row in reversed(grid.rows[:header]):
        text = next((value for value in row if value.strip()), "")
        if text:
            title = _clean_title(text)
            break

    raw_rows: list[_RawRow] = []
    for row_index in range(header + 1, len(grid.rows)):
        row = grid.rows[row_index]
        values = {
            name: row[column] if column < len(row) else "" for name, column in columns.items()
        }
        content = values[COLUMN_CONTENT].strip()
        others = [values[COLUMN_TARGETS], values[COLUMN_DEPARTMENTS], values[COLUMN_DEADLINE]]
        has_others = any(value.strip() for value in others)
        place = grid.place(row_index)
        if not content and not has_others:
            continue
        if not content:
            raise PlanTableError(
                gettext(
                    "%(place)s：“内容”是空的，但这一行的其他列有内容。"
                    "请填写“（序号）行动名称”，或删除这一行。"
                )
                % {"place": place}
            )
        if _match_action_start(content) is None:
            if raw_rows and not has_others and _NOTE_ROW.match(content):
                break
            raise PlanTableError(
                gettext(
                    "%(place)s：“内容”应以带括号的序号开头，例如“（一）实施……行动”，"
                    "这里是“%(text)s”。请补上序号。"
                )
                % {"place": place, "text": _compact(content)[:30]}
            )
        raw_rows.append(_RawRow(place, content, *others))
    if not raw_rows:
        raise _no_actions_error(header_place)
    return ParsedPlan(
        title=title,
        actions=_build_actions(raw_rows, from_text=False),
        source_format=source_format,
        encoding="",
    )


def _corrupt_error(filename: str) -> PlanTableError:
    return PlanTableError(
        gettext(
            "“%(name)s”：文件已损坏或不是有效的 Word/Excel 文件，无法打开。"
            "请先用 Word 或 Excel 打开确认内容正常，重新保存后再上传。"
        )
        % {"name": filename}
    )


def _parse_docx(data: bytes, filename: str) -> ParsedPlan:
    import docx
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from lxml.etree import LxmlError

    try:
        document = docx.Document(io.BytesIO(data))
        tables: list[tuple[Table, str]] = []
        last_paragraph = ""
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                tables.append((block, last_paragraph))
            elif block.text.strip():
                last_paragraph = _clean_title(block.text)
        grids = [
            _Grid(_docx_rows(table), _docx_place(number, len(tables)), title_above)
            for number, (table, title_above) in enumerate(tables, start=1)
        ]
    except (OpcError, LxmlError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise _corrupt_error(filename) from error
    if not grids:
        raise PlanTableError(
            gettext(
                "Word 文件中没有表格。计划表应是一个有“内容”“工作任务目标”“责任部门”"
                "“完成时限”四列的表格；请确认上传的是落实分解表，而不是方案正文。"
            )
        )
    return _parse_grids(grids, where=gettext("Word 文件的表格"), source_format="docx")


def _docx_rows(table: Table) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in table.rows:
        values = [""] * row.grid_cols_before
        previous = None
        for cell in row.cells:
            # A cell spanning several columns is yielded once per column; its text belongs to
            # the first. (Cells merged downwards are yielded with their text in every row,
            # which is what a department shared by several actions means.)
            values.append("" if cell is previous else _normalise(cell.text)[0])
            previous = cell
        rows.append(values)
    return rows


def _docx_place(table_number: int, table_count: int) -> Callable[[int], str]:
    def place(row_index: int) -> str:
        if table_count == 1:
            return gettext("表格第%(row)d行") % {"row": row_index + 1}
        return gettext("第%(table)d个表格第%(row)d行") % {
            "table": table_number,
            "row": row_index + 1,
        }

    return place


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _parse_workbook(
    data: bytes, source_format: str, unreadable: Callable[[], PlanTableError]
) -> ParsedPlan:
    # Read in a process of its own under size and memory limits, as every import is: a
    # crafted workbook cannot take the web process down (core.importing.read_workbook).
    from jiuye.core.importing import ImportFileError, read_workbook
    from jiuye.core.importing.files import DamagedFileError

    grids: list[_Grid] = []
    with tempfile.NamedTemporaryFile(suffix=f".{source_format}") as copy:
        copy.write(data)
        copy.flush()
        try:
            sheets = read_workbook(Path(copy.name))
        except DamagedFileError as error:
            raise unreadable() from error
        except ImportFileError as error:
            raise PlanTableError(str(error)) from error
    for sheet in sheets:
        # Keep the empty area above and left of the data so row numbers match Excel's.
        rows = [[_normalise(_cell_text(value))[0] for value in row] for row in sheet.rows]
        _fill_merged(rows, sheet.merged)
        if any(value.strip() for row in rows for value in row):
            grids.append(_Grid(rows, _sheet_place(sheet.name)))
    if not grids:
        raise PlanTableError(
            gettext("Excel 文件里没有任何数据：所有工作表都是空的。请确认上传的是填好的计划表。")
        )
    return _parse_grids(grids, where=gettext("Excel 文件的工作表"), source_format=source_format)


def _fill_merged(
    rows: list[list[str]], ranges: list[tuple[tuple[int, int], tuple[int, int]]]
) -> None:
    """Give every cell of a merged range the range's value, as Word does for merged cells."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for row_index in range(top, bottom + 1):
            while len(rows) <= row_index:
                rows.append([])
            row = rows[row_index]
            row.extend([""] * (right + 1 - len(row)))
            for column in range(left, right + 1):
                row[column] = value


def _sheet_place(sheet: str) -> Callable[[int], str]:
    def place(row_index: int) -> str:
        return gettext("工作表“%(sheet)s”第%(row)d行") % {"sheet": sheet, "row": row_index + 1}

    return place


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OFFICE_EXTENSIONS = frozenset({".docx", ".xlsx", ".xlsm", ".xls", ".doc"})


def _empty_error() -> PlanTableError:
    return PlanTableError(gettext("文件是空的（0 字节）。请重新导出计划表后再上传。"))


def _old_office_error(filename: str) -> PlanTableError:
    return PlanTableError(
        gettext(
            "无法读取旧版 Office 文件“%(name)s”。如果它是 Word（.doc）文件，请另存为 .docx；"
            "如果设置了打开密码，请先取消密码；否则文件可能已损坏，请重新保存后上传。"
        )
        % {"name": filename}
    )


def _parse_zip(data: bytes, filename: str) -> ParsedPlan:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            # Reading every member checks the CRCs, so a damaged file fails here with one
            # clear message instead of somewhere inside the Word or Excel reader.
            if archive.testzip() is not None:
                raise zipfile.BadZipFile
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise _corrupt_error(filename) from error
    if any(name.startswith("word/") for name in names):
        return _parse_docx(data, filename)
    if any(name.startswith("xl/") for name in names):
        return _parse_workbook(data, "xlsx", lambda: _corrupt_error(filename))
    raise PlanTableError(
        gettext(
            "文件“%(name)s”是压缩包，但不是 Word（.docx）或 Excel（.xlsx）文件。"
            "请上传计划表本身；WPS 或其他软件的文件请先另存为 .docx 或 .xlsx。"
        )
        % {"name": filename}
    )


def parse_plan_table(data: bytes, filename: str) -> ParsedPlan:
    """Read the task table from an upload.

    The content decides the format: a zip holding ``word/`` is a .docx, one holding ``xl/`` is
    an .xlsx, an OLE container is an old .xls, anything else is text. The filename extension
    is a hint for the messages: an OLE file named .doc is an old Word file, and binary content
    named like an Office file is reported as a damaged Office file rather than as "not text".
    (Text named .xls is read as text: some systems export tab-separated text under that name.)
    """
    extension = PurePath(filename or "").suffix.lower()
    if not data:
        raise _empty_error()
    if data.startswith(_ZIP_MAGIC):
        return _parse_zip(data, filename)
    if data.startswith(_OLE_MAGIC):
        if extension in {".doc", ".wps"}:
            raise PlanTableError(
                gettext("不支持旧版 Word（.doc）文件。请在 Word 中“另存为” .docx 格式后再上传。")
            )
        return _parse_workbook(data, "xls", lambda: _old_office_error(filename))
    if extension in _OFFICE_EXTENSIONS:
        try:
            _decode_text(data)
        except PlanTableError as error:
            raise _corrupt_error(filename) from error
    return _parse_text(data)
