"""Finding and mapping the header row of a table: the row that names the kind's columns
(looked for below a title), headers compared without spaces, case or notes in brackets."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from jiuye.core.importing.base import Column, ImportFileError, ImportKind
from jiuye.core.importing.files import Table

# Notes in brackets after a header: 身份证号（18位）, 月工资（元）, 姓名(必填)【请勿合并】.
_HEADER_NOTES = re.compile(r"(?:[(\[【][^()\[\]【】]*[)\]】])+$")
# How many non-empty rows at the top may hold a title, a date or notes above the header.
HEADER_SEARCH_ROWS = 10


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = re.sub(r"[\s*＊]", "", text)
    return _HEADER_NOTES.sub("", text) or text


def map_headers(kind: ImportKind, headers: list[str], row: int = 1) -> dict[str, int]:
    """Column key → position. Unknown columns are ignored; missing required ones are an error."""
    positions, repeated = _recognised(kind, headers)
    if repeated:
        raise ImportFileError(
            _("表头中这些列重复了：%(cols)s。每一列只能出现一次。") % {"cols": "、".join(repeated)}
        )
    missing = [c.header for c in kind.columns if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(
            _("表头（第%(row)d行）缺少必填列：%(cols)s。请下载导入模板对照列名。")
            % {"row": row, "cols": "、".join(missing)}
        )
    return positions


def _recognised(kind: ImportKind, headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """The columns a row of headers names (key → position), and the headers that repeat one."""
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
    return positions, repeated


def find_header(kind: ImportKind, table: Table) -> dict[str, int]:
    """Map the header row, looked for among the first non-empty rows: a title, a date or a
    note above the header is the commonest office layout. The first row that names every
    required column is the header and the rows below it are the data; when none does, the
    message is about the row that names the most columns."""
    looked: list[tuple[int, list[str]]] = [(table.header_row, table.headers)]
    while True:
        number, cells = looked[-1]
        try:
            positions = map_headers(kind, cells, row=number)
        except ImportFileError:
            if len(looked) >= HEADER_SEARCH_ROWS:
                break
            following = next((r for r in table.rows if any(r[1])), None)
            if following is None:
                break
            looked.append(following)
            continue
        # Rows are looked at one by one, so the data start right below this one.
        table.headers, table.header_row = cells, number
        return positions
    number, cells = max(looked, key=lambda r: (len(_recognised(kind, r[1])[0]), -r[0]))
    return map_headers(kind, cells, row=number)  # raises: the likeliest header's problem


def ignored_headers(headers: list[str], positions: dict[str, int]) -> list[str]:
    """The headers of the columns an import does not read."""
    used = set(positions.values())
    return [h for i, h in enumerate(headers) if h.strip() and i not in used]
