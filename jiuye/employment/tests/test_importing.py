"""The ``employment`` import kind: rows matched to registered persons, idempotent re-imports,
the overlap rule, and rollback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from conftest import make_id_number
from jiuye.core.importing import batch_rollback, get_kind, run_import, write_export
from jiuye.core.models import ImportBatch
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE
from jiuye.employment.models import EmploymentRecord, Source
from jiuye.employment.services import employment_update
from jiuye.employment.tests.conftest import write_csv

HEADER = ["身份证号码", "姓名", "就业形式", "用人单位", "统一社会信用代码", "岗位", "入职日期",
          "离职日期", "结束原因", "合同类型", "合同期限（月）", "月工资", "是否缴纳社保",
          "是否兼职", "依据"]  # fmt: skip


def row(person, **over: str) -> list[str]:  # noqa: ANN001
    values = {
        "身份证号码": person.id_number,
        "姓名": person.name,
        "就业形式": "按比例就业",
        "用人单位": "东城小吃店",
        "统一社会信用代码": "",
        "岗位": "收银员",
        "入职日期": "2024-03-01",
        "离职日期": "",
        "结束原因": "",
        "合同类型": "固定期限劳动合同",
        "合同期限（月）": "12",
        "月工资": "3200",
        "是否缴纳社保": "是",
        "是否兼职": "否",
        "依据": "人社局社保数据",
    }
    values.update(over)
    return [values[h] for h in HEADER]


def run(path: Path, *, by=None, dry_run: bool = False):  # noqa: ANN001, ANN201
    return run_import(kind="employment", path=path, dry_run=dry_run, by=by)


def messages(result) -> list[str]:  # noqa: ANN001
    return [f"{e['row']}:{e['column']}:{e['message']}" for r in result.errors for e in _flat(r)]


def _flat(entry: dict) -> list[dict]:
    return [{"row": entry["row"], **e} for e in entry["errors"]]


def test_a_valid_file_creates_records_with_their_batch(
    tmp_path, person_a, person_b, employer_a
) -> None:  # noqa: ANN001
    path = write_csv(
        tmp_path / "jobs.csv",
        HEADER,
        [
            row(person_a, 用人单位="", 统一社会信用代码=employer_a.uscc),
            row(
                person_b,
                **{"就业形式": "灵活就业", "用人单位": "", "合同类型": "", "合同期限（月）": ""},
            ),
        ],
    )
    checked = run(path, dry_run=True)
    assert checked.ok and (checked.created, checked.invalid) == (2, 0)
    assert not EmploymentRecord.objects.exists()
    result = run(path)
    assert result.ok, result.errors
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    a = EmploymentRecord.objects.get(person=person_a)
    assert a.employer == employer_a and a.employer_name == ""
    assert a.start_date == dt.date(2024, 3, 1) and a.monthly_wage == Decimal("3200")
    assert a.social_insurance and a.contract_months == 12 and a.contract_type == "fixed"
    assert a.source == Source.DEPARTMENT  # no 来源 column: the default
    assert a.import_batch == result.batch
    b = EmploymentRecord.objects.get(person=person_b)
    assert b.form == "flexible" and b.employer is None and not b.needs_review


def test_a_person_not_in_the_registry_is_a_row_error_saying_so(tmp_path, person_a) -> None:  # noqa: ANN001
    stranger = make_id_number(seq=777)
    path = write_csv(
        tmp_path / "jobs.csv",
        HEADER,
        [row(person_a), [stranger, "路人", *row(person_a)[2:]]],
    )
    result = run(path)
    assert result.batch.status == ImportBatch.Status.FAILED
    assert result.invalid == 1 and not EmploymentRecord.objects.exists()
    (message,) = messages(result)
    # One message for "not registered" and "not yours" (an import does not tell which).
    assert message == f"3:身份证号码:{NOT_FOUND_IN_SCOPE}"
    assert stranger not in message


def test_a_person_of_another_town_is_refused_to_a_town_officer(
    tmp_path, personas, person_a, person_b
) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "jobs.csv", HEADER, [row(person_a), row(person_b)])
    result = run(path, by=personas["town_a"])
    # The same message as for someone not registered: the other town's person is not named.
    assert messages(result) == [f"3:身份证号码:{NOT_FOUND_IN_SCOPE}"]


def test_bad_cells_are_each_explained(tmp_path, person_a) -> None:  # noqa: ANN001
    path = write_csv(
        tmp_path / "jobs.csv",
        HEADER,
        [
            row(person_a, 就业形式="打零工", 入职日期="去年", 月工资="三千", 是否缴纳社保="也许"),
            row(person_a, 姓名="张三丰", 入职日期="2099-01-01"),
            row(person_a, 入职日期="2024-05-01", 离职日期="2024-04-01"),
            row(person_a, 统一社会信用代码="91440199MA5TEXT99X", 入职日期="2023-01-01"),
            row(person_a, 身份证号码=person_a.masked_id_number),
        ],
    )
    found = "\n".join(messages(run(path, dry_run=True)))
    assert "2:就业形式:“打零工”不是可选的值，可填：按比例就业、集中就业" in found
    assert "2:入职日期:日期“去年”看不懂" in found
    assert "2:月工资:月工资“三千”不是金额数字" in found
    assert "2:是否缴纳社保:应填“是”或“否”" in found
    assert "3:姓名:姓名“张三丰”与该身份证号登记的姓名不一致" in found
    assert "4:离职日期:结束日期不能早于开始日期" in found
    assert (
        "5:统一社会信用代码:用人单位库中没有统一社会信用代码为“91440199MA5TEXT99X”的单位" in found
    )
    assert "6:身份证号码:身份证号是脱敏显示的" in found


def test_a_form_that_needs_an_employer_names_the_column(tmp_path, person_a) -> None:  # noqa: ANN001
    header = ["身份证号", "就业形式", "开始日期"]
    path = write_csv(
        tmp_path / "jobs.csv", header, [[person_a.id_number, "集中就业", "2024-01-02"]]
    )
    assert messages(run(path, dry_run=True)) == [
        "2:用人单位:这种就业形式需要填写用人单位（名称或统一社会信用代码）。"
    ]


def test_a_missing_required_column_is_named(tmp_path, person_a) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "jobs.csv", ["身份证号", "单位名称"], [[person_a.id_number, "x"]])
    result = run(path, dry_run=True)
    assert result.batch.status == ImportBatch.Status.FAILED
    assert "缺少必填列：就业形式、开始日期" in result.message


def test_duplicate_rows_in_the_file_are_errors(tmp_path, person_a) -> None:  # noqa: ANN001
    path = write_csv(
        tmp_path / "jobs.csv",
        HEADER,
        [row(person_a), row(person_a, 岗位="另一个写法"), row(person_a, 用人单位=" 东城小吃店 ")],
    )
    found = messages(run(path, dry_run=True))
    same = "与第2行重复（身份证号、开始日期和用人单位相同）。同一条记录在文件中只能出现一次。"
    assert found == [f"3::{same}", f"4::{same}"]


def test_re_importing_the_same_file_changes_nothing(
    tmp_path, person_a, person_b, employer_a
) -> None:  # noqa: ANN001
    rows = [row(person_a, 统一社会信用代码=employer_a.uscc), row(person_b, 用人单位="西城夜市")]
    path = write_csv(tmp_path / "jobs.csv", HEADER, rows)
    first = run(path)
    again = run(path)
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert EmploymentRecord.objects.count() == 2
    assert set(EmploymentRecord.objects.values_list("import_batch", flat=True)) == {first.batch.pk}
    # The employer written by name only, when it is the registered one, is the same record.
    by_name = write_csv(tmp_path / "by_name.csv", HEADER, [row(person_a, 用人单位="东城示范企业")])
    assert run(by_name).unchanged == 1


def test_a_changed_row_updates_the_record_and_bumps_its_version(tmp_path, person_a) -> None:  # noqa: ANN001
    run(write_csv(tmp_path / "a.csv", HEADER, [row(person_a)]))
    record = EmploymentRecord.objects.get()
    ended = run(
        write_csv(
            tmp_path / "b.csv",
            HEADER,
            [row(person_a, 离职日期="2024-06-30", 结束原因="本人辞职", 月工资="3300")],
        )
    )
    assert (ended.created, ended.updated) == (0, 1)
    record.refresh_from_db()
    assert record.end_date == dt.date(2024, 6, 30) and record.end_reason == "resigned"
    assert record.monthly_wage == Decimal("3300")
    assert record.version == 2 and record.import_batch == ended.batch


def test_overlaps_against_the_database_and_in_the_file_are_flagged(
    tmp_path, person_a, person_b, record_a
) -> None:  # noqa: ANN001
    path = write_csv(
        tmp_path / "jobs.csv",
        HEADER,
        [
            row(person_a, 用人单位="夜市摊位"),  # meets record_a (2024-01-01, open)
            row(person_a, 用人单位="网店", 入职日期="2024-04-01", 是否兼职="是"),
            row(person_b, 入职日期="2022-01-01", 离职日期="2022-12-31", 结束原因="合同到期"),
            row(person_b, 用人单位="西城夜市", 入职日期="2022-06-01"),  # meets the row above
            row(person_b, 用人单位="西城面馆", 入职日期="2023-02-01"),  # meets the row above
        ],
    )
    result = run(path)
    assert result.ok and result.created == 5
    flagged = {
        (r.person.name, r.workplace): r.review_note
        for r in EmploymentRecord.objects.filter(needs_review=True)
    }
    assert set(flagged) == {("张三", "夜市摊位"), ("李四", "西城夜市"), ("李四", "西城面馆")}
    assert flagged[("张三", "夜市摊位")].startswith(
        "与 2024-01-01 开始的另一条就业记录（按比例就业）"
    )
    assert flagged[("李四", "西城夜市")].startswith("与 2022-01-01 开始")
    # The record already there and the second job are not flagged.
    record_a.refresh_from_db()
    assert not record_a.needs_review
    assert not EmploymentRecord.objects.get(employer_name="网店").needs_review


def test_a_rollback_removes_created_records_and_restores_updated_ones(
    tmp_path, person_a, person_b, personas
) -> None:  # noqa: ANN001
    first = run(write_csv(tmp_path / "a.csv", HEADER, [row(person_a)]))
    record = EmploymentRecord.objects.get()
    second = run(
        write_csv(
            tmp_path / "b.csv",
            HEADER,
            [
                row(person_a, 月工资="4000", 离职日期="2024-06-30", 结束原因="合同到期"),
                row(person_b),
                row(person_a, 用人单位="夜市摊位", 入职日期="2024-05-01"),
            ],
        )
    )
    assert (second.created, second.updated) == (2, 1)
    batch_rollback(batch=second.batch, by=personas["district"])
    assert list(EmploymentRecord.objects.all()) == [record]
    record.refresh_from_db()
    assert record.monthly_wage == Decimal("3200") and record.end_date is None
    assert record.end_reason == "" and record.import_batch == first.batch
    assert not record.needs_review
    second.batch.refresh_from_db()
    assert second.batch.status == ImportBatch.Status.ROLLED_BACK


def test_a_rollback_is_refused_when_a_record_was_edited_since(tmp_path, person_a, personas) -> None:  # noqa: ANN001
    from jiuye.core.importing import RollbackError

    result = run(write_csv(tmp_path / "a.csv", HEADER, [row(person_a)]))
    record = EmploymentRecord.objects.get()
    employment_update(record=record, by=personas["district"], version=1, job_title="组长")
    with pytest.raises(RollbackError, match="之后又被修改过"):
        batch_rollback(batch=result.batch, by=personas["district"])
    assert EmploymentRecord.objects.count() == 1


def test_an_export_imports_back_unchanged(tmp_path, person_a, record_a, open_job) -> None:  # noqa: ANN001
    open_job(
        person_a,
        dt.date(2023, 1, 1),
        end_date=dt.date(2023, 6, 30),
        end_reason="contract_ended",
        form="flexible",
        new_form_subtype="delivery",
        second_job=True,
    )
    kind = get_kind("employment")
    path = tmp_path / "export.xlsx"
    assert write_export(kind, kind.export_queryset({}), path, reveal=True) == 2
    result = run(path)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_an_xlsx_with_dates_as_serials_and_full_width_headers_reads(tmp_path, person_a) -> None:  # noqa: ANN001
    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "就业形式", "单位名称", "开始日期", "合同期限(月)", "新就业形态"])
    sheet.append([person_a.id_number, "灵活就业", "", 45352, 6, "快递外卖配送"])
    book.save(tmp_path / "jobs.xlsx")
    result = run(tmp_path / "jobs.xlsx")
    assert result.ok, result.errors
    record = EmploymentRecord.objects.get()
    assert record.start_date == dt.date(2024, 3, 1)
    assert record.new_form_subtype == "delivery" and record.contract_months == 6


def test_the_import_file_command_knows_the_kind(tmp_path, person_a, capsys) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "jobs.csv", HEADER, [row(person_a)])
    call_command("import_file", "employment", str(path))
    assert "created 1, updated 0, unchanged 0, invalid 0" in capsys.readouterr().out
    assert EmploymentRecord.objects.count() == 1


def test_a_town_officer_imports_through_the_pages_and_gets_the_template(
    client_for, tmp_path, person_a
) -> None:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_for("town_a")
    assert "就业记录" in client.get(reverse("core:import-upload")).content.decode()
    template = client.get(reverse("core:import-template", kwargs={"kind": "employment"}))
    assert template.status_code == 200
    path = write_csv(tmp_path / "jobs.csv", HEADER, [row(person_a)])
    upload = SimpleUploadedFile("jobs.csv", path.read_bytes(), content_type="text/csv")
    response = client.post(reverse("core:import-upload"), {"kind": "employment", "file": upload})
    assert response.status_code == 302
    checked = ImportBatch.objects.get(kind="employment", dry_run=True)
    assert checked.status == ImportBatch.Status.VALIDATED and checked.created == 1
    confirmed = client.post(reverse("core:import-detail", args=[checked.pk]), {})
    assert confirmed.status_code == 302
    record = EmploymentRecord.objects.get()
    assert record.created_by.username == "town_a" and record.import_batch.dry_run is False


# --- the declared kind: absent columns, the service's rules, rollback and scope ---------------


def test_a_file_without_a_column_leaves_that_field_of_the_record_alone(tmp_path, person_a) -> None:  # noqa: ANN001
    run(write_csv(tmp_path / "a.csv", HEADER, [row(person_a)]))
    short = ["身份证号", "就业形式", "用人单位", "开始日期", "离职日期", "结束原因"]
    path = write_csv(
        tmp_path / "b.csv",
        short,
        [[person_a.id_number, "按比例就业", "东城小吃店", "2024-03-01", "2024-06-30", "辞职"]],
    )
    result = run(path)
    assert (result.updated, result.unchanged) == (1, 0), result.errors
    record = EmploymentRecord.objects.get()
    assert (record.end_date, record.end_reason) == (dt.date(2024, 6, 30), "resigned")
    # The columns the file does not have keep what the first import wrote.
    assert (record.monthly_wage, record.job_title) == (Decimal("3200"), "收银员")
    assert (record.contract_months, record.social_insurance) == (12, True)


def test_the_row_check_sees_the_stored_values_as_employment_update_does(tmp_path, person_a) -> None:  # noqa: ANN001
    ended = row(person_a, 离职日期="2024-06-30", 结束原因="到期")
    run(write_csv(tmp_path / "a.csv", HEADER, [ended]))
    # A reason without an end date column: the record's end date counts, as on the form.
    header = ["身份证号", "就业形式", "用人单位", "开始日期", "结束原因"]
    reason = [person_a.id_number, "按比例就业", "东城小吃店", "2024-03-01", "辞职"]
    result = run(write_csv(tmp_path / "b.csv", header, [reason]))
    assert (result.ok, result.updated) == (True, 1), result.errors
    assert EmploymentRecord.objects.get().end_reason == "resigned"
    # An end date before the stored start date is refused with the service's message.
    header = ["身份证号", "就业形式", "用人单位", "开始日期", "离职日期"]
    early = [person_a.id_number, "按比例就业", "东城小吃店", "2024-03-01", "2024-02-01"]
    assert messages(run(write_csv(tmp_path / "c.csv", header, [early]), dry_run=True)) == [
        "2:离职日期:结束日期不能早于开始日期。"
    ]


def test_a_rollback_writes_audit_entries_and_refuses_after_a_later_edit(
    tmp_path, person_a, person_b, personas
) -> None:  # noqa: ANN001
    from auditlog.models import LogEntry

    from jiuye.core.importing import RollbackError

    by = personas["district"]
    run(write_csv(tmp_path / "a.csv", HEADER, [row(person_a)]), by=by)
    second = run(
        write_csv(tmp_path / "b.csv", HEADER, [row(person_a, 月工资="4000"), row(person_b)]), by=by
    )
    entries = LogEntry.objects.filter(additional_data__batch=str(second.batch.pk))
    assert entries.count() == 2
    edited = EmploymentRecord.objects.get(person=person_b)
    employment_update(record=edited, by=by, version=edited.version, job_title="组长")
    with pytest.raises(RollbackError, match="之后又被修改过"):
        batch_rollback(batch=second.batch, by=by)
    assert EmploymentRecord.objects.count() == 2
    employment_update(record=edited, by=by, version=None, job_title="收银员")
    with pytest.raises(RollbackError):  # put back by hand, it was still edited since
        batch_rollback(batch=second.batch, by=by)
    assert entries.count() == 2

    third = run(write_csv(tmp_path / "c.csv", HEADER, [row(person_a, 月工资="4500")]), by=by)
    batch_rollback(batch=third.batch, by=by)
    undone = LogEntry.objects.filter(
        additional_data__batch=str(third.batch.pk), action=LogEntry.Action.UPDATE
    )
    assert undone.count() == 2  # the import's and the rollback's
    record = EmploymentRecord.objects.get(person=person_a)
    assert (record.monthly_wage, record.import_batch) == (Decimal("4000"), second.batch)


def test_a_town_officer_cannot_reach_a_record_of_another_town_through_an_import(
    tmp_path, personas, person_b, open_job
) -> None:  # noqa: ANN001
    record = open_job(person_b, dt.date(2024, 3, 1), form="quota", employer_name="西城夜市")
    mine = row(person_b, 用人单位="西城夜市", 月工资="9000")
    result = run(write_csv(tmp_path / "a.csv", HEADER, [mine]), by=personas["town_a"])
    # The same message as for someone not registered: whether the record exists is not told.
    assert messages(result) == [f"2:身份证号码:{NOT_FOUND_IN_SCOPE}"]
    record.refresh_from_db()
    assert (record.monthly_wage, record.version) == (None, 1)


def test_a_name_kept_as_written_is_found_by_the_registered_employer_of_that_name(
    tmp_path, person_a, employer_a, open_job
) -> None:  # noqa: ANN001
    record = open_job(person_a, dt.date(2024, 3, 1), form="quota", employer_name=employer_a.name)
    by_code = row(person_a, 用人单位="", 统一社会信用代码=employer_a.uscc)
    result = run(write_csv(tmp_path / "a.csv", HEADER, [by_code]))
    assert (result.created, result.updated) == (0, 1), result.errors
    assert list(EmploymentRecord.objects.all()) == [record]
