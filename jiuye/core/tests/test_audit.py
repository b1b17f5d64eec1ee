from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from jiuye.accounts.services import user_update
from jiuye.core.audit import access_log, audit_bulk
from jiuye.core.models import AccessEvent, AppendOnlyError
from jiuye.people.models import Person
from jiuye.reference.models import Region


def test_a_change_through_the_product_is_in_the_audit_trail_with_its_actor(
    client_for, personas
) -> None:  # noqa: ANN001
    client = client_for("admin")
    target = personas["leader"]
    response = client.post(
        f"/accounts/users/{target.pk}/edit/",
        {"username": "leader", "display_name": "新名字", "email": "", "role": "leader"},
    )
    assert response.status_code == 302
    entry = (
        LogEntry.objects.get_for_object(target)
        .filter(action=LogEntry.Action.UPDATE)
        .latest("timestamp")
    )
    assert entry.actor == personas["admin"]
    assert entry.changes_dict["display_name"] == ["leader", "新名字"]


def test_passwords_and_id_numbers_never_enter_the_audit_trail(person_a, personas) -> None:  # noqa: ANN001
    user_update(user=personas["leader"], display_name="x")
    dump = " ".join(str(e.changes) for e in LogEntry.objects.all())
    assert person_a.id_number not in dump
    assert "password" not in dump
    assert "id_number_index" in " ".join(
        str(e.changes) for e in LogEntry.objects.get_for_object(person_a)
    )


def test_bulk_writes_get_one_entry_per_row_tied_to_their_batch(reference, personas) -> None:  # noqa: ANN001
    regions = list(Region.objects.filter(level=Region.Level.TOWN)[:3])
    count = audit_bulk(
        model=Region,
        changes=[(r, {"name": (r.name, r.name + "（新）")}) for r in regions],
        action=LogEntry.Action.UPDATE,
        actor=personas["district"],
        batch="batch-42",
    )
    assert count == 3
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Region), additional_data__batch="batch-42"
    )
    assert entries.count() == 3
    assert {e.actor for e in entries} == {personas["district"]}
    assert entries.first().changes_dict["name"][1].endswith("（新）")


def test_the_access_log_is_append_only(personas, person_a) -> None:  # noqa: ANN001
    event = access_log(
        action=AccessEvent.Action.REVEAL, user=personas["district"], obj=person_a, reason="核对"
    )
    assert event.object_type == "people.Person"
    event.reason = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AccessEvent.objects.get(pk=event.pk).reason == "核对"


def test_the_access_log_masks_the_object_it_names(personas, person_a) -> None:  # noqa: ANN001
    event = access_log(action=AccessEvent.Action.EXPORT, user=personas["district"], obj=person_a)
    assert person_a.id_number not in event.object_repr
    assert "***" in event.object_repr


def test_audit_pages_list_and_filter_entries(client_for, personas) -> None:  # noqa: ANN001
    user_update(user=personas["leader"], display_name="审计测试")
    client = client_for("district")
    page = client.get("/audit/changes/", {"text": "审计测试"})
    assert page.status_code == 200
    assert "审计测试" in page.content.decode()
    empty = client.get("/audit/changes/", {"text": "没有这个对象"})
    assert "没有符合条件的记录" in empty.content.decode()
    access_log(action=AccessEvent.Action.REVEAL, user=personas["district"], reason="电话核对")
    page = client.get("/audit/access/", {"action": "reveal"})
    assert "电话核对" in page.content.decode()


def test_an_end_date_before_the_start_date_is_explained(client_for) -> None:  # noqa: ANN001
    page = client_for("district").get(
        "/audit/access/", {"start": "2026-05-02", "end": "2026-05-01"}
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "结束日期不能早于开始日期" in body
    assert "<title>错误：" in body


def test_a_bad_date_is_explained(client_for) -> None:  # noqa: ANN001
    body = client_for("district").get("/audit/changes/", {"start": "2026-13-45"}).content.decode()
    assert "error-summary" in body


def test_person_str_is_masked(person_a) -> None:  # noqa: ANN001
    assert person_a.id_number not in str(Person.objects.get(pk=person_a.pk))


def test_certificate_numbers_never_enter_the_audit_trail(person_a) -> None:  # noqa: ANN001
    person_a.certificate_number = person_a.id_number + "42"
    person_a.save()
    assert person_a.id_number not in " ".join(str(e.changes) for e in LogEntry.objects.all())
