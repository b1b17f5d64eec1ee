"""The ``aux_institutions``, ``aux_members``, ``labour_projects`` and ``labour_allocations``
import kinds: each export imports back unchanged, members get their employment records (and
lose them with a rollback), and a file never allocates more than a project's volume."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_id_number
from jiuye.core.importing import batch_rollback, get_kind, run_import, write_export
from jiuye.core.tests.imports import errors_of, write_csv
from jiuye.employment.models import EmploymentForm, EmploymentRecord
from jiuye.programs.models.auxiliary import (
    AuxInstitution,
    AuxMembership,
    LabourAllocation,
    LabourProject,
)
from jiuye.programs.services import auxiliary as services
from jiuye.programs.tests import auxiliary_fixtures as fx

pytestmark = pytest.mark.django_db

home_a, home_b, bead_project = fx.home_a, fx.home_b, fx.bead_project


def _round_trip(tmp_path, name: str, by) -> None:  # noqa: ANN001
    kind = get_kind(name)
    path = tmp_path / f"{name}.xlsx"
    exported = write_export(kind, kind.export_queryset({}), path, reveal=True)
    assert exported > 0
    result = run_import(kind=name, path=path, dry_run=True, by=by)
    assert result.errors == [], result.errors[:3]
    assert (result.rows, result.created, result.updated) == (exported, 0, 0)


def test_every_auxiliary_kind_exports_and_imports_back_unchanged(
    tmp_path, personas, home_a, home_b, bead_project, person_a
) -> None:  # noqa: ANN001
    fx.member(home_a, person_a, end_date=dt.date(2025, 6, 30))
    services.allocation_create(
        project=bead_project,
        institution=home_a,
        by=None,
        quantity=400,
        allocated_on=dt.date(2025, 2, 1),
    )
    services.allocation_create(
        project=bead_project,
        institution=home_b,
        by=None,
        quantity=600,
        allocated_on=dt.date(2025, 2, 1),
    )
    for name in ("aux_institutions", "aux_members", "labour_projects", "labour_allocations"):
        _round_trip(tmp_path, name, personas["district"])


def test_an_institutions_file_creates_institutions_and_a_town_keeps_to_its_own(
    tmp_path, personas
) -> None:  # noqa: ANN001
    header = ["机构名称", "机构类型", "所在地", "可容纳人数", "无障碍设施"]
    path = write_csv(
        tmp_path / "i.csv",
        header,
        [
            ["东城托养中心", "托养机构", "440199001000", "40", "无障碍通道（无台阶）"],
            ["西城阳光家园", "阳光家园", "440199002000", "20", ""],
            ["某机构", "养老院", "440199001000", "0", ""],
        ],
    )
    result = run_import(
        kind="aux_institutions", path=path, dry_run=False, by=personas["town_a"], valid_only=True
    )
    assert list(AuxInstitution.objects.values_list("name", flat=True)) == ["东城托养中心"]
    errors = errors_of(result)
    assert (3, "所在地", "只能选择您负责的镇街或村（社区）。") in errors
    assert any(row == 4 and column == "机构类型" for row, column, _m in errors)


def test_a_members_import_records_auxiliary_employment_and_its_rollback_archives_it(
    tmp_path, personas, home_a, person_a
) -> None:  # noqa: ANN001
    path = write_csv(
        tmp_path / "m.csv",
        ["机构名称", "身份证号", "进入日期", "月收入"],
        [["东城阳光家园", make_id_number(seq=101), "2025-02-01", "900"]],
    )
    result = run_import(kind="aux_members", path=path, dry_run=False, by=personas["district"])
    assert result.ok, result.message
    record = EmploymentRecord.objects.get(person=person_a)
    assert (record.form, record.monthly_wage, record.import_batch) == (
        EmploymentForm.AUXILIARY,
        900,
        result.batch,
    )
    assert AuxMembership.objects.get().employment == record
    batch_rollback(batch=result.batch, by=personas["district"])
    assert not AuxMembership.objects.exists()
    record.refresh_from_db()
    assert record.is_archived


def test_a_members_import_names_a_start_before_sixteen_in_the_dry_run(
    tmp_path, personas, home_a, person_a
) -> None:  # noqa: ANN001
    path = write_csv(
        tmp_path / "m.csv",
        ["机构名称", "身份证号", "进入日期"],
        [["东城阳光家园", make_id_number(seq=101), "2001-02-01"]],
    )
    result = run_import(kind="aux_members", path=path, dry_run=True, by=personas["district"])
    [(row, column, message)] = errors_of(result)
    assert (row, column) == (2, "进入日期")
    assert "年满16周岁" in message


def test_an_allocations_file_cannot_allocate_more_than_the_volume_over_several_rows(
    tmp_path, personas, home_a, home_b, bead_project
) -> None:  # noqa: ANN001
    services.allocation_create(
        project=bead_project,
        institution=home_a,
        by=None,
        quantity=300,
        allocated_on=dt.date(2025, 2, 1),
    )
    header = ["项目编号", "承接机构", "调配数量", "调配日期"]
    path = write_csv(
        tmp_path / "a.csv",
        header,
        [
            ["LX2025-001", "东城阳光家园", "500", "2025-02-01"],  # replaces the 300: 500 in all
            ["LX2025-001", "西城残疾人之家", "400", "2025-03-01"],  # 900
            ["LX2025-001", "西城残疾人之家", "200", "2025-04-01"],  # 1100: refused
        ],
    )
    result = run_import(kind="labour_allocations", path=path, dry_run=True, by=personas["district"])
    [(row, column, message)] = errors_of(result)
    assert (row, column) == (4, "调配数量")
    assert "已调配 900件，还可调配 100件，本次填写 200件" in message
    assert (result.created, result.updated) == (1, 1)
    committed = run_import(
        kind="labour_allocations",
        path=path,
        dry_run=False,
        by=personas["district"],
        valid_only=True,
    )
    assert committed.ok, committed.message
    assert services.allocated_total(bead_project) == 900
    assert LabourAllocation.objects.count() == 2


def test_a_projects_file_creates_projects_with_their_categories(tmp_path, personas) -> None:  # noqa: ANN001
    header = ["项目编号", "项目名称", "来源企业", "工作内容", "单价", "总量", "开始日期"]
    header += ["结束日期", "适合残疾类别", "收集地区", "入库日期"]
    row = ["P-1", "串珠", "饰品厂", "串珠子", "0.5", "2000", "2025-01-01", "2025-06-30"]
    row += ["智力、精神", "440199000000", "2025-01-02"]
    path = write_csv(tmp_path / "p.csv", header, [row])
    result = run_import(kind="labour_projects", path=path, dry_run=False, by=personas["district"])
    assert result.ok, result.message
    project = LabourProject.objects.get()
    assert (project.volume, project.unit, project.region_id) == (2000, "件", "440199000000")
    assert sorted(c.pk for c in project.suitable_categories.all()) == [5, 6]
