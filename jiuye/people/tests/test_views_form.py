"""Registering and editing a person through the pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import VILLAGE_A, VILLAGE_B, make_id_number
from jiuye.core.tests.forms import posted
from jiuye.people.models import Person
from jiuye.people.services import person_update
from jiuye.people.tests.conftest import category, certificate_for, grade

CREATE = reverse("people:create")


def edit(person) -> str:  # noqa: ANN001
    return reverse("people:edit", args=[person.pk])


def form_data(**overrides: object) -> dict[str, object]:
    data = {
        "name": "孙小美",
        "id_number": make_id_number(seq=556),
        "ethnicity": "汉族",
        "region": VILLAGE_A,
        "wish_to_work": "yes",
    }
    return posted(data, **overrides)


def edit_data(person: Person, **overrides: object) -> dict[str, object]:
    """What the edit form posts back unchanged (secret fields empty)."""
    data = {
        "version": person.version,
        "name": person.name,
        "ethnicity": person.ethnicity,
        "region": person.region_id,
        "category": person.category_id or "",
        "grade": person.grade_id or "",
        "wish_to_work": person.wish_to_work,
        "multiple_categories": [c.pk for c in person.multiple_categories.all()],
        "assistive_needs": person.assistive_needs,
    }
    data.update(overrides)
    return data


def error_summary(body: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', body, re.S)
    return found.group(0) if found else ""


# -- create ---------------------------------------------------------------------------------


def test_the_form_groups_the_record_in_sections_with_a_village_choice(client_for) -> None:  # noqa: ANN001
    body = client_for("town_a").get(CREATE).content.decode()
    for heading in ("身份信息", "残疾信息", "家庭与就业情况"):
        assert f"<h2>{heading}</h2>" in body
    assert '<input type="date" name="certificate_issued"' in body
    assert "<legend" in body and "无障碍需求" in body
    assert 'type="checkbox" name="assistive_needs"' in body
    # A town officer is offered only the villages of their own town.
    assert f'value="{VILLAGE_A}"' in body
    assert f'value="{VILLAGE_B}"' not in body


def test_registering_a_person_goes_to_their_page(client_for) -> None:  # noqa: ANN001
    number = make_id_number(seq=556)
    response = client_for("town_a").post(
        CREATE,
        form_data(
            certificate_number=certificate_for(number, 7, 1),
            category=7,
            grade=1,
            multiple_categories=[1, 2],
            phone="138 0000 1111",
            assistive_needs=["sign_language", "captions"],
            certificate_issued="2020-05-01",
        ),
    )
    person = Person.objects.get(name="孙小美")
    assert response.status_code == 302
    assert response.url == reverse("people:detail", args=[person.pk])
    assert person.phone == "13800001111"
    assert {c.code for c in person.multiple_categories.all()} == {1, 2}
    assert person.certificate_issued.isoformat() == "2020-05-01"
    assert person.created_by.username == "town_a"


def test_invalid_input_is_explained_inline_and_in_the_summary_and_kept(client_for) -> None:  # noqa: ANN001
    bad_id = make_id_number(seq=556)[:17] + "0"
    response = client_for("town_a").post(
        CREATE, form_data(name="", id_number=bad_id, phone="12", address="幸福路1号")
    )
    body = response.content.decode()
    summary = error_summary(body)
    assert response.status_code == 200
    assert body.count("<title>错误：") == 1
    assert '<a href="#id_name">姓名：请填写姓名。</a>' in summary
    assert 'href="#id_id_number"' in summary and "身份证号校验码错误" in summary
    assert 'href="#id_phone"' in summary
    assert 'aria-invalid="true"' in body
    assert 'id="id_id_number_error"' in body
    assert f'value="{bad_id}"' in body  # what the user typed is kept
    assert 'value="幸福路1号"' in body
    assert not Person.objects.filter(address="幸福路1号").exists()


def test_a_certificate_that_does_not_match_category_and_grade_is_explained(client_for) -> None:  # noqa: ANN001
    number = make_id_number(seq=556)
    body = (
        client_for("district")
        .post(
            CREATE, form_data(certificate_number=certificate_for(number, 4, 2), category=1, grade=2)
        )
        .content.decode()
    )
    assert "残疾人证号第19位表示残疾类别，为“4”（肢体），与登记的类别“1”（视力）不一致" in body
    assert 'href="#id_certificate_number"' in error_summary(body)


def test_multiple_categories_without_the_multiple_category_are_explained(client_for) -> None:  # noqa: ANN001
    body = (
        client_for("district")
        .post(CREATE, form_data(category=4, multiple_categories=[1, 2]))
        .content.decode()
    )
    # The summary links to the first box of the group (the group itself has no id).
    assert 'href="#id_multiple_categories_0"' in error_summary(body)
    assert 'id="id_multiple_categories_0"' in body


def test_a_town_officer_cannot_register_a_person_in_another_town(client_for) -> None:  # noqa: ANN001
    body = client_for("town_a").post(CREATE, form_data(region=VILLAGE_B)).content.decode()
    assert "只能选择本镇街的村（社区）" in body
    assert not Person.objects.filter(name="孙小美").exists()


def test_a_duplicate_in_scope_names_and_links_the_existing_person(client_for, person_a) -> None:  # noqa: ANN001
    body = (
        client_for("town_a").post(CREATE, form_data(id_number=person_a.id_number)).content.decode()
    )
    assert "这个身份证号的人员已经登记过（张三）" in body
    assert reverse("people:detail", args=[person_a.pk]) in body


def test_a_duplicate_out_of_scope_becomes_a_transfer_request_without_naming_the_person(
    client_for, person_b
) -> None:  # noqa: ANN001
    """Issue 14: "已在其他镇街登记" told a town officer who is registered elsewhere. The number
    is accepted as a new one would be, and becomes a transfer request the district decides
    (ADR 0011); the person is not changed before that."""
    response = client_for("town_a").post(
        CREATE, form_data(id_number=person_b.id_number), follow=True
    )
    body = response.content.decode()
    assert "已在其他镇街登记" not in body
    assert "李四" not in body
    assert reverse("people:detail", args=[person_b.pk]) not in body
    assert "已提交迁入申请：孙小美" in body
    assert person_b.transfer_requests.get().region_id == VILLAGE_A
    person_b.refresh_from_db()
    assert (person_b.name, person_b.region_id, person_b.version) == ("李四", VILLAGE_B, 1)


@pytest.mark.parametrize("persona", ["leader", "liaison", "employer", "jobseeker"])
def test_roles_without_the_registry_cannot_register(client_for, persona) -> None:  # noqa: ANN001
    client = client_for(persona)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    assert not Person.objects.filter(name="孙小美").exists()


def test_the_create_page_answers_only_get_and_post(client_for) -> None:  # noqa: ANN001
    assert client_for("district").put(CREATE).status_code == 405


# -- edit -----------------------------------------------------------------------------------


def test_the_edit_form_carries_the_version_and_leaves_the_numbers_empty(
    client_for, person_a
) -> None:  # noqa: ANN001
    body = client_for("town_a").get(edit(person_a)).content.decode()
    assert '<input type="hidden" name="version" value="1"' in body
    assert 'name="id_number"' in body
    assert f"已登记：{person_a.masked_id_number}。不修改请留空。" in body
    assert 'value="张三"' in body


def test_an_edit_saves_and_keeps_the_numbers_left_empty(client_for, person_a) -> None:  # noqa: ANN001
    response = client_for("town_a").post(edit(person_a), edit_data(person_a, name="张三丰"))
    assert response.status_code == 302
    person = Person.objects.get(pk=person_a.pk)
    assert person.name == "张三丰"
    assert person.id_number == person_a.id_number
    assert person.version == 2


def test_an_edit_can_change_the_id_number_and_clear_the_phone(client_for, person_a) -> None:  # noqa: ANN001
    person_update(person=person_a, by=None, version=1, phone="13812345678")
    person_a.refresh_from_db()
    number = make_id_number(birth="19800101", seq=642)
    response = client_for("district").post(
        edit(person_a), edit_data(person_a, id_number=number, clear_phone="on")
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=person_a.pk)
    assert person.id_number == number
    assert person.birth_date.year == 1980
    assert person.phone == ""


def test_a_category_that_no_longer_matches_the_certificate_on_record_is_explained(
    client_for, person_a
) -> None:  # noqa: ANN001
    person_update(
        person=person_a,
        by=None,
        version=1,
        certificate_number=certificate_for(person_a.id_number, 4, 2),
        category=category(4),
        grade=grade(2),
    )
    person_a.refresh_from_db()
    body = client_for("town_a").post(edit(person_a), edit_data(person_a, grade=3)).content.decode()
    assert "已登记的残疾人证号与修改后的信息不一致" in body
    assert "第20位表示残疾等级，为“2”（二级）" in body
    assert person_a.certificate_number not in body


def test_a_conflicting_edit_keeps_what_was_typed_and_says_so(client_for, person_a) -> None:  # noqa: ANN001
    stale = edit_data(person_a, name="张三（镇街改）", address="新地址8号")
    person_update(person=person_a, by=None, version=1, name="张三（区里改）")
    response = client_for("town_a").post(edit(person_a), stale)
    body = response.content.decode()
    assert response.status_code == 200
    assert "这条记录刚刚被其他人修改过，您的修改没有保存" in body
    assert f'请先记下，再<a href="{edit(person_a)}">重新载入最新内容</a>' in body
    assert 'value="张三（镇街改）"' in body
    assert 'value="新地址8号"' in body
    assert Person.objects.get(pk=person_a.pk).name == "张三（区里改）"


def test_a_town_officer_cannot_move_a_person_out_of_their_town(client_for, person_a) -> None:  # noqa: ANN001
    body = (
        client_for("town_a")
        .post(edit(person_a), edit_data(person_a, region=VILLAGE_B))
        .content.decode()
    )
    assert "只能选择本镇街的村（社区）" in body
    assert Person.objects.get(pk=person_a.pk).region_id == VILLAGE_A


def test_a_town_officer_can_neither_open_nor_edit_a_person_of_another_town(
    client_for, person_b
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    assert client.get(edit(person_b)).status_code == 404
    assert client.post(edit(person_b), edit_data(person_b, name="改")).status_code == 404
    assert Person.objects.get(pk=person_b.pk).name == "李四"


@pytest.mark.parametrize("persona", ["leader", "liaison", "employer", "jobseeker"])
def test_roles_without_the_registry_cannot_edit(client_for, person_a, persona) -> None:  # noqa: ANN001
    assert (
        client_for(persona).post(edit(person_a), edit_data(person_a, name="改")).status_code == 403
    )


def test_the_edit_page_answers_only_get_and_post(client_for, person_a) -> None:  # noqa: ANN001
    assert client_for("district").delete(edit(person_a)).status_code == 405


def test_the_edit_page_keeps_to_its_query_budget(
    client_for, person_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    client = client_for("district")
    with django_assert_max_num_queries(15):
        assert client.get(edit(person_a)).status_code == 200


def test_an_english_user_reads_the_conflict_in_english(client_for, person_a) -> None:  # noqa: ANN001
    stale = edit_data(person_a, name="张三（镇街改）")
    person_update(person=person_a, by=None, version=1, name="张三（区里改）")
    client = client_for("town_a")
    client.post("/i18n/setlang/", {"language": "en", "next": edit(person_a)})
    body = client.post(edit(person_a), stale).content.decode()
    assert '<html lang="en">' in body
    assert "Someone else changed this record a moment ago; your changes were not saved." in body
    assert f'<a href="{edit(person_a)}">reload the latest content</a>' in body
