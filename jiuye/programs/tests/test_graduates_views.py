"""The graduates' pages: the unmatched lines registered through the normal registration or
rejected with a reason (listed, never dropped), the lists and exports in the user's scope, the
one file per graduate from the existing records, and the worklist with its year-end rate."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import VILLAGE_A, VILLAGE_B, register_person
from jiuye.core.models import AccessEvent
from jiuye.people.models import Person
from jiuye.programs.models.graduates import GraduateRecord
from jiuye.programs.tests.graduate_fixtures import (
    UNREGISTERED_ID,
    employ,
    import_lines,
    line,
    serve,
)
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(tmp_path, personas, person_b) -> None:  # noqa: ANN001
    """person_a (东城) and person_b (西城) graduating in 2026, and 王五, not registered."""
    rows = [
        line(),
        line(姓名="李四", 身份证号=person_b.id_number, 学校="广东轻工职业技术学院"),
        line(姓名="王五", 身份证号=UNREGISTERED_ID),
    ]
    import_lines(tmp_path, rows, by=personas["district"])


def _open_unmatched() -> GraduateRecord:
    return GraduateRecord.objects.get(person__isnull=True)


def test_the_unmatched_list_shows_every_unregistered_row_to_the_district(lines, client_for) -> None:  # noqa: ANN001
    page = client_for("district").get(reverse("programs:graduates-unmatched"))
    assert page.status_code == 200
    assert "王五" in page.content.decode()
    assert "张三" not in page.content.decode()


def test_registering_an_unmatched_row_registers_the_person_and_links_the_row(
    lines, client_for
) -> None:  # noqa: ANN001
    url = reverse("programs:graduate-register", args=[_open_unmatched().pk])
    answer = client_for("district").post(url, {"region": VILLAGE_B})
    person = Person.objects.get(name="王五")
    assert answer.status_code == 302
    assert answer.url == reverse("programs:graduate-file", args=[person.pk])
    assert (person.region_id, person.id_number, person.school) == (
        VILLAGE_B,
        UNREGISTERED_ID,
        "广州大学",
    )
    assert (person.is_student, person.graduation_year, person.phone) == (True, 2026, "13800138000")
    assert GraduateRecord.objects.get(name="王五").person == person


def test_registering_without_a_village_says_what_to_choose(lines, client_for) -> None:  # noqa: ANN001
    url = reverse("programs:graduate-register", args=[_open_unmatched().pk])
    page = client_for("district").post(url, {"region": "nowhere"})
    assert page.status_code == 200
    assert "请从列表中选择村（社区）" in page.content.decode()
    assert not Person.objects.filter(name="王五").exists()


def test_a_person_registered_meanwhile_is_linked_not_registered_twice(lines, client_for) -> None:  # noqa: ANN001
    wang = register_person(909, "王五", village=VILLAGE_A)
    url = reverse("programs:graduate-register", args=[_open_unmatched().pk])
    client_for("district").post(url, {"region": VILLAGE_B})
    assert Person.objects.filter(name="王五").count() == 1
    assert GraduateRecord.objects.get(name="王五").person == wang


def test_matching_again_links_rows_registered_elsewhere(lines, client_for) -> None:  # noqa: ANN001
    wang = register_person(909, "王五")
    answer = client_for("district").post(reverse("programs:graduates-match"))
    assert answer.status_code == 302
    assert GraduateRecord.objects.get(name="王五").person == wang


def test_rejecting_needs_a_reason_and_keeps_the_row_listed_as_rejected(lines, client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("programs:graduate-reject", args=[_open_unmatched().pk])
    page = client.post(url, {"reason": "  "})
    assert "请填写归档原因" in page.content.decode()
    assert client.post(url, {"reason": "非本区户籍"}).status_code == 302
    rejected = GraduateRecord.objects.get(name="王五")
    assert (rejected.is_archived, rejected.archived_reason) == (True, "非本区户籍")
    listed = client.get(reverse("programs:graduates-unmatched")).content.decode()
    assert "非本区户籍" in listed
    # Handled once: no second decision.
    assert client.post(url, {"reason": "再次"}).status_code == 404


def test_the_unmatched_export_lists_open_and_rejected_rows(lines, client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    url = reverse("programs:graduate-reject", args=[_open_unmatched().pk])
    client.post(url, {"reason": "非本区户籍"})
    export = client.get(reverse("programs:graduates-unmatched-export"))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [(r[0], r[6], r[7]) for r in rows[1:]] == [("王五", "不予登记", "非本区户籍")]
    assert "*" in rows[1][1]


@pytest.mark.parametrize("who", ["town_a", "leader"])
def test_only_district_staff_decide_unmatched_rows(lines, client_for, who) -> None:  # noqa: ANN001
    url = reverse("programs:graduate-reject", args=[_open_unmatched().pk])
    assert client_for(who).post(url, {"reason": "x"}).status_code == 403
    assert not GraduateRecord.objects.get(name="王五").is_archived


def test_the_match_button_answers_post_only(client_for) -> None:  # noqa: ANN001
    assert client_for("district").get(reverse("programs:graduates-match")).status_code == 405


def test_a_town_officer_lists_and_exports_only_their_towns_graduates(lines, client_for) -> None:  # noqa: ANN001
    client = client_for("town_a")
    page = client.get(reverse("programs:graduates")).content.decode()
    assert "张三" in page and "李四" not in page and "王五" not in page
    export = client.get(reverse("programs:graduates-export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["张三"]
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).count() == 1


def test_a_bad_year_filter_is_named_and_the_list_still_shows(lines, client_for) -> None:  # noqa: ANN001
    page = client_for("district").get(reverse("programs:graduates"), {"year": "二〇二六"})
    assert page.status_code == 200
    assert "毕业年份请填写四位数字" in page.content.decode()


def test_the_file_back_to_the_bureau_has_full_numbers_services_and_placement(
    lines, client_for, person_a
) -> None:  # noqa: ANN001
    serve(person_a, dt.date(2026, 3, 1), "policy_publicity")
    employ(person_a, dt.date(2026, 1, 2), employer="示范公司")
    export = client_for("district").get(reverse("programs:graduates-exchange"))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    header = rows[0]
    first = next(dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] == "张三")
    assert "身份证号" in header
    assert first["姓名"] == "张三" and first["身份证号"] == person_a.id_number
    assert (first["服务次数"], first["就业状态"], first["就业单位"]) == (1, "已就业", "示范公司")
    assert len(rows) == 3  # the unmatched row has nothing to send back
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.detail["revealed"] is True


def test_the_graduate_file_reads_every_section_from_existing_records(
    lines, client_for, person_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    serve(person_a, dt.date(2026, 3, 1), "policy_publicity", notes="讲解高校毕业生就业补贴")
    serve(person_a, dt.date(2026, 4, 1), "career_guidance")
    employ(person_a, dt.date(2026, 7, 1), employer="示范公司")
    client = client_for("town_a")
    url = reverse("programs:graduate-file", args=[person_a.pk])
    client.get(url)
    with django_assert_max_num_queries(15):
        page = client.get(url)
    text = page.content.decode()
    assert "广州大学" in text and "软件工程" in text
    assert "讲解高校毕业生就业补贴" in text
    assert "职业指导" in text
    assert "示范公司" in text


def test_the_graduate_file_of_another_towns_person_is_not_found(
    lines, client_for, person_b
) -> None:  # noqa: ANN001
    url = reverse("programs:graduate-file", args=[person_b.pk])
    assert client_for("town_a").get(url).status_code == 404


def test_the_worklist_lists_the_years_unemployed_graduates_with_the_rate(
    lines, client_for, person_a, person_b, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    employ(person_b, dt.date(2026, 1, 5), employer="西城工厂")
    serve(person_a, dt.date(2026, 2, 3), "career_guidance")
    client = client_for("district")
    url = reverse("programs:graduates-worklist")
    client.get(url, {"year": 2026})
    with django_assert_max_num_queries(15):
        page = client.get(url, {"year": 2026})
    text = page.content.decode()
    assert "张三" in text and "2026-02-03" in text
    assert "李四" not in text  # employed
    assert "50.0%" in text  # 1 of the 2 matched graduates employed
    town = client_for("town_b").get(url, {"year": 2026}).content.decode()
    assert "张三" not in town and "100.0%" in town


def test_the_graduates_list_costs_a_bounded_number_of_queries(
    tmp_path, personas, client_for, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    village = Region.objects.get(code=VILLAGE_A)
    people = [register_person(300 + n, f"学生{n}", village=village.code) for n in range(12)]
    import_lines(tmp_path, [line(姓名=p.name, 身份证号=p.id_number) for p in people])
    client = client_for("district")
    client.get(reverse("programs:graduates"))
    with django_assert_max_num_queries(15):
        page = client.get(reverse("programs:graduates"))
    assert "学生11" in page.content.decode()
