"""The public summary (issue 16): counts by town and category for everyone, without a login,
every small count shown as "<5", the spreadsheet equal to the page, nothing about a person."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import VILLAGE_A, VILLAGE_B, register_person
from jiuye.core.tests.responses import tables_in
from jiuye.employment.models import EmploymentRecord
from jiuye.reference.models import DisabilityCategory

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year - 1
PHYSICAL, VISION, HEARING = 4, 1, 2


@pytest.fixture
def district(reference) -> list:  # noqa: ANN001
    """东城: 6 physical and 1 blind person (the blind one employed); 西城: 7 physical, 5 hearing."""
    people = []
    seq = 500
    for village, category, n in (
        (VILLAGE_A, PHYSICAL, 6),
        (VILLAGE_A, VISION, 1),
        (VILLAGE_B, PHYSICAL, 7),
        (VILLAGE_B, HEARING, 5),
    ):
        for _ in range(n):
            seq += 1
            people.append(
                register_person(
                    seq,
                    f"公示测试{seq}",
                    village=village,
                    category=DisabilityCategory.objects.get(code=category),
                )
            )
    blind = next(p for p in people if p.category_id == VISION)
    EmploymentRecord.objects.create(
        person=blind, form="flexible", start_date=dt.date(YEAR, 3, 1), source="verification"
    )
    return people


def _page(year: int = YEAR) -> tuple[str, list[list[list[str]]]]:
    response = Client().get(reverse("dashboards:public-summary"), {"year": year})
    assert response.status_code == 200
    html = response.content.decode()
    return html, tables_in(html)


def _sheets(year: int = YEAR) -> list[list[list[str]]]:
    response = Client().get(reverse("dashboards:public-summary-export"), {"year": year})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return [
        [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    ]


def test_anyone_reads_the_summary_with_small_counts_hidden(district) -> None:  # noqa: ANN001
    html, tables = _page()
    registered, employed, *_rest = tables
    header = registered[0]
    assert header[0] == "镇街" and header[-1] == "合计"
    rows = {row[0]: row for row in registered[1:]}
    physical, vision, hearing = (header.index(n) for n in ("肢体残疾", "视力残疾", "听力残疾"))
    assert rows["东城街道"][vision] == "<5"  # the one blind person
    assert rows["西城街道"][hearing] == "5"
    assert rows["西城街道"][-1] == "12" and registered[-1][-1] == "19"
    # 东城's 6 would leave its "<5"s pinned by the totals: hidden (and so are the 0s of the other
    # towns, which could be read off the columns' totals otherwise).
    assert rows["东城街道"][physical] == "*" and registered[-1][physical] == "13"
    # The one employed (blind) person: "<5" with everything that could give it away.
    assert "1" not in [c for row in employed[1:] for c in row[1:]]
    assert "公示测试" not in html and "440199" not in html


def test_no_published_figure_is_a_count_below_the_threshold(district) -> None:  # noqa: ANN001
    _html, tables = _page()
    figures = [cell for table in tables for row in table[1:] for cell in row[1:]]
    assert figures
    for text in figures:
        assert text in ("<5", "*") or int(text) >= 5, text
    assert any(text == "<5" for text in figures)


def test_the_export_is_the_page(district) -> None:  # noqa: ANN001
    _html, tables = _page()
    sheets = _sheets()
    assert len(sheets) == len(tables) == 4
    for table, sheet in zip(tables, sheets):
        # The sheet: a title line, the table as on the page, a line explaining the marks.
        assert sheet[1:-1] == table
        assert "<5" in sheet[-1][0]


def test_the_threshold_is_the_setting(district, settings) -> None:  # noqa: ANN001
    settings.JIUYE_PUBLIC_MIN_COUNT = 8
    html, (registered, *_rest) = _page()
    assert "小于 8 的人数" in html
    rows = {row[0]: row for row in registered[1:]}
    assert rows["东城街道"][registered[0].index("肢体残疾")] == "<8"


def test_a_year_not_offered_falls_back_and_the_page_is_public_without_data(reference) -> None:  # noqa: ANN001
    response = Client().get(reverse("dashboards:public-summary"), {"year": "1999"})
    assert response.status_code == 200
    assert response.context["year"] == YEAR
    assert Client().post(reverse("dashboards:public-summary")).status_code == 405
    # No disclosure is public yet: no link to a page that would say so with a 404.
    assert reverse("employers:disclosure") not in response.content.decode()


def test_the_summary_answers_in_few_queries(district, django_assert_max_num_queries) -> None:  # noqa: ANN001
    with django_assert_max_num_queries(15):
        Client().get(reverse("dashboards:public-summary"), {"year": YEAR})
    with django_assert_max_num_queries(15):
        Client().get(reverse("dashboards:public-summary-export"), {"year": YEAR})
