from __future__ import annotations

import io

from openpyxl import load_workbook

from jiuye.core.models import AccessEvent


def _cells(response) -> list[str]:  # noqa: ANN001
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [str(c) for row in sheet.values for c in row if c is not None]


def test_the_search_result_exports_masked_and_the_export_is_logged(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    client = client_for("district")
    response = client.get("/people/export.xlsx", {"name": "张"})
    assert response.status_code == 200
    cells = _cells(response)
    assert "张三" in cells and "李四" not in cells
    assert person_a.id_number not in cells
    event = AccessEvent.objects.get(action="export")
    assert event.detail["rows"] == 1 and event.detail["revealed"] is False


def test_full_numbers_need_a_reason(client_for, person_a) -> None:  # noqa: ANN001
    client = client_for("district")
    refused = client.post("/people/export.xlsx?name=张", {"reason": " "})
    assert refused.status_code == 302
    response = client.post("/people/export.xlsx?name=张", {"reason": "与人社局核对"})
    assert person_a.id_number in _cells(response)
    assert AccessEvent.objects.get(action="export").reason == "与人社局核对"


def test_a_town_officer_cannot_export_a_person_of_another_town(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    cells = _cells(client_for("town_b").get("/people/export.xlsx", {"name": "张"}))
    assert "张三" not in cells
    # Asking for the other town is refused outright.
    assert (
        client_for("town_b").get("/people/export.xlsx", {"town": "440199001000"}).status_code == 302
    )


def test_nothing_is_exported_without_a_search(client_for, person_a) -> None:  # noqa: ANN001
    assert client_for("district").get("/people/export.xlsx").status_code == 302
    assert client_for("leader").get("/people/export.xlsx", {"name": "张"}).status_code == 403
