"""Reading an untrusted workbook (.xlsx, .xls, .ods) in a process of its own.

calamine builds a dense grid of every cell between A1 and the last filled cell: a 1.5 KB file
with values in A1 and XFD1048576 asks for 512 GiB and the Rust code aborts the process, which
Python cannot catch. So this module runs as a separate, short-lived Python process
(``python -I workbook.py PATH LIMITS``) under an address-space and CPU-time limit, and before
calamine sees an .xlsx it streams the sheet's XML (with a cap on the uncompressed size, for zip
bombs) to check the declared dimension and the cells that really hold values against the row,
column and cell limits. A crash can only end this process; the caller (``files.read_workbook``)
turns its exit into a message.

Every worksheet is read, hidden ones too (chart and macro sheets are not tables). Output, on
stdout, one JSON document a line: ``{"sheet": name, "merged": [...], "hidden": bool,
"hidden_rows": [row_index, …]}`` starts a sheet (``hidden``: the sheet is hidden in Excel;
``hidden_rows``: the rows hidden in it, .xlsx only, read from ``<row hidden="1">`` since calamine
does not tell), then ``[row_index, [cell, …]]`` for each row from A1 (0-based, so row numbers
match Excel's). A cell is a JSON string, number, boolean or null, or an object for the other types:
``{"t": "date"|"datetime"|"time"|"duration", "v": text}``, or ``{"t": "nv"}`` for a formula saved
without its result. A problem the checks found is exit status 3 with ``{"problem": code, …}``
as the last line of stderr.

Nothing here imports Django or the rest of the project: the module runs by path.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
import sys
import zipfile
from collections.abc import Iterator
from typing import Any, NoReturn

PROBLEM_EXIT = 3
_CHUNK = 1024 * 1024
# Start and end tags of the elements that place and fill cells, with their attributes (quoted
# values may hold ">"); an optional namespace prefix (``x:c``) is allowed.
_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|v|is|f|dimension)(?=[\s/>])"
    rb"((?:[^>\"']+|\"[^\"]*\"|'[^']*')*)>"
)
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_ATTRS = rb"""(?:[^>"']+|"[^"]*"|'[^']*')*"""
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
# Every cell; every cell that names its place; the place of every cell that is not empty
# (``<c …/>`` holds only a style: calamine leaves it out); a value; a formula without a value.
_ANY_CELL = re.compile(rb"<" + _NS + rb"c[\s/>]")
_PLACED_CELL = re.compile(rb"<" + _NS + rb"c\s[^>]*?\br\s*=\s*[\"'][A-Za-z]")
_FILLED_CELL = re.compile(
    rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})["']""" + _ATTRS + rb"(?<!/)>"
)
_PLAIN_FILLED_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*(?<!/)>')
_VALUE = re.compile(rb"<" + _NS + rb"(?:v|is)>")
_FORMULA_ONLY = re.compile(
    rb"<"
    + _NS
    + rb"c\s("
    + _ATTRS
    + rb")>\s*<"
    + _NS
    + rb"f\b"
    + _ATTRS
    + rb"(?:/>|>[^<]*</"
    + _NS
    + rb"f>)\s*(?:<"
    + _NS
    + rb"v\s*/>|<"
    + _NS
    + rb"v>\s*</"
    + _NS
    + rb"v>)?\s*</"
    + _NS
    + rb"c>"
)
_DIMENSION = re.compile(
    rb"""<""" + _NS + rb"""dimension\s[^>]*?\bref\s*=\s*["'](?:[^"':]*:)?([^"']*)["']"""
)
_ATTR_T = re.compile(rb"""(?:^|\s)t\s*=\s*["']([^"']*)["']""")
_ATTR_REF = re.compile(rb"""(?:^|\s)ref\s*=\s*["']([^"']*)["']""")
# A row hidden in Excel (hidden by hand, by a filter or in a collapsed outline).
_ROW_TAG = re.compile(rb"<" + _NS + rb"row(\s" + _ATTRS + rb")>")
_ATTR_HIDDEN = re.compile(rb"""(?:^|\s)hidden\s*=\s*["'](?:1|true)["']""")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


class Problem(Exception):
    """A workbook the limits refuse; ``details`` go back to the caller as JSON."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.details = {"problem": code, **details}


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _cell_ref(text: str) -> tuple[int, int]:
    match = _REF.fullmatch(text.strip())
    if match is None:
        raise Problem("damaged")
    return int(match.group(2)) - 1, _column_index(match.group(1))


def _stream(book: zipfile.ZipFile, name: str, limits: dict[str, int]) -> Iterator[bytes]:
    """A member's bytes in chunks, refused once more than the cap has come out (zip bombs)."""
    total = 0
    with book.open(name) as member:
        while chunk := member.read(_CHUNK):
            total += len(chunk)
            if total > limits["max_xml_bytes"]:
                raise Problem("bomb", mb=limits["max_xml_bytes"] // (1024 * 1024))
            yield chunk


def _read_small(book: zipfile.ZipFile, name: str, limits: dict[str, int]) -> bytes:
    data = b"".join(_stream(book, name, {**limits, "max_xml_bytes": 16 * 1024 * 1024}))
    if b"<!DOCTYPE" in data.upper():
        raise Problem("damaged")
    return data


def _xlsx_sheets(book: zipfile.ZipFile, limits: dict[str, int]) -> list[tuple[str, str]]:
    """(sheet name, member path) in the workbook's order, as calamine reads them."""
    import xml.etree.ElementTree as ET  # noqa: N817 - the usual name

    names = set(book.namelist())
    workbook = next((n for n in ("xl/workbook.xml", "xl/workbook.xlsx") if n in names), None)
    if workbook is None:
        raise Problem("damaged")
    rels_name = posixpath.join(posixpath.dirname(workbook), "_rels", "workbook.xml.rels")
    targets = {}
    if rels_name in names:
        # No DTD (refused by _read_small), so no entities to expand; a capped size.
        for rel in ET.fromstring(_read_small(book, rels_name, limits)):  # noqa: S314
            target = rel.get("Target", "")
            if not target.startswith("/"):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(workbook), target))
            targets[rel.get("Id")] = target.lstrip("/")
    sheets = []
    for element in ET.fromstring(_read_small(book, workbook, limits)).iter():  # noqa: S314
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), "")
        path = targets.get(rid, "")
        if path in names:
            sheets.append((element.get("name", ""), path))
    return sheets


