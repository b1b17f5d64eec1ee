"""The registry page: search first, filters, scope, the indicators' links, lookup by number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B, make_id_number
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE
from jiuye.core.tests.responses import answer_about, assert_one_answer
from jiuye.people.tests.conftest import category, grade

LIST = reverse("people:list")
LOOKUP = reverse("people:lookup")


def test_the_page_lists_nobody_until_the_user_searches(client_for, person_a) -> None:  # noqa: ANN001
    body = client_for("district").get(LIST).content.decode()
    assert "<h1>残疾人名单</h1>" in body
    assert "请填写姓名或选择至少一个条件" in body
    assert "张三" not in body
    assert "<table>" not in body


def test_a_search_by_name_lists_the_matches_with_masked_ids(client_for, person_a, person_b) -> None:  # noqa: ANN001
    response = client_for("district").get(LIST, {"name": "张"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "共 1 人" in body
    assert reverse("people:detail", args=[person_a.pk]) in body
    assert person_a.masked_id_number in body
    assert person_a.id_number not in body
    assert "李四" not in body


def test_a_search_that_finds_nobody_says_so(client_for, person_a) -> None:  # noqa: ANN001
    body = client_for("district").get(LIST, {"name": "不存在"}).content.decode()
    assert "没有符合条件的人员" in body


def test_filters_combine(client_for, make_person) -> None:  # noqa: ANN001
    make_person("视力甲", category=category(1), grade=grade(2), wish_to_work="yes")
    make_person("视力乙", category=category(1), grade=grade(2), village=VILLAGE_B)
    make_person("肢体丙", category=category(4), grade=grade(2), wish_to_work="yes")
    body = (
        client_for("district")
        .get(LIST, {"category": 1, "grade": 2, "wish_to_work": "yes", "town": TOWN_A})
        .content.decode()
    )
    assert "视力甲" in body
    assert "视力乙" not in body
    assert "肢体丙" not in body


def test_a_town_officer_never_lists_a_person_of_another_town(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    by_name = client.get(LIST, {"name": "李四"}).content.decode()
    assert ">李四</a>" not in by_name
    assert "没有符合条件的人员" in by_name
    assert "李四" not in client.get(LIST, {"working_age": "1"}).content.decode()
    # Another town's village is not a choice: an error, not a list.
    response = client.get(LIST, {"village": VILLAGE_B})
    body = response.content.decode()
    assert "error-summary" in body
    assert "李四" not in body
    assert "<title>错误：" in body
    # A town officer has no town filter (their search is always within their town).
    assert 'name="town"' not in body
    response = client.get(LIST, {"region": TOWN_B})
    assert "您只能查看本镇街范围内的人员" in response.content.decode()
    assert "李四" not in response.content.decode()


def test_a_village_outside_the_chosen_town_is_an_error(client_for, person_a) -> None:  # noqa: ANN001
    body = client_for("district").get(LIST, {"town": TOWN_B, "village": VILLAGE_A}).content.decode()
    assert "所选村（社区）不属于所选镇街" in body
    assert "<table>" not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "440199000000", "year": 2023}, {"张三", "李四", "老人"}),
        ({"region": TOWN_B, "year": 2023}, {"李四"}),
        ({"region": "440199000000", "year": 2023, "working_age": "1"}, {"张三", "李四"}),
    ],
)
def test_the_links_of_the_plan_indicators_still_list_the_right_persons(
    client_for, person_a, person_b, make_person, query, expected
) -> None:  # noqa: ANN001
    make_person("老人", birth="19400101")  # registered, but past working age
    body = client_for("district").get(LIST, query).content.decode()
    shown = {name for name in ("张三", "李四", "老人") if f">{name}</a>" in body}
    assert shown == expected


def test_a_town_officer_following_a_district_link_gets_their_own_town(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    body = client_for("town_a").get(LIST, {"region": "440199000000", "year": 2023}).content.decode()
    assert ">张三</a>" in body
    assert "李四" not in body
    assert "error-summary" not in body


def test_the_page_keeps_to_its_query_budget(
    client_for, make_person, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for i in range(60):
        make_person(f"王{i:02d}", category=category(4), grade=grade(2), hard_to_employ_date=None)
    client = client_for("district")
    query = {"name": "王", "town": TOWN_A, "category": 4, "grade": 2, "working_age": "1"}
    first = client.get(LIST, query).context["page"]
    with django_assert_max_num_queries(15):
        response = client.get(LIST, {**query, "cursor": first.next_cursor})
    body = response.content.decode()
    assert "共 60 人" in body
    assert "第 2 页，共 2 页" in body


@pytest.mark.parametrize("persona", ["leader", "liaison", "employer", "jobseeker"])
def test_roles_without_the_registry_are_refused(client_for, persona) -> None:  # noqa: ANN001
    assert client_for(persona).get(LIST, {"name": "张"}).status_code == 403


def test_the_list_only_answers_get(client_for) -> None:  # noqa: ANN001
    assert client_for("district").post(LIST).status_code == 405


# -- lookup by number -------------------------------------------------------------------------


def test_a_lookup_by_id_number_goes_straight_to_the_person(client_for, person_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(LOOKUP, {"lookup-number": person_a.id_number.lower()})
    assert response.status_code == 302
    assert response.url == reverse("people:detail", args=[person_a.pk])
    assert person_a.id_number not in response.url


def test_a_lookup_out_of_scope_finds_nothing(client_for, person_b) -> None:  # noqa: ANN001
    response = client_for("town_a").post(LOOKUP, {"lookup-number": person_b.id_number})
    body = response.content.decode()
    assert response.status_code == 200
    assert str(NOT_FOUND_IN_SCOPE) in body
    assert 'href="#id_lookup-number"' in body
    assert "李四" not in body


def test_a_lookup_with_a_wrong_number_says_what_is_wrong(client_for, person_a) -> None:  # noqa: ANN001
    body = (
        client_for("district")
        .post(LOOKUP, {"lookup-number": person_a.id_number[:17] + "0"})
        .content.decode()
    )
    assert "身份证号校验码错误" in body
    assert "<title>错误：" in body


def test_a_lookup_is_post_only_and_for_registry_roles(client_for) -> None:  # noqa: ANN001
    assert client_for("district").get(LOOKUP).status_code == 405
    assert client_for("leader").post(LOOKUP, {"lookup-number": "x"}).status_code == 403


def test_a_lookup_of_a_number_registered_elsewhere_answers_as_for_an_unregistered_one(
    client_for, person_b
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    answers = [
        answer_about(client.post(LOOKUP, {"lookup-number": n}).content.decode(), n)
        for n in (person_b.id_number, make_id_number(seq=777))
    ]
    assert_one_answer(answers)


def test_a_town_search_pages_the_same_persons_in_order_and_counts_up_to_its_cap(
    client_for, make_person, monkeypatch
) -> None:  # noqa: ANN001
    """The town filter is a range of village codes now (issue 19): the same persons in the
    same order as the former ``LIKE`` prefix, page after page; past COUNT_CAP the page says
    "more than" instead of counting every person of the town."""
    from jiuye.people import views
    from jiuye.people.models import Person

    monkeypatch.setattr(views, "COUNT_CAP", 60)
    for i in range(70):
        make_person(f"甲{i:02d}", village=VILLAGE_A if i % 2 else "440199001002")
    for i in range(5):
        make_person(f"乙{i}", village=VILLAGE_B)  # another town: never listed
    client = client_for("district")  # its personas add a person of the town
    former = list(
        Person.objects.filter(archived_at__isnull=True, region__code__startswith=TOWN_A[:9])
        .order_by("region_id", "name", "id")
        .values_list("pk", flat=True)
    )
    assert len(former) >= 70
    shown, query = [], {"town": TOWN_A}
    while True:
        response = client.get(LIST, query)
        page = response.context["page"]
        shown += [p.pk for p in page]
        if not page.has_next:
            break
        query = {"town": TOWN_A, "cursor": page.next_cursor}
    assert shown == former
    first = client.get(LIST, {"town": TOWN_A}).content.decode()
    assert "超过 60 人" in first
    assert f"共 {len(former)} 人" not in first
    monkeypatch.setattr(views, "COUNT_CAP", 1000)
    assert f"共 {len(former)} 人" in client.get(LIST, {"town": TOWN_A}).content.decode()
