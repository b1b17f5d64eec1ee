"""The employers' kinds as declared kinds: a column the file lacks leaves its field alone, a
rollback is refused after a later edit through the service and writes audit entries, the
scope rule applies to the employer as it is; a staff list imports into its declaration (the
batch's parent) and only into one the user may change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from conftest import TOWN_A, TOWN_B, VILLAGE_A, make_uscc
from jiuye.core.importing import RollbackError, batch_rollback, get_kind, run_import
from jiuye.employers import services
from jiuye.employers.models import DeclaredEmployee, Employer
from jiuye.employers.services.registry import employer_update
from jiuye.employers.tests.declaration_fixtures import declare, line, person
from jiuye.employers.tests.test_declaration_import import HEADERS, _row
from jiuye.employers.tests.test_importing import write as write_rows

pytestmark = pytest.mark.django_db

CODE = make_uscc("91440199MA5EMP001")


def test_a_column_the_file_lacks_leaves_the_employers_field_alone(tmp_path, personas) -> None:  # noqa: ANN001
    header = ["单位名称", "信用代码", "单位类型", "所在地代码", "联系人", "地址"]
    by = personas["district"]
    first = ["东城新材料有限公司", CODE, "民营企业", VILLAGE_A, "王五", "建设路1号"]
    assert run_import(kind="employers", path=write(tmp_path / "a.csv", header, [first]),
                      dry_run=False, by=by).created == 1  # fmt: skip
    short = write(tmp_path / "b.csv", header[:4], [["东城新材料股份公司", CODE, "民企", VILLAGE_A]])
    result = run_import(kind="employers", path=short, dry_run=False, by=by)
    assert result.updated == 1
    employer = Employer.objects.get(uscc=CODE)
    assert employer.name == "东城新材料股份公司"
    assert (employer.contact_name, employer.address) == ("王五", "建设路1号")


def test_an_employers_rollback_is_refused_after_an_edit_through_the_service_and_audited(
    tmp_path, personas
) -> None:  # noqa: ANN001
    header = ["单位名称", "信用代码", "单位类型", "所在地代码"]
    by = personas["district"]
    path = write(tmp_path / "a.csv", header, [["东城新材料有限公司", CODE, "民营企业", VILLAGE_A]])
    result = run_import(kind="employers", path=path, dry_run=False, by=by)
    batch = str(result.batch.pk)
    assert LogEntry.objects.filter(additional_data__batch=batch).count() == 1
    employer = Employer.objects.get(uscc=CODE)
    employer_update(employer=employer, by=by, name="手工修改")
    with pytest.raises(RollbackError, match="之后又被修改过"):
        batch_rollback(batch=result.batch, by=by)
    assert Employer.objects.filter(uscc=CODE).exists()

    other = make_uscc("91440199MA5EMP002")
    second = run_import(
        kind="employers",
        path=write(tmp_path / "b.csv", header, [["乙", other, "民营企业", VILLAGE_A]]),
        dry_run=False,
        by=by,
    )
    batch_rollback(batch=second.batch, by=by)
    assert not Employer.objects.filter(uscc=other).exists()
    deleted = LogEntry.objects.filter(
        additional_data__batch=str(second.batch.pk), action=LogEntry.Action.DELETE
    )
    assert deleted.count() == 1


def test_the_scope_rule_applies_to_the_employer_as_it_is(personas, employer_b) -> None:  # noqa: ANN001
    # Were towns to import employers, one in town B could not be moved into town A by a town
    # A officer; the message is the one for a code not registered at all.
    kind = get_kind("employers")
    town_a = personas["town_a"]
    moved = {"uscc": employer_b.uscc, "region": TOWN_A, "name": "西城示范企业"}
    problems = kind.check(moved, employer_b, by=town_a)
    fresh = kind.check({**moved, "uscc": CODE, "region": TOWN_B}, None, by=town_a)
    assert [p.message for p in problems] == [p.message for p in fresh]
    assert problems[0].message == "您只能导入本镇街的用人单位。"
    assert kind.check(moved, employer_b, by=personas["district"]) == []


# --- the staff list: a batch with a parent ----------------------------------------------------


def test_a_staff_list_imports_into_the_batchs_parent_and_rolls_back(
    tmp_path, personas, employer_a
) -> None:  # noqa: ANN001
    one, two = person(41), person(43)
    declaration = declare(employer_a, [line(one, dispatched=True, dispatch_agency="派遣公司")])
    by = personas["employer"]
    # No dispatch columns: the line already listed keeps its agency.
    header = HEADERS[:9]
    rows = [_row(one, monthly_wage="5000")[:9], _row(two)[:9]]
    path = write(tmp_path / "s.csv", header, rows)
    result = run_import(
        kind="declaration_staff", path=path, dry_run=False, by=by, parent=declaration
    )
    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 1)
    assert result.batch.parent == declaration
    listed = {e.name: e for e in declaration.employees.all()}
    assert listed[one.name].dispatch_agency == "派遣公司"
    assert listed[one.name].monthly_wage == Decimal("5000")
    assert listed[two.name].position == 2 and listed[two.name].certificate_index

    services.employee_update(employee=listed[one.name], by=by, insurance_months=6)
    with pytest.raises(RollbackError, match="之后又在申报页面修改过"):
        batch_rollback(batch=result.batch, by=by)
    services.employee_remove(employee=listed[one.name], by=by)
    batch_rollback(batch=result.batch, by=by)
    assert not declaration.employees.exists()


def test_a_staff_list_goes_only_into_a_declaration_the_user_may_change(
    tmp_path, personas, employer_a, employer_b
) -> None:  # noqa: ANN001
    path = write(tmp_path / "s.csv", HEADERS, [_row(person(45))])
    others = declare(employer_b, [])
    result = run_import(
        kind="declaration_staff", path=path, dry_run=True, by=personas["employer"], parent=others
    )
    assert not result.ok and result.message == "找不到这份申报，或您不能修改它。"
    locked = declare(employer_a, [], submit=True)
    result = run_import(
        kind="declaration_staff", path=path, dry_run=True, by=personas["employer"], parent=locked
    )
    assert not result.ok and "不能再上传名单" in result.message
    assert not DeclaredEmployee.objects.exists()


def write(path, header: list[str], rows: list[list[str]]):  # noqa: ANN001, ANN201
    return write_rows(path, rows, header)
