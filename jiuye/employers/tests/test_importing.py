"""The ``employers`` import kind: valid rows, codes failing the check, duplicates in the file,
idempotent re-imports, updates that remember their batch, rollback, and the export that imports
back unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import TOWN_A, TOWN_B, VILLAGE_A, make_uscc
from jiuye.core.importing import (
    RollbackError,
    batch_rollback,
    get_kind,
    run_import,
    template_xlsx,
    write_export,
)
from jiuye.core.models import ImportBatch
from jiuye.core.tests.imports import errors_of, row_of, write_csv
from jiuye.employers.models import Declaration, Employer
from jiuye.employers.services.registry import employer_create
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["单位名称", "信用代码", "单位类型", "行业", "所在地代码", "地址", "联系人", "联系电话",
          "集中安置单位"]  # fmt: skip
CODE_1 = make_uscc("91440199MA5EMP001")
CODE_2 = make_uscc("12440199MA5EMP002")


def row(**over: str) -> list[str]:
    values = {
        "单位名称": "东城新材料有限公司",
        "信用代码": CODE_1,
        "单位类型": "民营企业",
        "行业": "C",
        "所在地代码": VILLAGE_A,
        "地址": "建设路1号",
        "联系人": "王五",
        "联系电话": "13800138000",
        "集中安置单位": "否",
    }
    return row_of(HEADER, values, **over)


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    return write_csv(path, header, rows)


def run(path: Path, *, by=None, dry_run: bool = False):  # noqa: ANN001, ANN201
    return run_import(kind="employers", path=path, dry_run=dry_run, by=by)


def test_a_valid_file_creates_employers_with_their_batch(tmp_path, personas) -> None:  # noqa: ANN001
    path = write(
        tmp_path / "e.csv",
        [
            row(),
            row(
                单位名称="示范区卫生院",
                信用代码=CODE_2,
                单位类型="事业单位",
                行业="卫生和社会工作",
                所在地代码=TOWN_B,
                联系电话="",
                集中安置单位="是",
            ),  # fmt: skip
        ],
    )
    checked = run(path, dry_run=True, by=personas["district"])
    assert checked.ok and (checked.created, checked.invalid) == (2, 0)
    assert not Employer.objects.filter(uscc__in=[CODE_1, CODE_2]).exists()
    result = run(path, by=personas["district"])
    assert result.ok, result.errors
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    first = Employer.objects.get(uscc=CODE_1)
    assert (first.kind, first.industry, first.region_id) == ("private", "C", VILLAGE_A)
    assert first.contact_phone == "13800138000" and not first.is_concentrated
    assert first.import_batch == result.batch and first.created_by == personas["district"]
    second = Employer.objects.get(uscc=CODE_2)
    assert (second.kind, second.industry, second.is_concentrated) == ("institution", "Q", True)


def test_a_code_failing_the_check_is_a_row_error_pointing_to_the_form(tmp_path) -> None:  # noqa: ANN001
    bad = CODE_1[:17] + ("0" if CODE_1[17] != "0" else "1")
    result = run(write(tmp_path / "e.csv", [row(), row(信用代码=bad, 单位名称="乙")]))
    assert not result.ok
    ((number, column, message),) = errors_of(result)
    assert (number, column) == (3, "信用代码")
    assert f"第18位应为“{CODE_1[17]}”" in message
    assert "只能在“用人单位”页登记该单位时填写原因后保存" in message
    assert not Employer.objects.filter(uscc=CODE_1).exists()  # all or nothing


def test_a_code_already_confirmed_through_the_form_imports(tmp_path, personas) -> None:  # noqa: ANN001
    bad = CODE_1[:17] + ("0" if CODE_1[17] != "0" else "1")
    employer_create(
        by=personas["district"],
        name="乙",
        uscc=bad,
        kind="private",
        region=Region.objects.get(code=TOWN_A),
        uscc_override_reason="与执照一致",
    )
    result = run(write(tmp_path / "e.csv", [row(信用代码=bad, 单位名称="乙")]))
    assert result.ok, result.errors
    assert result.updated == 1 and Employer.objects.get(uscc=bad).region_id == VILLAGE_A


def test_bad_cells_are_named_by_column(tmp_path) -> None:  # noqa: ANN001
    path = write(
        tmp_path / "e.csv",
        [
            row(
                单位类型="外企",
                行业="Z",
                所在地代码="440199",
                联系电话="12",
                集中安置单位="也许",
                信用代码="123",
                单位名称="",
            )
        ],  # fmt: skip
    )
    found = {column: message for _n, column, message in errors_of(run(path))}
    assert found["单位名称"] == "请填写单位名称。"
    assert found["信用代码"] == "统一社会信用代码应为18位，当前为3位。"
    assert found["单位类型"].startswith("“外企”不是可选的值，可填：机关、事业单位、国有企业")
    assert found["行业"].startswith("“Z”不是可选的值")
    assert found["所在地代码"] == "所在地代码“440199”应为12位数字，如 440199001000。"
    assert found["联系电话"].startswith("联系电话应为11位手机号")
    assert found["集中安置单位"] == "应填“是”或“否”，当前为“也许”。"


def test_a_region_above_town_level_or_unknown_is_refused(tmp_path) -> None:  # noqa: ANN001
    path = write(
        tmp_path / "e.csv",
        [row(所在地代码="440199000000"), row(信用代码=CODE_2, 所在地代码="440199999000")],
    )
    messages = [m for _n, _c, m in errors_of(run(path))]
    assert messages == [
        "所在地代码 440199000000 是示范区，请填写到镇街或村（社区）一级。",
        "所在地代码 440199999000 不在本系统的行政区划中（或已停用），请核对。",
    ]


def test_duplicate_rows_in_the_file_are_errors(tmp_path) -> None:  # noqa: ANN001
    path = write(tmp_path / "e.csv", [row(), row(单位名称="重复"), row(信用代码=CODE_2)])
    result = run(path)
    assert errors_of(result) == [
        (3, "信用代码", "与第2行的统一社会信用代码相同：同一单位只能出现一次。")
    ]
    assert (result.valid, result.invalid) == (2, 1)
    assert not Employer.objects.filter(uscc__in=[CODE_1, CODE_2]).exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path, personas) -> None:  # noqa: ANN001
    path = write(tmp_path / "e.csv", [row(), row(信用代码=CODE_2, 单位名称="乙")])
    first = run(path, by=personas["district"])
    before = {e.pk: e.updated_at for e in Employer.objects.filter(import_batch=first.batch)}
    again = run(path, by=personas["district"])
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 2)
    after = {e.pk: e.updated_at for e in Employer.objects.filter(uscc__in=[CODE_1, CODE_2])}
    assert after == before
    assert set(
        Employer.objects.filter(import_batch=first.batch).values_list("pk", flat=True)
    ) == set(before)


def test_an_update_remembers_its_batch_and_rollback_restores_it(tmp_path, personas) -> None:  # noqa: ANN001
    first = run(write(tmp_path / "a.csv", [row()]), by=personas["district"])
    second = run(
        write(
            tmp_path / "b.csv",
            [
                row(单位名称="东城新材料股份有限公司", 集中安置单位="是"),
                row(信用代码=CODE_2, 单位名称="乙"),
            ],
        ),  # fmt: skip
        by=personas["district"],
    )
    assert (second.created, second.updated) == (1, 1)
    employer = Employer.objects.get(uscc=CODE_1)
    assert employer.name == "东城新材料股份有限公司" and employer.import_batch == second.batch

    batch_rollback(batch=second.batch, by=personas["district"])
    employer.refresh_from_db()
    assert employer.name == "东城新材料有限公司" and not employer.is_concentrated
    assert employer.import_batch == first.batch
    assert not Employer.objects.filter(uscc=CODE_2).exists()
    second.batch.refresh_from_db()
    assert second.batch.status == ImportBatch.Status.ROLLED_BACK


def test_rollback_is_refused_after_a_later_change_or_once_in_use(
    tmp_path, personas, client_for
) -> None:  # noqa: ANN001, E501
    result = run(write(tmp_path / "a.csv", [row(), row(信用代码=CODE_2)]), by=personas["district"])
    Declaration.objects.create(employer=Employer.objects.get(uscc=CODE_2), year=2024, wage_total=0)
    with pytest.raises(RollbackError, match="已有申报或账户"):
        batch_rollback(batch=result.batch, by=personas["district"])
    assert Employer.objects.filter(uscc=CODE_1).exists()

    other = run(write(tmp_path / "b.csv", [row(单位名称="新名字")]), by=personas["district"])
    employer = Employer.objects.get(uscc=CODE_1)
    client = client_for("district")
    url = reverse("employers:edit", args=[employer.pk])
    version = client.get(url).context["form"].initial["version"]
    data = {
        "name": "手工修改",
        "uscc": CODE_1,
        "kind": "private",
        "region": VILLAGE_A,
        "version": version,
    }
    assert client.post(url, data).status_code == 302
    with pytest.raises(RollbackError, match="之后又被修改过"):
        batch_rollback(batch=other.batch, by=personas["district"])


def test_only_district_staff_import_employers(tmp_path, personas) -> None:  # noqa: ANN001
    result = run(write(tmp_path / "e.csv", [row()]), by=personas["town_a"])
    assert not result.ok
    assert result.batch.message.startswith("只有区残联工作人员和系统管理员可以导入用人单位")
    assert not Employer.objects.filter(uscc=CODE_1).exists()


def test_the_export_imports_back_unchanged(tmp_path, employer_a, employer_b) -> None:  # noqa: ANN001
    kind = get_kind("employers")
    path = tmp_path / "out.csv"
    count = write_export(kind, kind.export_queryset({}), path, reveal=False)
    assert count == 2
    with open(path, encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == [c.header for c in kind.columns]
    result = run(path)
    assert result.ok and (result.unchanged, result.created, result.updated) == (2, 0, 0)
    assert template_xlsx(kind)[:2] == b"PK"
