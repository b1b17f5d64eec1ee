"""Workbooks of several sheets and hidden rows: every sheet whose header fits is read (hidden
sheets only when chosen), each sheet that is not is named with the reason, the choice is kept
through confirmation and retry, and hidden rows are reported, never dropped silently."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from conftest import make_id_number
from jiuye.core import importing
from jiuye.core.importing import ImportFileError, open_tables, run_import
from jiuye.core.models import ImportBatch
from jiuye.core.tests.test_import_files import raw_xlsx, text_cell
from jiuye.people.models import Person

HEADER = ["姓名", "身份证号", "残疾类别", "残疾等级", "村社区代码"]
VILLAGE = "440199001001"
TOWNS = ("东城", "西城", "南城")


def person(name: str, seq: int, **over: str) -> list[str]:
    row = {"姓名": name, "身份证号": make_id_number(seq=seq), "残疾类别": "4", "残疾等级": "3"}
    row["村社区代码"] = VILLAGE
    row.update(over)
    return [row[h] for h in HEADER]


def workbook(path: Path, sheets: dict[str, list[list[str]]], hidden: tuple[str, ...] = ()) -> Path:
    """A workbook with these sheets in this order (``hidden``: sheets hidden in Excel)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def towns_workbook(path: Path) -> Path:
    """Instructions first, a hidden dictionary, then one sheet per town with 3 good rows and one
    bad (its ID number is too short) each."""
    sheets: dict[str, list[list[str]]] = {
        "说明": [["填写说明：每个镇街一个工作表，表头不要改动。"], ["残疾类别填代码。"]],
        "字典": [["代码", "名称"], ["4", "肢体残疾"]],
    }
    for at, town in enumerate(TOWNS):
        rows = [person(f"{town}{i}", seq=500 + at * 10 + i) for i in range(3)]
        sheets[town] = [HEADER, *rows, person(f"{town}坏", seq=0, 身份证号="12345")]
    return workbook(path, sheets, hidden=("字典",))


def counts_add_up(result: importing.ImportResult) -> bool:
    """Nothing silently dropped: every row read is created, updated, unchanged, invalid or
    skipped."""
    return result.rows == (
        result.created + result.updated + result.unchanged + result.invalid + result.skipped
    )


def test_a_workbook_with_one_sheet_per_town_imports_every_town_and_names_rows_by_sheet(
    reference, tmp_path
) -> None:  # noqa: ANN001
    path = towns_workbook(tmp_path / "各镇街.xlsx")
    checked = run_import(kind="persons", path=path, dry_run=True)
    assert (checked.rows, checked.valid, checked.invalid) == (12, 9, 3)
    assert [(e["sheet"], e["row"]) for e in checked.errors] == [(t, 5) for t in TOWNS]
    sheets = {s["name"]: s for s in checked.batch.sheet_report["sheets"]}
    assert [n for n, s in sheets.items() if s["read"]] == list(TOWNS)
    assert "不是数据表" in sheets["说明"]["problem"] and sheets["字典"]["hidden"]
    report = load_workbook(io.BytesIO(checked.batch.error_report.read())).active
    rows = list(report.iter_rows(values_only=True))
    assert rows[0][:3] == ("工作表", "行号", "姓名")
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [(t, 5, f"{t}坏") for t in TOWNS]
    done = run_import(kind="persons", path=path, dry_run=False, valid_only=True)
    assert (done.created, done.invalid) == (9, 3) and counts_add_up(done)
    assert Person.objects.filter(name__in=[f"{t}{i}" for t in TOWNS for i in range(3)]).count() == 9


def test_an_instructions_sheet_before_the_data_is_passed_over_and_said(reference, tmp_path) -> None:  # noqa: ANN001
    path = workbook(
        tmp_path / "名单.xlsx",
        {"说明": [["请按模板填写"]], "名单": [HEADER, person("甲", 601), person("乙", 602)]},
    )
    result = run_import(kind="persons", path=path, dry_run=True)
    assert (result.rows, result.valid) == (2, 2)
    assert [s["name"] for s in result.batch.sheet_report["sheets"] if s["read"]] == ["名单"]
    # One sheet read: its rows are numbered as in Excel, without the sheet's name.
    assert "sheet" not in (result.errors or [{}])[0]


