"""The contract of the bulk writes: every kind the import page offers has its API twin, and the
same file through the UI's import path (``importing.run_import``, as the page's batch runs it)
and through ``POST /api/v1/imports/{kind}`` gives the same counts and the same row errors —
as a dry run and as a commit. The file is the demo district's export of the kind plus one bad
row (the first row again with a required column emptied). The demo is built once per module;
each way runs in its own savepoint, rolled back before the other."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from openpyxl import Workbook, load_workbook

from conftest import rows_for_the_module
from jiuye.core import importing
from jiuye.core.models import ImportBatch

pytestmark = pytest.mark.django_db

# Kinds the upload page offers; a kind imported into one parent record from that record's own
# page (a declaration's staff list) is not offered there, nor by the API (a 404: see
# test_imports.py), so it has no twin to compare.
KINDS = [kind.name for kind in importing.kinds(importable_only=True)]


def _demo() -> dict[str, Any]:
    from jiuye.accounts.services import user_create
    from jiuye.api.services import apikey_create
    from jiuye.core.roles import Role

    call_command("load_demo", stdout=StringIO())
    call_command("demo_data", persons=40, seed=5, stdout=StringIO())
    officer, _created = user_create(
        username="contract-district",
        role=Role.DISTRICT,
        display_name="区残联",
        password="x-Contract-2026!",
    )
    _key, token = apikey_create(
        name="contract system", owner=officer, role=Role.DISTRICT, by=officer
    )
    return {"officer": officer, "token": token}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:  # noqa: ANN001
    yield from rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("contract"), _demo)


def _file(kind: importing.ImportKind, folder: Path) -> Path:
    """The kind's export of the demo district, with one bad row added at the end."""
    exported = folder / f"{kind.name}-export.xlsx"
    importing.write_export(kind, kind.export_queryset({}), exported, reveal=True)
    rows = list(load_workbook(exported, read_only=True).worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    required = [c.header for c in kind.columns if c.required and c.header in header]
    assert required, f"{kind.name}: a kind with no required column"
    bad = list(rows[1]) if len(rows) > 1 else [c.example for c in kind.columns]
    bad[header.index(required[0])] = None
    book = Workbook()
    for row in [*rows, bad]:
        book.active.append(list(row))
    path = folder / f"{kind.name}.xlsx"
    book.save(path)
    return path


def _outcome(batch: ImportBatch) -> dict[str, Any]:
    batch.refresh_from_db()
    return {
        "status": batch.status,
        "rows": batch.total_rows,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "invalid": batch.invalid_rows,
        "errors": batch.errors_preview,
    }


def _through_ui(demo: dict[str, Any], name: str, path: Path, *, commit: bool) -> dict[str, Any]:
    result = importing.run_import(
        kind=name, path=path, dry_run=not commit, valid_only=commit, by=demo["officer"]
    )
    return _outcome(result.batch)


def _through_api(demo: dict[str, Any], name: str, path: Path, *, commit: bool) -> dict[str, Any]:
    from django.test import Client

    query = "?valid_only=true" if commit else "?dry_run=true"
    upload = SimpleUploadedFile(path.name, path.read_bytes(), "application/octet-stream")
    answer = Client().post(
        f"/api/v1/imports/{name}{query}",
        {"file": upload},
        HTTP_AUTHORIZATION=f"Bearer {demo['token']}",
    )
    assert answer.status_code == 200, (name, answer.content[:300])
    body = answer.json()
    batch = ImportBatch.objects.get(pk=body["batch"])
    outcome = _outcome(batch)
    # The answer says what its batch holds (the row errors as the import page lists them).
    counts = {k: body[k] for k in ("rows", "created", "updated", "unchanged", "invalid")}
    assert counts == {k: outcome[k] for k in counts}
    assert [(e["row"], e["column"], e["message"]) for e in body["errors"]] == [
        (kept["row"], error["column"], error["message"])
        for kept in outcome["errors"]
        for error in kept["errors"]
    ]
    return outcome


@pytest.mark.parametrize("commit", [False, True], ids=["dry-run", "commit"])
@pytest.mark.parametrize("name", KINDS)
def test_every_import_kind_gives_the_same_result_through_the_ui_and_the_api(
    demo, tmp_path, name, commit
) -> None:  # noqa: ANN001
    kind = importing.get_kind(name)
    path = _file(kind, tmp_path)
    outcomes = {}
    for way, run in (("ui", _through_ui), ("api", _through_api)):
        with transaction.atomic():
            outcomes[way] = run(demo, name, path, commit=commit)
            transaction.set_rollback(True)
    assert outcomes["ui"] == outcomes["api"]
    # The bad row was refused by both, with a message naming its column.
    assert outcomes["api"]["invalid"] >= 1, outcomes["api"]
    assert outcomes["api"]["errors"], outcomes["api"]
    expected = ImportBatch.Status.SUCCEEDED if commit else ImportBatch.Status.VALIDATED
    assert outcomes["api"]["status"] == expected, outcomes["api"]
