"""The import framework, through the persons kind: every malformed input is explained and
writes nothing; commits are atomic, idempotent and can be rolled back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook, load_workbook

from conftest import make_id_number
from jiuye.core import importing
from jiuye.core.importing import batch_rollback, parse_date, run_import
from jiuye.core.models import ImportBatch
from jiuye.people.models import Person

HEADER = [
    "姓名",
    "身份证号",
    "残疾人证号",
    "残疾类别",
    "残疾等级",
    "联系电话",
    "村社区代码",
    "纳入监测日期",
    "防返贫监测类别",
]


def person_number(seq: int) -> str:
    return make_id_number(birth=f"{1960 + seq // 1000}0307", seq=seq % 1000)


def person_row(seq: int, **over: str) -> list[str]:
    number = person_number(seq)
    row = {
        "姓名": f"测试{seq}",
        "身份证号": number,
        "残疾人证号": number + "42",
        "残疾类别": "4",
        "残疾等级": "2",
        "联系电话": f"138{seq:08d}",
        "村社区代码": "440199001001",
        "纳入监测日期": "",
        "防返贫监测类别": "",
    }
    row.update(over)
    return [row[h] for h in HEADER]


def write_csv(
    path: Path, rows: list[list[str]], encoding: str = "utf-8", header: list[str] = HEADER
) -> Path:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    book = Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    book.save(path)
    return path


def snapshot() -> list:
    return list(
        Person.objects.order_by("id_number_index").values_list(
            "id_number_index", "name", "region_id", "category_id", "version"
        )
    )


def run(path: Path, **kw):  # noqa: ANN003, ANN201
    return run_import(
        kind="persons", path=path, original_name=path.name, dry_run=kw.pop("dry_run", False), **kw
    )


def test_a_good_file_imports_and_the_same_file_again_changes_nothing(reference, tmp_path) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "p.csv", [person_row(i) for i in range(1, 6)])
    first = run(path)
    assert (first.created, first.updated, first.unchanged, first.invalid) == (5, 0, 0, 0)
    assert first.batch.status == ImportBatch.Status.SUCCEEDED
    assert Person.objects.filter(import_batch=first.batch).count() == 5
    person = Person.objects.get(name="测试1")
    assert person.category_id == 4 and person.certificate_number.endswith("42")
    before, entries = snapshot(), LogEntry.objects.count()
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert snapshot() == before
    assert LogEntry.objects.count() == entries


def test_a_dry_run_writes_nothing_but_counts_what_would_happen(reference, tmp_path) -> None:  # noqa: ANN001
    run(write_csv(tmp_path / "a.csv", [person_row(1)]))
    path = write_csv(
        tmp_path / "b.csv",
        [person_row(1, 联系电话="13900000001"), person_row(2), person_row(3, 身份证号="123")],
    )
    before = snapshot()
    result = run(path, dry_run=True)
    assert (result.created, result.updated, result.unchanged, result.invalid) == (1, 1, 0, 1)
    assert result.batch.status == ImportBatch.Status.VALIDATED
    assert snapshot() == before


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            person_row(
                1, 身份证号=person_number(1)[:17] + ("0" if person_number(1)[17] != "0" else "1")
            ),
            "身份证号",
            "校验码错误",
        ),
        (person_row(1, 身份证号="440199" + "20230231" + "1011"), "身份证号", "不是有效日期"),
        (person_row(1, 残疾人证号=person_number(2) + "42"), "残疾人证号", "不一致"),
        (person_row(1, 残疾类别="1"), "残疾人证号", "类别"),
        (person_row(1, 残疾类别="9", 残疾人证号=""), "残疾类别", "不存在"),
        (person_row(1, 村社区代码="440199099001"), "村社区代码", "不是系统中的村"),
        (person_row(1, 身份证号="440***********1016"), "身份证号", "脱敏"),
        (
            person_row(1, 纳入监测日期="2023-13-45", 防返贫监测类别="边缘易致贫户"),
            "纳入监测日期",
            "看不懂",
        ),
    ],
)
def test_a_bad_row_is_explained_and_nothing_is_written(
    reference, tmp_path, row, column, message
) -> None:  # noqa: ANN001
    before = snapshot()
    result = run(write_csv(tmp_path / "bad.csv", [person_row(5), row]))
    assert result.invalid == 1 and result.batch.status == ImportBatch.Status.FAILED
    error = result.errors[0]
    assert error["row"] == 3
    assert any(e["column"] == column and message in e["message"] for e in error["errors"]), error
    assert "没有导入任何数据" in result.message
    assert snapshot() == before


def test_duplicates_in_a_file_name_both_rows(reference, tmp_path) -> None:  # noqa: ANN001
    result = run(
        write_csv(tmp_path / "d.csv", [person_row(1), person_row(2), person_row(1, 姓名="又一个")]),
        dry_run=True,
    )
    assert result.invalid == 1
    assert "与第2行重复" in result.errors[0]["errors"][0]["message"]
    assert result.errors[0]["row"] == 4


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: write_csv(
                p / "m.csv",
                [person_row(1)[:1] + person_row(1)[2:]],
                header=[h for h in HEADER if h != "身份证号"],
            ),
            "缺少必填列：身份证号",
        ),
        (lambda p: (p / "e.csv").write_bytes(b"") and p / "e.csv" or p / "e.csv", "空"),
        (
            lambda p: (p / "r.bin").write_bytes(bytes(range(256)) * 20) and p / "r.bin",
            "不是表格文件",
        ),
        (
            lambda p: (
                (p / "t.xlsx").write_bytes(
                    write_xlsx(p / "full.xlsx", [person_row(1)]).read_bytes()[:700]
                )
                and p / "t.xlsx"
            ),
            "损坏",
        ),
    ],
)
def test_a_malformed_file_is_explained_and_nothing_is_written(
    reference, tmp_path, make, message
) -> None:  # noqa: ANN001
    before = snapshot()
    result = run(make(tmp_path))
    assert result.batch.status == ImportBatch.Status.FAILED
    assert message in result.message, result.message
    assert snapshot() == before


def test_a_gbk_csv_imports_correctly(reference, tmp_path) -> None:  # noqa: ANN001
    result = run(
        write_csv(tmp_path / "g.csv", [person_row(1, 姓名="欧阳娜娜")], encoding="gb18030")
    )
    assert result.created == 1
    assert Person.objects.get(name="欧阳娜娜")


def test_xlsx_dates_as_serial_numbers_and_as_text_and_formula_cells(reference, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "x.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        person_row(1, 纳入监测日期="", 防返贫监测类别="边缘易致贫户")[:7] + [45000, "边缘易致贫户"]
    )
    sheet.append(person_row(2, 纳入监测日期="2023年5月1日", 防返贫监测类别="脱贫不稳定户"))
    # A formula saved without a computed value (as scripts write them) is named as such, not
    # read as an empty name; Excel saves the value too, and that value is what is imported.
    sheet.append(['=CONCAT("测","试")'] + person_row(3)[1:])
    book.save(path)
    result = run(path, dry_run=True)
    assert result.valid == 2 and result.invalid == 1
    assert result.errors[0]["row"] == 4
    message = result.errors[0]["errors"][0]["message"]
    assert "公式" in message and "没有保存公式的结果" in message and "请填写姓名" not in message
    run(path, valid_only=True)
    assert Person.objects.get(name="测试1").monitoring_identified == dt.date(2023, 3, 15)
    assert Person.objects.get(name="测试2").monitoring_identified == dt.date(2023, 5, 1)


def test_a_crash_half_way_leaves_the_database_as_before(reference, tmp_path) -> None:  # noqa: ANN001
    run(write_csv(tmp_path / "a.csv", [person_row(1)]))
    before = snapshot()
    path = write_csv(tmp_path / "big.csv", [person_row(i) for i in range(1, 5001)])
    with pytest.raises(RuntimeError, match="injected"):
        run(path, fail_after_rows=2500)
    assert snapshot() == before
    assert ImportBatch.objects.filter(status=ImportBatch.Status.FAILED).exists()


def test_valid_only_imports_the_good_rows_and_reports_the_bad(reference, tmp_path) -> None:  # noqa: ANN001
    result = run(
        write_csv(tmp_path / "v.csv", [person_row(1), person_row(2, 身份证号="x")]), valid_only=True
    )
    assert (result.created, result.invalid) == (1, 1)
    assert result.batch.status == ImportBatch.Status.SUCCEEDED
    report = load_workbook(result.batch.error_report.open("rb")).active
    rows = list(report.values)
    assert rows[0][-1] == "错误说明" and rows[1][0] == 3


def test_the_error_report_masks_id_and_phone_numbers(reference, tmp_path) -> None:  # noqa: ANN001
    bad = person_row(1, 残疾类别="9")
    result = run(write_csv(tmp_path / "e.csv", [bad]), dry_run=True)
    values = [
        str(v)
        for row in load_workbook(result.batch.error_report.open("rb")).active.values
        for v in row
    ]
    assert bad[1] not in values and bad[5] not in values
    assert any("***" in v for v in values)


def test_a_batch_rolls_back_to_the_state_before_it(reference, tmp_path) -> None:  # noqa: ANN001
    run(write_csv(tmp_path / "a.csv", [person_row(1), person_row(2)]))
    before = snapshot()
    phone_before = Person.objects.get(name="测试1").phone
    second = run(
        write_csv(
            tmp_path / "b.csv",
            [person_row(1, 联系电话="13900000000"), person_row(2), person_row(3)],
        )
    )
    assert (second.created, second.updated, second.unchanged) == (1, 1, 1)
    batch_rollback(batch=second.batch, by=None)
    # Everything as before but the version, which moves on so open edit forms see a conflict.
    assert [r[:4] for r in snapshot()] == [r[:4] for r in before]
    assert Person.objects.get(name="测试1").phone == phone_before
    second.batch.refresh_from_db()
    assert second.batch.status == ImportBatch.Status.ROLLED_BACK
    with pytest.raises(importing.RollbackError):
        batch_rollback(batch=second.batch, by=None)


def test_the_database_holds_no_plaintext_id_or_phone_after_an_import(reference, tmp_path) -> None:  # noqa: ANN001
    row = person_row(7)
    run(write_csv(tmp_path / "p.csv", [row]))
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump.extend(repr(r) for r in cursor.fetchall())
    text = "\n".join(dump)
    assert row[1] not in text and row[5] not in text
    assert "v1:dev1:" in text


def test_the_command_prints_the_summary_and_exits_1_on_errors(reference, tmp_path, capsys) -> None:  # noqa: ANN001
    good = write_csv(tmp_path / "g.csv", [person_row(1)])
    call_command("import_file", "persons", str(good), "--dry-run")
    assert "created 1, updated 0, unchanged 0, invalid 0" in capsys.readouterr().out
    bad = write_csv(tmp_path / "b.csv", [person_row(2, 残疾类别="9", 残疾人证号="")])
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_file", "persons", str(bad))
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "第2行" in out and "invalid 1" in out


def test_template_and_export_round_trip(reference, tmp_path) -> None:  # noqa: ANN001
    call_command("import_template", "persons", str(tmp_path / "t.xlsx"))
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.active["B1"].value == "身份证号*" and "填写说明" in book.sheetnames
    run(write_csv(tmp_path / "p.csv", [person_row(1), person_row(2)]))
    call_command(
        "export_file", "persons", str(tmp_path / "out.csv"), "--reveal", "--reason", "核对"
    )
    before = snapshot()
    again = run(tmp_path / "out.csv")
    assert (again.created, again.updated, again.invalid) == (0, 0, 0)
    assert snapshot() == before
    call_command("export_file", "persons", str(tmp_path / "masked.xlsx"))
    masked = [c for r in load_workbook(tmp_path / "masked.xlsx").active.values for c in r]
    assert person_number(1) not in masked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-05-01", dt.date(2023, 5, 1)),
        ("2023/5/1", dt.date(2023, 5, 1)),
        ("2023年5月1日", dt.date(2023, 5, 1)),
        ("20230501", dt.date(2023, 5, 1)),
        ("45047", dt.date(2023, 5, 1)),
    ],
)
def test_dates_are_read_however_staff_type_them(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


def test_the_import_pages_upload_check_confirm_and_roll_back(client_for, tmp_path) -> None:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("district")
    content = (write_csv(tmp_path / "p.csv", [person_row(1), person_row(2)])).read_bytes()
    response = client.post(
        "/imports/new/", {"kind": "persons", "file": SimpleUploadedFile("p.csv", content)}
    )
    assert response.status_code == 302
    checked = ImportBatch.objects.get(dry_run=True)
    page = client.get(response.url).content.decode()
    assert "检查结果" in page and not Person.objects.filter(name="测试1").exists()
    done = client.post(response.url, {})
    committed = ImportBatch.objects.get(dry_run=False)
    assert done.url == f"/imports/{committed.pk}/"
    assert committed.checked_by == checked and committed.created == 2
    rollback = client.post(f"/imports/{committed.pk}/rollback/", {"confirm": "yes"})
    assert rollback.status_code == 302
    assert not Person.objects.filter(name="测试1").exists()


def test_valid_only_needs_a_second_confirmation(client_for, tmp_path) -> None:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("district")
    content = write_csv(
        tmp_path / "p.csv", [person_row(1), person_row(2, 身份证号="x")]
    ).read_bytes()
    url = client.post(
        "/imports/new/", {"kind": "persons", "file": SimpleUploadedFile("p.csv", content)}
    ).url
    body = client.get(url).content.decode()
    assert "身份证号应为18位" in body
    first = client.post(url, {"valid_only": "on"}).content.decode()
    assert "请再次确认" in first and not Person.objects.filter(name="测试1").exists()
    client.post(url, {"valid_only": "on", "confirm_valid_only": "on"})
    assert Person.objects.filter(name="测试1").exists()


def test_a_town_officer_cannot_import_into_another_town_or_see_others_batches(
    client_for, tmp_path
) -> None:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = write_csv(tmp_path / "p.csv", [person_row(1, 村社区代码="440199002001")]).read_bytes()
    url = (
        client_for("town_a")
        .post("/imports/new/", {"kind": "persons", "file": SimpleUploadedFile("p.csv", content)})
        .url
    )
    assert "不在您负责的区域内" in client_for("town_a").get(url).content.decode()
    assert client_for("town_b").get(url).status_code == 404
    assert client_for("district").get(url).status_code == 200
    assert client_for("leader").get("/imports/").status_code == 403


def test_an_import_that_changes_a_person_bumps_its_version(reference, tmp_path) -> None:  # noqa: ANN001
    run(write_csv(tmp_path / "a.csv", [person_row(1)]))
    version = Person.objects.get(name="测试1").version
    run(write_csv(tmp_path / "b.csv", [person_row(1, 联系电话="+8613900000000")]))
    person = Person.objects.get(name="测试1")
    assert person.version == version + 1
    assert person.phone == "13900000000"


def test_a_cancelled_import_writes_nothing(reference, tmp_path) -> None:  # noqa: ANN001
    batch = ImportBatch.objects.create(kind="persons", original_name="c.csv", dry_run=False)
    importing.request_cancel(batch.pk)
    result = run(write_csv(tmp_path / "c.csv", [person_row(i) for i in range(1, 30)]), batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED
    assert "取消" in result.message
    assert not Person.objects.filter(name__startswith="测试").exists()
