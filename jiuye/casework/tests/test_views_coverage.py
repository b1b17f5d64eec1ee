"""The coverage dashboard: rows per town or village, numbers that open the gap lists (not for
leaders), the chart's data beside its table, and the export."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import TOWN_A, TOWN_B, VILLAGE_A

pytestmark = pytest.mark.django_db

URL = reverse("casework:coverage")
GAPS = reverse("casework:coverage-gaps")
EXPORT = reverse("casework:coverage-export")


def _rows(response) -> dict[str, object]:  # noqa: ANN001
    return {line["row"].code: line["row"] for line in response.context["table"]}


def _figures(row) -> tuple[int, ...]:  # noqa: ANN001
    return (row.unemployed, row.verified, row.wanting, row.needs, row.served)


def test_district_staff_see_a_row_per_town_and_the_total(client_for, worklist_town) -> None:  # noqa: ANN001
    response = client_for("district").get(URL)
    assert response.status_code == 200
    rows = _rows(response)
    assert _figures(rows[TOWN_A]) == (5, 4, 3, 2, 1)
    assert _figures(rows[TOWN_B]) == (1, 0, 0, 0, 0)
    total = rows["440199000000"]
    assert _figures(total) == (6, 4, 3, 2, 1)
    html = response.content.decode()
    assert "66.7%" in html  # 4 of 6 verified
    # Every number is a link to the persons behind it.
    year = timezone.localdate().year
    assert f"{GAPS}?region={TOWN_A}&amp;year={year}&amp;gap=not_verified" in html


def test_a_town_officer_sees_the_villages_of_their_town_only(client_for, worklist_town) -> None:  # noqa: ANN001
    response = client_for("town_a").get(URL, {"region": TOWN_B})
    rows = _rows(response)
    assert TOWN_B not in rows
    assert _figures(rows[VILLAGE_A]) == (3, 2, 1, 1, 1)
    assert _figures(rows["440199001002"]) == (2, 2, 2, 1, 0)
    assert _figures(rows[TOWN_A]) == (5, 4, 3, 2, 1)


def test_district_staff_open_one_town_by_its_villages(client_for, worklist_town) -> None:  # noqa: ANN001
    rows = _rows(client_for("district").get(URL, {"region": TOWN_A}))
    assert _figures(rows[VILLAGE_A]) == (3, 2, 1, 1, 1)
    bad = client_for("district").get(URL, {"region": "440199999000"})
    assert bad.status_code == 200 and bad.context["result"] is None
    assert "请从列表中选择全区或一个镇街。" in bad.content.decode()


def test_leaders_see_the_figures_but_no_links_and_no_lists(client_for, worklist_town) -> None:  # noqa: ANN001
    client = client_for("leader")
    response = client.get(URL)
    assert _figures(_rows(response)[TOWN_A]) == (5, 4, 3, 2, 1)
    html = response.content.decode()
    assert GAPS not in html
    assert "张三" not in html
    query = {"region": TOWN_A, "year": timezone.localdate().year, "gap": "not_verified"}
    assert client.get(GAPS, query).status_code == 403


def test_the_chart_has_the_table_s_figures_and_its_script_is_a_file(
    client_for, worklist_town
) -> None:  # noqa: ANN001
    html = client_for("district").get(URL).content.decode()
    data = json.loads(
        re.search(r'id="coverage-chart-data" type="application/json">(.*?)</script>', html)[1]
    )
    names = data["names"]
    verified = dict(zip(names, data["series"][0]["data"], strict=True))
    assert verified["东城街道"] == 80.0
    assert verified["西城街道"] == 0.0
    assert '<table class="coverage-table">' in html
    assert "echarts.min.js" in html and "coverage-chart.js" in html
    assert "<script>" not in html  # nothing inline (strict CSP)


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        ("unemployed", {"张三", "甲一", "甲二", "甲三", "甲四"}),
        ("verified", {"甲一", "甲二", "甲三", "甲四"}),
        ("not_verified", {"张三"}),
        ("wanting", {"甲一", "甲二", "甲三"}),
        ("needs", {"甲一", "甲三"}),
        ("needs_missing", {"甲二"}),
        ("served", {"甲一"}),
        ("not_served", {"甲三"}),
    ],
)
def test_each_gap_list_holds_the_persons_behind_its_number(
    client_for, worklist_town, gap: str, expected: set[str]
) -> None:  # noqa: ANN001
    query = {"region": TOWN_A, "year": timezone.localdate().year, "gap": gap}
    response = client_for("town_a").get(GAPS, query)
    assert response.status_code == 200
    assert {person.name for person, _m in response.context["rows"]} == expected


def test_a_gap_list_outside_the_officer_s_town_or_malformed_is_404(
    client_for, worklist_town
) -> None:  # noqa: ANN001
    year = timezone.localdate().year
    client = client_for("town_b")
    assert (
        client.get(GAPS, {"region": TOWN_A, "year": year, "gap": "unemployed"}).status_code == 404
    )
    assert (
        client.get(GAPS, {"region": "440199000000", "year": year, "gap": "unemployed"}).status_code
        == 404
    )
    assert client.get(GAPS, {"region": TOWN_B, "year": year, "gap": "nope"}).status_code == 404
    assert client.get(GAPS, {"region": "x", "year": year, "gap": "unemployed"}).status_code == 404
    district = client_for("district").get(
        GAPS, {"region": "440199000000", "year": year, "gap": "not_verified"}
    )
    assert {p.name for p, _m in district.context["rows"]} == {"张三", "乙一"}


def test_the_export_is_the_table(client_for, worklist_town) -> None:  # noqa: ANN001
    for persona in ("district", "leader"):
        response = client_for(persona).get(EXPORT)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        by_code = {row[0]: row for row in rows[2:]}
        assert by_code[TOWN_A][2:5] == (5, 4, 80)
        assert by_code["440199000000"][1].startswith("合计")
        assert by_code["440199000000"][2] == 6


def test_the_dashboard_answers_get_only(client_for, worklist_town) -> None:  # noqa: ANN001
    assert client_for("district").post(URL).status_code == 405
