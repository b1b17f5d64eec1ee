"""Action 三: organizations, charity projects with beneficiaries, and employment leaders with the
jobs they bring — their rules, their pages (scope, read-only, wrong methods, bad input), their
exports, and the four indicators on a hand-counted fixture."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conftest import (
    TOWN_A,
    TOWN_B,
    VILLAGE_A,
    VILLAGE_B,
    make_id_number,
    make_uscc,
    register_person,
)
from jiuye.core.conflicts import ConflictError
from jiuye.core.indicators import registry
from jiuye.core.models import AccessEvent
from jiuye.core.tests.responses import answer_about, assert_one_answer, html_of
from jiuye.programs.models.charity import (
    CharityBeneficiary,
    CharityProject,
    EmploymentLeader,
    LeaderJob,
    Organization,
    OrganizationStatus,
)
from jiuye.programs.services import charity as services
from jiuye.programs.tests import charity_fixtures as fx
from jiuye.reference.models import Department, Region

pytestmark = pytest.mark.django_db


def _value(code: str, region: str, year: int) -> int:
    return int(registry.get(code).value(Region.objects.get(code=region), year))


# --- organizations --------------------------------------------------------------------------


def test_an_organization_needs_a_name_kind_and_region_and_a_valid_credit_code(reference) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.organization_create(by=None, name=" ", kind="x", region=None, uscc="123")
    assert set(error.value.message_dict) == {"name", "kind", "region", "uscc"}
    good = make_uscc("51440199MA5CHAR12")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        fx.organization(uscc=wrong)
    assert "校验码不对" in error.value.message_dict["uscc"][0]
    assert fx.organization(uscc=good.lower()).uscc == good


def test_a_town_officer_keeps_only_their_towns_organizations(personas) -> None:  # noqa: ANN001
    mine = fx.organization()
    theirs = fx.organization("西城聋人协会", town=TOWN_B, kind="deaf")
    services.organization_update(
        organization=mine, by=personas["town_a"], version=1, status=OrganizationStatus.INACTIVE
    )
    with pytest.raises(ValidationError):
        services.organization_update(
            organization=theirs, by=personas["town_a"], version=1, note="x"
        )
    with pytest.raises(ValidationError):  # nor move one out of the town
        services.organization_update(
            organization=mine,
            by=personas["town_a"],
            version=2,
            region=Region.objects.get(code=TOWN_B),
        )


def test_a_stale_organization_edit_conflicts_and_archiving_keeps_the_row(reference) -> None:  # noqa: ANN001
    organization = fx.organization()
    services.organization_update(organization=organization, by=None, version=1, note="一")
    with pytest.raises(ConflictError):
        services.organization_update(organization=organization, by=None, version=1, note="二")
    with pytest.raises(ValidationError):
        services.organization_archive(organization=organization, by=None, reason=" ")
    services.organization_archive(organization=organization, by=None, reason="已注销")
    assert Organization.objects.get(pk=organization.pk).is_archived


def test_the_organization_list_is_scoped_filtered_and_exported(client_for) -> None:  # noqa: ANN001
    fx.organization()
    fx.organization("西城聋人协会", town=TOWN_B, kind="deaf")
    url = reverse("programs:organizations")
    town_a = html_of(client_for("town_a").get(url))
    assert "东城盲人协会" in town_a and "西城聋人协会" not in town_a
    assert "西城聋人协会" in html_of(client_for("liaison").get(url))
    assert "东城盲人协会" not in html_of(client_for("district").get(url + "?kind=deaf"))
    response = client_for("district").get(url + "?kind=nonsense")
    assert response.status_code == 200 and "东城盲人协会" in html_of(response)
    export = client_for("leader").get(reverse("programs:organizations-export"))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "名称" and {r[0] for r in rows[1:]} == {"东城盲人协会", "西城聋人协会"}


def test_an_organization_is_registered_edited_and_archived_on_its_pages(client_for) -> None:  # noqa: ANN001
    client = client_for("town_a")
    form = {"name": "东城肢残人协会", "kind": "physical", "region": TOWN_A, "status": "active"}
    bad = html_of(client.post(reverse("programs:organization-create"), {**form, "uscc": "X1"}))
    assert "<title>错误：" in bad and "统一社会信用代码应为18位" in bad
    other = html_of(
        client.post(reverse("programs:organization-create"), {**form, "region": TOWN_B})
    )
    assert "只能选择您负责的镇街或村（社区）" in other
    assert client.post(reverse("programs:organization-create"), form).status_code == 302
    organization = Organization.objects.get(name="东城肢残人协会")
    url = reverse("programs:organization-edit", args=[organization.pk])
    assert client.post(url, {**form, "contact_name": "赵六", "version": 1}).status_code == 302
    assert "刚刚被其他人修改过" in html_of(client.post(url, {**form, "version": 1}))
    assert client.post(url, {"archive-reason": "重复录入"}).status_code == 302
    organization.refresh_from_db()
    assert organization.contact_name == "赵六" and organization.is_archived


def test_read_only_users_and_wrong_methods_are_refused(client_for, personas) -> None:  # noqa: ANN001
    organization = fx.organization()
    project = fx.project()
    leader = client_for("leader")
    assert leader.post(reverse("programs:organization-create"), {}).status_code == 403
    assert leader.post(reverse("programs:charity-project-create"), {}).status_code == 403
    district = client_for("district")
    assert district.post(reverse("programs:organizations")).status_code == 405
    assert (
        district.post(reverse("programs:organization", args=[organization.pk])).status_code == 405
    )
    assert district.post(reverse("programs:charity-project", args=[project.pk])).status_code == 405
    assert district.delete(reverse("programs:charity-project-create")).status_code == 405
    assert district.put(reverse("programs:leader-create")).status_code == 405
    assert district.post(reverse("programs:leaders-export")).status_code == 405


# --- charity projects -----------------------------------------------------------------------


def test_a_project_has_one_organiser_and_an_end_not_before_its_start(reference) -> None:  # noqa: ANN001
    region = Region.objects.get(code=TOWN_A)
    base = {"name": "项目", "kind": "project", "start_date": dt.date(2025, 3, 1), "region": region}
    with pytest.raises(ValidationError) as error:
        services.project_create(by=None, **base, end_date=dt.date(2025, 2, 1))
    assert set(error.value.message_dict) == {"organiser_organization", "end_date"}
    with pytest.raises(ValidationError) as error:
        services.project_create(
            by=None,
            **base,
            organiser_organization=fx.organization(),
            organiser_department=Department.objects.get(code="rsj"),
        )
    assert "只能填一个" in error.value.message_dict["organiser_department"][0]
    project = services.project_create(
        by=None, **base, organiser_department=Department.objects.get(code="rsj")
    )
    assert project.organiser == Department.objects.get(code="rsj").name


def test_a_beneficiary_is_recorded_once_and_its_outcomes_corrected(person_a) -> None:  # noqa: ANN001
    project = fx.project(end_date=dt.date(2025, 6, 30))
    row = services.beneficiary_save(project=project, person=person_a, by=None, trained=True)
    assert row.joined_on == project.start_date
    services.beneficiary_save(project=project, person=person_a, by=None, version=1, placed=True)
    assert CharityBeneficiary.objects.get().placed and CharityBeneficiary.objects.count() == 1
    with pytest.raises(ConflictError):
        services.beneficiary_save(project=project, person=person_a, by=None, version=1)
    with pytest.raises(ValidationError) as error:
        services.beneficiary_save(
            project=project, person=person_a, by=None, joined_on=dt.date(2025, 7, 1)
        )
    assert "joined_on" in error.value.message_dict


def test_a_town_officer_adds_beneficiaries_of_their_town_only(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    project = fx.project()
    client = client_for("town_a")
    url = reverse("programs:charity-beneficiary-add", args=[project.pk])
    missing = html_of(client.post(url, {"id_number": ""}))
    assert "请填写受益人的身份证号" in missing
    assert "身份证" in html_of(client.post(url, {"id_number": "123"}))
    outside = html_of(client.post(url, {"id_number": make_id_number(seq=202)}))
    assert "在您负责的范围内没有找到这个身份证号的人员" in outside
    posted = {"id_number": make_id_number(seq=101), "trained": "on", "placed": "on"}
    assert client.post(url, posted).status_code == 302
    page = html_of(client.get(reverse("programs:charity-project", args=[project.pk])))
    assert "张三" in page
    leader_page = html_of(
        client_for("leader").get(reverse("programs:charity-project", args=[project.pk]))
    )
    assert "张三" not in leader_page and "受益人数" in leader_page


def test_the_beneficiaries_export_masks_numbers_and_is_logged(client_for, person_a) -> None:  # noqa: ANN001
    project = fx.project()
    services.beneficiary_save(project=project, person=person_a, by=None, placed=True)
    response = client_for("town_a").get(
        reverse("programs:charity-beneficiaries-export", args=[project.pk])
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "张三" and make_id_number(seq=101) not in str(rows)
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).count() == 1


def test_a_liaison_reads_the_projects_of_their_department_only(client_for) -> None:  # noqa: ANN001
    ours = fx.project("人社局就业援助活动", organiser_department=Department.objects.get(code="rsj"))
    fx.project()
    html = html_of(client_for("liaison").get(reverse("programs:charity-projects")))
    assert "人社局就业援助活动" in html and "东城助残就业公益项目" not in html
    assert (
        client_for("liaison").get(reverse("programs:charity-project", args=[ours.pk])).status_code
        == 200
    )


def test_the_project_form_explains_bad_input_and_saves(client_for) -> None:  # noqa: ANN001
    organization = fx.organization()
    client = client_for("town_a")
    url = reverse("programs:charity-project-create")
    form = {
        "name": "东城就业帮扶活动",
        "kind": "activity",
        "organiser_organization": organization.pk,
        "start_date": "2025-05-01",
        "end_date": "2025-04-01",
        "region": VILLAGE_A,
        "funding_amount": "-1",
    }
    html = html_of(client.post(url, form))
    assert "<title>错误：" in html and "结束日期" in html and "资金请填写不小于 0 的金额" in html
    html = html_of(
        client.post(
            url, {**form, "end_date": "", "funding_amount": "", "organiser_organization": ""}
        )
    )
    assert "请选择主办组织或主办部门（二选一）" in html
    response = client.post(url, {**form, "end_date": "", "funding_amount": "5000"})
    assert response.status_code == 302
    assert CharityProject.objects.get(name="东城就业帮扶活动").region_id == VILLAGE_A


# --- leaders --------------------------------------------------------------------------------


def test_a_leader_has_a_business_and_is_recognised_once(person_a, employer_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.leader_create(by=None, person=person_a, recognised_on=dt.date(2024, 1, 1))
    assert "business_name" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.leader_create(
            by=None,
            person=person_a,
            employer=employer_a,
            business_name="又填了名称",
            recognised_on=dt.date(2024, 1, 1),
        )
    leader = services.leader_create(
        by=None, person=person_a, employer=employer_a, recognised_on=dt.date(2024, 1, 1)
    )
    assert leader.business == employer_a.name
    with pytest.raises(ValidationError) as error:
        services.leader_create(
            by=None, person=person_a, business_name="第二次", recognised_on=dt.date(2024, 1, 1)
        )
    assert "已经是就业创业带头人" in error.value.message_dict["person"][0]


def test_a_job_links_once_and_never_the_leaders_own(reference) -> None:  # noqa: ANN001
    leader = fx.leader()
    worker = register_person(302, "李明")
    record = fx.job(worker, dt.date(2025, 2, 1))
    services.leader_job_link(leader=leader, record=record, by=None)
    with pytest.raises(ValidationError) as error:
        services.leader_job_link(leader=leader, record=record, by=None)
    assert "已关联到带头人" in error.value.message_dict["record"][0]
    own = fx.job(leader.person, dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.leader_job_link(leader=leader, record=own, by=None)


def test_a_town_officer_recognises_a_leader_and_links_a_job_on_the_pages(
    client_for, person_a
) -> None:  # noqa: ANN001
    worker = register_person(302, "李明")
    client = client_for("town_a")
    url = reverse("programs:leader-create")
    html = html_of(client.post(url, {"id_number": "", "recognised_on": "2024-05-01"}))
    assert "请填写带头人的身份证号" in html and "请填写经营的用人单位" in html
    html = html_of(
        client.post(
            url,
            {
                "id_number": make_id_number(seq=101),
                "employer_uscc": "X1",
                "recognised_on": "2024-05-01",
            },
        )
    )
    assert "没有找到统一社会信用代码为 X1 的用人单位" in html
    form = {
        "id_number": make_id_number(seq=101),
        "business_name": "张三网店",
        "recognised_on": "2024-05-01",
    }
    assert client.post(url, form).status_code == 302
    leader = EmploymentLeader.objects.get()
    job_url = reverse("programs:leader-job-add", args=[leader.pk])
    no_job = html_of(client.post(job_url, {"id_number": make_id_number(seq=302)}))
    assert "李明 还没有就业记录" in no_job
    fx.job(worker, dt.date(2025, 2, 1))
    assert client.post(job_url, {"id_number": make_id_number(seq=302)}).status_code == 302
    page = html_of(client.get(reverse("programs:leader", args=[leader.pk])))
    assert "李明" in page and "东城电商工作室" in page
    listing = html_of(client.get(reverse("programs:leaders")))
    assert "张三网店" in listing
    assert "张三网店" not in html_of(client_for("town_b").get(reverse("programs:leaders")))


def test_the_leaders_export_masks_numbers_and_is_logged(client_for, person_a) -> None:  # noqa: ANN001
    fx.leader(person_a)
    response = client_for("district").get(reverse("programs:leaders-export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "张三" and make_id_number(seq=101) not in str(rows)
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).count() == 1


def test_the_pages_stay_within_their_query_budget(
    client_for, person_a, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    project = fx.project()
    for n in range(3):
        fx.organization(f"协会{n}")
        fx.project(f"项目{n}")
    services.beneficiary_save(project=project, person=person_a, by=None)
    leader = fx.leader()
    client = client_for("town_a")
    for url in (
        reverse("programs:organizations"),
        reverse("programs:charity-projects"),
        reverse("programs:charity-project", args=[project.pk]),
        reverse("programs:leaders"),
        reverse("programs:leader", args=[leader.pk]),
    ):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


# --- indicators -----------------------------------------------------------------------------


def test_the_four_indicators_count_the_hand_counted_fixture(reference, person_a, person_b) -> None:  # noqa: ANN001
    # Organizations: 东城 two active (one of them in a village) and one inactive, one archived;
    # 西城 one active.
    fx.organization("东城盲人协会")
    fx.organization("东城聋人协会", town=VILLAGE_A, kind="deaf")
    fx.organization("东城亲友会", kind="relatives", status=OrganizationStatus.INACTIVE)
    gone = fx.organization("东城旧协会")
    services.organization_archive(organization=gone, by=None, reason="已注销")
    fx.organization("西城肢协", town=TOWN_B, kind="physical")
    # Projects: 东城 two in 2025 (one archived), one in 2024; 西城 one in 2025.
    p1 = fx.project("东城2025项目一")
    p2 = fx.project("东城2025项目二", start=dt.date(2025, 9, 1))
    p_old = fx.project("东城2024项目", start=dt.date(2024, 3, 1))
    p_gone = fx.project("东城2025已取消", start=dt.date(2025, 4, 1))
    p_west = fx.project("西城2025项目", town=TOWN_B)
    # Beneficiaries: 张三 (东城) in p1 and p2 counts once; 李四 (西城) benefits from a 东城
    # project, so counts for 西城; nobody counts for the 2024 or the archived project.
    for project in (p1, p2, p_old):
        services.beneficiary_save(project=project, person=person_a, by=None)
    services.beneficiary_save(project=p1, person=person_b, by=None)
    wang = register_person(303, "王五")
    services.beneficiary_save(project=p_gone, person=wang, by=None)
    services.project_archive(project=p_gone, by=None, reason="取消")
    # Leaders: jobs of 2025 for 李明 (东城) and 赵七 (西城); 钱八's started in 2024.
    leader = fx.leader()
    for seq, name, village, start in (
        (304, "李明", VILLAGE_A, dt.date(2025, 2, 1)),
        (305, "赵七", VILLAGE_B, dt.date(2025, 6, 1)),
        (306, "钱八", VILLAGE_A, dt.date(2024, 6, 1)),
    ):
        record = fx.job(register_person(seq, name, village), start)
        services.leader_job_link(leader=leader, record=record, by=None)
    assert p_west.region_id == TOWN_B

    assert _value("programs.organizations_active", TOWN_A, 2025) == 2
    assert _value("programs.organizations_active", TOWN_B, 2025) == 1
    assert _value("programs.charity_projects", TOWN_A, 2025) == 2
    assert _value("programs.charity_projects", TOWN_A, 2024) == 1
    assert _value("programs.charity_projects", "440199000000", 2025) == 3
    assert _value("programs.charity_beneficiaries", TOWN_A, 2025) == 1
    assert _value("programs.charity_beneficiaries", TOWN_B, 2025) == 1
    assert _value("programs.charity_beneficiaries", "440199000000", 2025) == 2
    assert _value("programs.leader_driven_jobs", TOWN_A, 2025) == 1
    assert _value("programs.leader_driven_jobs", "440199000000", 2025) == 2
    assert _value("programs.leader_driven_jobs", "440199000000", 2024) == 1
    assert LeaderJob.objects.count() == 3


# --- the person page ------------------------------------------------------------------------


def test_the_person_timeline_shows_benefits_leadership_and_a_job_a_leader_brought(
    client_for, person_a
) -> None:  # noqa: ANN001
    project = fx.project()
    services.beneficiary_save(project=project, person=person_a, by=None, placed=True)
    leader = fx.leader()
    services.leader_job_link(leader=leader, record=fx.job(person_a, dt.date(2025, 4, 1)), by=None)
    html = html_of(client_for("town_a").get(reverse("people:detail", args=[person_a.pk])))
    assert "受益于公益慈善项目：东城助残就业公益项目（东城盲人协会）" in html
    assert "成效：实现就业" in html
    assert "由带头人 王带头（王带头电商工作室）带动就业" in html
    assert reverse("programs:leader", args=[leader.pk]) in html
    own = html_of(client_for("town_a").get(reverse("people:detail", args=[leader.person.pk])))
    assert "认定为就业创业带头人：王带头电商工作室" in own


def test_a_beneficiary_recorded_by_mistake_is_removed_with_a_reason_and_counts_no_more(
    client_for, person_a
) -> None:  # noqa: ANN001
    project = fx.project()
    row = services.beneficiary_save(project=project, person=person_a, by=None, placed=True)
    region = "440199000000"
    assert _value("programs.charity_beneficiaries", region, 2025) == 1
    client = client_for("town_a")
    url = reverse("programs:charity-beneficiary-remove", args=[row.pk])
    assert "请填写归档原因" in html_of(client.post(url, {"reason": " "}))
    assert client.post(url, {"reason": "录错了人"}).status_code == 302
    row.refresh_from_db()
    assert row.is_archived and row.archived_reason == "录错了人"
    assert _value("programs.charity_beneficiaries", region, 2025) == 0
    page = html_of(client.get(reverse("programs:charity-project", args=[project.pk])))
    assert "已移出受益人：张三" in page and "移出 张三" not in page
    services.beneficiary_save(project=project, person=person_a, by=None)
    row.refresh_from_db()
    assert not row.is_archived and CharityBeneficiary.objects.count() == 1


def test_each_form_that_names_a_person_answers_another_towns_number_as_an_unregistered_one(
    client_for, person_a, person_b
) -> None:  # noqa: ANN001
    """The one answer of every lookup (ADR 0011): the beneficiary, leader and leader's job
    forms say the same of a number registered in another town and of an unregistered one."""
    client = client_for("town_a")
    forms = {
        reverse("programs:charity-beneficiary-add", args=[fx.project().pk]): {},
        reverse("programs:leader-create"): {"recognised_on": "2024-05-01"},
        reverse("programs:leader-job-add", args=[fx.leader(person_a).pk]): {},
    }
    for url, other in forms.items():
        assert_one_answer(
            [
                answer_about(html_of(client.post(url, {"id_number": n, **other})), n)
                for n in (person_b.id_number, make_id_number(seq=777))
            ]
        )


def test_a_job_linked_by_mistake_is_unlinked_after_a_confirmation(
    client_for, personas, person_a
) -> None:  # noqa: ANN001
    from auditlog.models import LogEntry

    leader = fx.leader()
    record = fx.job(person_a, dt.date(2025, 2, 1))
    job = services.leader_job_link(leader=leader, record=record, by=None)
    url = reverse("programs:leader-job-remove", args=[job.pk])
    assert url in html_of(client_for("town_a").get(reverse("programs:leader", args=[leader.pk])))
    confirm = html_of(client_for("town_a").get(url))
    assert "确定取消 张三 的就业记录与带头人 王带头 的关联吗" in confirm
    assert LeaderJob.objects.exists()
    assert client_for("town_b").post(url).status_code == 404
    assert client_for("liaison").post(url).status_code == 403
    response = client_for("town_a").post(url, follow=True)
    assert "已取消 张三 与带头人的关联。" in html_of(response)
    assert not LeaderJob.objects.exists()
    record.refresh_from_db()
    assert record.archived_at is None  # the employment record itself stays
    deleted = LogEntry.objects.get(content_type__model="leaderjob", action=LogEntry.Action.DELETE)
    assert deleted.actor == personas["town_a"]
    # Linked again, then the leader is archived: the link is kept as it is.
    job = services.leader_job_link(leader=leader, record=record, by=None)
    services.leader_archive(leader=leader, by=None, reason="不再认定")
    with pytest.raises(ValidationError) as error:
        services.leader_job_unlink(job=job, by=personas["town_a"])
    assert "已归档" in error.value.messages[0]
    assert LeaderJob.objects.count() == 1
