"""The map page: the numbers are the indicators' own, by town, in few queries; who sees what;
the page without boundaries."""

from __future__ import annotations

import json
import re
from typing import Any

URL = "/dashboards/map/"
YEAR = 2024
ROW = re.compile(r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td></tr>')


def table(body: str) -> dict[str, str]:
    return dict(ROW.findall(body))


def chart(body: str) -> dict[str, Any]:
    found = re.search(r'<script id="town-map-data" type="application/json">(.*?)</script>', body)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


def test_other_roles_are_refused(client_for) -> None:  # noqa: ANN001
    for name in ("liaison", "employer", "jobseeker"):
        assert client_for(name).get(URL).status_code == 403
    assert client_for("leader").post(URL).status_code == 405


def test_without_boundaries_the_page_says_how_to_import_them_and_keeps_the_table(
    client_for,
) -> None:  # noqa: ANN001
    body = client_for("district").get(URL).content.decode()
    assert "还没有导入镇街边界" in body and 'href="/reference/boundaries/"' in body
    assert "import_boundaries" in body
    assert len(table(body)) == 10 and "town-map-data" not in body
    leader = client_for("leader").get(URL).content.decode()
    assert (
        "请区残联工作人员或系统管理员" in leader and 'href="/reference/boundaries/"' not in leader
    )


def test_an_unknown_indicator_or_year_is_an_error_not_a_500(client_for) -> None:  # noqa: ANN001
    response = client_for("leader").get(URL, {"indicator": "nope", "year": "1999"})
    body = response.content.decode()
    assert response.status_code == 200 and "<title>错误：" in body
    assert "没有这个指标，请从列表中选择" in body and "请选择 2022 年到" in body
