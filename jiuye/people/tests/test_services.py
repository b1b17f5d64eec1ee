"""Writes to the registry: register, update with a version check, archive, life status, reveal."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from conftest import VILLAGE_A, VILLAGE_B, make_id_number
from jiuye.core.conflicts import ConflictError
from jiuye.core.crypto import blind_index
from jiuye.core.models import AccessEvent
from jiuye.people.models import AssistiveNeed, LifeStatus, Person
from jiuye.people.services import (
    CERTIFICATE_INDEX_PURPOSE,
    DuplicatePersonError,
    id_number_index,
    normalize_phone,
    person_archive,
    person_register,
    person_reveal,
    person_set_life_status,
    person_update,
)
from jiuye.people.tests.conftest import category, certificate_for, grade
from jiuye.reference.models import Region


def village(code: str = VILLAGE_A) -> Region:
    return Region.objects.get(code=code)


def request_as(user) -> object:  # noqa: ANN001
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9")
    request.user = user
    return request


def registration_errors(**fields) -> dict[str, list[str]]:  # noqa: ANN003
    """The errors person_register refuses a new person in 东城 with, given these fields."""
    fields = {"name": "孙八", "id_number": make_id_number(seq=555), "region": village(), **fields}
    with pytest.raises(ValidationError) as caught:
        person_register(**fields)
    return caught.value.message_dict


def register_certified(number: str, kind: int, level: int, **fields) -> Person:  # noqa: ANN003
    """A new person in 东城 with a certificate of this category and grade."""
    return person_register(
        name=fields.pop("name", "冯二"),
        id_number=number,
        region=village(),
        certificate_number=certificate_for(number, kind, level),
        category=category(kind),
        grade=grade(level),
        **fields,
    )


def raw_row(person: Person) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, certificate_number, phone FROM people_person WHERE id = %s",
            [person.pk.hex if connection.vendor == "sqlite" else person.pk],
        )
        return cursor.fetchone()


# -- register -------------------------------------------------------------------------------


def test_registering_derives_sex_and_birth_date_from_the_id_number(reference) -> None:  # noqa: ANN001
    number = make_id_number(birth="19851231", seq=124)  # even 17th digit: female
    person = person_register(name=" 赵六 ", id_number=number.lower(), region=village())
    assert person.sex == "F"
    assert person.birth_date == dt.date(1985, 12, 31)
    assert person.name == "赵六"
    assert person.id_number_index == id_number_index(number)
    assert person.version == 1


def test_registering_takes_the_rest_of_the_record_and_encrypts_the_numbers(reference) -> None:  # noqa: ANN001
    number = make_id_number(seq=555)
    certificate = certificate_for(number, 7, 2)
    person = register_certified(
        number,
        7,
        2,
        name="钱七",
        multiple_categories=[category(1), category(4)],
        phone="＋86 138-1234 5678",
        assistive_needs=[AssistiveNeed.BRAILLE, AssistiveNeed.SCREEN_READER],
        wish_to_work="yes",
    )
    person = Person.objects.get(pk=person.pk)
    assert person.phone == "13812345678"
    assert person.certificate_number == certificate
    assert person.certificate_index == blind_index(certificate, purpose=CERTIFICATE_INDEX_PURPOSE)
    assert {c.code for c in person.multiple_categories.all()} == {1, 4}
    assert person.assistive_needs == ["braille", "screen_reader"]
    stored = raw_row(person)
    assert number not in " ".join(stored)
    assert "13812345678" not in stored[2]


def test_a_duplicate_id_number_is_refused_and_names_the_existing_person(person_a) -> None:  # noqa: ANN001
    with pytest.raises(DuplicatePersonError) as caught:
        person_register(name="张三二", id_number=person_a.id_number, region=village(VILLAGE_B))
    assert caught.value.existing_id == person_a.pk
    assert "已经登记过" in caught.value.message_dict["id_number"][0]
    assert Person.objects.count() == 1


def test_an_archived_person_still_blocks_a_second_registration_of_the_same_id(
    person_a, personas
) -> None:  # noqa: ANN001
    person_archive(person=person_a, reason="重复登记", by=personas["district"])
    with pytest.raises(DuplicatePersonError):
        person_register(name="张三", id_number=person_a.id_number, region=village())


def test_a_certificate_of_someone_else_is_refused_with_the_reason(reference) -> None:  # noqa: ANN001
    other = make_id_number(seq=557)
    errors = registration_errors(
        certificate_number=certificate_for(other, 4, 2), category=category(4), grade=grade(2)
    )
    assert errors["certificate_number"] == ["残疾人证号前18位与身份证号不一致。"]


def test_a_certificate_whose_category_digit_differs_from_the_category_is_refused(reference) -> None:  # noqa: ANN001
    number = make_id_number(seq=555)
    errors = registration_errors(
        certificate_number=certificate_for(number, 4, 2), category=category(1), grade=grade(2)
    )
    message = errors["certificate_number"][0]
    assert "第19位" in message
    assert "“4”（肢体）" in message
    assert "“1”（视力）" in message


def test_a_certificate_needs_the_category_and_grade_it_encodes(reference) -> None:  # noqa: ANN001
    errors = registration_errors(certificate_number=certificate_for(make_id_number(seq=555), 4, 2))
    assert "请同时选择残疾类别和残疾等级" in errors["certificate_number"][0]


def test_multiple_categories_are_only_for_the_multiple_category(reference) -> None:  # noqa: ANN001
    errors = registration_errors(
        category=category(4), multiple_categories=[category(1), category(2)]
    )
    assert "多重残疾" in errors["multiple_categories"][0]
    errors = registration_errors(category=category(7), multiple_categories=[category(1)])
    assert "至少包含两类" in errors["multiple_categories"][0]


def test_dates_that_contradict_each_other_are_refused(reference) -> None:  # noqa: ANN001
    errors = registration_errors(
        certificate_issued=dt.date(2020, 5, 1),
        certificate_valid_until=dt.date(2019, 5, 1),
        monitoring_identified=dt.date(2023, 1, 1),
        hard_to_employ_reasons="长期失业",
    )
    assert errors["certificate_valid_until"] == ["证件有效期不能早于发证日期。"]
    assert errors["monitoring_category"] == ["填写了监测日期，请同时选择防返贫监测类别。"]
    assert "认定日期" in errors["hard_to_employ_date"][0]


def test_an_implausible_phone_number_is_refused() -> None:
    assert normalize_phone("020-8888 6666") == "02088886666"
    assert normalize_phone("") == ""
    with pytest.raises(ValidationError, match="当前为3位数字"):
        normalize_phone("123")
    with pytest.raises(ValidationError, match="只能包含数字"):
        normalize_phone("无")


def test_a_town_officer_cannot_register_a_person_in_another_town(personas) -> None:  # noqa: ANN001
    errors = registration_errors(region=village(VILLAGE_B), by=personas["town_a"])
    assert "自己负责的镇街" in errors["region"][0]


def test_unknown_fields_are_a_programming_error(reference) -> None:  # noqa: ANN001
    with pytest.raises(TypeError):
        person_register(name="郑一", id_number=make_id_number(seq=555), region=village(), version=9)


# -- update ---------------------------------------------------------------------------------


def test_an_update_saves_the_changes_and_increments_the_version(person_a, personas) -> None:  # noqa: ANN001
    updated = person_update(
        person=person_a, by=personas["town_a"], version=1, name="张三丰", wish_to_work="yes"
    )
    assert updated.version == 2
    person_a.refresh_from_db()
    assert (person_a.name, person_a.wish_to_work, person_a.version) == ("张三丰", "yes", 2)
    assert person_a.updated_by == personas["town_a"]


def test_an_update_from_a_stale_version_is_a_conflict_and_changes_nothing(
    person_a, personas
) -> None:  # noqa: ANN001
    person_update(person=person_a, by=personas["district"], version=1, name="张三（区）")
    with pytest.raises(ConflictError):
        person_update(person=person_a, by=personas["town_a"], version=1, name="张三（镇）")
    person_a.refresh_from_db()
    assert person_a.name == "张三（区）"
    assert person_a.version == 2


def test_an_update_that_changes_nothing_keeps_the_version(person_a, personas) -> None:  # noqa: ANN001
    same = person_update(person=person_a, by=personas["town_a"], version=1, name="张三")
    assert same.version == 1


def test_a_new_id_number_rederives_sex_birth_date_and_index(person_a, personas) -> None:  # noqa: ANN001
    number = make_id_number(birth="19700101", seq=642)
    updated = person_update(person=person_a, by=personas["town_a"], version=1, id_number=number)
    assert (updated.sex, updated.birth_date) == ("F", dt.date(1970, 1, 1))
    assert updated.id_number_index == id_number_index(number)
    assert Person.objects.get(id_number_index=id_number_index(number)) == person_a


def test_a_new_id_number_that_belongs_to_someone_else_is_refused(
    person_a, person_b, personas
) -> None:  # noqa: ANN001
    with pytest.raises(DuplicatePersonError) as caught:
        person_update(
            person=person_a, by=personas["district"], version=1, id_number=person_b.id_number
        )
    assert caught.value.existing_id == person_b.pk


def test_a_new_id_number_must_agree_with_the_certificate_on_record(reference, personas) -> None:  # noqa: ANN001
    person = register_certified(make_id_number(seq=555), 4, 3)
    with pytest.raises(ValidationError) as caught:
        person_update(
            person=person, by=personas["town_a"], version=1, id_number=make_id_number(seq=557)
        )
    assert caught.value.message_dict["certificate_number"] == ["残疾人证号前18位与身份证号不一致。"]


def test_leaving_the_multiple_category_clears_its_list(reference, personas) -> None:  # noqa: ANN001
    person = person_register(
        name="陈三",
        id_number=make_id_number(seq=555),
        region=village(),
        category=category(7),
        multiple_categories=[category(1), category(2)],
    )
    person_update(person=person, by=personas["town_a"], version=1, category=category(4))
    assert not person.multiple_categories.exists()


def test_a_town_officer_cannot_move_a_person_to_another_town(person_a, personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        person_update(person=person_a, by=personas["town_a"], version=1, region=village(VILLAGE_B))
    assert "region" in caught.value.message_dict
    person_a.refresh_from_db()
    assert person_a.region_id == VILLAGE_A


def test_district_staff_can_move_a_person_between_towns(person_a, personas) -> None:  # noqa: ANN001
    person_update(person=person_a, by=personas["district"], version=1, region=village(VILLAGE_B))
    person_a.refresh_from_db()
    assert person_a.region_id == VILLAGE_B


# -- archive and life status ------------------------------------------------------------------


def test_archiving_needs_a_reason(person_a, personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        person_archive(person=person_a, reason="  ", by=personas["town_a"])
    assert "归档原因" in caught.value.message_dict["reason"][0]
    person_a.refresh_from_db()
    assert not person_a.is_archived


def test_archiving_keeps_the_record_with_who_when_and_why(person_a, personas) -> None:  # noqa: ANN001
    archived = person_archive(person=person_a, reason="已迁出本区", by=personas["town_a"])
    assert Person.objects.filter(pk=person_a.pk).exists()
    assert archived.archived_reason == "已迁出本区"
    assert archived.archived_by == personas["town_a"]
    assert archived.archived_at is not None
    assert archived.version == 2


def test_an_archived_person_can_be_neither_archived_again_nor_edited(person_a, personas) -> None:  # noqa: ANN001
    person_archive(person=person_a, reason="重复登记", by=personas["town_a"])
    with pytest.raises(ValidationError, match="已经归档"):
        person_archive(person=person_a, reason="再来一次", by=personas["town_a"])
    with pytest.raises(ValidationError, match="已归档"):
        person_update(person=person_a, by=personas["town_a"], version=2, name="改名")


def test_the_life_status_is_recorded_with_its_date(person_a, personas) -> None:  # noqa: ANN001
    on = timezone.localdate() - dt.timedelta(days=3)
    person = person_set_life_status(
        person=person_a, status=LifeStatus.DECEASED, on=on, by=personas["town_a"]
    )
    assert (person.life_status, person.life_status_date, person.version) == ("deceased", on, 2)
    with pytest.raises(ValidationError):
        person_set_life_status(person=person_a, status="unknown", by=personas["town_a"])
    with pytest.raises(ValidationError):
        person_set_life_status(
            person=person_a,
            status=LifeStatus.MOVED,
            on=timezone.localdate() + dt.timedelta(days=1),
        )


# -- reveal ---------------------------------------------------------------------------------


def test_a_reveal_returns_the_full_number_and_writes_the_access_log(person_a, personas) -> None:  # noqa: ANN001
    value = person_reveal(
        person=person_a,
        field="id_number",
        reason="核对身份",
        request=request_as(personas["town_a"]),
    )
    assert value == person_a.id_number
    event = AccessEvent.objects.get(action=AccessEvent.Action.REVEAL)
    assert event.user == personas["town_a"]
    assert event.object_id == str(person_a.pk)
    assert event.reason == "核对身份"
    assert event.detail == {"field": "id_number"}
    assert event.ip_address == "10.0.0.9"
    assert person_a.id_number not in event.object_repr


def test_a_reveal_needs_a_reason(person_a, personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        person_reveal(
            person=person_a, field="id_number", reason=" ", request=request_as(personas["district"])
        )
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.REVEAL).exists()


@pytest.mark.parametrize("persona", ["leader", "liaison", "employer", "jobseeker", "town_b"])
def test_a_reveal_is_refused_to_roles_without_the_permission_or_scope(
    person_a, personas, persona
) -> None:  # noqa: ANN001
    with pytest.raises(PermissionDenied):
        person_reveal(
            person=person_a, field="id_number", reason="看看", request=request_as(personas[persona])
        )
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.REVEAL).exists()


def test_only_the_three_numbers_can_be_revealed(person_a, personas) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        person_reveal(
            person=person_a, field="name", reason="核对", request=request_as(personas["district"])
        )


# -- audit ----------------------------------------------------------------------------------


def test_an_update_is_in_the_audit_trail_without_the_id_number(person_a, personas) -> None:  # noqa: ANN001
    person_update(
        person=person_a,
        by=personas["district"],
        version=1,
        id_number=make_id_number(seq=642),
        phone="13812345678",
    )
    dump = " ".join(str(e.changes) for e in LogEntry.objects.get_for_object(person_a))
    assert "id_number_index" in dump
    assert make_id_number(seq=642) not in dump
    assert "13812345678" not in dump


def test_a_certificate_number_never_enters_the_audit_trail(reference) -> None:  # noqa: ANN001
    number = make_id_number(seq=555)
    register_certified(number, 4, 2, name="褚四")
    dump = " ".join(str(e.changes) for e in LogEntry.objects.all())
    assert number not in dump


def test_a_date_of_the_record_before_the_persons_birth_is_refused(reference) -> None:  # noqa: ANN001
    errors = registration_errors(
        id_number=make_id_number(birth="20000101", seq=557),
        certificate_issued=dt.date(1999, 12, 31),
        hard_to_employ_date=dt.date(1999, 1, 1),
        hard_to_employ_reasons="长期失业",
    )
    assert errors["certificate_issued"] == ["发证日期早于本人出生日期（2000-01-01），请核对。"]
    assert "早于本人出生日期" in errors["hard_to_employ_date"][0]