def _check_size(rows: int, columns: int, limits: dict[str, int]) -> None:
    if rows > limits["max_rows"] or columns > limits["max_columns"]:
        raise Problem("too_big", rows=rows, columns=columns)
    if rows * columns > limits["max_cells"]:
        raise Problem("too_big", rows=rows, columns=columns)


def scan_xlsx_sheet(
    book: zipfile.ZipFile, name: str, limits: dict[str, int], hidden: set[int] | None = None
) -> set[tuple[int, int]]:
    """Check one sheet's XML before calamine reads it: its declared dimension, and the area
    and number of the cells that hold a value (what calamine will allocate), against the
    limits. Returns the positions of formulas saved without a result; adds the 0-based index
    of every hidden row to ``hidden``.

    Every cell names its place (``r="B7"``) in what Excel, WPS and the usual libraries
    write; such a sheet is checked with a few regular-expression passes per chunk of rows.
    A sheet with a cell that does not is walked tag by tag (``_walk_xlsx_sheet``)."""
    last_row = last_column = -1
    cells = 0
    no_value: set[tuple[int, int]] = set()
    hidden = set() if hidden is None else hidden
    tail = b""
    for chunk in _stream(book, name, limits):
        buffer = tail + chunk
        cut = buffer.rfind(b"row>") + 4
        if cut < 4:
            tail = buffer
            continue
        part, tail = buffer[:cut], buffer[cut:]
        if last_row < 0:
            dimension = _DIMENSION.search(part)
            if dimension is not None:
                end_row, end_column = _cell_ref(dimension.group(1).decode("ascii", "replace"))
                _check_size(end_row + 1, end_column + 1, limits)
        # Plain markup (no namespace prefix, r first, as Excel writes it) is counted with
        # the fast byte searches; anything else with the general patterns.
        plain = b":c " not in part and part.count(b"<c ") == part.count(b'<c r="')
        if plain and b"<c>" not in part and b"<c/" not in part:
            cells += part.count(b"<v>") + part.count(b"<is>")
            filled = _PLAIN_FILLED_CELL.findall(part)
        elif len(_ANY_CELL.findall(part)) == len(_PLACED_CELL.findall(part)):
            cells += len(_VALUE.findall(part))
            filled = _FILLED_CELL.findall(part)
        else:
            return _walk_xlsx_sheet(book, name, limits, hidden)
        if b"hidden" in part and not _hidden_rows(part, hidden):
            return _walk_xlsx_sheet(book, name, limits, hidden)
        if filled:
            last_row = max(last_row, max(map(int, {r for _c, r in filled})) - 1)
            letters = {c for c, _r in filled}
            widest = max(map(len, letters))
            last_column = max(
                last_column, max(_column_index(c.decode()) for c in letters if len(c) == widest)
            )
        _check_size(last_row + 1, last_column + 1, limits)
        if cells > limits["max_cells"]:
            raise Problem("too_big", rows=last_row + 1, columns=last_column + 1)
        if b"<f" in part or b":f" in part:
            for attrs in _FORMULA_ONLY.findall(part):
                place = _ATTR_R.search(attrs)
                kind = _ATTR_T.search(attrs)
                if place and not (kind and kind.group(1) == b"str") and len(no_value) < 10000:
                    no_value.add(_cell_ref(place.group(1).decode("ascii", "replace")))
    if tail.strip() and _ANY_CELL.search(tail):
        return _walk_xlsx_sheet(book, name, limits, hidden)
    return no_value


