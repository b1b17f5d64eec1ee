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


def test_the_change_log_speaks_in_labels_local_times_and_names(
    client_for, personas, person_a
) -> None:  # noqa: ANN001
    """Issue 14: the change log showed "create", field codes, "None →", UUIDs and UTC times."""
    region = person_a.region
    audit_bulk(
        model=Person,
        changes=[
            (
                person_a,
                {
                    "id": (None, str(person_a.pk)),
                    "region": (None, str(region.pk)),
                    "is_student": ("False", "True"),
                    "archived_at": (None, "2026-01-05 16:30:00+00:00"),
                    "version": ("1", "2"),
                },
            )
        ],
        action=LogEntry.Action.UPDATE,
        actor=personas["town_a"],
    )
    audit_bulk(
        model=Person,
        changes=[(person_a, {"is_student": (None, "True")})],
        action=LogEntry.Action.CREATE,
    )
    page = client_for("admin").get("/audit/changes/").content.decode()
    assert "修改" in page and "新增" in page
    assert ">create<" not in page and ">update<" not in page
    assert "is_student" not in page and "archived_at" not in page and "version" not in page
    assert "None" not in page
    assert str(person_a.pk) not in page and str(region.pk) not in page
    assert region.name in page
    assert "2026-01-06 00:30" in page  # 16:30 UTC is 00:30 the next day in Asia/Shanghai
    assert "否 → 是" in page
    assert "town_a（" in page  # the actor with the office


def test_every_audited_model_has_a_name_for_people() -> None:
    from auditlog.registry import auditlog
    from django.db.models.options import camel_case_to_spaces

    unnamed = [
        m._meta.label
        for m in auditlog.get_models()
        if str(m._meta.verbose_name) == camel_case_to_spaces(m.__name__)
    ]
    assert not unnamed


def test_a_user_is_shown_with_name_and_office(personas) -> None:  # noqa: ANN001
    town_officer = personas["town_a"]
    assert str(town_officer) == f"{town_officer.display_name}（{town_officer.town}）"
    assert str(personas["admin"]) == personas["admin"].display_name


def test_the_import_list_names_each_kind_by_its_label(client_for, personas) -> None:  # noqa: ANN001
    from jiuye.core.importing import get_kind
    from jiuye.core.models import ImportBatch

    ImportBatch.objects.create(
        kind="persons", original_name="名单.xlsx", created_by=personas["district"]
    )
    page = client_for("district").get("/imports/").content.decode()
    assert f"<td>{get_kind('persons').label}</td>" in page
    assert "<td>persons</td>" not in page


def test_an_import_error_on_a_field_that_is_no_column_names_the_field_not_its_code() -> None:
    from jiuye.core.importing import get_kind
    from jiuye.core.importing.report import ErrorReport

    report = ErrorReport(get_kind("persons"), ["身份证号"], {"id_number": 0})
    assert report.header_of("id_number") == "身份证号"
    assert report.header_of("archived_reason") == "归档原因"  # a field, not a column
    # A check shared with the person form names a person's field on a services row.
    services = ErrorReport(get_kind("services"), ["身份证号"], {"person": 0})
    assert services.header_of("monitoring_identified") == ""
    assert services.header_of("") == ""


def test_the_change_log_names_each_record_of_a_many_to_many_change(client_for, person_a) -> None:  # noqa: ANN001
    """An import audits a many-to-many field as the list of the records' keys: the page shows
    their names, read with the page's other names (issue 19)."""
    from jiuye.reference.models import DisabilityCategory

    first, second = DisabilityCategory.objects.order_by("pk")[:2]
    audit_bulk(
        model=Person,
        changes=[(person_a, {"multiple_categories": ("[]", str([first.pk, second.pk]))})],
        action=LogEntry.Action.UPDATE,
    )
    page = client_for("admin").get("/audit/changes/").content.decode()
    assert f"— → {first.name}、{second.name}</li>" in page


def test_a_bulk_write_that_is_no_import_is_named_on_the_change_log_not_linked(
    client_for, person_a
) -> None:  # noqa: ANN001
    """The demo data audits its persons under "demo_data seed=…": the page linked every entry
    with a batch to an import's page and could not, a 500 (issue 19)."""
    from jiuye.core.models import ImportBatch

    batch = ImportBatch.objects.create(kind="persons", original_name="名单.xlsx")
    for source in ("demo_data seed=5", str(batch.pk)):
        audit_bulk(
            model=Person,
            changes=[(person_a, {"is_student": (None, "True")})],
            action=LogEntry.Action.CREATE,
            batch=source,
        )
    response = client_for("admin").get("/audit/changes/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "来自批量写入（demo_data seed=5）" in page
    assert f'href="/imports/{batch.pk}/"' in page
