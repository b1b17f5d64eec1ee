"""Blind massage: establishments (services, pages per role, export), blind staff computed from
employment records, and practitioners' qualifications."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conftest import TOWN_B, VILLAGE_A, VILLAGE_B, make_id_number
from jiuye.core.conflicts import ConflictError
from jiuye.core.tests.forms import posted
from jiuye.core.tests.responses import answer_about, assert_one_answer, html_of
from jiuye.employment.services import employment_end
from jiuye.training.models import MassageEstablishment, MassageQualification
from jiuye.training.selectors.massage import blind_staff, blind_staff_count, establishments_for_list
from jiuye.training.services import massage as services
from jiuye.training.tests import competition_fixtures as fx
from jiuye.training.tests.competition_fixtures import (
    days_ago,
    employ,
    make_establishment,
    make_person,
    today,
)

pytestmark = pytest.mark.django_db

establishment_a = fx.establishment_a


@pytest.fixture
def staff(establishment_a, employer_a, employer_b):  # noqa: ANN001, ANN201
    """At employer_a: 王盲 (blind, 东城, open), 赵盲 (blind, 西城, open), 钱盲 (blind, ended
    yesterday), 孙聋 (hearing, open); 周盲 (blind) works at employer_b."""
    wang = make_person(301, "王盲", VILLAGE_A, category="1")
    zhao = make_person(302, "赵盲", VILLAGE_B, category="1")
    qian = make_person(303, "钱盲", VILLAGE_A, category="1")
    sun = make_person(304, "孙聋", VILLAGE_A, category="2")
    zhou = make_person(305, "周盲", VILLAGE_A, category="1")
    employ(wang, employer_a, days_ago(100))
    employ(zhao, employer_a, days_ago(50))
    ended = employ(qian, employer_a, days_ago(200))
    employment_end(record=ended, end_date=days_ago(1), end_reason="resigned", by=None)
    employ(sun, employer_a, days_ago(100))
    employ(zhou, employer_b, days_ago(100))
    return {"wang": wang, "zhao": zhao, "qian": qian, "sun": sun, "zhou": zhou}


def _establishment_form(**override: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "阳光盲人按摩店",
        "kind": "health_venue",
        "licence_number": "",
        "region": VILLAGE_A,
        "address": "东城路8号",
        "owner_id_number": "",
        "owner_name": "",
        "employer_uscc": "",
    }
    return posted(data, **override)


# --- blind staff ------------------------------------------------------------------------------


def test_blind_staff_are_the_open_records_of_blind_persons_at_the_employer(
    establishment_a, staff
) -> None:  # noqa: ANN001
    names = {record.person.name for record in blind_staff(establishment_a)}
    assert names == {"王盲", "赵盲"}  # not the ended record, the deaf person or employer_b's
    assert blind_staff_count(establishment_a) == 2
    row = establishments_for_list(MassageEstablishment.objects.all()).get()
    assert row.n_blind == 2


def test_an_ended_record_still_counts_on_a_day_it_covered(establishment_a, staff) -> None:  # noqa: ANN001
    assert blind_staff_count(establishment_a, on=days_ago(2)) == 3
    assert blind_staff_count(establishment_a, on=today()) == 2


def test_an_establishment_without_employer_has_no_blind_staff(reference, staff) -> None:  # noqa: ANN001
    lone = make_establishment(name="未关联按摩店")
    assert list(blind_staff(lone)) == [] and blind_staff_count(lone) == 0


# --- services ---------------------------------------------------------------------------------


def test_an_establishment_needs_a_name_kind_and_region(reference) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as info:
        services.establishment_create(
            by=None,
            name="",
            kind="spa",
            licence_number="",
            region=None,
            address="",
            owner=None,
            owner_name="",
            employer=None,
        )
    errors = info.value.message_dict
    assert errors["name"] == ["请填写机构名称。"]
    assert "请选择机构类型" in errors["kind"][0]
    assert errors["region"] == ["请选择所在地。"]


def test_one_employer_matches_one_establishment_only(establishment_a, employer_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as info:
        make_establishment(name="第二家", employer=employer_a)
    assert "已经对应按摩机构“东城盲人按摩所”" in info.value.message_dict["employer"][0]


def test_a_town_officer_keeps_only_their_towns_establishments(
    personas, establishment_a, person_b
) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as info:
        services.establishment_create(
            by=personas["town_a"],
            name="西城店",
            kind="health_venue",
            licence_number="",
            region=person_b.region,
            address="",
            owner=person_b,
            owner_name="",
            employer=None,
        )
    errors = info.value.message_dict
    assert "只能选择您负责的" in errors["region"][0]
    assert "开办人不在您负责的范围内" in errors["owner"][0]
    with pytest.raises(ValidationError, match="不在您负责的范围内"):
        services.establishment_archive(
            establishment=establishment_a, by=personas["town_b"], reason="停业"
        )


def test_establishment_versions_conflict_and_archiving_keeps_the_row(establishment_a) -> None:  # noqa: ANN001
    services.establishment_update(establishment=establishment_a, by=None, version=1, address="新址")
    with pytest.raises(ConflictError):
        services.establishment_update(
            establishment=establishment_a, by=None, version=1, address="旧址"
        )
    with pytest.raises(ValidationError) as info:
        services.establishment_archive(establishment=establishment_a, by=None, reason="")
    assert "请填写归档原因" in info.value.message_dict["reason"][0]
    archived = services.establishment_archive(
        establishment=establishment_a, by=None, reason="已停业"
    )
    assert archived.archived_reason == "已停业"
    assert MassageEstablishment.objects.filter(pk=establishment_a.pk).exists()


@pytest.mark.parametrize(
    ("number", "ago", "field", "message"),
    [
        ("YA123", None, "medical_certificate_date", "请同时填写医疗按摩资格取得日期"),
        ("", 3, "medical_certificate_number", "请同时填写医疗按摩资格证书编号"),
        ("YA123", -1, "medical_certificate_date", "不能晚于今天"),
    ],
    ids=["a number without a date", "a date without a number", "a date in the future"],
)
def test_a_qualification_number_and_date_go_together_and_the_date_is_not_in_the_future(
    person_a, number: str, ago: int | None, field: str, message: str
) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as info:
        services.qualification_save(
            person=person_a,
            by=None,
            version=0,
            medical_certificate_number=number,
            medical_certificate_date=None if ago is None else days_ago(ago),
        )
    assert message in info.value.message_dict[field][0]


def test_a_qualification_is_recorded_corrected_and_a_stale_version_conflicts(person_a) -> None:  # noqa: ANN001
    saved = services.qualification_save(
        person=person_a,
        by=None,
        version=0,
        medical_certificate_number="YA123",
        medical_certificate_date=days_ago(400),
        title="junior",
        health_level="",
    )
    assert saved.version == 1
    again = services.qualification_save(person=person_a, by=None, version=1, health_level="4")
    assert (again.version, again.health_level, again.title) == (2, "4", "junior")
    with pytest.raises(ConflictError):
        services.qualification_save(person=person_a, by=None, version=1, title="chief")
    with pytest.raises(ConflictError):  # someone recorded one while the form was open
        services.qualification_save(person=person_a, by=None, version=0, title="chief")


# --- pages ------------------------------------------------------------------------------------


def test_the_list_shows_blind_staff_counts_and_filters(client_for, establishment_a, staff) -> None:  # noqa: ANN001
    url = reverse("training:establishments")
    html = html_of(client_for("leader").get(url))
    assert "东城盲人按摩所" in html and "<td>2</td>" in html
    assert "登记按摩机构" not in html
    client = client_for("district")
    assert "东城盲人按摩所" not in html_of(client.get(url + "?kind=health_venue"))
    assert "东城盲人按摩所" not in html_of(client.get(url + f"?town={TOWN_B}"))
    response = client.get(url + "?kind=spa&town=abc&page=x")
    assert response.status_code == 200 and "无法识别的机构类型" in html_of(response)


def test_the_other_towns_officer_neither_lists_nor_opens_it(client_for, establishment_a) -> None:  # noqa: ANN001
    client = client_for("town_b")
    assert "东城盲人按摩所" not in html_of(client.get(reverse("training:establishments")))
    detail = reverse("training:establishment", args=[establishment_a.pk])
    assert client.get(detail).status_code == 404
    edit = reverse("training:establishment-edit", args=[establishment_a.pk])
    assert client.post(edit, {"archive-reason": "x"}).status_code == 404


def test_the_page_lists_blind_staff_by_name_within_scope_with_links(
    client_for, establishment_a, staff
) -> None:  # noqa: ANN001
    url = reverse("training:establishment", args=[establishment_a.pk])
    html = html_of(client_for("town_a").get(url))
    assert "目前有 2 名视力残疾人" in html
    assert "王盲" in html and reverse("people:detail", args=[staff["wang"].pk]) in html
    assert reverse("training:qualification", args=[staff["wang"].pk]) in html
    assert "赵盲" not in html and "其中 1 人不在您负责的范围内" in html
    assert "钱盲" not in html and "孙聋" not in html and "周盲" not in html
    district = html_of(client_for("district").get(url))
    assert "王盲" in district and "赵盲" in district


def test_a_leader_sees_the_count_but_no_names(
    client_for, establishment_a, staff, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    url = reverse("training:establishment", args=[establishment_a.pk])
    leader = client_for("leader")
    with django_assert_max_num_queries(15):
        html = html_of(leader.get(url))
    assert "目前有 2 名视力残疾人" in html
    assert "王盲" not in html and "王师傅" not in html
    assert (
        client_for("leader")
        .post(
            reverse("training:establishment-edit", args=[establishment_a.pk]),
            {"archive-reason": "x"},
        )
        .status_code
        == 403
    )
    assert client_for("liaison").get(url).status_code == 403


def test_the_pages_stay_within_their_query_budget(
    client_for, establishment_a, staff, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for n in range(4):
        make_establishment(name=f"按摩店{n}")
    client = client_for("town_a")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("training:establishments")).status_code == 200
    with django_assert_max_num_queries(15):
        url = reverse("training:establishment", args=[establishment_a.pk])
        assert client.get(url).status_code == 200


def test_a_town_officer_registers_an_establishment_with_owner_and_employer(
    client_for, personas, employer_b
) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("training:establishment-create"),
        _establishment_form(
            owner_id_number=make_id_number(seq=101), employer_uscc=employer_b.uscc.lower()
        ),
    )
    assert response.status_code == 302
    saved = MassageEstablishment.objects.get(name="阳光盲人按摩店")
    assert saved.owner == personas["jobseeker"].person and saved.employer == employer_b


def test_bad_owner_and_employer_codes_are_explained(client_for, person_b) -> None:  # noqa: ANN001
    client = client_for("town_a")
    url = reverse("training:establishment-create")
    html = html_of(client.post(url, _establishment_form(owner_id_number="123", employer_uscc="X1")))
    assert "<title>错误：" in html
    assert "开办人身份证号格式不对" in html and "没有找到统一社会信用代码为 X1 的用人单位" in html
    html = html_of(client.post(url, _establishment_form(owner_id_number=make_id_number(seq=202))))
    assert "在您负责的范围内没有找到这个身份证号的人员" in html
    html = html_of(client.post(url, _establishment_form(region=VILLAGE_B, name="")))
    assert "只能选择您负责的镇街或村（社区）" in html and "请填写机构名称" in html
    assert not MassageEstablishment.objects.exists()


def test_an_establishment_is_edited_and_archived(client_for, establishment_a, employer_a) -> None:  # noqa: ANN001
    url = reverse("training:establishment-edit", args=[establishment_a.pk])
    client = client_for("town_a")
    assert employer_a.uscc in html_of(client.get(url))
    response = client.post(
        url,
        _establishment_form(
            name="东城盲人按摩所", kind="medical_clinic", employer_uscc=employer_a.uscc, version=1
        ),
    )
    assert response.status_code == 302
    establishment_a.refresh_from_db()
    assert establishment_a.address == "东城路8号" and establishment_a.version == 2
    response = client.post(url, _establishment_form(version=1))
    assert "刚刚被其他人修改过" in html_of(response)
    assert "请填写归档原因" in html_of(client.post(url, {"archive-reason": " "}))
    assert client.post(url, {"archive-reason": "已停业"}).status_code == 302
    establishment_a.refresh_from_db()
    assert establishment_a.is_archived


def test_wrong_methods_are_refused(client_for, establishment_a, person_a) -> None:  # noqa: ANN001
    client = client_for("district")
    assert client.post(reverse("training:establishments")).status_code == 405
    assert (
        client.post(reverse("training:establishment", args=[establishment_a.pk])).status_code == 405
    )
    assert client.delete(reverse("training:establishment-create")).status_code == 405
    assert client.put(reverse("training:qualification", args=[person_a.pk])).status_code == 405


def test_the_export_lists_establishments_with_counts(client_for, establishment_a, staff) -> None:  # noqa: ANN001
    response = client_for("leader").get(reverse("training:establishments-export") + "?kind=bad")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "名称" and rows[1][0] == "东城盲人按摩所" and rows[1][-1] == 2
    assert "王盲" not in str(rows)
    assert client_for("town_b").get(reverse("training:establishments-export")).status_code == 200
    assert client_for("jobseeker").get(reverse("training:establishments-export")).status_code == 403


def test_the_qualification_page_records_and_shows_errors(client_for, person_a) -> None:  # noqa: ANN001
    url = reverse("training:qualification", args=[person_a.pk])
    client = client_for("town_a")
    assert "还没有登记盲人按摩从业资格" in html_of(client.get(url))
    future = days_ago(-3).isoformat()
    html = html_of(
        client.post(url, {"medical_certificate_date": future, "version": 0, "title": "boss"})
    )
    assert "<title>错误：" in html and "不能晚于今天" in html
    assert "请从列出的专业技术职务中选择" in html
    html = html_of(client.post(url, {"medical_certificate_date": "2020-06-01", "version": 0}))
    assert "请同时填写医疗按摩资格证书编号" in html
    assert not MassageQualification.objects.exists()
    response = client.post(
        url,
        {
            "medical_certificate_number": "YA2020-7",
            "medical_certificate_date": "2020-06-01",
            "title": "intermediate",
            "health_level": "3",
            "version": 0,
        },
    )
    assert response.status_code == 302
    html = html_of(client.get(url))
    assert "YA2020-7" in html and "中级" in html and "三级" in html
    response = client.post(url, {"medical_certificate_number": "X", "version": 0})
    assert "刚刚被其他人修改过" in html_of(response)


def test_the_qualification_of_a_person_outside_scope_is_a_404(client_for, person_b) -> None:  # noqa: ANN001
    url = reverse("training:qualification", args=[person_b.pk])
    assert client_for("town_a").get(url).status_code == 404
    assert client_for("town_a").post(url, {"title": "junior", "version": 0}).status_code == 404
    assert client_for("leader").get(url).status_code == 403
    assert client_for("district").get(url).status_code == 200


def test_an_owner_registered_elsewhere_is_answered_as_an_unregistered_one(
    client_for, person_b
) -> None:  # noqa: ANN001
    """Issue 14, security 4: the answer must not tell whether someone elsewhere is registered."""
    client = client_for("town_a")
    url = reverse("training:establishment-create")
    answers = [
        answer_about(html_of(client.post(url, _establishment_form(owner_id_number=n))), n)
        for n in (person_b.id_number, make_id_number(seq=777))
    ]
    assert_one_answer(answers)
