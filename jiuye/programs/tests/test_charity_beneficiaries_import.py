"""The ``charity_beneficiaries`` import kind: a project's beneficiaries uploaded on its page,
found by ID number within the importer's scope, with the beneficiary form's outcomes and rule;
the template, the export that imports back unchanged, and re-uploading that updates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_id_number
from jiuye.core import importing
from jiuye.core.importing import run_import
from jiuye.core.models import ImportBatch
from jiuye.core.scoping import NOT_FOUND_IN_SCOPE
from jiuye.core.tests.responses import html_of
from jiuye.programs.models.charity import CharityBeneficiary
from jiuye.programs.services import charity as services
from jiuye.programs.tests import charity_fixtures as fx

pytestmark = pytest.mark.django_db
HEADER = ["身份证号", "姓名", "受益日期", "参加培训", "实现就业", "自主创业", "备注"]


def _csv(*rows: list[str], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")


def _upload(client, project, content: bytes):  # noqa: ANN001, ANN202
    url = reverse("programs:charity-beneficiaries-upload", args=[project.pk])
    return client.post(url, {"file": SimpleUploadedFile("受益人.csv", content)})


def _save(client, project):  # noqa: ANN001, ANN202
    batch = ImportBatch.objects.filter(kind="charity_beneficiaries", dry_run=True).latest(
        "created_at"
    )
    url = reverse("programs:charity-beneficiaries-upload-save", args=[project.pk])
    return client.post(url, {"batch": str(batch.pk)})


def test_a_town_officer_checks_then_saves_a_list_on_the_projects_page(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    project = fx.project(end_date=dt.date(2025, 6, 30))
    client = client_for("town_a")
    detail = html_of(client.get(reverse("programs:charity-project", args=[project.pk])))
    assert reverse("programs:charity-beneficiaries-upload", args=[project.pk]) in detail
    bad = _csv(
        [person_a.id_number, "张三", "2025-07-01", "是", "否", "否", ""],
        [person_b.id_number, "李四", "2025-03-02", "是", "否", "否", ""],
        [make_id_number(seq=777), "", "", "", "", "", ""],
    )
    html = html_of(_upload(client, project, bad))
    assert "有3行错误，名单没有保存任何一行" in html
    assert "受益日期应在项目的开始日期和结束日期之间（2025-03-01至2025-06-30）" in html
    assert html.count(str(NOT_FOUND_IN_SCOPE)) == 2  # 李四 of 西城 as an unregistered number
    assert not CharityBeneficiary.objects.exists()
    assert _save(client, project).status_code == 302  # no valid check: nothing to save
    assert not CharityBeneficiary.objects.exists()

    good = _csv([person_a.id_number, "张三", "", "是", "是", "否", "第一期"])
    html = html_of(_upload(client, project, good))
    assert "共 1 行，全部正确。保存后将新增 1 人" in html
    response = _save(client, project)
    assert response.status_code == 302
    row = CharityBeneficiary.objects.get()
    assert (row.person, row.joined_on, row.trained, row.placed, row.started_business) == (
        person_a, project.start_date, True, True, False,
    )  # fmt: skip
    assert row.note == "第一期" and row.created_by.username == "town_a"


def test_the_file_refuses_a_wrong_name_and_knows_nothing_without_its_project(
    tmp_path, personas, person_a
) -> None:  # noqa: ANN001
    project = fx.project()
    path = tmp_path / "list.csv"
    path.write_bytes(_csv([person_a.id_number, "张四", "", "", "", "", ""]))
    result = run_import(
        kind="charity_beneficiaries", path=path, dry_run=True, by=personas["town_a"],
        parent=project,
    )  # fmt: skip
    (row,) = result.errors
    assert "与这个身份证号登记的姓名不一致" in row["text"]
    alone = run_import(kind="charity_beneficiaries", path=path, dry_run=True, by=None)
    assert "请在该项目的页面上传" in alone.message
    assert "charity_beneficiaries" not in {k.name for k in importing.kinds(importable_only=True)}


def test_listing_again_updates_the_outcomes_and_brings_back_a_removed_person(
    tmp_path, personas, person_a
) -> None:  # noqa: ANN001
    project = fx.project()
    row = services.beneficiary_save(
        project=project, person=person_a, by=None, joined_on=dt.date(2025, 3, 5)
    )
    services.beneficiary_archive(beneficiary=row, by=None, reason="录错了")
    path = tmp_path / "again.csv"
    path.write_bytes(_csv([person_a.id_number, "", "", "", "是", "", ""]))
    result = run_import(
        kind="charity_beneficiaries", path=path, dry_run=False, by=personas["town_a"],
        parent=project,
    )  # fmt: skip
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    row.refresh_from_db()
    assert not row.is_archived and row.placed and row.joined_on == dt.date(2025, 3, 5)
    # The batch is undone like any other: the removal comes back.
    importing.batch_rollback(batch=result.batch, by=personas["town_a"])
    row.refresh_from_db()
    assert row.is_archived and row.archived_reason == "录错了" and not row.placed


def test_the_template_and_an_export_that_imports_back_unchanged(
    client_for, tmp_path, person_a, person_b
) -> None:  # noqa: ANN001
    response = client_for("town_a").get(reverse("programs:charity-beneficiaries-template"))
    headers = [c.value for c in load_workbook(io.BytesIO(response.content)).active[1]]
    assert [str(h).rstrip("*") for h in headers[: len(HEADER)]] == HEADER
    project = fx.project()
    services.beneficiary_save(project=project, person=person_a, by=None, trained=True)
    services.beneficiary_save(
        project=project, person=person_b, by=None, placed=True, note="转介到企业"
    )
    kind = importing.get_kind("charity_beneficiaries")
    path = Path(tmp_path / "export.xlsx")
    exported = importing.write_export(
        kind, kind.export_queryset({"project": str(project.pk)}), path, reveal=True
    )
    assert exported == 2
    result = run_import(
        kind="charity_beneficiaries", path=path, dry_run=False, by=None, parent=project
    )
    assert result.errors == [], result.errors[:3]
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 0, 0, 2)
