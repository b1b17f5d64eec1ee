"""Employment service institutions (action 十): the institution, its yearly standardization
checklist (each item met or not, with evidence), the count of fully standardized institutions
on a hand-counted fixture, the ``service_institutions`` import and the pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from jiuye.core.importing import get_kind, run_import, write_export
from jiuye.core.indicators import registry
from jiuye.core.tests.imports import errors_of, write_csv
from jiuye.programs.models import ChecklistEntry, ServiceInstitution
from jiuye.programs.models.institutions import ChecklistItem
from jiuye.programs.services import institutions as services
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["机构名称", "机构性质", "所在地", "地址", "服务电话"]
ALL_MET = dict.fromkeys(ChecklistItem.values, (True, "制度文件"))


def make(name: str = "东城服务站", code: str = "440199001000") -> ServiceInstitution:
    return services.institution_create(
        by=None, name=name, owner="federation", region=Region.objects.get(code=code)
    )


def test_a_met_item_needs_its_evidence(reference) -> None:  # noqa: ANN001
    institution = make()
    with pytest.raises(ValidationError) as error:
        services.checklist_save(
            institution=institution, by=None, year=2025, items={"window": (True, "")}
        )
    assert "window_evidence" in error.value.error_dict


def test_saving_the_checklist_again_corrects_it_without_duplicates(reference) -> None:  # noqa: ANN001
    institution = make()
    services.checklist_save(institution=institution, by=None, year=2025, items=ALL_MET)
    services.checklist_save(
        institution=institution, by=None, year=2025, items={"window": (False, "")}
    )
    assert ChecklistEntry.objects.count() == 5
    assert not ChecklistEntry.objects.get(item="window").met


def test_a_town_officer_may_not_keep_another_towns_institution(personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        services.institution_create(
            by=personas["town_a"],
            name="西城站",
            owner="public",
            region=Region.objects.get(code="440199002000"),
        )


def test_the_indicator_counts_institutions_meeting_every_item_by_hand(reference) -> None:  # noqa: ANN001
    district = Region.objects.get(code="440199000000")
    town_a = Region.objects.get(code="440199001000")
    full = make("甲站")
    services.checklist_save(institution=full, by=None, year=2025, items=ALL_MET)
    partial = make("乙站", "440199002000")
    four = dict(ALL_MET, window=(False, ""))
    services.checklist_save(institution=partial, by=None, year=2025, items=four)
    other_year = make("丙站")
    services.checklist_save(institution=other_year, by=None, year=2024, items=ALL_MET)
    gone = make("丁站")
    services.checklist_save(institution=gone, by=None, year=2025, items=ALL_MET)
    services.institution_archive(institution=gone, by=None, reason="撤并")
    indicator = registry.get("programs.standardized_institutions")
    assert indicator.value(district, 2025) == 1
    assert indicator.value(district, 2024) == 1
    assert indicator.value(town_a, 2025) == 1
    assert indicator.value(Region.objects.get(code="440199002000"), 2025) == 0


def test_the_import_creates_institutions_and_a_reimport_changes_nothing(tmp_path, personas) -> None:  # noqa: ANN001
    rows = [
        ["东城残疾人就业服务站", "残联", "东城街道", "东城路1号", "020-1"],
        ["区公共就业服务中心", "公共就业服务机构", "440199000000", "", ""],
    ]
    path = write_csv(tmp_path / "i.csv", HEADER, rows)
    first = run_import(
        kind="service_institutions", path=path, dry_run=False, by=personas["district"]
    )
    assert (first.created, first.invalid) == (2, 0), first.errors
    again = run_import(
        kind="service_institutions", path=path, dry_run=False, by=personas["district"]
    )
    assert (again.unchanged, again.created) == (2, 0)


def test_the_import_names_every_bad_row(tmp_path, personas) -> None:  # noqa: ANN001
    rows = [["甲", "民营", "东城街道", "", ""], ["乙", "残联", "火星", "", ""]]
    path = write_csv(tmp_path / "bad.csv", HEADER, rows)
    result = run_import(
        kind="service_institutions", path=path, dry_run=True, by=personas["district"]
    )
    assert [(r, c) for r, c, _m in errors_of(result)] == [(2, "机构性质"), (3, "所在地")]


def test_a_town_officer_imports_only_their_town(tmp_path, personas) -> None:  # noqa: ANN001
    path = write_csv(tmp_path / "t.csv", HEADER, [["西城站", "残联", "西城街道", "", ""]])
    result = run_import(kind="service_institutions", path=path, dry_run=True, by=personas["town_a"])
    assert result.invalid == 1


def test_an_exported_institutions_file_imports_back_unchanged(tmp_path, personas) -> None:  # noqa: ANN001
    make()
    kind = get_kind("service_institutions")
    path = tmp_path / "export.csv"
    assert write_export(kind, kind.export_queryset({}), path, reveal=False) == 1
    result = run_import(
        kind="service_institutions", path=path, dry_run=False, by=personas["district"]
    )
    assert (result.unchanged, result.invalid) == (1, 0), result.errors


def test_the_checklist_page_saves_each_item(client_for, reference) -> None:  # noqa: ANN001
    institution = make()
    data = {f"{item}_met": "yes" for item in ChecklistItem.values}
    data.update({f"{item}_evidence": "台账" for item in ChecklistItem.values})
    url = reverse("programs:service-institution-checklist", args=[institution.pk]) + "?year=2025"
    response = client_for("town_a").post(url, data)
    assert response.status_code == 302
    assert ChecklistEntry.objects.filter(year=2025, met=True).count() == 5


def test_a_met_item_without_evidence_is_refused_on_the_page(client_for, reference) -> None:  # noqa: ANN001
    institution = make()
    data = {f"{item}_met": "no" for item in ChecklistItem.values}
    data["window_met"] = "yes"
    url = reverse("programs:service-institution-checklist", args=[institution.pk]) + "?year=2025"
    response = client_for("district").post(url, data)
    assert response.status_code == 200
    assert not ChecklistEntry.objects.exists()


def test_the_list_refuses_a_post(client_for) -> None:  # noqa: ANN001
    assert client_for("district").post(reverse("programs:service-institutions")).status_code == 405


def test_the_export_has_each_item_and_its_evidence(client_for, reference) -> None:  # noqa: ANN001
    institution = make()
    services.checklist_save(institution=institution, by=None, year=2025, items=ALL_MET)
    response = client_for("leader").get(
        reverse("programs:service-institutions-export") + "?year=2025"
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("东城服务站", "残联就业服务机构", "东城街道")
    assert rows[1][4:6] == ("达标", "制度文件")


def test_the_demo_makes_institutions_with_checklists(reference) -> None:  # noqa: ANN001
    from jiuye.programs.demo.institutions import demo_institutions

    made = demo_institutions(seed=1, today=dt.date(2025, 12, 1))
    assert made == ServiceInstitution.objects.count() >= 3
    assert ChecklistEntry.objects.count() == made * 2 * 5
    assert demo_institutions(seed=1) == 0
