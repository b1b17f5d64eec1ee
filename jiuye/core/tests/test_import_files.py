"""Reading untrusted files: a crafted workbook is refused with a message and cannot crash the
process that reads it, in every format; a worker that dies leaves a failed, retryable batch."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from jiuye.core import importing
from jiuye.core.importing import ImportFileError, open_tables, run_import
from jiuye.core.importing.files import Table
from jiuye.core.importing.report import progress_of, report_progress
from jiuye.core.models import ImportBatch
from jiuye.core.tests.test_importing import (
    HEADER,
    person_number,
    person_row,
    write_csv,
    write_xlsx,
)
from jiuye.people.models import Person


def open_table(path: Path) -> Table:
    """The first table of a file that has anything in it, its rows read at once."""
    with open_tables(path) as tables:
        table = next(t for t in tables if t.headers)
        table.rows = iter(list(table.rows))
        return table


_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_BOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def raw_xlsx(path: Path, sheet_data: str, dimension: str = "A1") -> Path:
    """A workbook written by hand, as an attacker would."""
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _BOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def far_corner(path: Path) -> Path:  # also used by the apps' import tests
    """The 1.5 KB file with values in A1 and XFD1048576 (calamine: a 512 GiB grid)."""
    return raw_xlsx(
        path,
        f'<row r="1">{text_cell("A1", "姓名")}</row>'
        f'<row r="1048576">{text_cell("XFD1048576", "x")}</row>',
    )


def read_all(path: Path) -> list[list[str]]:
    table = open_table(path)
    return [table.headers, *(cells for _n, cells in table.rows)]


def test_a_value_in_the_far_corner_is_refused_before_it_is_read(tmp_path) -> None:  # noqa: ANN001
    path = far_corner(tmp_path / "corner.xlsx")
    assert path.stat().st_size < 2000
    with pytest.raises(ImportFileError) as caught:
        open_table(path)
    message = str(caught.value)
    assert "表格太大" in message and "1048576" in message and "200000行、200列" in message


def test_a_declared_dimension_beyond_the_limits_is_refused(tmp_path) -> None:  # noqa: ANN001
    path = raw_xlsx(
        tmp_path / "d.xlsx", f'<row r="1">{text_cell("A1", "姓名")}</row>', "A1:A300000"
    )
    with pytest.raises(ImportFileError, match="表格太大"):
        open_table(path)


def test_cells_that_do_not_name_their_place_are_counted_one_by_one(tmp_path, settings) -> None:  # noqa: ANN001
    settings.JIUYE_IMPORT_MAX_COLUMNS = 5
    cells = "".join(f'<c t="inlineStr"><is><t>{i}</t></is></c>' for i in range(6))
    with pytest.raises(ImportFileError, match="表格太大"):
        open_table(raw_xlsx(tmp_path / "n.xlsx", f"<row>{cells}</row>"))
    settings.JIUYE_IMPORT_MAX_COLUMNS = 6
    assert read_all(raw_xlsx(tmp_path / "m.xlsx", f"<row>{cells}</row>")) == [
        ["0", "1", "2", "3", "4", "5"]
    ]


def test_cells_with_only_a_style_far_away_do_not_count(tmp_path) -> None:  # noqa: ANN001
    path = raw_xlsx(
        tmp_path / "s.xlsx",
        f'<row r="1">{text_cell("A1", "姓名")}</row><row r="900000"><c r="XFD900000" s="1"/></row>',
    )
    assert read_all(path) == [["姓名"]]


def test_a_zip_bomb_is_refused_by_its_uncompressed_size(tmp_path, settings) -> None:  # noqa: ANN001
    settings.JIUYE_IMPORT_MAX_UNCOMPRESSED_MB = 1
    rows = "".join(f'<row r="{i}">{text_cell(f"A{i}", "x" * 200)}</row>' for i in range(1, 8000))
    path = raw_xlsx(tmp_path / "bomb.xlsx", rows)
    assert path.stat().st_size < 100_000
    with pytest.raises(ImportFileError, match="解压后超过1 MB"):
        open_table(path)


def test_a_reader_that_crashes_ends_in_a_message_not_a_dead_process(tmp_path, settings) -> None:  # noqa: ANN001
    # Limits raised past what the checks refuse: calamine itself tries to allocate 512 GiB
    # and aborts. Only the reader process dies; this one reports it.
    settings.JIUYE_IMPORT_MAX_ROWS = 2_000_000
    settings.JIUYE_IMPORT_MAX_COLUMNS = 20_000
    settings.JIUYE_IMPORT_MAX_CELLS = 10**12
    with pytest.raises(ImportFileError, match="超出了允许的内存或时间"):
        open_table(far_corner(tmp_path / "corner.xlsx"))


def test_a_normal_workbook_reads_with_excel_row_numbers_and_types(tmp_path) -> None:  # noqa: ANN001
    book = Workbook()
    sheet = book.active
    sheet["B3"], sheet["C3"] = "姓名", "日期"
    sheet["B4"], sheet["C4"] = "张三", "2024-01-02"
    sheet["B5"], sheet["C5"] = 0, 12.5
    book.save(tmp_path / "o.xlsx")
    table = open_table(tmp_path / "o.xlsx")
    assert table.headers == ["", "姓名", "日期"]
    assert list(table.rows) == [(4, ["", "张三", "2024-01-02"]), (5, ["", "0", "12.5"])]


def test_a_broken_workbook_is_called_damaged(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "b.xlsx"
    path.write_bytes(far_corner(tmp_path / "c.xlsx").read_bytes()[:900])
    with pytest.raises(ImportFileError, match="损坏"):
        open_table(path)


def ods(path: Path, rows: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            "</manifest:manifest>",
        )
        book.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def ods_row(cells: str, repeat: int = 1) -> str:
    return f'<table:table-row table:number-rows-repeated="{repeat}">{cells}</table:table-row>'


def ods_cell(text: str, repeat: int = 1) -> str:
    return (
        f'<table:table-cell table:number-columns-repeated="{repeat}" office:value-type="string">'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def test_an_ods_file_is_read_and_its_size_checked_after_reading(tmp_path, settings) -> None:  # noqa: ANN001
    path = ods(tmp_path / "a.ods", ods_row(ods_cell("姓名") + ods_cell("电话")))
    assert read_all(path) == [["姓名", "电话"]]
    settings.JIUYE_IMPORT_MAX_COLUMNS = 10
    wide = ods(tmp_path / "w.ods", ods_row(ods_cell("x", repeat=11)))
    with pytest.raises(ImportFileError, match="表格太大"):
        open_table(wide)
    settings.JIUYE_IMPORT_MAX_COLUMNS = 200
    settings.JIUYE_IMPORT_MAX_UNCOMPRESSED_MB = 1
    big = ods(tmp_path / "b.ods", ods_row(ods_cell("x" * 2000)) * 600)
    with pytest.raises(ImportFileError, match="解压后超过"):
        open_table(big)


def test_a_csv_beyond_the_row_or_column_limit_is_refused(tmp_path, settings) -> None:  # noqa: ANN001
    settings.JIUYE_IMPORT_MAX_ROWS = 3
    settings.JIUYE_IMPORT_MAX_COLUMNS = 9
    path = write_csv(tmp_path / "a.csv", [person_row(1), person_row(2)])
    assert len(read_all(path)) == 3
    with pytest.raises(ImportFileError, match="表格太大"):
        read_all(write_csv(tmp_path / "b.csv", [person_row(i) for i in range(1, 4)]))
    with pytest.raises(ImportFileError, match="表格太大"):
        read_all(write_csv(tmp_path / "c.csv", [], header=[*HEADER, "备注"]))


def test_an_xls_file_is_read_through_the_same_reader(tmp_path) -> None:  # noqa: ANN001
    # An OLE container that is no workbook: the reader process says so; nothing else breaks.
    path = tmp_path / "a.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    with pytest.raises(ImportFileError, match="损坏"):
        open_table(path)


def test_the_far_corner_file_fails_its_batch_with_the_message(reference, tmp_path) -> None:  # noqa: ANN001
    result = run_import(kind="persons", path=far_corner(tmp_path / "c.xlsx"), dry_run=True)
    assert result.batch.status == ImportBatch.Status.FAILED
    assert "表格太大" in result.batch.message


def _stale_running_batch(tmp_path: Path, user) -> ImportBatch:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = write_xlsx(tmp_path / "p.xlsx", [person_row(1)]).read_bytes()
    batch = importing.batch_start(
        kind="persons", upload=SimpleUploadedFile("p.xlsx", content), by=user, queue=False
    )
    # As a worker leaves it when it is killed mid-run: running, last heard of long ago.
    batch.status = ImportBatch.Status.RUNNING
    batch.finished_at = None
    batch.save()
    report_progress(batch.pk, 0, "running")
    return batch


def test_a_batch_whose_worker_died_ends_failed_and_can_be_run_again(
    client_for, personas, tmp_path, settings, monkeypatch
) -> None:  # noqa: ANN001
    client = client_for("district")
    batch = _stale_running_batch(tmp_path, personas["district"])
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "处理中" in page or "正在处理" in page  # a live worker reported just now
    later = time.time() + settings.JIUYE_IMPORT_STALE_MINUTES * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and "处理中断" in batch.message
    assert "处理中断" in page and "重新运行" in page
    assert progress_of(batch.pk)["phase"] == "done"
    response = client.post(f"/imports/{batch.pk}/retry/")
    retried = ImportBatch.objects.exclude(pk=batch.pk).get(original_name="p.xlsx")
    assert response.url == f"/imports/{retried.pk}/"
    assert retried.status == ImportBatch.Status.VALIDATED and retried.created == 1
    assert not Person.objects.filter(name="测试1").exists()  # a check: still nothing written


def test_a_worker_starting_a_batch_fails_the_batches_of_dead_workers(
    personas, tmp_path, settings, monkeypatch
) -> None:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    stale = _stale_running_batch(tmp_path, personas["district"])
    later = time.time() + settings.JIUYE_IMPORT_STALE_MINUTES * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    content = write_csv(tmp_path / "q.csv", [person_row(2)]).read_bytes()
    importing.batch_start(
        kind="persons",
        upload=SimpleUploadedFile("q.csv", content),
        by=personas["district"],
        queue=False,
    )
    stale.refresh_from_db()
    assert stale.status == ImportBatch.Status.FAILED


def test_a_batch_refused_for_its_rows_is_not_offered_again(reference, tmp_path) -> None:  # noqa: ANN001
    result = run_import(
        kind="persons", path=write_csv(tmp_path / "a.csv", [person_row(1, 姓名="")]), dry_run=False
    )
    assert result.batch.status == ImportBatch.Status.FAILED
    assert not importing.batch_can_retry(result.batch)
    with pytest.raises(ImportFileError):
        importing.batch_retry(batch=result.batch, by=None)


# --- what a file does to its cells ----------------------------------------------------------


def test_every_id_and_certificate_column_of_every_kind_must_be_text() -> None:
    found = 0
    for kind in importing.kinds():
        for column in kind.columns:
            if "身份证" in column.header or "证号" in column.header:
                assert column.text_only, (kind.name, column.header)
                found += 1
    assert found >= 6


def test_an_id_in_a_number_cell_is_refused_on_every_row_and_never_read(reference, tmp_path) -> None:  # noqa: ANN001
    rows = [person_row(i) for i in range(1, 30) if person_number(i).isdigit()][:3]
    rows[0][1] = int(rows[0][1])  # an exact integer, as export tools write it
    rows[1][1] = float(rows[1][1])  # what Excel keeps of a number typed into a cell
    rows[2][2] = int(rows[2][2])  # a certificate number
    result = run_import(kind="persons", path=write_xlsx(tmp_path / "n.xlsx", rows), dry_run=True)
    assert result.invalid == 3, result.errors
    for error in result.errors:
        (cell,) = error["errors"]
        assert cell["column"] in ("身份证号", "残疾人证号")
        assert "请把该列设为文本格式后重新填写" in cell["message"]
    scientific = write_csv(tmp_path / "s.csv", [person_row(4, 身份证号="1.10101E+17")])
    (error,) = run_import(kind="persons", path=scientific, dry_run=True).errors
    assert "请把该列设为文本格式后重新填写" in error["text"]


def test_a_zero_width_space_or_an_excel_text_formula_around_an_id_is_dropped(
    reference, tmp_path
) -> None:  # noqa: ANN001
    one = person_row(1)
    one[1] = "\u200b" + one[1] + "\u200b"
    result = run_import(kind="persons", path=write_xlsx(tmp_path / "z.xlsx", [one]), dry_run=True)
    assert (result.valid, result.invalid) == (1, 0), result.errors
    # ="…" is how an export keeps Excel from turning a number into a number (in a CSV file;
    # in a workbook it is a formula, whose saved result is read).
    rows = [
        person_row(2, 身份证号=f'="{person_number(2)}"'),
        person_row(3, 身份证号=f"{person_number(3)}\u200b"),
    ]
    result = run_import(kind="persons", path=write_csv(tmp_path / "z.csv", rows), dry_run=True)
    assert (result.valid, result.invalid) == (2, 0), result.errors


def test_unicode_text_saved_by_excel_is_read(reference, tmp_path) -> None:  # noqa: ANN001
    # Excel's "Unicode 文本": UTF-16 with a byte-order mark, tab-separated.
    lines = ["\t".join(HEADER), "\t".join(person_row(1)), "\t".join(person_row(2))]
    path = tmp_path / "u.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    result = run_import(kind="persons", path=path, dry_run=True)
    assert (result.valid, result.invalid) == (2, 0), result.message
    # Without the mark, too.
    path.write_bytes("\r\n".join(lines).encode("utf-16-le"))
    assert run_import(kind="persons", path=path, dry_run=True).valid == 2


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("<html><body><table><tr><td>姓名</td></tr></table></body></html>", "网页"),
        ('\ufeff<table border="1"><tr><td>姓名</td></tr></table>', "网页"),
        ("MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n<html>", "网页"),
        (
            '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:'
            'spreadsheet"><Worksheet/></Workbook>',
            "XML 电子表格",
        ),
    ],
)
def test_a_web_page_saved_as_xls_is_named_as_such(tmp_path, start: str, expected: str) -> None:  # noqa: ANN001
    path = tmp_path / "导出.xls"
    path.write_text(start, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        open_table(path)
    assert expected in str(caught.value) and ".xlsx" in str(caught.value)
    assert "缺少必填列" not in str(caught.value)


def test_the_reader_messages_are_in_english_in_english_mode(tmp_path) -> None:  # noqa: ANN001
    from django.utils import translation

    with translation.override("en"), pytest.raises(ImportFileError, match="too large"):
        open_table(far_corner(tmp_path / "c.xlsx"))
    page = tmp_path / "p.xls"
    page.write_text("<html><table></table></html>")
    with translation.override("en"), pytest.raises(ImportFileError, match="web page"):
        open_table(page)


# --- where the header is, and what it names -------------------------------------------------


def test_a_title_above_the_header_and_notes_in_brackets_are_understood(reference, tmp_path) -> None:  # noqa: ANN001
    book = Workbook()
    sheet = book.active
    sheet.append(["2025年残疾人基本信息登记表"])
    sheet.append(["填报单位：东城街道", "", "填报日期：2025-03-01"])
    header = list(HEADER)
    header[0], header[1], header[2] = "姓名（必填）", "身份证号（18位）", "残疾人证号【20位】"
    sheet.append(header)
    sheet.append(person_row(1))
    sheet.append(person_row(2, 残疾类别="9"))
    book.save(tmp_path / "t.xlsx")
    result = run_import(kind="persons", path=tmp_path / "t.xlsx", dry_run=True)
    assert (result.valid, result.invalid) == (1, 1), result.message
    assert result.errors[0]["row"] == 5  # Excel's row number
    assert result.errors[0]["errors"][0]["column"] == "残疾类别"


def test_without_a_header_in_the_first_rows_the_likeliest_row_is_named(reference, tmp_path) -> None:  # noqa: ANN001
    rows = [["登记表"], ["说明：请勿改动表头"], ["姓名", "联系电话"], ["张三", "13800000000"]]
    result = run_import(
        kind="persons", path=write_xlsx(tmp_path / "h.xlsx", rows[1:], rows[0]), dry_run=True
    )
    assert result.batch.status == ImportBatch.Status.FAILED
    assert "表头（第3行）缺少必填列" in result.message and "身份证号" in result.message


def test_every_kind_s_header_names_stay_distinct_once_notes_are_dropped() -> None:
    from jiuye.core.importing import normalise_header

    for kind in importing.kinds():
        owners: dict[str, str] = {}
        for column in kind.columns:
            for name in column.names():
                owner = owners.setdefault(normalise_header(name), column.key)
                assert owner == column.key, (kind.name, name)


def test_the_check_lists_every_column_it_does_not_read(reference, tmp_path) -> None:  # noqa: ANN001
    header = [*HEADER, "手机号码", "家庭地址", ""]
    rows = [[*person_row(1), "13900000000", "幸福路1号", ""]]
    result = run_import(
        kind="persons", path=write_xlsx(tmp_path / "i.xlsx", rows, header), dry_run=True
    )
    assert result.valid == 1
    assert "没有读取：手机号码、家庭地址。" in result.batch.message
    plain = run_import(
        kind="persons", path=write_xlsx(tmp_path / "p.xlsx", [person_row(2)]), dry_run=True
    )
    assert plain.batch.message == ""


def test_a_short_file_ending_in_half_a_character_is_refused_with_a_message(tmp_path) -> None:  # noqa: ANN001
    """The encoding is told from the head, where a character cut at the end is allowed; a
    file that is only that head is not readable text (found by schemathesis: was a 500)."""
    path = tmp_path / "file"
    path.write_bytes("姓名,身份证号\n张三,".encode("gb18030") + b"\x81")
    with pytest.raises(ImportFileError, match="文字编码"), open_tables(path) as tables:
        for table in tables:
            list(table.rows)
