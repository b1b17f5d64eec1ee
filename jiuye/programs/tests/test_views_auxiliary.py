"""The auxiliary employment pages: the happy path of each form, invalid input kept with its
message, the wrong method, a read-only user's post, another town's records, and the
exports within the user's scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import TOWN_A, make_id_number
from jiuye.core.models import AccessEvent
from jiuye.employment.models import EmploymentForm, EmploymentRecord
from jiuye.programs.models.auxiliary import (
    AuxIncome,
    AuxInstitution,
    AuxMembership,
    LabourAllocation,
    LabourDelivery,
    LabourProject,
)
from jiuye.programs.services import auxiliary as services
from jiuye.programs.tests import auxiliary_fixtures as fx

pytestmark = pytest.mark.django_db

home_a, home_b, bead_project = fx.home_a, fx.home_b, fx.bead_project


def _rows(response) -> list[tuple]:  # noqa: ANN001
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_a_town_officer_registers_an_institution_in_their_town(client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("programs:aux-institution-create"),
        {
            "name": "东城残疾人之家",
            "kind": "disabled_home",
            "region": TOWN_A,
            "capacity": "25",
            "accessibility": ["step_free", "accessible_toilet"],
            "status": "operating",
        },
    )
    institution = AuxInstitution.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programs:aux-institution", args=[institution.pk])
    assert (institution.capacity, institution.accessibility) == (
        25,
        ["step_free", "accessible_toilet"],
    )


def test_an_institution_form_with_bad_input_keeps_it_and_names_the_field(client_for) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("programs:aux-institution-create"),
        {"name": "某家园", "kind": "sunshine_home", "region": TOWN_A, "capacity": "0"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "错误：" in page
    assert "可容纳人数请填写 1 到 10000 之间的整数。" in page
    assert 'value="某家园"' in page
    assert not AuxInstitution.objects.exists()


def test_a_leader_may_read_an_institution_but_not_post_to_it(home_a, client_for) -> None:  # noqa: ANN001
    leader = client_for("leader")
    assert leader.get(reverse("programs:aux-institution", args=[home_a.pk])).status_code == 200
    url = reverse("programs:aux-member-add", args=[home_a.pk])
    assert leader.post(url, {}).status_code == 403


def test_another_towns_institution_is_not_found(home_a, client_for) -> None:  # noqa: ANN001
    url = reverse("programs:aux-institution", args=[home_a.pk])
    assert client_for("town_b").get(url).status_code == 404


def test_the_exports_answer_only_get(client_for) -> None:  # noqa: ANN001
    district = client_for("district")
    for name in ("aux-institutions-export", "labour-projects-export", "aux-members-export"):
        assert district.post(reverse(f"programs:{name}")).status_code == 405


def test_a_member_is_added_by_id_number_and_appears_with_income_on_the_institution_page(
    home_a, person_a, client_for
) -> None:  # noqa: ANN001
    client = client_for("town_a")
    response = client.post(
        reverse("programs:aux-member-add", args=[home_a.pk]),
        {
            "id_number": make_id_number(seq=101),
            "start_date": "2025-02-01",
            "hours_per_week": "20",
            "monthly_income": "800",
        },
    )
    assert response.status_code == 302
    membership = AuxMembership.objects.get()
    assert EmploymentRecord.objects.get(person=person_a).form == EmploymentForm.AUXILIARY
    response = client.post(
        reverse("programs:aux-income-add", args=[home_a.pk]),
        {"membership": membership.pk, "month": "2025-03-01", "amount": "650"},
    )
    assert response.status_code == 302
    assert AuxIncome.objects.get().amount == 650
    page = client.get(reverse("programs:aux-institution", args=[home_a.pk])).content.decode()
    assert "张三" in page
    assert "650.00" in page


def test_a_member_of_another_town_is_not_found_by_id_number(home_a, person_b, client_for) -> None:  # noqa: ANN001
    response = client_for("town_a").post(
        reverse("programs:aux-member-add", args=[home_a.pk]),
        {"id_number": make_id_number(seq=202), "start_date": "2025-02-01"},
    )
    assert response.status_code == 200
    assert "在您负责的范围内没有找到这个身份证号的人员" in response.content.decode()
    assert not AuxMembership.objects.exists()


def test_a_member_leaves_through_the_edit_page(home_a, person_a, client_for) -> None:  # noqa: ANN001
    membership = fx.member(home_a, person_a)
    response = client_for("town_a").post(
        reverse("programs:aux-member", args=[membership.pk]),
        {
            "start_date": "2025-02-01",
            "end_date": "2025-05-31",
            "hours_per_week": "20",
            "monthly_income": "800",
            "version": membership.version,
        },
    )
    assert response.status_code == 302
    assert EmploymentRecord.objects.get(person=person_a).end_date == dt.date(2025, 5, 31)


def test_a_project_is_collected_allocated_and_its_page_shows_the_flow(home_a, client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    response = client.post(
        reverse("programs:labour-project-create"),
        {
            "code": "LX-9",
            "name": "纸盒折叠",
            "source_name": "示范包装厂",
            "work_content": "折纸盒",
            "unit": "件",
            "unit_price": "0.30",
            "volume": "500",
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "region": "440199000000",
            "collected_on": "2025-01-05",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = LabourProject.objects.get()
    response = client.post(
        reverse("programs:labour-project-allocate", args=[project.pk]),
        {"institution": home_a.pk, "quantity": "300", "allocated_on": "2025-02-01"},
    )
    assert response.status_code == 302
    allocation = LabourAllocation.objects.get()
    services.delivery_create(
        allocation=allocation, by=None, quantity=120, delivered_on=dt.date(2025, 3, 1)
    )
    page = client.get(reverse("programs:labour-project", args=[project.pk])).content.decode()
    assert "收集入库 500件 → 已调配 300件 → 已交付 120件；尚未调配 200件。" in page


def test_the_allocate_page_refuses_more_than_the_volume_with_the_clear_message(
    bead_project, home_a, client_for
) -> None:  # noqa: ANN001
    response = client_for("district").post(
        reverse("programs:labour-project-allocate", args=[bead_project.pk]),
        {"institution": home_a.pk, "quantity": "1001", "allocated_on": "2025-02-01"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "调配数量超过了项目“手工串珠”可调配的数量" in page
    assert "还可调配 1000件，本次填写 1001件" in page
    assert not LabourAllocation.objects.exists()


def test_a_delivery_is_recorded_on_the_institutions_page(bead_project, home_a, client_for) -> None:  # noqa: ANN001
    allocation = services.allocation_create(
        project=bead_project,
        institution=home_a,
        by=None,
        quantity=100,
        allocated_on=dt.date(2025, 2, 1),
    )
    response = client_for("district").post(
        reverse("programs:aux-delivery-add", args=[home_a.pk]),
        {"allocation": allocation.pk, "quantity": "abc", "delivered_on": "2025-03-01"},
    )
    assert "交付数量请填写大于 0 的整数。" in response.content.decode()
    response = client_for("district").post(
        reverse("programs:aux-delivery-add", args=[home_a.pk]),
        {"allocation": allocation.pk, "quantity": "40", "delivered_on": "2025-03-01"},
    )
    assert response.status_code == 302
    assert LabourDelivery.objects.get().quantity == 40


def test_the_institution_export_of_a_town_holds_only_its_institutions(
    home_a, home_b, client_for
) -> None:  # noqa: ANN001
    rows = _rows(client_for("town_a").get(reverse("programs:aux-institutions-export")))
    assert [r[0] for r in rows[1:]] == ["东城阳光家园"]


def test_the_members_export_masks_id_numbers_and_keeps_to_the_town(
    home_a, home_b, person_a, person_b, client_for
) -> None:  # noqa: ANN001
    fx.member(home_a, person_a)
    fx.member(home_b, person_b)
    rows = _rows(client_for("town_a").get(reverse("programs:aux-members-export")))
    assert [r[1] for r in rows[1:]] == ["张三"]
    assert "*" in rows[1][2]
    logged = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert (logged.username, logged.detail["rows"]) == ("town_a", 1)


def test_the_project_export_of_a_town_leaves_out_the_districts_projects(
    bead_project, client_for
) -> None:  # noqa: ANN001
    assert len(_rows(client_for("town_a").get(reverse("programs:labour-projects-export")))) == 1
    assert len(_rows(client_for("district").get(reverse("programs:labour-projects-export")))) == 2


def test_the_person_page_timeline_shows_the_membership_and_the_income(
    home_a, person_a, client_for
) -> None:  # noqa: ANN001
    membership = fx.member(home_a, person_a, end_date=dt.date(2025, 5, 31))
    services.income_record(membership=membership, by=None, month=dt.date(2025, 3, 1), amount=650)
    page = client_for("town_a").get(reverse("people:detail", args=[person_a.pk])).content.decode()
    assert "进入阳光家园：东城阳光家园" in page
    assert "离开阳光家园：东城阳光家园" in page
    assert "2025-03 辅助性就业收入 650.00 元（东城阳光家园）" in page


def test_an_allocation_is_withdrawn_with_a_reason_and_its_volume_freed(
    bead_project, home_a, client_for
) -> None:  # noqa: ANN001
    allocation = services.allocation_create(
        project=bead_project,
        institution=home_a,
        by=None,
        quantity=700,
        allocated_on=dt.date(2025, 2, 1),
    )
    client = client_for("district")
    url = reverse("programs:labour-allocation-withdraw", args=[allocation.pk])
    response = client.post(url, {"reason": ""})
    assert "请填写归档原因。" in response.content.decode()
    response = client.post(url, {"reason": "录错数量"})
    assert response.url == reverse("programs:labour-project", args=[bead_project.pk])
    allocation.refresh_from_db()
    assert (allocation.is_archived, allocation.archived_reason) == (True, "录错数量")
    assert services.allocated_total(bead_project) == 0
