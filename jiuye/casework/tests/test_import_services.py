"""The ``services`` import kind: paper forms entered in bulk."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from conftest import VILLAGE_A, VILLAGE_B, make_id_number
from jiuye.casework import services
from jiuye.casework.models import AnnualCase, Channel, NeedsRecord, ServiceRecord
from jiuye.core.importing import batch_rollback, get_kind, run_import, template_xlsx, write_export
from jiuye.core.models import ImportBatch
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE
from jiuye.people.models import Person
from jiuye.people.services import person_register
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

HEADER = [
    "身份证号码",
    "服务类型",
    "服务日期",
    "服务方式",
    "服务内容",
    "服务结果",
    "经办人",
    "下次跟进日期",
    "是否有就业意愿",
    "意向岗位",
    "暂无意愿原因",
]
YEAR = timezone.localdate().year - 1


def _day(month: int, day: int) -> str:
    return dt.date(YEAR, month, day).isoformat()


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def run(path: Path, by=None, **kw):  # noqa: ANN001, ANN003, ANN201
    return run_import(
        kind="services",
        path=path,
        original_name=path.name,
        dry_run=kw.pop("dry_run", False),
        by=by,
        **kw,
    )


@pytest.fixture
def persons(reference):  # noqa: ANN001, ANN201
    village = Region.objects.get(code=VILLAGE_A)
    return {
        "a": person_register(name="甲", id_number=make_id_number(seq=901), region=village),
        "b": person_register(name="乙", id_number=make_id_number(seq=903), region=village),
        "west": person_register(
            name="西", id_number=make_id_number(seq=905), region=Region.objects.get(code=VILLAGE_B)
        ),
    }


def _rows(p) -> list[list[str]]:  # noqa: ANN001
    a, b = p["a"].id_number, p["b"].id_number
    return [
        [a, "基本信息核对", _day(3, 1), "入户走访", "当面核对", "", "王专干", "", "", "", ""],
        [a, "就业需求登记", _day(3, 1), "入户走访", "", "", "王专干", "", "是", "电商客服", ""],
        [a, "job_recommendation", _day(3, 5), "电话", "推荐客服岗", "需跟进", "", _day(4, 1),
         "", "", ""],
        [b, "就业需求登记", f"{YEAR}/3/2", "电话", "", "已完成", "", "", "否", "",
         "身体原因无法工作"],
    ]  # fmt: skip


def test_a_file_of_paper_forms_imports_and_again_changes_nothing(
    tmp_path, persons, personas
) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "s.csv", _rows(persons))
    first = run(path, by=personas["town_a"])
    assert (first.created, first.updated, first.unchanged, first.invalid) == (4, 0, 0, 0)
    assert first.batch.status == ImportBatch.Status.SUCCEEDED
    records = ServiceRecord.objects.filter(import_batch=first.batch)
    assert records.count() == 4
    service = records.get(service_type="job_recommendation")
    assert service.outcome == "follow_up" and service.follow_up_date == dt.date(YEAR, 4, 1)
    assert service.officer_name == "town_a"  # blank 经办人: the importer
    assert records.get(service_type="verification").officer_name == "王专干"
    needs_a = NeedsRecord.objects.get(person=persons["a"])
    assert needs_a.is_current and needs_a.wants_work == "yes" and needs_a.desired_jobs == "电商客服"
    needs_b = NeedsRecord.objects.get(person=persons["b"])
    assert needs_b.not_wanting_reason == "health"
    assert Person.objects.get(pk=persons["a"].pk).wish_to_work == "yes"
    assert Person.objects.get(pk=persons["b"].pk).wish_to_work == "no"
    case = AnnualCase.objects.get(person=persons["a"], year=YEAR)
    assert case.verified_on == dt.date(YEAR, 3, 1) and case.served_on == dt.date(YEAR, 3, 5)
    assert LogEntry.objects.filter(additional_data__batch=str(first.batch.pk)).exists()

    entries = LogEntry.objects.count()
    again = run(path, by=personas["town_a"])
    assert (again.created, again.updated, again.unchanged, again.invalid) == (0, 0, 4, 0)
    assert ServiceRecord.objects.count() == 4 and NeedsRecord.objects.count() == 2
    assert LogEntry.objects.count() == entries


def test_bad_rows_are_named_by_row_and_column_in_chinese(tmp_path, persons, personas) -> None:  # noqa: ANN001
    a = persons["a"].id_number
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    rows = [
        [a, "推荐岗位", _day(3, 1), "电话", "", "", "", "", "", "", ""],  # 2: fine
        [make_id_number(seq=977), "推荐岗位", _day(3, 1), "电话", "", "", "", "", "", "", ""],
        [persons["west"].id_number, "推荐岗位", _day(3, 1), "电话", "", "", "", "", "", "", ""],
        [a, "算命", _day(3, 1), "电话", "", "", "", "", "", "", ""],
        [a, "推荐岗位", tomorrow, "电话", "", "", "", "", "", "", ""],
        [a, "职业指导", "1980-01-01", "飞鸽传书", "", "", "", "", "", "", ""],
        [a, "就业需求登记", _day(3, 2), "电话", "", "", "", "", "", "", ""],
        [a, "就业需求登记", _day(3, 3), "电话", "", "", "", "", "否", "", ""],
        [a[:6] + "********" + a[14:], "推荐岗位", _day(3, 1), "电话", "", "", "", "", "", "", ""],
        [a, "推荐岗位", _day(3, 1), "电话", "", "", "", "", "", "", ""],  # 11: same as row 2
    ]  # fmt: skip
    result = run(write_csv(tmp_path / "bad.csv", rows), by=personas["town_a"])
    assert result.batch.status == ImportBatch.Status.FAILED and not ServiceRecord.objects.exists()
    assert (result.rows, result.valid, result.invalid) == (10, 1, 9)
    errors = {e["row"]: e["errors"] for e in result.errors}
    text = {
        row: " ".join(f"{x['column']}：{x['message']}" for x in es) for row, es in errors.items()
    }
    # One message for "not registered" and "registered in another town" (PersonByIdNumber):
    # a file does not tell whether someone elsewhere is registered.
    unknown = str(NOT_FOUND_IN_SCOPE)
    assert text[3] == f"身份证号码：{unknown}"
    assert unknown in text[4]
    assert "服务类型：服务类型“算命”不存在" in text[5]
    assert "服务日期：日期不能晚于今天" in text[6]
    assert "早于本人出生日期" in text[7] and "服务方式：“飞鸽传书”不是可选的值" in text[7]
    assert "是否有就业意愿：就业需求登记请填写“是”或“否”" in text[8]
    assert "暂无意愿原因：没有就业意愿时请填写原因" in text[9]
    assert "脱敏显示" in text[10]
    assert "与第2行重复" in text[11]


def test_the_district_imports_for_any_town_and_the_command_line_for_all(
    tmp_path, persons, personas
) -> None:  # noqa: ANN001
    row = [persons["west"].id_number, "援助走访", _day(5, 1), "上门", "", "", "", "", "", "", ""]
    result = run(write_csv(tmp_path / "w.csv", [row]), by=personas["district"])
    assert result.created == 1
    assert ServiceRecord.objects.get().channel == Channel.HOME_VISIT
    assert AnnualCase.objects.get(person=persons["west"]).last_visit_on == dt.date(YEAR, 5, 1)


def test_a_changed_row_updates_the_record_and_rollback_puts_it_back(
    tmp_path, persons, personas
) -> None:  # noqa: ANN001
    first = run(write_csv(tmp_path / "a.csv", _rows(persons)), by=personas["town_a"])
    rows = _rows(persons)
    rows[2][4] = "推荐客服岗，已面试"
    rows[1][9] = "电商客服、保洁"
    second = run(write_csv(tmp_path / "b.csv", rows), by=personas["town_a"])
    assert (second.created, second.updated, second.unchanged) == (0, 2, 2)
    service = ServiceRecord.objects.get(service_type="job_recommendation")
    assert service.notes == "推荐客服岗，已面试" and service.import_batch == second.batch
    assert NeedsRecord.objects.get(person=persons["a"]).desired_jobs == "电商客服、保洁"
    with pytest.raises(Exception, match="请先撤销后面的批次"):
        batch_rollback(batch=first.batch, by=personas["district"])
    batch_rollback(batch=second.batch, by=personas["district"])
    service.refresh_from_db()
    assert service.notes == "推荐客服岗" and service.import_batch == first.batch
    assert NeedsRecord.objects.get(person=persons["a"]).desired_jobs == "电商客服"


def test_rolling_back_removes_the_records_and_restores_the_wish_and_the_cases(
    tmp_path, persons, personas
) -> None:  # noqa: ANN001
    # A registration made through the form earlier in the year stays and is current again.
    services.needs_register(
        person=persons["b"],
        by=None,
        date=dt.date(YEAR, 1, 10),
        channel=Channel.PHONE,
        wants_work="yes",
    )
    wish_before = Person.objects.get(pk=persons["a"].pk).wish_to_work
    result = run(write_csv(tmp_path / "s.csv", _rows(persons)), by=personas["town_a"])
    assert NeedsRecord.objects.get(person=persons["b"], is_current=True).wants_work == "no"
    batch_rollback(batch=result.batch, by=personas["district"])
    assert ServiceRecord.objects.filter(import_batch=result.batch).count() == 0
    assert ServiceRecord.objects.count() == 1
    current = NeedsRecord.objects.get(person=persons["b"], is_current=True)
    assert current.wants_work == "yes" and NeedsRecord.objects.count() == 1
    assert Person.objects.get(pk=persons["a"].pk).wish_to_work == wish_before
    assert Person.objects.get(pk=persons["b"].pk).wish_to_work == "yes"
    assert not AnnualCase.objects.filter(person=persons["a"], year=YEAR).exists() or (
        AnnualCase.objects.get(person=persons["a"], year=YEAR).verified_on is None
    )
    result.batch.refresh_from_db()
    assert result.batch.status == ImportBatch.Status.ROLLED_BACK


def test_a_rollback_audits_each_deleted_record_once_with_its_values(
    tmp_path, persons, personas
) -> None:  # noqa: ANN001
    """The service records and the needs registrations a rollback deletes each get one delete
    entry, tied to the batch, keeping the record's values (auditlog's own signal wrote a
    second, batchless entry for each needs registration)."""
    from django.contrib.contenttypes.models import ContentType

    result = run(write_csv(tmp_path / "s.csv", _rows(persons)), by=personas["town_a"])
    needs = set(NeedsRecord.objects.values_list("pk", flat=True))
    assert needs
    batch_rollback(batch=result.batch, by=personas["district"])
    deleted = LogEntry.objects.filter(
        action=LogEntry.Action.DELETE,
        content_type=ContentType.objects.get_for_model(NeedsRecord),
    )
    assert sorted(e.object_pk for e in deleted) == sorted(str(pk) for pk in needs)
    for entry in deleted:
        assert entry.additional_data["batch"] == str(result.batch.pk)
        assert entry.changes_dict["wants_work"][0] in ("yes", "no")
    services_deleted = LogEntry.objects.filter(
        action=LogEntry.Action.DELETE,
        content_type=ContentType.objects.get_for_model(ServiceRecord),
    )
    assert services_deleted.count() == 4
    assert all(e.additional_data["batch"] == str(result.batch.pk) for e in services_deleted)


def test_the_export_reimports_unchanged_and_the_template_has_the_columns(
    tmp_path, persons, personas
) -> None:  # noqa: ANN001
    run(write_csv(tmp_path / "s.csv", _rows(persons)), by=personas["town_a"])
    kind = get_kind("services")
    out = tmp_path / "export.csv"
    assert write_export(kind, kind.export_queryset({}), out, reveal=True) == 4
    again = run(out, by=personas["town_a"])
    assert (again.created, again.updated, again.unchanged, again.invalid) == (0, 0, 4, 0)
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(template_xlsx(kind)))
    assert next(book.active.values)[:3] == ("身份证号*", "服务类型*", "服务日期*")


def test_a_dry_run_writes_nothing(tmp_path, persons, personas) -> None:  # noqa: ANN001
    result = run(write_csv(tmp_path / "s.csv", _rows(persons)), by=personas["town_a"], dry_run=True)
    assert (result.created, result.invalid) == (4, 0)
    assert not ServiceRecord.objects.exists() and not NeedsRecord.objects.exists()


def test_a_column_the_file_lacks_leaves_the_field_alone(tmp_path, persons, personas) -> None:  # noqa: ANN001
    run(write_csv(tmp_path / "s.csv", _rows(persons)), by=personas["town_a"])
    header = ["身份证号码", "服务类型", "服务日期", "服务方式", "服务结果"]
    row = [persons["a"].id_number, "job_recommendation", _day(3, 5), "电话", "需跟进"]
    again = run(write_csv(tmp_path / "t.csv", [row], header), by=personas["town_a"])
    assert (again.updated, again.unchanged, again.invalid) == (0, 1, 0)
    service = ServiceRecord.objects.get(service_type="job_recommendation")
    assert service.notes == "推荐客服岗" and service.follow_up_date == dt.date(YEAR, 4, 1)


def test_rollback_is_refused_after_an_edit_through_the_service_and_audited(
    tmp_path, persons, personas
) -> None:  # noqa: ANN001
    result = run(write_csv(tmp_path / "s.csv", _rows(persons)), by=personas["town_a"])
    record = ServiceRecord.objects.get(service_type="job_recommendation")
    services.service_archive(record=record, reason="重复录入", by=personas["town_a"])
    with pytest.raises(Exception, match="之后又被修改过"):
        batch_rollback(batch=result.batch, by=personas["district"])
    assert ServiceRecord.objects.filter(import_batch=result.batch).count() == 4

    second = run(write_csv(tmp_path / "b.csv", _rows(persons)[:2]), by=personas["town_a"])
    assert (second.created, second.unchanged) == (0, 2)
    rows = _rows(persons)
    rows[0][4] = "核对了住址"
    third = run(write_csv(tmp_path / "c.csv", rows[:1]), by=personas["town_a"])
    assert third.updated == 1
    batch_rollback(batch=third.batch, by=personas["district"])
    verification = ServiceRecord.objects.get(service_type="verification")
    assert verification.notes == "当面核对" and verification.import_batch == result.batch
    entries = LogEntry.objects.filter(additional_data__batch=str(third.batch.pk))
    assert entries.filter(action=LogEntry.Action.UPDATE).count() == 2  # import and rollback


def test_a_record_of_a_person_in_another_town_is_not_updated(tmp_path, persons, personas) -> None:  # noqa: ANN001
    row = [persons["west"].id_number, "援助走访", _day(5, 1), "上门", "", "", "", "", "", "", ""]
    run(write_csv(tmp_path / "w.csv", [row]), by=personas["district"])
    row[4] = "改了内容"
    for dry_run in (True, False):
        result = run(write_csv(tmp_path / "x.csv", [row]), by=personas["town_a"], dry_run=dry_run)
        assert (result.updated, result.invalid) == (0, 1)
        assert result.errors[0]["errors"][0]["message"] == NOT_FOUND_IN_SCOPE
    assert ServiceRecord.objects.get().notes == ""


def test_a_re_import_does_not_change_or_bring_back_an_archived_record(
    tmp_path, persons, personas
) -> None:  # noqa: ANN001
    run(write_csv(tmp_path / "s.csv", _rows(persons)), by=personas["town_a"])
    record = ServiceRecord.objects.get(service_type="job_recommendation")
    services.service_archive(record=record, reason="重复录入", by=personas["town_a"])
    rows = _rows(persons)
    rows[2][4] = "改了内容"
    again = run(write_csv(tmp_path / "again.csv", rows[2:3]), by=personas["town_a"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    record.refresh_from_db()
    assert record.is_archived and record.notes == "推荐客服岗"
