"""A department liaison registers, corrects and archives the charity projects their own
department organises, and only those; the beneficiaries stay out of their sight."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import VILLAGE_B
from jiuye.core.tests.responses import html_of
from jiuye.programs.models.charity import CharityProject
from jiuye.programs.services import charity as services
from jiuye.programs.tests import charity_fixtures as fx
from jiuye.reference.models import Department, Region

pytestmark = pytest.mark.django_db


def _form(**extra: str) -> dict[str, str]:
    return {
        "name": "人社局助残招聘活动",
        "kind": "activity",
        "organiser_department": "rsj",
        "start_date": "2025-05-01",
        "region": VILLAGE_B,
        **extra,
    }


def test_a_liaison_registers_corrects_and_archives_their_departments_project(
    client_for, personas, person_a
) -> None:  # noqa: ANN001
    client = client_for("liaison")
    listing = html_of(client.get(reverse("programs:charity-projects")))
    assert reverse("programs:charity-project-create") in listing
    page = html_of(client.get(reverse("programs:charity-project-create")))
    assert 'name="organiser_organization"' not in page
    # Another department is not offered, and not accepted.
    html = html_of(
        client.post(reverse("programs:charity-project-create"), _form(organiser_department="mzj"))
    )
    assert "只能选择列出的部门" in html
    assert not CharityProject.objects.exists()
    response = client.post(reverse("programs:charity-project-create"), _form())
    assert response.status_code == 302
    project = CharityProject.objects.get()
    assert project.organiser_department_id == "rsj" and project.region_id == VILLAGE_B
    detail = html_of(client.get(reverse("programs:charity-project", args=[project.pk])))
    assert reverse("programs:charity-project-edit", args=[project.pk]) in detail
    # The counts, never the persons.
    services.beneficiary_save(project=project, person=person_a, by=None)
    detail = html_of(client.get(reverse("programs:charity-project", args=[project.pk])))
    assert "张三" not in detail and "登记受益人" not in detail
    edit = reverse("programs:charity-project-edit", args=[project.pk])
    form = _form(name="人社局助残专场招聘会", version=str(project.version))
    assert client.post(edit, form).status_code == 302
    project.refresh_from_db()
    assert project.name == "人社局助残专场招聘会"
    changes = LogEntry.objects.filter(object_pk=str(project.pk), action=LogEntry.Action.UPDATE)
    assert any(
        "人社局助残专场招聘会" in str(e.changes) and e.actor == personas["liaison"] for e in changes
    )
    archived = client.post(edit, {"archive-reason": "重复录入"})
    assert archived.status_code == 302
    project.refresh_from_db()
    assert project.is_archived and project.archived_reason == "重复录入"
    for name in ("charity-beneficiary-add", "charity-beneficiaries-export"):
        assert client.get(reverse(f"programs:{name}", args=[project.pk])).status_code == 403


def test_a_liaison_may_not_touch_another_organisers_project(client_for, personas) -> None:  # noqa: ANN001
    theirs = fx.project()  # organised by an association
    other = fx.project("民政局活动", organiser_department=Department.objects.get(code="mzj"))
    client = client_for("liaison")
    for project in (theirs, other):
        url = reverse("programs:charity-project-edit", args=[project.pk])
        assert client.get(url).status_code == 404
    liaison = personas["liaison"]
    with pytest.raises(ValidationError) as error:
        services.project_update(project=other, by=liaison, version=None, name="改名")
    assert "不是贵部门主办的" in error.value.messages[0]
    ours = fx.project("人社局活动", organiser_department=Department.objects.get(code="rsj"))
    with pytest.raises(ValidationError) as error:
        services.project_update(
            project=ours, by=liaison, version=None, organiser_department=None,
            organiser_organization=fx.organization(),
        )  # fmt: skip
    assert "部门联络员只能登记和修改本部门主办的项目" in str(error.value)
    with pytest.raises(ValidationError):
        services.project_create(
            by=liaison, name="x", kind="activity", start_date=ours.start_date,
            region=Region.objects.get(code=VILLAGE_B),
            organiser_department=Department.objects.get(code="mzj"),
        )  # fmt: skip
