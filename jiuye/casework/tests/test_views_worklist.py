"""The town worklist: who is on it, the three marks in words, filters, order, pages, the
one-tap actions and the export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import TOWN_A, TOWN_B, VILLAGE_A
from jiuye.casework.tests.conftest import WORKLIST_VILLAGE_A2, worklist_day
from jiuye.casework.views import worklist as views
from jiuye.core.models import AccessEvent

pytestmark = pytest.mark.django_db

URL = reverse("casework:worklist")
EXPORT = reverse("casework:worklist-export")


def _names(response) -> list[str]:  # noqa: ANN001
    return [person.name for person, _marks in response.context["rows"]]


def _label(prefix: str) -> str:
    day = worklist_day(3, 2)
    return f"{prefix} {day.month}月{day.day}日"


def test_a_town_officer_sees_every_unemployed_person_of_their_town_only(
    client_for, worklist_town
) -> None:  # noqa: ANN001
    response = client_for("town_a").get(URL)
    assert response.status_code == 200
    assert sorted(_names(response)) == ["张三", "甲一", "甲三", "甲二", "甲四"]
    assert "乙一" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_each_mark_is_said_in_words_with_its_date(client_for, worklist_town) -> None:  # noqa: ANN001
    html = client_for("town_a").get(URL).content.decode()
    assert _label("已核对") in html
    assert "未核对" in html
    assert _label("需求已登记") in html
    assert "需求未登记" in html
    assert _label("已服务") in html
    assert "未服务" in html
    assert "本年已完成" in html


def test_a_town_officer_cannot_widen_the_list_to_another_town(client_for, worklist_town) -> None:  # noqa: ANN001
    response = client_for("town_a").get(URL, {"town": TOWN_B})
    assert "乙一" not in _names(response)
    assert "town" not in response.context["form"].fields


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("not_verified", ["张三"]),
        ("needs_missing", ["甲二"]),
        ("not_served", ["甲三"]),
        ("done", ["甲一", "甲四"]),
    ],
)
def test_the_status_filter_lists_each_gap(
    client_for, worklist_town, status: str, expected: list[str]
) -> None:  # noqa: ANN001
    response = client_for("town_a").get(URL, {"status": status})
    assert sorted(_names(response)) == sorted(expected)


def test_the_village_filter_and_the_two_orders(client_for, worklist_town) -> None:  # noqa: ANN001
    client = client_for("town_a")
    assert sorted(_names(client.get(URL, {"village": WORKLIST_VILLAGE_A2}))) == ["甲三", "甲二"]
    by_village = _names(client.get(URL, {"order": "village"}))
    assert set(by_village[:3]) == {"张三", "甲一", "甲四"}  # village 001 first
    todo = _names(client.get(URL, {"order": "todo"}))
    assert todo[:3] == ["张三", "甲二", "甲三"]  # not verified, needs missing, not served
    assert set(todo[3:]) == {"甲一", "甲四"}


def test_a_village_of_another_town_is_refused_with_a_clear_message(
    client_for, worklist_town
) -> None:  # noqa: ANN001
    response = client_for("town_a").get(URL, {"village": "440199002001"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "<title>错误：" in html
    assert "这个村（社区）不在所选镇街，请从列表中选择。" in html


def test_district_staff_choose_a_town_first(client_for, worklist_town) -> None:  # noqa: ANN001
    client = client_for("district")
    first = client.get(URL)
    assert first.context["page"] is None
    assert "请选择镇街" in first.content.decode()
    assert _names(client.get(URL, {"town": TOWN_B})) == ["乙一"]
    assert "张三" in _names(client.get(URL, {"town": TOWN_A}))


def test_an_earlier_year_does_not_count_this_years_work(client_for, worklist_town) -> None:  # noqa: ANN001
    last_year = timezone.localdate().year - 1
    response = client_for("town_a").get(URL, {"year": last_year})
    assert all(marks.verified.key != "done" for _p, marks in response.context["rows"])
    bad = client_for("town_a").get(URL, {"year": "1999"})
    assert bad.context["page"] is None and "年度" in bad.content.decode()


def test_each_action_links_to_the_record_pages_and_names_the_person(
    client_for, worklist_town
) -> None:  # noqa: ANN001
    html = client_for("town_a").get(URL).content.decode()
    person = worklist_town["甲二"]
    for name in ("casework:verify", "casework:needs", "casework:service-create"):
        assert f'href="{reverse(name, kwargs={"pk": person.pk})}"' in html
    assert '<span class="visually-hidden">：甲二</span>' in html
    # No full ID number on the page: the masked form only.
    assert person.id_number not in html
    assert person.masked_id_number in html


def test_pages_hold_fifty_persons(client_for, worklist_town, monkeypatch) -> None:  # noqa: ANN001
    assert views.PAGE_SIZE == 50
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_for("town_a")
    first = client.get(URL)
    assert len(first.context["rows"]) == 2
    assert first.context["page"].num_pages == 3
    second = client.get(URL, {"cursor": first.context["page"].next_cursor})
    third = client.get(URL, {"cursor": second.context["page"].next_cursor})
    assert len(third.context["rows"]) == 1 and third.context["page"].number == 3
    assert not third.context["page"].has_next
    assert client.get(URL, {"page": "x"}).status_code == 200


def test_the_worklist_answers_get_only(client_for, worklist_town) -> None:  # noqa: ANN001
    assert client_for("town_a").post(URL).status_code == 405


def test_the_export_holds_the_filtered_list_masked_and_is_logged(client_for, worklist_town) -> None:  # noqa: ANN001
    response = client_for("town_a").get(EXPORT, {"status": "not_verified"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名"
    assert [row[0] for row in rows[1:]] == ["张三"]
    person = worklist_town["张三"]
    assert rows[1][1] == person.masked_id_number != person.id_number
    assert rows[1][6] == "未核对"
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.detail["kind"] == "casework_worklist"
    assert event.detail["rows"] == 1
    assert event.username == "town_a"


def test_district_staff_export_a_town_they_chose(client_for, worklist_town) -> None:  # noqa: ANN001
    client = client_for("district")
    assert client.get(EXPORT).status_code == 400
    response = client.get(EXPORT, {"town": TOWN_A, "village": VILLAGE_A})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {row[0] for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert names == {"张三", "甲一", "甲四"}