def test_when_no_sheet_fits_the_message_names_each_sheet_and_what_it_lacks(
    reference, tmp_path
) -> None:  # noqa: ANN001
    path = workbook(
        tmp_path / "名单.xlsx",
        {
            "说明": [["请按模板填写"]],
            "Sheet2": [["姓名", "残疾类别", "残疾等级", "村社区代码"], ["甲", "4", "3", VILLAGE]],
            "Sheet3": [],
        },
    )
    result = run_import(kind="persons", path=path, dry_run=True)
    assert result.batch.status == ImportBatch.Status.FAILED
    assert "工作表“说明”不是数据表" in result.message
    assert "工作表“Sheet2”缺少必填列：身份证号" in result.message
    assert "工作表“Sheet3”是空的" in result.message


def test_a_hidden_dictionary_sheet_first_is_not_taken_for_the_data(reference, tmp_path) -> None:  # noqa: ANN001
    path = workbook(
        tmp_path / "名单.xlsx",
        {"字典": [["代码", "名称"], ["4", "肢体残疾"]], "名单": [HEADER, person("甲", 611)]},
        hidden=("字典",),
    )
    result = run_import(kind="persons", path=path, dry_run=True)
    assert (result.rows, result.valid) == (1, 1)
    assert {s["name"]: s["read"] for s in result.batch.sheet_report["sheets"]} == {
        "字典": False,
        "名单": True,
    }


def test_a_hidden_sheet_that_fits_is_listed_and_read_only_when_chosen(reference, tmp_path) -> None:  # noqa: ANN001
    path = workbook(
        tmp_path / "名单.xlsx",
        {"名单": [HEADER, person("甲", 621)], "旧名单": [HEADER, person("乙", 622)]},
        hidden=("旧名单",),
    )
    default = run_import(kind="persons", path=path, dry_run=True)
    assert default.rows == 1
    old = next(s for s in default.batch.sheet_report["sheets"] if s["name"] == "旧名单")
    assert old == {"name": "旧名单", "hidden": True, "fits": True, "problem": "", "read": False}
    chosen = run_import(kind="persons", path=path, dry_run=False, sheets=["旧名单"])
    assert chosen.created == 1 and Person.objects.filter(name="乙").exists()
    assert not Person.objects.filter(name="甲").exists()
    every = run_import(kind="persons", path=path, dry_run=True, all_sheets=True)
    assert every.rows == 2 and every.batch.sheets == ["名单", "旧名单"]


def test_when_only_a_hidden_sheet_fits_the_check_says_so_and_offers_it(
    client_for, personas, tmp_path
) -> None:  # noqa: ANN001
    path = workbook(
        tmp_path / "名单.xlsx",
        {"说明": [["请按模板填写"]], "数据": [HEADER, person("甲", 631)]},
        hidden=("数据",),
    )
    client = client_for("district")
    url = client.post(
        "/imports/new/",
        {"kind": "persons", "file": SimpleUploadedFile("名单.xlsx", path.read_bytes())},
    ).url
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and "隐藏的工作表“数据”" in batch.message
    page = client.get(url).content.decode()
    assert "只读取“数据”（隐藏的工作表）" in page
    again = client.post(f"{url}recheck/", {"sheet": "数据"})
    rechecked = ImportBatch.objects.get(pk=again.url.split("/")[2])
    assert rechecked.status == ImportBatch.Status.VALIDATED and rechecked.valid_rows == 1


def test_the_choice_of_one_sheet_is_kept_through_the_confirmation(client_for, tmp_path) -> None:  # noqa: ANN001
    path = workbook(
        tmp_path / "两镇.xlsx",
        {"东城": [HEADER, person("东一", 641)], "西城": [HEADER, person("西一", 642)]},
    )
    client = client_for("district")
    url = client.post(
        "/imports/new/",
        {"kind": "persons", "file": SimpleUploadedFile("两镇.xlsx", path.read_bytes())},
    ).url
    page = client.get(url).content.decode()
    assert "<legend" in page and "全部 2 个工作表：东城、西城（默认）" in page
    assert ImportBatch.objects.get().total_rows == 2
    chosen = client.post(f"{url}recheck/", {"sheet": "西城"}).url
    checked = ImportBatch.objects.get(pk=chosen.split("/")[2])
    assert checked.sheets == ["西城"] and checked.total_rows == 1
    assert re.search(r'value="西城"[^>]*checked', client.get(chosen).content.decode())
    committed_url = client.post(chosen, {}).url
    committed = ImportBatch.objects.get(pk=committed_url.split("/")[2])
    assert committed.sheets == ["西城"] and committed.created == 1 and not committed.dry_run
    assert Person.objects.filter(name="西一").exists()
    assert not Person.objects.filter(name="东一").exists()


