"""An export of rows about persons is one sheet of the rows and one entry in the access log
(kind, count, whether numbers were revealed, the reason), written once for every such page."""

from __future__ import annotations

import io

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from jiuye.core.downloads import logged_export
from jiuye.core.models import AccessEvent


@pytest.mark.django_db
def test_a_logged_export_writes_the_rows_and_logs_kind_count_and_reveal(personas) -> None:  # noqa: ANN001
    request = RequestFactory().get("/")
    request.user = personas["district"]

    response = logged_export(
        request,
        iter([("张三", 1), ("=李四", 2)]),
        lambda r: [r[0], r[1] * 10],
        kind="people_test",
        title="名单",
        headers=["姓名", "分数"],
        filename="名单.xlsx",
        revealed=True,
        reason="核对",
    )

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [("姓名", "分数"), ("张三", 10), ("'=李四", 20)]
    assert "attachment" in response["Content-Disposition"]
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.user == personas["district"]
    assert event.reason == "核对"
    assert event.detail == {"kind": "people_test", "rows": 2, "revealed": True}
