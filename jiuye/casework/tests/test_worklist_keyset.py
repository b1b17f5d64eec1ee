"""Keyset pages of the worklist and the registry search (issue 19): walking the pages forth and
back lists every person of the live order once, across page boundaries inside a run of equal
names, in both orders; a changed cursor is refused with a message, never an error."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import VILLAGE_A
from jiuye.casework import selectors
from jiuye.casework.tests.conftest import (
    WORKLIST_VILLAGE_A2,
    worklist_day,
    worklist_person,
    worklist_record,
)
from jiuye.casework.views import worklist as views
from jiuye.core import keyset
from jiuye.people import views as people_views
from jiuye.people.models import Person
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

URL = reverse("casework:worklist")
LIST = reverse("people:list")
NEXT = re.compile(r'<a rel="next" href="\?([^"]+)"')
PREV = re.compile(r'<a rel="prev" href="\?([^"]+)"')


@pytest.fixture
def same_names(worklist_town):  # noqa: ANN001, ANN201
    """Nine more persons called 重名 in both villages of 东城, in three states (so the "not yet
    done first" order splits the run of equal names over segments)."""
    march = worklist_day(3, 2)
    for i in range(9):
        person = worklist_person(700 + i, "重名", VILLAGE_A if i % 2 else WORKLIST_VILLAGE_A2)
        if i % 3 == 1:
            worklist_record(person, "verify", march)
        elif i % 3 == 2:
            worklist_record(person, "verify", march, changes={"wish_to_work": "yes"})
    return worklist_town


def _walk(client, url: str, query: dict[str, str], rows_of) -> tuple[list, list, list[int]]:  # noqa: ANN001
    """Every page forth by "下一页", then back by "上一页": the rows seen each way and the
    page numbers said."""
    forth, numbers = [], []
    response = client.get(url, query)
    while True:
        assert response.status_code == 200
        forth.extend(rows_of(response))
        numbers.append(response.context["page"].number)
        found = NEXT.search(response.content.decode())
        if not found:
            break
        response = client.get(f"{url}?{html.unescape(found.group(1))}")
    back = list(reversed(rows_of(response)))
    while found := PREV.search(response.content.decode()):
        response = client.get(f"{url}?{html.unescape(found.group(1))}")
        back.extend(reversed(rows_of(response)))
    return forth, back[::-1], numbers


def _worklist_ids(response) -> list:  # noqa: ANN001
    return [person.pk for person, _marks in response.context["rows"]]


@pytest.mark.parametrize("order", ["village", "todo"])
@pytest.mark.parametrize("size", [2, 3, 50])
def test_worklist_pages_list_the_live_order_once(
    client_for, same_names, monkeypatch, order, size
) -> None:  # noqa: ANN001
    monkeypatch.setattr(views, "PAGE_SIZE", size)
    town = Region.objects.get(code="440199001000")
    live = [
        p.pk
        for p in selectors.worklist(
            queryset=Person.objects.all(), region=town, year=timezone.localdate().year, order=order
        )
    ]
    assert len(live) == 14
    forth, back, numbers = _walk(client_for("town_a"), URL, {"order": order}, _worklist_ids)
    assert forth == live
    assert back == live
    assert numbers == list(range(1, -(-len(live) // size) + 1))


def test_worklist_page_numbers_and_total_are_said(client_for, same_names, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    client = client_for("town_a")
    first = client.get(URL).content.decode()
    assert "共 14 人，第 1 页，共 3 页" in first
    assert 'rel="prev"' not in first and "第一页" not in first
    second = client.get(f"{URL}?{html.unescape(NEXT.search(first).group(1))}").content.decode()
    assert "第 2 页，共 3 页" in second and 'rel="prev"' in second
    assert 'aria-label="分页"' in second and 'aria-current="page"' in second
    # The cursor is opaque: no name of the list stands in an address.
    assert "%E9%87%8D%E5%90%8D" not in NEXT.search(second).group(1)


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "jiuye:v1:AAAA", "", "x" * 300],
)
def test_a_changed_cursor_is_refused_with_a_message(client_for, same_names, cursor) -> None:  # noqa: ANN001
    client = client_for("town_a")
    first = client.get(URL).content.decode()
    good = html.unescape(NEXT.search(first).group(1)) if NEXT.search(first) else ""
    response = client.get(URL, {"cursor": cursor or good[:-4] + "AAAA"})
    assert response.status_code == 200
    assert "翻页链接无效" in response.content.decode()
    assert response.context["page"].number == 1


def test_a_cursor_of_another_list_is_refused(client_for, same_names, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_for("town_a")
    first = client.get(URL).content.decode()
    query = html.unescape(NEXT.search(first).group(1)) + "&order=todo"
    response = client.get(f"{URL}?{query}")
    assert "翻页链接无效" in response.content.decode()
    assert response.context["page"].number == 1


def test_a_cursor_made_by_the_key_but_malformed_is_refused(rf) -> None:  # noqa: ANN001
    token = keyset.crypto.encrypt('{"l":"persons","f":true,"s":0,"k":["x"],"n":1,"t":null}')
    with pytest.raises(keyset.BadCursor):
        keyset.decode(token, "persons", segments=1, key_length=3)


def test_the_worklist_deep_page_keeps_to_its_query_budget(
    client_for, same_names, monkeypatch, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_for("town_a")
    first = client.get(URL, {"order": "todo"}).content.decode()
    second = client.get(f"{URL}?{html.unescape(NEXT.search(first).group(1))}").content.decode()
    with django_assert_max_num_queries(15):
        client.get(f"{URL}?{html.unescape(NEXT.search(second).group(1))}")


def _person_ids(response) -> list:  # noqa: ANN001
    return [person.pk for person in response.context["page"]]


def test_registry_search_pages_list_the_live_order_once(
    client_for, same_names, monkeypatch, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    monkeypatch.setattr(people_views, "PAGE_SIZE", 4)
    live = list(
        Person.objects.filter(name__contains="重", archived_at__isnull=True)
        .order_by("region_id", "name", "id")
        .values_list("pk", flat=True)
    )
    assert len(live) == 9
    client = client_for("district")
    forth, back, numbers = _walk(client, LIST, {"name": "重"}, _person_ids)
    assert forth == live and back == live and numbers == [1, 2, 3]
    first = client.get(LIST, {"name": "重"}).content.decode()
    assert "共 9 人" in first
    with django_assert_max_num_queries(15):
        last = client.get(f"{LIST}?{html.unescape(NEXT.search(first).group(1))}")
    assert "共 9 人" in last.content.decode()


def test_a_registry_search_within_one_page_is_not_counted(client_for, same_names) -> None:  # noqa: ANN001
    client = client_for("district")
    client.get(LIST, {"name": "重"})  # the session and the user warmed up
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        body = client.get(LIST, {"name": "重"}).content.decode()
    assert "共 9 人" in body
    assert not [q for q in captured.captured_queries if "__count" in q["sql"]]