def test_a_retry_reads_the_sheets_and_rows_the_batch_chose(reference, personas, tmp_path) -> None:  # noqa: ANN001
    from django.core.files import File

    path = workbook(
        tmp_path / "两镇.xlsx",
        {"东城": [HEADER, person("东一", 651)], "西城": [HEADER, person("西一", 652)]},
    )
    with open(path, "rb") as handle:
        batch = importing.batch_start(
            kind="persons",
            upload=File(handle, name="两镇.xlsx"),
            by=personas["district"],
            sheets=["东城"],
            skip_hidden_rows=True,
            queue=False,
        )
    # As if its worker had died.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED)
    batch.refresh_from_db()
    retried = importing.batch_retry(batch=batch, by=personas["district"], queue=False)
    assert retried.sheets == ["东城"] and retried.skip_hidden_rows and retried.total_rows == 1


def hidden_rows_workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(HEADER)
    for i in range(5):
        sheet.append(person(f"行{i}", seq=660 + i))
    sheet.row_dimensions[3].hidden = True
    sheet.row_dimensions[5].hidden = True
    sheet.row_dimensions[9].hidden = True  # an empty hidden row is no row of data
    book.save(path)
    return path


def test_hidden_rows_are_reported_and_imported_like_the_others(reference, tmp_path) -> None:  # noqa: ANN001
    path = hidden_rows_workbook(tmp_path / "名单.xlsx")
    result = run_import(kind="persons", path=path, dry_run=False)
    assert (result.rows, result.created, result.skipped) == (5, 5, 0)
    assert result.batch.sheet_report["hidden_rows"] == 2
    assert result.batch.sheet_report["hidden_at"] == [["名单", 3], ["名单", 5]]
    assert counts_add_up(result)


def test_hidden_rows_are_skipped_and_counted_when_asked(reference, tmp_path) -> None:  # noqa: ANN001
    path = hidden_rows_workbook(tmp_path / "名单.xlsx")
    result = run_import(kind="persons", path=path, dry_run=False, skip_hidden_rows=True)
    assert (result.rows, result.created, result.skipped) == (5, 3, 2)
    assert counts_add_up(result) and result.batch.skipped == 2
    assert not Person.objects.filter(name__in=["行1", "行3"]).exists()
    assert "skipped 2" in result.summary


def test_hidden_rows_are_found_where_rows_do_not_name_their_place(tmp_path) -> None:  # noqa: ANN001
    cell = '<c t="inlineStr"><is><t>x</t></is></c>'
    rows = f'<row>{cell}</row><row>{cell}</row><row hidden="1">{cell}</row><row>{cell}</row>'
    with open_tables(raw_xlsx(tmp_path / "n.xlsx", rows)) as tables:
        assert tables[0].hidden_rows == {3}
    placed = raw_xlsx(
        tmp_path / "p.xlsx",
        f'<row r="1">{text_cell("A1", "x")}</row>'
        f"<row r='2' hidden='true'>{text_cell('A2', 'x')}</row>"
        f'<row r="3">{text_cell("A3", "x")}</row>',
    )
    with open_tables(placed) as tables:
        assert tables[0].hidden_rows == {2} and tables[0].sheet == "名单"


def test_the_same_person_in_two_sheets_names_the_sheet_of_the_first(reference, tmp_path) -> None:  # noqa: ANN001
    path = workbook(
        tmp_path / "两镇.xlsx",
        {"东城": [HEADER, person("甲", 671)], "西城": [HEADER, person("甲", 671)]},
    )
    result = run_import(kind="persons", path=path, dry_run=True)
    [error] = result.errors
    assert error["sheet"] == "西城" and "工作表“东城”" in error["text"]


