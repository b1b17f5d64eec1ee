"""Finding and mapping the header row of a table: the row that names the kind's columns
(looked for below a title), headers compared without spaces, case or notes in brackets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

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


def _search_header(
    kind: ImportKind, table: Table
) -> tuple[dict[str, int] | None, tuple[int, list[str]] | None]:
    """The header row, looked for among the first non-empty rows (a title, a date or a note
    above the header is the commonest office layout): the first row that names every required
    column is the header, and its positions are returned; the rows below it are the data. When
    none does: None and the row naming the most columns, whose problem ``fit_sheets`` tells
    (None for an empty sheet)."""
    if not table.headers:
        return None, None
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
        return positions, None
    return None, max(looked, key=lambda r: (len(_recognised(kind, r[1])[0]), -r[0]))


# --- sheets ---------------------------------------------------------------------------------


@dataclass
class SheetFit:
    """A table of the file and whether it is one the kind can read: the positions of its
    columns, or what keeps it from being one (``problem``, a sentence naming the sheet)."""

    table: Table
    positions: dict[str, int] | None
    problem: str = ""
    # The likeliest header's problem in the words ``map_headers`` uses (one-table files).
    header_error: ImportFileError | None = None

    @property
    def name(self) -> str:
        return self.table.sheet


def fit_sheets(kind: ImportKind, tables: list[Table]) -> list[SheetFit]:
    """Look for the kind's header in every table (the first rows of each are read)."""
    fits = []
    for table in tables:
        positions, likeliest = _search_header(kind, table)
        if positions is not None:
            fits.append(SheetFit(table, positions))
            continue
        name = table.sheet
        if likeliest is None:
            fits.append(SheetFit(table, None, _("工作表“%(s)s”是空的") % {"s": name}))
            continue
        number, cells = likeliest
        error = None
        try:
            map_headers(kind, cells, row=number)
        except ImportFileError as exc:
            error = exc
        found, _repeated = _recognised(kind, cells)
        missing = [c.header for c in kind.columns if c.required and c.key not in found]
        if not found:
            problem = _("工作表“%(s)s”不是数据表（没有导入模板中的列名）") % {"s": name}
        elif missing:
            problem = _("工作表“%(s)s”缺少必填列：%(cols)s（表头在第%(row)d行）") % {
                "s": name,
                "cols": "、".join(missing),
                "row": number,
            }
        else:
            problem = _("工作表“%(s)s”：%(err)s") % {"s": name, "err": error}
        fits.append(SheetFit(table, None, problem, error))
    return fits


def sheet_report(fits: list[SheetFit]) -> dict[str, Any]:
    """What a batch keeps of a workbook's sheets (``ImportBatch.sheet_report``; {} for a CSV
    file, which has none): each sheet, and the hidden rows of those read (filled as they are
    read)."""
    if not any(fit.table.file_type != "csv" for fit in fits):
        return {}
    sheets = [
        {
            "name": fit.name,
            "hidden": fit.table.hidden,
            "fits": fit.positions is not None,
            "problem": fit.problem,
            "read": False,
        }
        for fit in fits
    ]
    return {"sheets": sheets, "hidden_rows": 0, "hidden_at": []}


def choose_sheets(
    fits: list[SheetFit], chosen: list[str] | tuple[str, ...] = (), *, all_sheets: bool = False
) -> list[SheetFit]:
    """The tables to read: the sheets ``chosen`` by name; with ``all_sheets`` every sheet
    whose header fits; else every visible sheet whose header fits (a hidden one is read only
    when chosen). An ImportFileError says why none can be read."""
    by_name = {fit.name: fit for fit in fits}
    if chosen:
        for name in chosen:
            if name not in by_name:
                raise ImportFileError(
                    _("文件中没有名为“%(s)s”的工作表。有这些工作表：%(names)s。")
                    % {"s": name, "names": "、".join(f"“{f.name}”" for f in fits)}
                )
            if by_name[name].positions is None:
                raise ImportFileError(
                    _("选择的%(problem)s，不能导入。请下载导入模板对照列名。")
                    % {"problem": by_name[name].problem}
                )
        return [fit for fit in fits if fit.name in set(chosen)]
    fitting = [fit for fit in fits if fit.positions is not None]
    read = fitting if all_sheets else [fit for fit in fitting if not fit.table.hidden]
    if read:
        return read
    if fitting:
        raise ImportFileError(
            _(
                "只有隐藏的工作表%(names)s符合导入模板，隐藏的工作表不会自动读取。"
                "如果要导入它，请在下面选择这个工作表后重新检查，或在 Excel 中取消隐藏后重新上传。"
            )
            % {"names": "、".join(f"“{f.name}”" for f in fitting)}
        )
    if len(fits) == 1:
        error = fits[0].header_error
        raise error or ImportFileError(_("文件中没有任何内容。"))
    raise ImportFileError(
        _(
            "没有找到可以导入的工作表：%(problems)s。"
            "请把数据放在表头与导入模板一致的工作表中（可下载导入模板对照列名）。"
        )
        % {"problems": "；".join(fit.problem for fit in fits)}
    )


def ignored_headers(headers: list[str], positions: dict[str, int]) -> list[str]:
    """The headers of the columns an import does not read."""
    used = set(positions.values())
    return [h for i, h in enumerate(headers) if h.strip() and i not in used]
