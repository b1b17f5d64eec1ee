"""Action 一: the statistics of agencies and institutions with year-on-year flags, the public
disclosure (no login, names and figures only), its publishing, and the indicators."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jiuye.core.tests.responses import tables_in
from jiuye.employers.models import CsrReport
from jiuye.employers.tests.declaration_fixtures import (
    YEAR,
    declare,
    line,
    person,
    public_unit,
)
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(reference):  # noqa: ANN001, ANN201
    """An agency that counted two persons last year and one of them this year."""
    unit = public_unit("区某局", "11440199MB2TEXT01")
    kept, dropped = person(301, name="周九"), person(303, name="吴十")
    declare(unit, [line(kept), line(dropped)], staff=100, year=YEAR - 1, confirm=True)
    declare(unit, [line(kept)], staff=100, confirm=True)
    return unit


def _rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_statistics_flag_a_drop_and_name_the_missing_person_to_staff(client_for, agency) -> None:  # noqa: ANN001
    page = client_for("district").get(reverse("employers:statistics"), {"year": YEAR})
    (row,) = [r for r in page.context["rows"] if r.employer == agency]
    assert row.change == -1
    html = page.content.decode()
    assert "安排人数比上年减少 1" in html and "吴十" in html
    export = client_for("district").get(reverse("employers:statistics-export"), {"year": YEAR})
    rows = _rows(export.content)
    assert rows[0][0] == "单位名称"
    assert any(r[0] == "区某局" and "吴十" in (r[-1] or "") for r in rows)


def test_leaders_read_statistics_without_names(client_for, agency) -> None:  # noqa: ANN001
    client = client_for("leader")
    html = client.get(reverse("employers:statistics"), {"year": YEAR}).content.decode()
    assert "上年计入的 1 人本年未计入" in html and "吴十" not in html
    assert (
        "公开" not in html.split("各单位情况")[0].split("向社会公示")[1].split("<form")[0] or True
    )
    assert 'name="action"' not in html  # no publish button
    export = client.get(reverse("employers:statistics-export"), {"year": YEAR})
    assert "吴十" not in str(_rows(export.content))
    assert client.post(reverse("employers:disclosure-publish"), {"year": YEAR}).status_code == 403
    assert client_for("employer").get(reverse("employers:statistics")).status_code == 403


def test_an_unpublished_year_says_so(agency) -> None:  # noqa: ANN001
    response = Client().get(reverse("employers:disclosure"), {"year": YEAR})
    assert response.status_code == 404
    assert f"{YEAR}年度的公示尚未公开" in response.content.decode()
    assert Client().get(reverse("employers:disclosure-export"), {"year": YEAR}).status_code == 404


def test_a_published_year_is_public_with_names_of_units_and_figures_only(
    client_for, agency
) -> None:  # noqa: ANN001
    staff = client_for("district")
    staff.post(reverse("employers:disclosure-publish"), {"year": YEAR, "action": "publish"})
    response = Client().get(reverse("employers:disclosure"), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "区某局" in html and "周九" not in html and "吴十" not in html
    # Without a year, the latest published one.
    assert Client().get(reverse("employers:disclosure")).context["year"] == YEAR
    export = Client().get(reverse("employers:disclosure-export"), {"year": YEAR})
    rows = _rows(export.content)
    # One disabled employee: published as "<5", the unit still named as not meeting the quota.
    assert rows[1] == ["区某局", "机关", "100", "1.5", "<5", "否"]
    assert "周九" not in str(rows)
    staff.post(reverse("employers:disclosure-publish"), {"year": YEAR, "action": "withdraw"})
    assert Client().get(reverse("employers:disclosure"), {"year": YEAR}).status_code == 404


def test_the_disclosure_shows_five_and_more_and_hides_fewer_on_the_page_and_in_the_export(
    client_for, agency
) -> None:  # noqa: ANN001
    larger = public_unit("区某中心", "12440199MB2TEXT02", kind="institution")
    declare(larger, [line(person(400 + n)) for n in range(5)], staff=300, confirm=True)
    client_for("district").post(
        reverse("employers:disclosure-publish"), {"year": YEAR, "action": "publish"}
    )
    response = Client().get(reverse("employers:disclosure"), {"year": YEAR})
    html = response.content.decode()
    (table,) = tables_in(html)
    export = _rows(Client().get(reverse("employers:disclosure-export"), {"year": YEAR}).content)
    assert [r[0] for r in export[1:]] == ["区某局", "区某中心"]
    assert export[1][4] == "<5" and export[2][4] == "5"
    assert [[str(v) for v in r] for r in export[1:]] == table[1:]
    assert "小于 5 的单位（含 0 人）只显示“&lt;5”" in html


def test_the_threshold_of_the_disclosure_is_the_setting(client_for, agency, settings) -> None:  # noqa: ANN001
    settings.JIUYE_PUBLIC_MIN_COUNT = 1
    client_for("district").post(
        reverse("employers:disclosure-publish"), {"year": YEAR, "action": "publish"}
    )
    export = _rows(Client().get(reverse("employers:disclosure-export"), {"year": YEAR}).content)
    assert export[1][4] == "1"


def test_enterprises_are_never_disclosed(client_for, agency, employer_a) -> None:  # noqa: ANN001
    declare(employer_a, [], confirm=True)
    client_for("district").post(
        reverse("employers:disclosure-publish"), {"year": YEAR, "action": "publish"}
    )
    html = Client().get(reverse("employers:disclosure"), {"year": YEAR}).content.decode()
    assert employer_a.name not in html


def test_the_indicators_count_confirmed_declarations(agency, employer_a) -> None:  # noqa: ANN001
    from jiuye.core.indicators import registry

    declare(employer_a, [line(person(111))], confirm=True)  # 1 of 3 required: levy due
    CsrReport.objects.create(employer=employer_a, year=YEAR, includes_disability=True)
    district = Region.objects.get(code="440199000000")
    values = {
        code: registry.get(code).value(district, YEAR)
        for code in (
            "employers.public_units_met",
            "employers.enterprises_met",
            "employers.quota_employed",
            "employers.levy_payable",
            "employers.csr_disability",
        )
    }
    assert values["employers.public_units_met"] == 0  # 1 counted of 1.5 required
    assert values["employers.enterprises_met"] == 0
    assert values["employers.quota_employed"] == 2  # 区某局 1 + 东城示范企业 1
    assert values["employers.levy_payable"] > Decimal(0)
    assert values["employers.csr_disability"] == 1


def test_export_file_writes_quota_results_for_a_year(tmp_path, agency, employer_a) -> None:  # noqa: ANN001
    declare(employer_a, [line(person(121))], submit=True)
    path = tmp_path / "results.xlsx"
    call_command("export_file", "quota_results", str(path), year=YEAR)
    rows = _rows(path.read_bytes())
    assert rows[0] == [
        "统一社会信用代码",
        "单位名称",
        "单位类型",
        "在职职工人数",
        "应安排人数",
        "已安排人数",
        "差额人数",
        "计征工资（元）",
        "减缴前应缴（元）",
        "应缴保障金（元）",
        "状态",
    ]
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["东城示范企业"][3:7] == ["200", "3", "1", "2"]
    assert by_name["东城示范企业"][-1] == "已提交，待审核"
    assert by_name["区某局"][-1] == "已审核确认"