def _hidden_rows(part: bytes, hidden: set[int]) -> bool:
    """Add the hidden rows of a chunk of whole rows; False if one does not name its place."""
    for attrs in _ROW_TAG.findall(part):
        if _ATTR_HIDDEN.search(attrs):
            ref = _ATTR_R.search(attrs)
            if ref is None or not ref.group(1).isdigit():
                return False
            hidden.add(int(ref.group(1)) - 1)
    return True


def _walk_xlsx_sheet(
    book: zipfile.ZipFile, name: str, limits: dict[str, int], hidden: set[int]
) -> set[tuple[int, int]]:
    """``scan_xlsx_sheet`` for a sheet whose cells do not all name their place: each cell's
    place is counted from the one before, tag by tag (slower)."""
    last_row = last_column = -1
    row = column = -1
    cells = 0
    no_value: set[tuple[int, int]] = set()
    cell_has_formula = cell_has_value = cell_is_text = False
    cell_at = (0, 0)
    tail = b""

    def close_cell() -> None:
        nonlocal last_row, last_column, cells
        if cell_has_value:
            cells += 1
            if cells > limits["max_cells"]:
                raise Problem("too_big", rows=last_row + 1, columns=last_column + 1)
            if cell_at[0] > last_row or cell_at[1] > last_column:
                last_row, last_column = max(last_row, cell_at[0]), max(last_column, cell_at[1])
                _check_size(last_row + 1, last_column + 1, limits)
        elif cell_has_formula and len(no_value) < 10000:
            no_value.add(cell_at)

    in_cell = False
    for chunk in _stream(book, name, limits):
        buffer = tail + chunk
        cut = buffer.rfind(b"<")
        if cut < 0:
            tail = b""
            continue
        for match in _TAG.finditer(buffer, 0, cut):
            closing, tag, attrs = match.group(1), match.group(2), match.group(3)
            if closing:
                if tag == b"c" and in_cell:
                    close_cell()
                    in_cell = False
                continue
            self_closing = attrs.endswith(b"/")
            if tag == b"c":
                if in_cell:
                    close_cell()
                ref = _ATTR_R.search(attrs)
                if ref is not None:
                    row, column = _cell_ref(ref.group(1).decode("ascii", "replace"))
                else:
                    column += 1
                cell_at, cell_has_formula, cell_has_value = (row, column), False, False
                kind = _ATTR_T.search(attrs)
                cell_is_text = kind is not None and kind.group(1) == b"str"
                in_cell = not self_closing
            elif tag == b"row":
                if in_cell:
                    close_cell()
                    in_cell = False
                ref = _ATTR_R.search(attrs)
                row = int(ref.group(1)) - 1 if ref and ref.group(1).isdigit() else row + 1
                column = -1
                if _ATTR_HIDDEN.search(attrs):
                    hidden.add(row)
            elif tag == b"dimension":
                ref = _ATTR_REF.search(attrs)
                if ref is not None:
                    end = ref.group(1).decode("ascii", "replace").split(":")[-1]
                    if _REF.fullmatch(end):
                        end_row, end_column = _cell_ref(end)
                        _check_size(end_row + 1, end_column + 1, limits)
            elif tag == b"f":
                cell_has_formula = True
            elif tag == b"is" or (tag == b"v" and not self_closing):
                # An empty <v></v> holds no value, except as a formula's text result.
                cell_has_value = (
                    cell_has_value or cell_is_text or buffer[match.end() : match.end() + 2] != b"</"
                )
        tail = buffer[cut:]
    if in_cell:
        close_cell()
    return no_value


