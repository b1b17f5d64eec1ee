"""The ``rural_bases`` and ``monitoring_objects`` import kinds: valid files, bad rows named,
re-imports that change nothing, the town officer's scope, round trips of the exports, the
monitoring flag set and cleared, and rollback."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import VILLAGE_A, make_id_number, make_uscc
from jiuye.core.importing import batch_rollback, get_kind, run_import, write_export
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE
from jiuye.core.tests.imports import errors_of, write_csv
from jiuye.people.models import Person
from jiuye.programs.models.rural import ExchangeDirection, MonitoringExchange, RuralBase
from jiuye.programs.services import rural as services
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

BASE_HEADER = ["所在地", "名称", "类型", "产业", "统一社会信用代码", "运营主体", "带动残疾人数"]
MONITOR_HEADER = ["身份证号", "姓名", "监测对象类别", "识别监测时间", "风险消除时间"]


def base_row(**over: str) -> list[str]:
    values = {
        "所在地": "东城街道",
        "名称": "东城蔬菜种植基地",
        "类型": "就业基地",
        "产业": "种植业",
        "统一社会信用代码": "",
        "运营主体": "东城蔬菜专业合作社",
        "带动残疾人数": "12人",
    }
    values.update(over)
    return [values[h] for h in BASE_HEADER]


def test_a_bases_file_creates_bases_with_their_operator(tmp_path, personas, employer_a) -> None:  # noqa: ANN001
    rows = [base_row(), base_row(名称="东城编织车间", 类型="帮扶车间", 产业="手工", 运营主体="",
                                 统一社会信用代码=employer_a.uscc)]  # fmt: skip
    path = write_csv(tmp_path / "b.csv", BASE_HEADER, rows)
    result = run_import(kind="rural_bases", path=path, dry_run=False, by=personas["district"])
    assert result.ok, result.message
    farm = RuralBase.objects.get(name="东城蔬菜种植基地")
    assert (farm.kind, farm.industry, farm.driven) == ("rural_base", "planting", 12)
    assert (farm.region_id, farm.operator_name, farm.employer) == (
        "440199001000",
        "东城蔬菜专业合作社",
        None,
    )
    workshop = RuralBase.objects.get(name="东城编织车间")
    assert (workshop.kind, workshop.employer, workshop.import_batch) == (
        "workshop",
        employer_a,
        result.batch,
    )


def test_a_bases_dry_run_names_every_bad_row_and_writes_nothing(tmp_path, personas) -> None:  # noqa: ANN001
    rows = [
        base_row(),  # row 2: fine
        base_row(名称="B", 所在地="火星"),  # row 3
        base_row(名称="C", 类型="工厂"),  # row 4
        base_row(名称="D", 统一社会信用代码=make_uscc("91440199MA5NQPE12")),  # row 5: unknown
        base_row(名称="E", 带动残疾人数="许多"),  # row 6
        base_row(),  # row 7: same as row 2
    ]
    path = write_csv(tmp_path / "b.csv", BASE_HEADER, rows)
    result = run_import(kind="rural_bases", path=path, dry_run=True, by=personas["district"])
    assert (result.rows, result.valid, result.invalid) == (6, 1, 5)
    errors = errors_of(result)
    assert sorted({row for row, _c, _m in errors}) == [3, 4, 5, 6, 7]
    assert any(r == 3 and c == "所在地" and "火星" in m for r, c, m in errors)
    assert any(r == 4 and c == "类型" and "工厂" in m for r, c, m in errors)
    assert any(r == 5 and c == "统一社会信用代码" for r, c, m in errors)
    assert any(r == 6 and c == "带动残疾人数" for r, c, m in errors)
    assert any(r == 7 and "与第2行重复" in m for r, c, m in errors)
    assert not RuralBase.objects.exists()


def test_a_registered_operator_and_an_operator_name_together_are_refused(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "b.csv", BASE_HEADER, [base_row(统一社会信用代码=employer_a.uscc)])
    result = run_import(kind="rural_bases", path=path, dry_run=True, by=personas["district"])
    assert any(c == "运营主体" and "不要再填写" in m for _r, c, m in errors_of(result))


def test_a_town_officer_imports_only_bases_of_their_town(tmp_path, personas) -> None:  # noqa: ANN001
    path = write_csv(
        tmp_path / "b.csv", BASE_HEADER, [base_row(), base_row(名称="西城基地", 所在地="西城街道")]
    )
    result = run_import(kind="rural_bases", path=path, dry_run=True, by=personas["town_a"])
    errors = errors_of(result)
    assert [(r, c) for r, c, _m in errors] == [(3, "所在地")]
    assert "本镇街" in errors[0][2]


def test_re_importing_bases_changes_nothing_and_a_rollback_removes_them(tmp_path, personas) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "b.csv", BASE_HEADER, [base_row()])
    by = personas["district"]
    first = run_import(kind="rural_bases", path=path, dry_run=False, by=by)
    again = run_import(kind="rural_bases", path=path, dry_run=False, by=by)
    assert (first.created, again.created, again.unchanged) == (1, 0, 1)
    batch_rollback(batch=first.batch, by=by)
    assert not RuralBase.objects.exists()


def test_an_exported_bases_file_imports_back_unchanged(tmp_path, personas, employer_a) -> None:  # noqa: ANN001
    services.base_create(
        by=None, name="矩阵基地", kind="workshop", industry="processing",
        region=Region.objects.get(code=VILLAGE_A), employer=employer_a, driven=4,
        established_on=dt.date(2024, 5, 1), contact_phone="13900000000",
    )  # fmt: skip
    kind = get_kind("rural_bases")
    path = tmp_path / "export.csv"
    assert write_export(kind, kind.export_queryset({}), path, reveal=False) == 1
    result = run_import(kind="rural_bases", path=path, dry_run=False, by=personas["district"])
    assert (result.unchanged, result.invalid) == (1, 0), result.errors


# --- monitoring objects --------------------------------------------------------------------


def monitor_row(person: Person, **over: str) -> list[str]:
    values = {
        "身份证号": person.id_number,
        "姓名": person.name,
        "监测对象类别": "边缘易致贫户",
        "识别监测时间": "2025-04-01",
        "风险消除时间": "",
    }
    values.update(over)
    return [values[h] for h in MONITOR_HEADER]


def test_an_identified_monitoring_object_gets_the_flag_and_a_timeline_row(
    tmp_path, personas, person_a
) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "m.csv", MONITOR_HEADER, [monitor_row(person_a)])
    result = run_import(kind="monitoring_objects", path=path, dry_run=False, by=personas["town_a"])
    assert (result.ok, result.updated, result.created) == (True, 1, 0), result.errors
    person_a.refresh_from_db()
    assert (person_a.monitoring_category, person_a.monitoring_identified) == (
        "edge",
        dt.date(2025, 4, 1),
    )
    assert person_a.is_monitored
    exchange = MonitoringExchange.objects.get(person=person_a)
    assert (exchange.direction, exchange.category) == (ExchangeDirection.IDENTIFIED, "edge")


def test_a_risk_elimination_date_clears_the_flag(tmp_path, personas, person_a) -> None:  # noqa: ANN001
    by = personas["district"]
    path = write_csv(tmp_path / "m.csv", MONITOR_HEADER, [monitor_row(person_a)])
    run_import(kind="monitoring_objects", path=path, dry_run=False, by=by)
    path = write_csv(
        tmp_path / "m2.csv", MONITOR_HEADER, [monitor_row(person_a, 风险消除时间="2025-10-01")]
    )
    result = run_import(kind="monitoring_objects", path=path, dry_run=False, by=by)
    assert result.updated == 1, result.errors
    person_a.refresh_from_db()
    assert not person_a.is_monitored
    cleared = MonitoringExchange.objects.get(direction=ExchangeDirection.CLEARED)
    assert cleared.date == dt.date(2025, 10, 1)


def test_a_rollback_puts_the_flag_back_and_removes_the_timeline_rows(
    tmp_path, personas, person_a
) -> None:  # noqa: ANN001
    by = personas["district"]
    path = write_csv(tmp_path / "m.csv", MONITOR_HEADER, [monitor_row(person_a)])
    result = run_import(kind="monitoring_objects", path=path, dry_run=False, by=by)
    batch_rollback(batch=result.batch, by=by)
    person_a.refresh_from_db()
    assert (person_a.monitoring_category, person_a.monitoring_identified) == ("", None)
    assert not MonitoringExchange.objects.exists()


def test_monitoring_rows_never_register_a_person_and_stay_in_scope(
    tmp_path, personas, person_a, person_b
) -> None:  # noqa: ANN001
    stranger = make_id_number(seq=555)
    rows = [
        monitor_row(person_a, 风险消除时间="2025-03-01"),  # row 2: before it was identified
        monitor_row(person_b),  # row 3: 西城, out of 东城's scope
        [stranger, "王五", "边缘易致贫户", "2025-04-01", ""],  # row 4: not registered
        monitor_row(person_a, 姓名="别人"),  # row 5: name differs
        monitor_row(person_a, 监测对象类别="贫困户"),  # row 6: no such category
    ]
    path = write_csv(tmp_path / "m.csv", MONITOR_HEADER, rows)
    result = run_import(kind="monitoring_objects", path=path, dry_run=True, by=personas["town_a"])
    errors = errors_of(result)
    assert sorted({r for r, _c, _m in errors}) == [2, 3, 4, 5, 6]
    assert any(r == 2 and c == "风险消除时间" and "早于" in m for r, c, m in errors)
    # Issue 14, security 4: a number registered elsewhere gets the answer of an unregistered one.
    elsewhere = [m for r, c, m in errors if r == 3 and c == "身份证号"]
    unregistered = [m for r, c, m in errors if r == 4 and c == "身份证号"]
    assert elsewhere == unregistered == [str(NOT_FOUND_IN_SCOPE)]
    assert any(r == 5 and c == "姓名" for r, c, m in errors)
    assert any(r == 6 and c == "监测对象类别" for r, c, m in errors)
    assert Person.objects.count() == 2


def test_an_exported_monitoring_objects_file_imports_back_unchanged(
    tmp_path, personas, person_a
) -> None:  # noqa: ANN001
    Person.objects.filter(pk=person_a.pk).update(
        monitoring_category="unstable", monitoring_identified=dt.date(2024, 6, 1)
    )
    kind = get_kind("monitoring_objects")
    path = tmp_path / "export.csv"
    assert write_export(kind, kind.export_queryset({}), path, reveal=True) == 1
    result = run_import(
        kind="monitoring_objects", path=path, dry_run=False, by=personas["district"]
    )
    assert (result.unchanged, result.invalid) == (1, 0), result.errors
    assert not MonitoringExchange.objects.exists()
