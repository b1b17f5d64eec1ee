"""Duplicate persons (疑似重复人员): the scan, the review queue, merge and undo."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import TOWN_A, VILLAGE_A, VILLAGE_B, make_id_number
from jiuye.casework.models import AnnualCase, ServiceRecord, ServiceType
from jiuye.employment.models import EmploymentRecord
from jiuye.people.models import (
    Consent,
    DuplicatePair,
    DuplicateReason,
    DuplicateStatus,
    Person,
    PersonMerge,
)
from jiuye.people.services import person_register, person_update
from jiuye.people.services.duplicates import (
    duplicates_scan,
    find_duplicates,
    id_typo,
    pair_dismiss,
    similar_names,
)
from jiuye.people.services.merges import (
    MERGE_RULES,
    MOVING,
    merge_plan,
    merge_undo,
    person_merge,
    person_relations,
    relation_key,
)
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

VILLAGE_A2 = "440199001002"


def _register(name: str, id_number: str, village: str = VILLAGE_A, **fields) -> Person:  # noqa: ANN003
    return person_register(
        name=name, id_number=id_number, region=Region.objects.get(code=village), **fields
    )


def _swap(number: str, i: int) -> str:
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def _pair(a: Person, b: Person) -> DuplicatePair:
    first, second = sorted([a, b], key=lambda p: str(p.pk))
    return DuplicatePair.objects.get(first=first, second=second)


# --- detection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("44019919900307123", "44019919900307125", True),  # one digit off
        ("44019919900307123", "44019919900307132", True),  # two adjacent swapped
        ("44019919900307123", "44019919900307321", False),  # two apart swapped
        ("44019919900307123", "44019919900307156", False),  # two digits off
        ("44019919900307123", "44019919900307123", False),  # the same number
    ],
)
def test_id_typo(a: str, b: str, expected: bool) -> None:
    assert id_typo(a + _check(a), b + _check(b)) is expected


def test_id_typo_of_the_check_character_or_another_length() -> None:
    assert id_typo("440199199003071234", "44019919900307123X")
    assert not id_typo("440199199003071234", "44019919900307123")
    assert not id_typo("44019919900307123X", "44019919900307123x")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("王小明", "王晓明", True),  # same reading
        ("张三", "张 三", True),  # same name, a space
        ("张三", "张山", True),  # near reading
        ("林明", "凌明", True),
        ("王小明", "王小红", False),
        ("张三", "李四", False),
    ],
)
def test_similar_names(a: str, b: str, expected: bool) -> None:
    assert similar_names(a, b) is expected


def test_scan_finds_each_kind_with_its_reason(reference) -> None:  # noqa: ANN001
    number = make_id_number(seq=311)
    typo = _swap(number[:17], 14)  # 15th and 16th digits swapped, birth date kept
    a = _register("赵六", number)
    b = _register("赵六", typo + _check(typo), village=VILLAGE_B)
    c = _register("王小明", make_id_number(seq=421), village=VILLAGE_A2)
    d = _register("王晓明", make_id_number(seq=433), village=VILLAGE_A2)
    e = _register("孙七", make_id_number(birth="19800101", seq=555))
    f = _register("钱八", make_id_number(birth="19810101", seq=557), village=VILLAGE_B)
    Person.objects.filter(pk__in=[e.pk, f.pk]).update(certificate_index="c" * 64)
    # Not duplicates: same birth date and village, different names; other names' IDs.
    _register("周九", make_id_number(seq=561), village=VILLAGE_A2)

    result = duplicates_scan()

    assert result.found == 3 and result.opened == 3
    assert _pair(a, b).reasons == [DuplicateReason.ID_TYPO]
    assert _pair(a, b).region_id == "440199000000"  # two towns: the district's pair
    assert _pair(c, d).reasons == [DuplicateReason.SIMILAR_NAME]
    assert _pair(c, d).region_id == TOWN_A
    assert _pair(e, f).reasons == [DuplicateReason.SAME_CERTIFICATE]
    # Only persons sharing a name and birth date had their ID number decrypted.
    assert result.decrypted == 2


def _check(first17: str) -> str:
    from jiuye.core.validators import resident_id_check_char

    return resident_id_check_char(first17)


def _typo_pair(village_b: str = VILLAGE_A2) -> tuple[Person, Person]:
    number = make_id_number(seq=611)
    other = number[:16] + "9"
    a = _register("吴十", number, phone="13800000001")
    b = _register("吴十", other + _check(other), village=village_b, address="东城路1号")
    return a, b


def test_a_dismissed_pair_stays_out_of_later_scans(personas) -> None:  # noqa: ANN001
    a, b = _typo_pair()
    duplicates_scan()
    pair = _pair(a, b)
    pair_dismiss(pair=pair, note="双胞胎", by=personas["town_a"])
    assert duplicates_scan().opened == 0
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISMISSED and pair.note == "双胞胎"
    assert DuplicatePair.objects.count() == 1


def test_an_open_pair_is_refreshed_not_repeated(reference) -> None:  # noqa: ANN001
    _typo_pair()
    duplicates_scan()
    assert duplicates_scan().opened == 0
    assert DuplicatePair.objects.count() == 1


def test_archived_persons_and_other_towns_are_left_out(reference) -> None:  # noqa: ANN001
    a, b = _typo_pair(village_b=VILLAGE_B)
    assert find_duplicates(region_prefix="440199001").found == 0  # only a is in the town
    assert find_duplicates().found == 1
    Person.objects.filter(pk=b.pk).update(archived_at=timezone.now())
    assert find_duplicates().found == 0


def test_the_nightly_command_fills_the_queue(reference) -> None:  # noqa: ANN001
    _typo_pair()
    call_command("find_duplicates", verbosity=0)
    assert DuplicatePair.objects.filter(status=DuplicateStatus.OPEN).count() == 1


# --- merge ---------------------------------------------------------------------------------


def test_every_relation_to_person_has_a_merge_rule() -> None:
    """A new model with a ForeignKey/OneToOne to Person fails here until merges know it."""
    found = {relation_key(field) for field in person_relations()}
    assert found == set(MERGE_RULES), (
        f"missing: {sorted(found - set(MERGE_RULES))}; stale: {sorted(set(MERGE_RULES) - found)}"
    )


def _state() -> dict[str, list]:
    """Every row that points at a person, and every person, as stored (but the merge's own
    record, which stays as history)."""
    state = {"people.Person": serializers.serialize("python", Person.objects.order_by("pk"))}
    for field in person_relations():
        model = field.model
        if model is PersonMerge:
            continue
        rows = model._base_manager.order_by("pk")
        state[relation_key(field)] = sorted(
            (str(pk), str(person)) for pk, person in rows.values_list("pk", field.attname)
        )
        if not model._meta.auto_created:
            state[model._meta.label] = serializers.serialize("python", rows)
    return state


@pytest.fixture
def records(personas):  # noqa: ANN001, ANN201
    """Two records of one person, each with rows of several kinds; one kind collides."""
    a, b = _typo_pair()
    service_type = ServiceType.objects.first()
    for person in (a, b):
        Consent.objects.create(
            person=person, purpose="self_registration", policy_version="1", given_at=timezone.now()
        )
        EmploymentRecord.objects.create(
            person=person, form="flexible", start_date=dt.date(2024, 1, 1), source="verification"
        )
        ServiceRecord.objects.create(
            person=person, service_type=service_type, date=dt.date(2024, 2, 1), channel="phone"
        )
        AnnualCase.objects.create(person=person, year=2024)  # one per person and year
    AnnualCase.objects.create(person=b, year=2023)
    duplicates_scan()
    return a, b, _pair(a, b)


def test_merge_moves_every_related_row_and_undo_restores_the_exact_state(records, personas) -> None:  # noqa: ANN001
    a, b, pair = records
    district = personas["district"]
    before = _state()
    plan = merge_plan(a, b)
    assert [type(r) for r in plan.set_aside] == [AnnualCase] and not plan.blocked

    merge = person_merge(
        survivor=a,
        merged=b,
        by=district,
        survivor_version=a.version,
        merged_version=b.version,
        take={"address": "merged", "phone": "survivor"},
        pair=pair,
    )

    for field in person_relations():
        if MERGE_RULES[relation_key(field)] in MOVING:
            assert not field.model._base_manager.filter(**{field.name: b}).exists(), field
    assert a.employment_records.count() == 2 and a.service_records.count() == 2
    assert Consent.objects.filter(person=a).count() == 2
    assert sorted(AnnualCase.objects.filter(person=a).values_list("year", flat=True)) == [
        2023,
        2024,
    ]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.address, a.phone) == ("东城路1号", "13800000001")
    assert b.is_archived and "合并" in b.archived_reason
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED
    assert (merge.moved_count, merge.set_aside_count) == (4, 1)
    entries = LogEntry.objects.filter(additional_data__merge=str(merge.pk))
    assert {e.object_pk for e in entries} == {str(a.pk), str(b.pk)}

    merge_undo(merge=merge, by=district)
    assert _state() == before
    merge.refresh_from_db()
    assert merge.undone_at is not None
    with pytest.raises(ValidationError, match="撤销过"):
        merge_undo(merge=merge, by=district)


def test_the_survivor_may_take_the_other_records_id_number(records, personas) -> None:  # noqa: ANN001
    a, b, pair = records
    before = _state()
    merge = person_merge(
        survivor=a,
        merged=b,
        by=personas["district"],
        survivor_version=a.version,
        merged_version=b.version,
        take={"id_number": "merged"},
    )
    a.refresh_from_db()
    assert a.id_number == b.id_number
    merge_undo(merge=merge, by=personas["district"])
    after = _state()
    for key in before:
        assert after[key] == before[key], key


def test_undo_is_refused_after_30_days_or_after_a_change(records, personas) -> None:  # noqa: ANN001
    a, b, _ = records
    by = personas["district"]
    merge = person_merge(
        survivor=a, merged=b, by=by, survivor_version=a.version, merged_version=b.version
    )
    PersonMerge.objects.filter(pk=merge.pk).update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )
    merge.refresh_from_db()
    with pytest.raises(ValidationError, match="30 天"):
        merge_undo(merge=merge, by=by)
    PersonMerge.objects.filter(pk=merge.pk).update(created_at=timezone.now())
    a.refresh_from_db()
    person_update(person=a, by=by, version=a.version, address="新地址")
    merge.refresh_from_db()
    with pytest.raises(ValidationError, match="又被修改过"):
        merge_undo(merge=merge, by=by)


def test_a_town_officer_may_not_merge_across_towns(personas) -> None:  # noqa: ANN001
    a, b = _typo_pair(village_b=VILLAGE_B)
    for officer in ("town_a", "town_b"):
        with pytest.raises(ValidationError, match="跨镇街"):
            person_merge(
                survivor=a,
                merged=b,
                by=personas[officer],
                survivor_version=a.version,
                merged_version=b.version,
            )
    assert not Person.objects.filter(archived_at__isnull=False).exists()
    merge = person_merge(
        survivor=a,
        merged=b,
        by=personas["district"],
        survivor_version=a.version,
        merged_version=b.version,
    )
    assert merge.merged == b


def test_a_town_officer_merges_within_their_town_only(personas) -> None:  # noqa: ANN001
    a, b = _typo_pair()
    with pytest.raises(ValidationError, match="范围"):
        person_merge(
            survivor=a,
            merged=b,
            by=personas["town_b"],
            survivor_version=a.version,
            merged_version=b.version,
        )
    person_merge(
        survivor=a,
        merged=b,
        by=personas["town_a"],
        survivor_version=a.version,
        merged_version=b.version,
    )


def test_two_accounts_block_the_merge(personas, person_a) -> None:  # noqa: ANN001
    from jiuye.accounts.services import user_create
    from jiuye.core.roles import Role

    other = _register("张三", make_id_number(seq=103))
    user_create(
        username="seeker2",
        role=Role.JOBSEEKER,
        display_name="s2",
        person=other,
        password="Jiuye-Demo-2026x",
    )
    plan = merge_plan(person_a, other)
    assert len(plan.blocked) == 1 and "停用" in plan.blocked[0]
    with pytest.raises(ValidationError):
        person_merge(
            survivor=person_a,
            merged=other,
            by=personas["district"],
            survivor_version=person_a.version,
            merged_version=other.version,
        )


# --- pages ---------------------------------------------------------------------------------


def test_the_queue_is_scoped(client_for, records) -> None:  # noqa: ANN001
    a, b, pair = records  # both in town A
    url = reverse("people:duplicates")
    assert "吴十" in client_for("town_a").get(url).content.decode()
    assert "吴十" not in client_for("town_b").get(url).content.decode()
    review = reverse("people:duplicate", kwargs={"pk": pair.pk})
    assert client_for("town_b").get(review).status_code == 404
    assert client_for("town_a").get(review).status_code == 200
    assert client_for("leader").get(url).status_code == 403


def test_the_check_button_runs_the_scan_for_the_officers_town(client_for, personas) -> None:  # noqa: ANN001
    _typo_pair(village_b=VILLAGE_B)  # across towns: not the town's pair
    a2, b2 = _typo_pair_in(VILLAGE_A)
    response = client_for("town_a").post(reverse("people:duplicates_check"))
    assert response.status_code == 302
    assert DuplicatePair.objects.count() == 1
    client_for("district").post(reverse("people:duplicates_check"))
    assert DuplicatePair.objects.count() == 2


def _typo_pair_in(village: str) -> tuple[Person, Person]:
    number = make_id_number(birth="19770707", seq=711)
    other = number[:15] + "21"
    return _register("郑一", number, village=village), _register(
        "郑一", other + _check(other), village=village
    )


def test_merge_and_undo_through_the_pages(client_for, records) -> None:  # noqa: ANN001
    a, b, pair = records
    client = client_for("town_a")
    review = reverse("people:duplicate", kwargs={"pk": pair.pk})
    page = client.get(review).content.decode()
    assert "东城路1号" in page and "合并时会转移" in page
    data = {
        "survivor": str(b.pk),
        "survivor_version": b.version,
        "merged_version": a.version,
        "decision": "merge",
    }
    response = client.post(review, data | {"take_phone": str(a.pk)})
    assert response.status_code == 302, response.content.decode()[:3000]
    merge = PersonMerge.objects.get()
    assert merge.survivor == b
    b.refresh_from_db()
    assert b.phone == "13800000001"
    undo = reverse("people:merge_undo", kwargs={"pk": merge.pk})
    assert client.get(undo).status_code == 200
    assert client.post(undo).status_code == 302
    assert not Person.objects.filter(archived_at__isnull=False).exists()


def test_a_stale_form_is_refused_with_a_message(client_for, records) -> None:  # noqa: ANN001
    a, b, pair = records
    review = reverse("people:duplicate", kwargs={"pk": pair.pk})
    data = {
        "survivor": str(a.pk),
        "survivor_version": a.version + 5,
        "merged_version": b.version,
        "decision": "merge",
    }
    response = client_for("district").post(review, data)
    assert response.status_code == 200
    assert not PersonMerge.objects.exists()


def test_dismiss_through_the_page(client_for, records) -> None:  # noqa: ANN001
    a, b, pair = records
    review = reverse("people:duplicate", kwargs={"pk": pair.pk})
    response = client_for("town_a").post(review, {"decision": "dismiss", "note": "父子同名"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISMISSED


def test_models_are_known() -> None:
    assert apps.get_model("people", "DuplicatePair") is DuplicatePair
