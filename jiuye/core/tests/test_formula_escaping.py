"""Every cell the product writes to a spreadsheet goes through one escaping (issue 14: a
header cell "=HYPERLINK(...)" in an uploaded file, a region or occupation name starting with
"=", a CSV cell starting with a tab or carriage return)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jiuye.core.downloads import Book, book_bytes, cell_value

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_would_run_as_a_formula_is_escaped(text: str) -> None:
    assert cell_value(text) == "'" + text


def test_numbers_dates_and_plain_text_stay_as_they_are() -> None:
    import datetime as dt

    for value in (5, -3, 2.5, dt.date(2024, 1, 1), "张三", "", None):
        assert cell_value(value) == value


@pytest.mark.parametrize("write_only", [False, True])
def test_every_sheet_of_a_book_escapes_what_is_appended(write_only: bool) -> None:
    book = Book(write_only=write_only)
    sheets = [book.create_sheet("a"), book.create_sheet("b")]
    if not write_only:
        sheets.append(book.active)
    for sheet in sheets:
        sheet.append(['=HYPERLINK("http://evil","x")', -1, "东城街道"])
    read = load_workbook(io.BytesIO(book_bytes(book)))
    for sheet in read.worksheets:
        if sheet.max_row > 1 or sheet["A1"].value:
            assert sheet["A1"].value == '\'=HYPERLINK("http://evil","x")'
            assert sheet["A1"].data_type == "s"
            assert (sheet["B1"].value, sheet["C1"].value) == (-1, "东城街道")


def test_no_module_writes_a_workbook_but_through_book() -> None:
    """openpyxl's own Workbook is only built in core.downloads (tests may read and write
    workbooks as they like)."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "downloads.py"
        and re.search(r"\bWorkbook\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_the_error_report_escapes_the_uploaded_header_cells(personas, tmp_path) -> None:  # noqa: ANN001
    from jiuye.core import importing

    csv = tmp_path / "名单.csv"
    csv.write_text(
        '姓名,身份证号,残疾类别,残疾等级,村社区代码,"=HYPERLINK(""http://e"",""x"")"\n'
        "钱二,12345,4,3,440199001001,=1+1\n",
        encoding="utf-8",
    )
    result = importing.run_import(kind="persons", path=csv, dry_run=True, by=personas["district"])
    assert result.errors
    batch = result.batch
    report = load_workbook(batch.error_report.open("rb"))
    values = [cell.value for row in report.worksheets[0].iter_rows() for cell in row]
    formulas = [v for v in values if isinstance(v, str) and v.startswith("=")]
    assert formulas == []
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in values)
