"""Every export imports back: for each import kind, the demo district's records exported
with full numbers and checked as an import change nothing and raise no error."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from conftest import rows_for_the_module
from jiuye.core import importing

pytestmark = pytest.mark.django_db


def _sheet(path: Path) -> list[tuple]:
    return list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))


def _demo() -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("demo_data", persons=120, seed=5, stdout=StringIO())


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:  # noqa: ANN001
    """Built once for the module; every test's changes are rolled back around it."""
    yield from rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("demo"), _demo)


@pytest.mark.parametrize("name", [kind.name for kind in importing.kinds(importable_only=True)])
def test_an_export_of_every_kind_imports_back_unchanged(demo_district, tmp_path, name) -> None:  # noqa: ANN001
    kind = importing.get_kind(name)
    path = tmp_path / f"{name}.xlsx"
    exported = importing.write_export(kind, kind.export_queryset({}), path, reveal=True)
    result = importing.run_import(kind=name, path=path, dry_run=True, by=None)
    assert result.errors == [], result.errors[:3]
    assert (result.rows, result.created, result.updated) == (exported, 0, 0), result.summary


@pytest.mark.parametrize("name", [kind.name for kind in importing.kinds(importable_only=True)])
def test_a_file_with_only_the_required_columns_changes_no_stored_field(
    demo_district, tmp_path, name
) -> None:  # noqa: ANN001
    """A column the file does not have leaves its field alone, for every kind: the export cut
    down to the required columns re-imports as all unchanged, and committing it keeps every
    optional value the records had."""
    kind = importing.get_kind(name)
    full = tmp_path / f"{name}.xlsx"
    exported = importing.write_export(kind, kind.export_queryset({}), full, reveal=True)
    rows = _sheet(full)
    kept = {c.header for c in kind.columns if c.required or c.key in kind.match_columns}
    keep = [i for i, header in enumerate(rows[0]) if header in kept]
    book = Workbook()
    for row in rows:
        book.active.append([row[i] for i in keep])
    cut = tmp_path / f"{name}-required.xlsx"
    book.save(cut)
    before = importing.write_export(
        kind, kind.export_queryset({}), tmp_path / "b.xlsx", reveal=True
    )
    result = importing.run_import(kind=name, path=cut, dry_run=False, by=None)
    assert result.errors == [], result.errors[:3]
    assert (result.rows, result.created, result.updated) == (exported, 0, 0), result.summary
    after = tmp_path / "a.xlsx"
    importing.write_export(kind, kind.export_queryset({}), after, reveal=True)
    assert before == exported
    assert _sheet(after) == _sheet(tmp_path / "b.xlsx")
