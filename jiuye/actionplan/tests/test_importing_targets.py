"""The ``indicator_targets`` kind: every bad row listed and nothing written, the rule of the
targets form as the row check, re-imports that change nothing, rollback refused after a later
edit through the service (and audited), the scope rule on the target as it is, and an export
that imports back."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry

from conftest import TOWN_A, TOWN_B
from jiuye.actionplan.models import IndicatorTarget
from jiuye.actionplan.services.targets import target_set
from jiuye.core.importing import (
    RollbackError,
    batch_rollback,
    get_kind,
    run_import,
    write_export,
)
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["指标代码", "年度", "区划代码", "目标值"]


def write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_targets_are_checked_first_and_written_only_when_every_row_is_right(
    tmp_path, personas
) -> None:  # noqa: ANN001
    by = personas["district"]
    rows = [
        ["people.registered", "2024", "440199000000", "10"],
        ["nope", "2024", "440199000000", "1"],
        ["people.registered", "2024", "440199000000", "12"],
    ]
    result = run_import(kind="indicator_targets", path=write(tmp_path / "a.csv", rows),
                        dry_run=False, by=by)  # fmt: skip
    assert [e["row"] for e in result.errors] == [3, 4]
    assert "指标代码“nope”不存在" in result.errors[0]["text"]
    assert "与第2行重复" in result.errors[1]["text"]
    assert not IndicatorTarget.objects.exists()
    good = write(tmp_path / "b.csv", [rows[0], ["people.registered", "2024年", TOWN_A, "3"]])
    assert run_import(kind="indicator_targets", path=good, dry_run=False, by=by).created == 2
    again = run_import(kind="indicator_targets", path=good, dry_run=False, by=by)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_targets_rollback_is_refused_after_an_edit_and_restores_the_value(
    tmp_path, personas
) -> None:  # noqa: ANN001
    by = personas["district"]
    region = Region.objects.get(code=TOWN_A)
    target_set(indicator_code="people.registered", year=2024, region=region, value=1, by=by)
    path = write(tmp_path / "a.csv", [["people.registered", "2024", TOWN_A, "5"]])
    result = run_import(kind="indicator_targets", path=path, dry_run=False, by=by)
    assert result.updated == 1
    assert LogEntry.objects.filter(additional_data__batch=str(result.batch.pk)).count() == 1
    target_set(indicator_code="people.registered", year=2024, region=region, value=6, by=by)
    with pytest.raises(RollbackError, match="之后又被修改过"):
        batch_rollback(batch=result.batch, by=by)
    second = run_import(kind="indicator_targets", path=path, dry_run=False, by=by)
    batch_rollback(batch=second.batch, by=by)
    assert IndicatorTarget.objects.get().value == Decimal(6)


def test_the_scope_rule_applies_to_the_target_as_it_is(personas) -> None:  # noqa: ANN001
    kind = get_kind("indicator_targets")
    town_b = Region.objects.get(code=TOWN_B)
    current = IndicatorTarget.objects.create(
        indicator_code="people.registered", year=2024, region=town_b, value=1
    )
    row = {"indicator_code": "people.registered", "year": 2024, "value": Decimal(2)}
    moved = kind.check({**row, "region": Region.objects.get(code=TOWN_A)}, current,
                       by=personas["town_a"])  # fmt: skip
    elsewhere = kind.check({**row, "region": town_b}, None, by=personas["town_a"])
    assert (
        [e.message for e in moved]
        == [e.message for e in elsewhere]
        == ["您不能修改这个区域的目标。"]
    )


def test_the_targets_export_imports_back_unchanged(tmp_path, personas) -> None:  # noqa: ANN001
    by = personas["district"]
    for code in (TOWN_A, TOWN_B):
        target_set(
            indicator_code="people.registered",
            year=2024,
            region=Region.objects.get(code=code),
            value=Decimal("2.5"),
            by=by,
        )
    kind = get_kind("indicator_targets")
    path = tmp_path / "out.csv"
    assert write_export(kind, kind.export_queryset({}), path, reveal=False) == 2
    result = run_import(kind="indicator_targets", path=path, dry_run=False, by=by)
    assert result.ok and (result.unchanged, result.created, result.updated) == (2, 0, 0)
