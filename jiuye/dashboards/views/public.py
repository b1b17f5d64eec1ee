"""The public summary (issue 16): a few of the plan's counts by town and disability category,
open to everyone without a login, like the employers' disclosure page. Every figure goes through
small-count suppression (core.suppression) before it reaches the page or the spreadsheet, and
both are built from the same protected tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiuye.core import suppression
from jiuye.core.downloads import Book, attachment, book_bytes
from jiuye.core.replica import reads_replica
from jiuye.dashboards.selectors.public import public_summary
from jiuye.employers import selectors as employers_selectors
from jiuye.reference.models import Region

YEARS_BACK = 6


@dataclass(frozen=True)
class PublicTable:
    code: str
    name: Any
    note: Any
    columns: list[str]
    rows: list[tuple[str, list[suppression.Figure], suppression.Figure]]
    totals: tuple[list[suppression.Figure], suppression.Figure | None]
    withheld: bool


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - YEARS_BACK, -1))


def _year(request: HttpRequest) -> int:
    """The year asked for, if it is one offered; else the last full year."""
    text = request.GET.get("year", "")
    years = _years()
    return int(text) if text.isdigit() and int(text) in years else years[1]


def _tables(year: int) -> list[PublicTable] | None:
    """The year's measures as protected tables (None when the district is not loaded). The
    column of persons without a recorded category is kept only where it counts anybody."""
    try:
        summary = public_summary(year)
    except Region.DoesNotExist:
        return None
    tables = []
    for measure in summary.measures:
        with_unknown = any(row[-1] for row in measure.cells)
        cells = [row if with_unknown else row[:-1] for row in measure.cells]
        columns = [str(c) for c in summary.categories] + ([_("类别未登记")] if with_unknown else [])
        table = suppression.protect(cells) if cells else None
        rows = (
            list(zip([t.name for t in summary.towns], table.cells, table.row_totals, strict=True))
            if table
            else []
        )
        tables.append(
            PublicTable(
                code=measure.code,
                name=measure.name,
                note=measure.note,
                columns=columns,
                rows=rows,
                totals=(table.column_totals, table.total) if table else ([], None),
                withheld=bool(table and table.withheld),
            )
        )
    return tables


@require_GET
@reads_replica
def summary(request: HttpRequest) -> HttpResponse:
    """Open to everyone: the public summary of a year by town and category."""
    year = _year(request)
    context = {
        "year": year,
        "years": _years(),
        "tables": _tables(year),
        "small": suppression.small_text(),
        "limit": suppression.threshold(),
        "hidden_text": suppression.HIDDEN_TEXT,
        # The employers' disclosure is linked once a year of it is public (before, it is a 404).
        "disclosure": any(d.is_published for d in employers_selectors.disclosures()),
    }
    return render(request, "dashboards/public_summary.html", context)


def sheet_rows(table: PublicTable) -> list[list[Any]]:
    """A table as the page shows it: header, one row per town, the totals' row."""
    rows: list[list[Any]] = [[_("镇街"), *table.columns, _("合计")]]
    for name, cells, total in table.rows:
        rows.append([name, *(f.cell for f in cells), total.cell])
    figures, total = table.totals
    if total is not None:
        rows.append([_("合计"), *(f.cell for f in figures), total.cell])
    return rows


@require_GET
@reads_replica
def summary_export(request: HttpRequest) -> HttpResponse:
    """The same tables as the page, one sheet each, with the same "<5" and hidden figures."""
    year = _year(request)
    book = Book(write_only=True)
    tables = _tables(year)
    if tables is None:
        book.create_sheet(_("说明")).append([_("本区的行政区划尚未载入，暂无统计。")])
    for table in tables or []:
        sheet = book.create_sheet(str(table.name)[:30])
        title = _("%(year)d年度%(name)s：%(note)s")
        sheet.append([title % {"year": year, "name": table.name, "note": table.note}])
        if table.withheld:
            sheet.append([_("这张表的人数太少，为保护个人信息本年度不予公布。")])
            continue
        for row in sheet_rows(table):
            sheet.append(row)
        sheet.append([_note()])
    content = book_bytes(book)
    return attachment(content, _("%(year)d年度残疾人就业公开统计摘要.xlsx") % {"year": year})


def _note() -> str:
    return _(
        "说明：小于%(limit)d的人数（含0）显示为“%(small)s”；为防止由合计推算出这些人数，"
        "另有部分数字以“%(hidden)s”隐去。"
    ) % {
        "limit": suppression.threshold(),
        "small": suppression.small_text(),
        "hidden": suppression.HIDDEN_TEXT,
    }
