"""The staff list upload on the declaration page: a dry run lists every bad row with its row
number and column, nothing is saved until every row is right, then all rows are saved at once;
the same list again changes nothing. And the kinds stay out of the general import."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from jiuye.core.importing import run_import
from jiuye.employers.importing import staff_kind
from jiuye.employers.models import Declaration
from jiuye.employers.tests.declaration_fixtures import declare, person

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in staff_kind.columns]


def _row(who, **change) -> list[str]:  # noqa: ANN001
    values = {
        "name": who.name,
        "id_number": who.id_number,
        "certificate_number": who.certificate_number,
        "contract_type": "固定期限",
        "contract_start": "2023-01-01",
        "contract_end": "2025-12-31",
        "on_establishment": "否",
        "monthly_wage": "4000",
        "insurance_months": "12",
        "dispatched": "否",
        "dispatch_agency": "",
        "counts_here": "",
    }
    values.update(change)
    return [values[c.key] for c in staff_kind.columns]


def _xlsx(rows: list[list[str]], headers: list[str] = HEADERS) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("名单.xlsx", out.getvalue())


def _upload(client, declaration: Declaration, upload: SimpleUploadedFile):  # noqa: ANN001, ANN202
    url = reverse("employers:declaration-upload", args=[declaration.pk])
    return client.post(url, {"file": upload})


def _commit(client, declaration: Declaration, batch) -> object:  # noqa: ANN001
    url = reverse("employers:declaration-upload-commit", args=[declaration.pk])
    return client.post(url, {"batch": batch.pk})


def test_a_valid_list_is_checked_then_saved_and_saving_it_again_changes_nothing(
    client_for, employer_a
) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [])
    one, two = person(11, grade=2), person(13)
    client = client_for("employer")
    checked = _upload(client, declaration, _xlsx([_row(one), _row(two)]))
    result = checked.context["upload"]
    assert (result.rows, result.created, result.errors) == (2, 2, [])
    assert declaration.employees.count() == 0  # a dry run saves nothing
    assert "保存这份名单" in checked.content.decode()
    assert _commit(client, declaration, result.batch).status_code == 302
    declaration.refresh_from_db()
    assert declaration.employees.count() == 2
    assert declaration.counted == 3  # grade 2 counts twice
    again = _upload(client, declaration, _xlsx([_row(one), _row(two)])).context["upload"]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = _upload(client, declaration, _xlsx([_row(one, monthly_wage="5000")]))
    assert changed.context["upload"].updated == 1


def test_malformed_rows_are_listed_by_row_and_nothing_is_saved(client_for, employer_a) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [])
    good, other, third = person(21), person(23), person(25)
    rows = [
        _row(good),  # row 2
        _row(third, id_number=third.id_number[:-1] + ("0" if third.id_number[-1] != "0" else "1")),
        _row(third, certificate_number=other.certificate_number),  # row 4
        _row(good),  # row 5: the same person again
        _row(other, monthly_wage="-100"),  # row 6
    ]
    client = client_for("employer")
    response = _upload(client, declaration, _xlsx(rows))
    result = response.context["upload"]
    by_row = {e["row"]: e["text"] for e in result.errors}
    assert set(by_row) == {3, 4, 5, 6}
    assert "身份证号" in by_row[3]
    assert "残疾人证号" in by_row[4]
    assert "与第2行重复" in by_row[5]
    assert "月工资" in by_row[6] and "负数" in by_row[6]
    html = response.content.decode()
    assert "第3行" in html and "名单没有保存任何一行" in html
    assert "保存这份名单" not in html
    assert third.id_number not in html  # values in messages are masked
    assert declaration.employees.count() == 0
    # A failed check cannot be committed.
    assert _commit(client, declaration, result.batch).status_code == 302
    assert declaration.employees.count() == 0


def test_a_file_that_is_not_a_list_gets_a_clear_message(client_for, employer_a) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [])
    client = client_for("employer")
    broken = _upload(client, declaration, SimpleUploadedFile("a.xlsx", b"PK\x03\x04broken"))
    assert "已损坏" in str(broken.context["form"].errors["file"])
    missing = _upload(client, declaration, _xlsx([["张三"]], headers=["姓名"]))
    assert "缺少必填列" in str(missing.context["form"].errors["file"])
    assert broken.status_code == missing.status_code == 200


def test_a_list_cannot_go_into_another_employers_declaration(
    client_for, employer_a, employer_b
) -> None:  # noqa: ANN001
    other = declare(employer_b, [])
    response = _upload(client_for("employer"), other, _xlsx([_row(person(31))]))
    assert response.status_code == 404


def test_the_template_downloads_with_the_columns(client_for) -> None:  # noqa: ANN001
    from openpyxl import load_workbook

    response = client_for("employer").get(reverse("employers:declaration-template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value.rstrip("*") for c in sheet[1]]
    assert headers == HEADERS


def test_the_general_import_refuses_these_kinds_with_a_message(personas, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "list.csv"
    path.write_text(",".join(HEADERS) + "\n", encoding="utf-8")
    for kind in ("declaration_staff", "quota_results"):
        result = run_import(kind=kind, path=path, dry_run=True, by=personas["district"])
        assert not result.ok
        assert result.message


def test_a_list_longer_than_the_declared_staff_is_not_saved(client_for, employer_a) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [], staff=1, wages=60000)
    client = client_for("employer")
    rows = [_row(person(41)), _row(person(43))]
    checked = _upload(client, declaration, _xlsx(rows)).context["upload"]
    if not checked.errors and checked.batch is not None:
        _commit(client, declaration, checked.batch)
    assert declaration.employees.count() == 0
    page = client.get(reverse("employers:declaration", args=[declaration.pk])).content.decode()
    shown = str(checked.errors) + page
    assert "超过了申报的在职职工人数 1 人" in shown


def test_the_same_list_with_spaces_in_the_numbers_changes_nothing(client_for, employer_a) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [])
    one = person(51)
    client = client_for("employer")
    checked = _upload(client, declaration, _xlsx([_row(one)])).context["upload"]
    _commit(client, declaration, checked.batch)
    spaced = _row(
        one,
        id_number=f"{one.id_number[:6]} {one.id_number[6:14]} {one.id_number[14:]}",
        certificate_number=f" {one.certificate_number} ",
    )
    again = _upload(client, declaration, _xlsx([spaced])).context["upload"]
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 1, [])


def test_a_crafted_workbook_is_refused_without_harming_the_web_process(
    client_for, employer_a, tmp_path
) -> None:  # noqa: ANN001
    # The list is checked in the web process: values in A1 and XFD1048576 would make the
    # reader ask for 512 GiB and abort it. The sheet is measured first and read elsewhere.
    from jiuye.core.tests.test_import_files import far_corner

    declaration = declare(employer_a, [])
    content = far_corner(tmp_path / "c.xlsx").read_bytes()
    response = _upload(client_for("employer"), declaration, SimpleUploadedFile("c.xlsx", content))
    assert "表格太大" in str(response.context["form"].errors["file"])


def test_id_and_certificate_numbers_in_number_cells_are_refused_on_every_row(
    client_for, employer_a
) -> None:  # noqa: ANN001
    declaration = declare(employer_a, [])
    one, two = person(31), person(33)
    rows = [_row(one), _row(two)]
    rows[0][1] = int(one.id_number) if one.id_number.isdigit() else float("1.1e17")
    rows[1][2] = int(two.certificate_number[:18]) * 100 + 42
    response = _upload(client_for("employer"), declaration, _xlsx(rows))
    by_row = {e["row"]: e["text"] for e in response.context["upload"].errors}
    assert "身份证号" in by_row[2] and "请把该列设为文本格式后重新填写" in by_row[2]
    assert "残疾人证号" in by_row[3] and "请把该列设为文本格式后重新填写" in by_row[3]