def test_a_csv_file_says_nothing_about_sheets(client_for, tmp_path) -> None:  # noqa: ANN001
    text = ",".join(HEADER) + "\n" + ",".join(person("甲", 681)) + "\n"
    client = client_for("district")
    url = client.post(
        "/imports/new/",
        {"kind": "persons", "file": SimpleUploadedFile("名单.csv", text.encode())},
    ).url
    assert ImportBatch.objects.get().sheet_report == {}
    assert "工作表" not in client.get(url).content.decode()


def test_a_sheet_that_is_not_in_the_file_is_refused_by_name(reference, tmp_path) -> None:  # noqa: ANN001
    path = workbook(tmp_path / "名单.xlsx", {"名单": [HEADER, person("甲", 691)]})
    result = run_import(kind="persons", path=path, dry_run=True, sheets=["北城"])
    assert "没有名为“北城”的工作表" in result.message and "“名单”" in result.message


def test_a_chart_sheet_is_no_table_and_does_not_break_the_reading(tmp_path) -> None:  # noqa: ANN001
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(person("甲", 692))
    chart = BarChart()
    chart.add_data(Reference(book.active, min_col=3, min_row=1, max_row=2))
    book.create_chartsheet("图表").add_chart(chart)
    book.save(tmp_path / "c.xlsx")
    with open_tables(tmp_path / "c.xlsx") as tables:
        assert [t.sheet for t in tables] == ["Sheet"]


def test_the_command_line_reads_the_sheets_it_is_told(reference, tmp_path, capsys) -> None:  # noqa: ANN001
    path = towns_workbook(tmp_path / "各镇街.xlsx")
    with pytest.raises(SystemExit):
        call_command("import_file", "persons", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "读取的工作表：东城、西城、南城" in out
    assert "工作表“西城”第5行：身份证号" in out and "不是数据表" in out
    with pytest.raises(SystemExit):  # the bad rows of both sheets
        call_command(
            "import_file",
            "persons",
            str(path),
            "--sheet",
            "西城",
            "--sheet",
            "南城",
            "--valid-only",
        )
    assert Person.objects.filter(name__startswith="西城").count() == 3
    assert not Person.objects.filter(name__startswith="东城").exists()
    with pytest.raises(SystemExit):
        call_command("import_file", "persons", str(path), "--all-sheets", "--dry-run")
    assert "读取的工作表：东城、西城、南城" in capsys.readouterr().out


def test_the_hidden_rows_are_named_on_the_command_line(reference, tmp_path, capsys) -> None:  # noqa: ANN001
    path = hidden_rows_workbook(tmp_path / "名单.xlsx")
    call_command("import_file", "persons", str(path), "--dry-run", "--skip-hidden-rows")
    out = capsys.readouterr().out
    assert "有 2 行在 Excel 中是隐藏的：第3行、第5行；已跳过 2 行" in out
    assert "skipped 2" in out


def test_open_tables_refuses_a_workbook_with_nothing_in_it(tmp_path) -> None:  # noqa: ANN001
    path = workbook(tmp_path / "空.xlsx", {"Sheet1": [], "Sheet2": []})
    with pytest.raises(ImportFileError, match="没有任何内容"), open_tables(path):
        pass


def two_towns(client, tmp_path: Path) -> str:  # noqa: ANN001
    """Upload a workbook with two town sheets as the client; the check page's address."""
    path = workbook(
        tmp_path / "两镇.xlsx",
        {"东城": [HEADER, person("东一", 701)], "西城": [HEADER, person("西一", 702)]},
    )
    return client.post(
        "/imports/new/",
        {"kind": "persons", "file": SimpleUploadedFile("两镇.xlsx", path.read_bytes())},
    ).url


def test_a_sheet_that_was_not_offered_is_refused_on_the_page(client_for, tmp_path) -> None:  # noqa: ANN001
    client = client_for("district")
    url = two_towns(client, tmp_path)
    response = client.post(f"{url}recheck/", {"sheet": "北城"})
    assert response.status_code == 200 and "提交未成功" in response.content.decode()
    assert ImportBatch.objects.count() == 1


def test_the_sheet_choice_reads_in_english(client_for, tmp_path) -> None:  # noqa: ANN001
    client = client_for("district")
    url = two_towns(client, tmp_path)
    client.cookies["django_language"] = "en"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Which worksheets to read" in page and "All 2 worksheets: 东城、西城 (default)" in page
    assert "Worksheets read" in page
