"""Transfer requests (迁入申请, ADR 0011): a town officer's registration of a number registered
in another town, asked of the district instead of refused; nothing changes before approval."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import VILLAGE_A, VILLAGE_B
from jiuye.core.importing import RollbackError, batch_rollback, run_import
from jiuye.notifications.models import Notification
from jiuye.people.models import Person, TransferRequest, TransferStatus
from jiuye.people.services import (
    person_register_or_transfer,
    transfer_approve,
    transfer_refuse,
)
from jiuye.people.tests.conftest import category, grade
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "残疾类别", "残疾等级", "联系电话", "村社区代码"]
QUEUE = reverse("people:transfers")


def _import(tmp_path: Path, person: Person, by, *, name: str = "李四", phone: str = "13912345678"):  # noqa: ANN001, ANN202
    path = tmp_path / "p.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, [name, person.id_number, "4", "2", phone, VILLAGE_A]])
    return run_import(kind="persons", path=path, original_name="p.csv", dry_run=False, by=by)


@pytest.fixture
def asked(tmp_path, personas, person_b) -> TransferRequest:  # noqa: ANN001
    result = _import(tmp_path, person_b, personas["town_a"], name="李四改")
    assert (result.created, result.invalid) == (1, 0)
    return TransferRequest.objects.get()


def test_an_imported_row_becomes_a_pending_request_and_changes_nothing(
    asked, personas, person_b
) -> None:  # noqa: ANN001
    assert asked.status == TransferStatus.PENDING
    assert (asked.person, asked.region_id, asked.name) == (person_b, VILLAGE_A, "李四改")
    assert asked.created_by == personas["town_a"] and asked.import_batch is not None
    person_b.refresh_from_db()
    assert (person_b.region_id, person_b.phone, person_b.version) == (VILLAGE_B, "", 1)
    assert not Person.objects.filter(name="李四改").exists()
    # In the audit trail, under the officer who asked.
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(TransferRequest), object_pk=str(asked.pk)
    )
    assert entry.action == LogEntry.Action.CREATE and entry.actor == personas["town_a"]
    assert "13912345678" not in str(entry.changes)  # the requested values stay encrypted


def test_every_persons_batch_says_that_created_includes_transfer_requests(
    asked, client_for
) -> None:  # noqa: ANN001
    page = client_for("town_a").get(reverse("core:import-detail", args=[asked.import_batch_id]))
    assert "“新增”包括迁入申请" in page.content.decode()


def test_the_district_approves_the_move_and_the_values_but_never_the_name(
    asked, personas, person_b
) -> None:  # noqa: ANN001
    moved = transfer_approve(request=asked, by=personas["district"])
    assert (moved.name, moved.region_id, moved.phone) == ("李四", VILLAGE_A, "13912345678")
    assert (moved.category.code, moved.grade.code) == (4, 2)
    asked.refresh_from_db()
    assert asked.status == TransferStatus.APPROVED and asked.decided_by == personas["district"]
    note = Notification.objects.get(user=personas["town_a"])
    assert note.title == "迁入申请已通过：李四改"
    assert note.url == reverse("people:detail", args=[person_b.pk])
    assert not Notification.objects.filter(user=personas["town_b"]).exists()
    with pytest.raises(ValidationError, match="已经处理过"):
        transfer_approve(request=asked, by=personas["district"])


def test_a_refusal_needs_a_reason_which_the_officer_reads(asked, personas, person_b) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="请填写不同意的理由"):
        transfer_refuse(request=asked, reason=" ", by=personas["district"])
    transfer_refuse(request=asked, reason="本人未迁出西城", by=personas["district"])
    note = Notification.objects.get(user=personas["town_a"])
    assert note.title == "迁入申请未通过：李四改" and "本人未迁出西城" in note.body
    assert "李四" not in note.body.replace("李四改", "")  # the registered name is not told
    person_b.refresh_from_db()
    assert (person_b.region_id, person_b.version) == (VILLAGE_B, 1)


@pytest.mark.parametrize("persona", ["town_a", "town_b"])
def test_only_the_district_decides(asked, personas, persona) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="只有区残联"):
        transfer_approve(request=asked, by=personas[persona])


@pytest.mark.parametrize("persona", ["town_a", "town_b", "liaison", "leader", "employer"])
def test_town_officers_and_other_roles_do_not_see_requests(asked, client_for, persona) -> None:  # noqa: ANN001
    client = client_for(persona)
    assert client.get(QUEUE).status_code == 403
    page = reverse("people:transfer", args=[asked.pk])
    assert client.get(page).status_code == 403
    assert client.post(page, {"decision": "approve"}).status_code == 403
    asked.refresh_from_db()
    assert asked.is_pending


def test_the_other_towns_officer_does_not_see_the_requested_values(
    asked, client_for, person_b
) -> None:  # noqa: ANN001
    body = client_for("town_b").get(reverse("people:detail", args=[person_b.pk])).content
    assert "李四改" not in body.decode() and "1391" not in body.decode()


def test_the_queue_names_who_asked_and_the_page_shows_what_would_change(asked, client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    queue = client.get(QUEUE).content.decode()
    assert "town_a（东城街道）" in queue and reverse("people:transfer", args=[asked.pk]) in queue
    page = client.get(reverse("people:transfer", args=[asked.pk])).content.decode()
    assert "与登记的姓名不一致" in page
    assert "139****5678" in page and "13912345678" not in page  # masked
    refused = client.post(reverse("people:transfer", args=[asked.pk]), {"decision": "return"})
    assert "请填写不同意的理由" in refused.content.decode()
    done = client.post(reverse("people:transfer", args=[asked.pk]), {"decision": "approve"})
    assert done.status_code == 302 and done.url == QUEUE
    asked.refresh_from_db()
    assert asked.status == TransferStatus.APPROVED


def test_an_approved_requests_page_does_not_say_what_approving_would_change(
    asked, client_for, personas
) -> None:  # noqa: ANN001
    client = client_for("district")
    pending = client.get(reverse("people:transfer", args=[asked.pk])).content.decode()
    assert "同意后会改变的信息" in pending and "139****5678" in pending
    transfer_approve(request=asked, by=personas["district"])
    page = client.get(reverse("people:transfer", args=[asked.pk])).content.decode()
    assert "同意后会改变的信息" not in page and "申请没有改变任何信息" not in page
    assert "已按申请迁入并更新信息" in page


def test_the_queue_and_a_request_stay_within_the_query_budget(
    tmp_path, personas, client_for, make_person, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    asked = [
        _import(tmp_path, make_person(village=VILLAGE_B), personas["town_a"]) for _ in range(4)
    ]
    requests = list(TransferRequest.objects.all())
    assert len(requests) == len(asked)
    transfer_refuse(request=requests[0], reason="不在本镇居住", by=personas["district"])
    transfer_approve(request=requests[1], by=personas["district"])
    client = client_for("district")
    for url in (QUEUE, *(reverse("people:transfer", args=[r.pk]) for r in requests)):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_undoing_the_batch_withdraws_a_pending_request_and_refuses_after_approval(
    tmp_path, personas, person_b
) -> None:  # noqa: ANN001
    first = _import(tmp_path, person_b, personas["town_a"])
    batch_rollback(batch=first.batch, by=personas["district"])
    assert TransferRequest.objects.get().status == TransferStatus.WITHDRAWN
    second = _import(tmp_path, person_b, personas["town_a"], phone="13912345679")
    transfer_approve(request=TransferRequest.objects.get(status="pending"), by=personas["district"])
    with pytest.raises(RollbackError, match="已由区残联审核通过"):
        batch_rollback(batch=second.batch, by=personas["district"])


def test_importing_the_same_number_again_renews_the_pending_request_instead_of_a_second(
    asked, tmp_path, personas, person_b
) -> None:  # noqa: ANN001
    again = _import(tmp_path, person_b, personas["town_a"], name="李四", phone="13912345679")
    assert (again.created, again.invalid) == (1, 0)
    renewed = TransferRequest.objects.get()
    assert renewed.pk == asked.pk and renewed.status == TransferStatus.PENDING
    assert (renewed.name, renewed.import_batch) == ("李四", again.batch)
    # Undoing the first file leaves the renewed request; undoing the second withdraws it.
    batch_rollback(batch=asked.import_batch, by=personas["district"])
    assert TransferRequest.objects.get().status == TransferStatus.PENDING
    batch_rollback(batch=again.batch, by=personas["district"])
    assert TransferRequest.objects.get().status == TransferStatus.WITHDRAWN


def test_the_renewed_request_applies_the_last_values_given(
    asked, tmp_path, personas, person_b
) -> None:  # noqa: ANN001
    _import(tmp_path, person_b, personas["town_a"], phone="13912345679")
    moved = transfer_approve(request=TransferRequest.objects.get(), by=personas["district"])
    assert moved.phone == "13912345679"


def test_the_form_after_an_import_renews_the_request_and_a_decided_one_is_not_reopened(
    asked, personas, person_b
) -> None:  # noqa: ANN001
    region = Region.objects.get(code=VILLAGE_A)
    again = person_register_or_transfer(
        by=personas["town_a"], name="李四", id_number=person_b.id_number, region=region
    )
    assert again.pk == asked.pk and again.import_batch is None
    transfer_refuse(request=again, reason="不在本镇居住", by=personas["district"])
    third = person_register_or_transfer(
        by=personas["town_a"], name="李四", id_number=person_b.id_number, region=region
    )
    assert third.pk != asked.pk and third.status == TransferStatus.PENDING
    assert TransferRequest.objects.filter(status=TransferStatus.REFUSED).count() == 1


def test_the_form_asks_with_the_forms_values_and_an_approval_applies_them(
    personas, person_b
) -> None:  # noqa: ANN001
    asked = person_register_or_transfer(
        by=personas["town_a"],
        name="李四",
        id_number=person_b.id_number,
        region=Region.objects.get(code=VILLAGE_A),
        category=category(7),
        grade=grade(3),
        multiple_categories=[category(1), category(4)],
        address="东城路1号",
    )
    assert isinstance(asked, TransferRequest)
    person_b.refresh_from_db()
    assert person_b.address == "" and person_b.region_id == VILLAGE_B
    moved = transfer_approve(request=asked, by=personas["district"])
    assert (moved.address, moved.category.code, moved.grade.code) == ("东城路1号", 7, 3)
    assert sorted(c.code for c in moved.multiple_categories.all()) == [1, 4]


def test_the_district_and_an_officer_of_the_persons_own_town_are_still_told_of_a_duplicate(
    personas, person_b
) -> None:  # noqa: ANN001
    for persona in ("district", "town_b"):
        with pytest.raises(ValidationError, match="已经登记过"):
            person_register_or_transfer(
                by=personas[persona],
                name="李四",
                id_number=person_b.id_number,
                region=Region.objects.get(code=VILLAGE_B),
            )
    assert not TransferRequest.objects.exists()
