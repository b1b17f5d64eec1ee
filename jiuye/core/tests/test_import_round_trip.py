"""Every export imports back: for each import kind, the demo district's records exported
with full numbers and checked as an import change nothing and raise no error."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from jiuye.core import importing

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_district(settings, reference) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    call_command("load_demo", stdout=StringIO())
    call_command("demo_data", persons=120, seed=5, stdout=StringIO())


@pytest.mark.parametrize("name", [kind.name for kind in importing.kinds(importable_only=True)])
def test_an_export_of_every_kind_imports_back_unchanged(demo_district, tmp_path, name) -> None:  # noqa: ANN001
    kind = importing.get_kind(name)
    path = tmp_path / f"{name}.xlsx"
    exported = importing.write_export(kind, kind.export_queryset({}), path, reveal=True)
    result = importing.run_import(kind=name, path=path, dry_run=True, by=None)
    assert result.errors == [], result.errors[:3]
    assert (result.rows, result.created, result.updated) == (exported, 0, 0), result.summary