def _json_cell(value: Any) -> Any:
    """What JSON has no type for (``json.dumps``' ``default``)."""
    if isinstance(value, dt.datetime):
        return {"t": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"t": "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": "time", "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"t": "duration", "v": value.total_seconds()}
    return str(value)


def read(path: str, limits: dict[str, int], out: Any) -> None:
    """Check and read the workbook at ``path``; write its sheets to ``out`` (see above)."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    no_value: dict[str, set[tuple[int, int]]] = {}
    hidden_rows: dict[str, set[int]] = {}
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as book:
                names = set(book.namelist())
                if "xl/workbook.xml" in names:
                    for sheet_name, member in _xlsx_sheets(book, limits):
                        hidden_rows[sheet_name] = set()
                        no_value[sheet_name] = scan_xlsx_sheet(
                            book, member, limits, hidden_rows[sheet_name]
                        )
                    if "xl/sharedStrings.xml" in names:
                        for _chunk in _stream(book, "xl/sharedStrings.xml", limits):
                            pass
                elif "content.xml" in names:  # OpenDocument (.ods)
                    for _chunk in _stream(book, "content.xml", limits):
                        pass
        except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
            raise Problem("damaged") from exc
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(path)
    except Exception as exc:  # noqa: BLE001 - calamine raises many kinds for a broken file
        raise Problem("damaged") from exc
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    encode = json.JSONEncoder(ensure_ascii=False, default=_json_cell).encode
    for metadata in workbook.sheets_metadata:
        if metadata.typ != SheetTypeEnum.WorkSheet:
            continue  # a chart, dialog or macro sheet holds no table
        sheet_name = metadata.name
        try:
            sheet = workbook.get_sheet_by_name(sheet_name)
        except Exception as exc:  # noqa: BLE001
            raise Problem("damaged") from exc
        # After the grid is built (.xls and .ods were not checked before): its true size.
        end_row, end_column = sheet.end or (-1, -1)
        _check_size(end_row + 1, end_column + 1, limits)
        merged = [list(map(list, r)) for r in (sheet.merged_cell_ranges or [])]
        start = {
            "sheet": sheet_name,
            "merged": merged,
            "hidden": metadata.visible != SheetVisibleEnum.Visible,
            "hidden_rows": sorted(hidden_rows.get(sheet_name, ())),
        }
        out.write(encode(start) + "\n")
        formulas: dict[int, list[int]] = {}
        for row_at, column_at in no_value.get(sheet_name, ()):
            formulas.setdefault(row_at, []).append(column_at)
        # From A1, so that row and column numbers are Excel's.
        for index, cells in enumerate(sheet.to_python(skip_empty_area=False)):
            for column_at in formulas.get(index, ()):
                if column_at < len(cells) and cells[column_at] in ("", None):
                    cells[column_at] = {"t": "nv"}
            out.write(encode([index, cells]) + "\n")


def _limit_resources(limits: dict[str, int]) -> None:
    import resource

    memory = limits["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = limits["cpu_seconds"]
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


def _fail(details: dict[str, Any]) -> NoReturn:
    sys.stderr.write(json.dumps(details) + "\n")
    sys.stderr.flush()
    sys.exit(PROBLEM_EXIT)


def main() -> None:
    path, limits = sys.argv[1], json.loads(sys.argv[2])
    _limit_resources(limits)
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", buffering=1024 * 1024, closefd=False)  # noqa: SIM115
    try:
        read(path, limits, out)
    except Problem as problem:
        _fail(problem.details)
    except MemoryError:
        _fail({"problem": "memory"})
    out.flush()


if __name__ == "__main__":
    main()
