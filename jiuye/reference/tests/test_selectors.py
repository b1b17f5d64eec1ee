"""The reference tables kept per process: fresh instances, forgotten on change or with age."""

from __future__ import annotations

import pytest

from conftest import TOWN_A
from jiuye.reference import selectors
from jiuye.reference.models import Department, Region

pytestmark = pytest.mark.django_db


def test_the_district_and_its_towns_are_read_once(reference, django_assert_num_queries) -> None:  # noqa: ANN001
    district, towns = selectors.district_and_towns()
    selectors.departments()
    with django_assert_num_queries(0):
        again, _ = selectors.district_and_towns()
        town_department = selectors.department_of_town(TOWN_A)
    assert town_department == Department.objects.get(region_id=TOWN_A)
    assert district.code == "440199000000"
    assert [t.code for t in towns] == list(
        Region.objects.filter(level=Region.Level.TOWN, code__startswith="440199")
        .order_by("code")
        .values_list("code", flat=True)
    )
    # Fresh instances each time: what one request keeps on a region reaches no other.
    assert again is not district and again == district
    district.__dict__["_indicator_figures"] = {"x": 1}
    assert "_indicator_figures" not in selectors.district_and_towns()[0].__dict__


def test_a_saved_department_is_read_again(reference) -> None:  # noqa: ANN001
    names = {d.code: d.name for d in selectors.departments()}
    department = Department.objects.get(code="rsj")
    department.name = "区人力资源和社会保障局（新）"
    department.save()
    assert {d.code: d.name for d in selectors.departments()} == {**names, "rsj": department.name}
    assert selectors.department_of_town(TOWN_A) == Department.objects.get(region_id=TOWN_A)


def test_a_change_made_elsewhere_shows_once_the_cache_is_old(reference, monkeypatch) -> None:  # noqa: ANN001
    selectors.departments()
    # Another process's change: no signal reaches this one.
    Department.objects.filter(code="rsj").update(name="另一个进程改的名称")
    assert "另一个进程改的名称" not in {d.name for d in selectors.departments()}
    monkeypatch.setattr(selectors, "CACHE_SECONDS", 0.0)
    assert "另一个进程改的名称" in {d.name for d in selectors.departments()}
