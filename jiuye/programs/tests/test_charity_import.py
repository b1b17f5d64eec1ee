"""The ``organizations`` and ``charity_projects`` import kinds: a valid file creates and a
re-import changes nothing, every bad row is named in a dry run that writes nothing, a town
officer imports only their town's records, and an export imports back unchanged."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import TOWN_A, TOWN_B, make_uscc
from jiuye.core.importing import batch_rollback, get_kind, run_import, template_xlsx, write_export
from jiuye.core.models import ImportBatch
from jiuye.core.tests.imports import errors_of, row_of, write_csv
from jiuye.programs.models.charity import CharityProject, Organization, OrganizationStatus
from jiuye.programs.tests import charity_fixtures as fx

pytestmark = pytest.mark.django_db

ORG_HEADER = [
    "组织名称",
    "组织类型",
    "统一社会信用代码",
    "所在地代码",
    "联系人",
    "联系电话",
    "状态",
]
ORG = {
    "组织名称": "示范区聋人协会",
    "组织类型": "聋协",
    "统一社会信用代码": make_uscc("51440199MA5CHAR12"),
    "所在地代码": TOWN_A,
    "联系人": "王五",
    "联系电话": "138 0013 8000",
    "状态": "",
}
PROJECT_HEADER = [
    "项目名称",
    "类别",
    "主办组织",
    "主办部门",
    "资金",
    "开始日期",
    "结束日期",
    "所属地区代码",
]
PROJECT = {
    "项目名称": "助残就业公益创投项目",
    "类别": "项目",
    "主办组织": "东城盲人协会",
    "主办部门": "",
    "资金": "50,000元",
    "开始日期": "2025-03-01",
    "结束日期": "2025/6/30",
    "所属地区代码": TOWN_A,
}


def _import(tmp_path, kind, header, rows, by, dry_run=False):  # noqa: ANN001, ANN202
    path = write_csv(tmp_path / f"{kind}.csv", header, rows)
    return run_import(kind=kind, path=path, dry_run=dry_run, by=by)


def test_organizations_import_once_and_a_re_import_changes_nothing(tmp_path, personas) -> None:  # noqa: ANN001
    rows = [row_of(ORG_HEADER, ORG)]
    result = _import(tmp_path, "organizations", ORG_HEADER, rows, personas["town_a"])
    assert (result.created, result.invalid) == (1, 0), result.errors
    saved = Organization.objects.get()
    assert saved.kind == "deaf" and saved.status == OrganizationStatus.ACTIVE
    assert saved.contact_phone == "13800138000"
    again = _import(tmp_path, "organizations", ORG_HEADER, rows, personas["town_a"])
    assert (again.unchanged, again.created, again.updated) == (1, 0, 0)


def test_bad_organization_rows_are_named_and_nothing_is_written(tmp_path, personas) -> None:  # noqa: ANN001
    code = ORG["统一社会信用代码"]
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    rows = [
        row_of(ORG_HEADER, ORG, 组织类型="读书会"),
        row_of(ORG_HEADER, ORG, 组织名称="二", 统一社会信用代码=wrong),
        row_of(ORG_HEADER, ORG, 组织名称="三", 所在地代码="123"),
        row_of(ORG_HEADER, ORG, 组织名称="四", 状态="解散"),
        row_of(ORG_HEADER, ORG, 组织名称="五", 所在地代码=TOWN_B),
    ]
    result = _import(tmp_path, "organizations", ORG_HEADER, rows, personas["town_a"], dry_run=True)
    errors = errors_of(result)
    assert sorted((r, c) for r, c, _m in errors) == [
        (2, "组织类型"),
        (3, "统一社会信用代码"),
        (4, "所在地代码"),
        (5, "状态"),
        (6, "所在地代码"),
    ]
    messages = {r: m for r, _c, m in errors}
    assert "校验码不对" in messages[3] and "只能导入位于您负责的镇街的记录" in messages[6]
    assert not Organization.objects.exists()


def test_charity_projects_import_with_an_organization_or_a_department(tmp_path, personas) -> None:  # noqa: ANN001
    fx.organization()
    rows = [
        row_of(PROJECT_HEADER, PROJECT),
        row_of(
            PROJECT_HEADER,
            PROJECT,
            项目名称="就业援助月活动",
            类别="活动",
            主办组织="",
            主办部门="区人社局",
        ),
    ]
    result = _import(tmp_path, "charity_projects", PROJECT_HEADER, rows, personas["district"])
    assert (result.created, result.invalid) == (2, 0), result.errors
    assert CharityProject.objects.get(name="就业援助月活动").organiser_department_id == "rsj"
    again = _import(tmp_path, "charity_projects", PROJECT_HEADER, rows, personas["district"])
    assert (again.unchanged, again.created) == (2, 0)
    batch = ImportBatch.objects.filter(kind="charity_projects").order_by("created_at").first()
    batch_rollback(batch=batch, by=None)
    assert not CharityProject.objects.exists()


def test_bad_charity_project_rows_are_named(tmp_path, personas) -> None:  # noqa: ANN001
    fx.organization()
    rows = [
        row_of(PROJECT_HEADER, PROJECT, 主办组织=""),
        row_of(PROJECT_HEADER, PROJECT, 项目名称="二", 主办部门="区人社局"),
        row_of(PROJECT_HEADER, PROJECT, 项目名称="三", 结束日期="2025-01-01"),
        row_of(PROJECT_HEADER, PROJECT, 项目名称="四", 主办组织="不存在的协会"),
        row_of(PROJECT_HEADER, PROJECT, 项目名称="五", 资金="很多"),
    ]
    result = _import(
        tmp_path, "charity_projects", PROJECT_HEADER, rows, personas["district"], dry_run=True
    )
    assert sorted((r, c) for r, c, _m in errors_of(result)) == [
        (2, "主办组织"),
        (3, "主办部门"),
        (4, "结束日期"),
        (5, "主办组织"),
        (6, "资金"),
    ]
    assert not CharityProject.objects.exists()


def test_an_exported_file_of_each_kind_imports_back_unchanged(tmp_path, personas) -> None:  # noqa: ANN001
    fx.organization(
        uscc=make_uscc("51440199MA5CHAR12"), contact_phone="13800138000", note="两行\n说明"
    )
    fx.project(funding_amount=Decimal("1234.50"), funding_source="福彩公益金")
    for name in ("organizations", "charity_projects"):
        kind = get_kind(name)
        path = tmp_path / f"{name}.xlsx"
        assert write_export(kind, kind.export_queryset({}), path, reveal=False) == 1
        result = run_import(kind=name, path=path, dry_run=False, by=personas["district"])
        assert (result.unchanged, result.invalid) == (1, 0), result.errors


def test_each_kind_has_a_template_with_its_required_columns_first() -> None:
    for name, first in (("organizations", "组织名称*"), ("charity_projects", "项目名称*")):
        book = load_workbook(io.BytesIO(template_xlsx(get_kind(name))))
        assert next(book.active.values)[0] == first
