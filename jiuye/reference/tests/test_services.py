from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from jiuye.reference.models import (
    Department,
    DisabilityCategory,
    DisabilityGrade,
    QuotaPolicy,
    Region,
    WorkingAgeRule,
)
from jiuye.reference.services import ReferenceDataError, reference_load, regions_load


def test_loading_reference_data_again_changes_nothing(reference) -> None:  # noqa: ANN001
    # The reference data loaded once: the test database's own, or loaded again after a
    # transactional test that ran before on this worker emptied it (conftest).
    total = Region.objects.count() + Department.objects.count()
    total += DisabilityCategory.objects.count() + DisabilityGrade.objects.count()
    total += WorkingAgeRule.objects.count() + QuotaPolicy.objects.count()
    again = reference_load()
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == total == 120


def test_the_demo_district_has_ten_towns_and_sixty_villages(db) -> None:  # noqa: ANN001
    reference_load()
    assert Region.objects.filter(level=Region.Level.TOWN).count() == 10
    assert Region.objects.filter(level=Region.Level.VILLAGE).count() == 60
    village = Region.objects.get(code="440199003201")
    assert village.parent_id == "440199003000"
    assert village.town_code() == "440199003000"
    assert Region.objects.filter(code__startswith="440199003").count() == 7


def test_departments_of_the_plan_and_every_town_are_loaded(db) -> None:  # noqa: ANN001
    reference_load()
    names = set(Department.objects.values_list("name", flat=True))
    for name in [
        "区委组织部",
        "区人力资源和社会保障局",
        "区委编办",
        "区残联",
        "区国资局",
        "区工业和信息化局",
        "区民政局",
        "区工商联",
        "区商务局",
        "区农业农村局",
        "区财政局",
        "区文化旅游广电局",
        "区教育局",
        "区卫健局",
    ]:
        assert name in names
    assert Department.objects.filter(kind="town").count() == 10
    assert "人社局" in Department.objects.get(code="rsj").alias_list()


def test_categories_and_grades_follow_the_national_standard(db) -> None:  # noqa: ANN001
    reference_load()
    assert list(DisabilityCategory.objects.values_list("name", flat=True)) == [
        "视力残疾",
        "听力残疾",
        "言语残疾",
        "肢体残疾",
        "智力残疾",
        "精神残疾",
        "多重残疾",
    ]
    assert DisabilityGrade.objects.count() == 4


def test_a_renamed_region_is_updated_in_place(db, tmp_path: Path) -> None:  # noqa: ANN001
    reference_load()
    csv = tmp_path / "r.csv"
    csv.write_text("code,name\n440199001000,东城街道（更名）\n", encoding="utf-8")
    result = regions_load(path=csv)
    assert result.updated == 1
    assert Region.objects.get(code="440199001000").name == "东城街道（更名）"


def test_a_gbk_region_file_is_read(db, tmp_path: Path) -> None:  # noqa: ANN001
    csv = tmp_path / "r.csv"
    csv.write_bytes("code,name\n110000000000,北京市\n".encode("gbk"))
    regions_load(path=csv)
    assert Region.objects.get(code="110000000000").name == "北京市"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name\n44019900100,短代码\n", "第2行：区划代码“44019900100”应为12位数字"),
        ("code,name\n440199099001,孤儿村\n", "上级区划440199099000不存在"),
        ("code,title\n110000000000,北京市\n", "缺少列：name"),
        ("code,name\n110000000000,\n", "名称不能为空"),
        ("code,name\n110000000000,北京市\n110000000000,北京\n", "与第2行重复"),
    ],
)
def test_a_bad_region_file_names_the_row_and_loads_nothing(
    db, tmp_path: Path, content, message
) -> None:  # noqa: ANN001
    csv = tmp_path / "bad.csv"
    csv.write_text(content, encoding="utf-8")
    before = Region.objects.count()
    with pytest.raises(ReferenceDataError, match=message):
        regions_load(path=csv)
    assert Region.objects.count() == before


def test_the_command_reports_a_bad_file_as_an_error(db, tmp_path: Path) -> None:  # noqa: ANN001
    from django.core.management.base import CommandError

    csv = tmp_path / "bad.csv"
    csv.write_bytes(b"\xff\xfe\x00garbage")
    before = Region.objects.count()
    with pytest.raises(CommandError, match="UTF-8 或 GBK"):
        call_command("load_reference", regions=csv)
    assert Region.objects.count() == before
