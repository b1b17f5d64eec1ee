"""Pages of action 三: organizations, charity projects with their beneficiaries, and employment
and entrepreneurship leaders with the jobs they bring.

Who may do what:
- organizations (list, page, export): administrators, district staff, leaders and department
  liaisons read every one, a town officer those of their town (another town's: 404). Create,
  edit, archive: administrators, district staff and town officers (their town).
- projects: read like organizations, except that a liaison reads the projects their department
  organises (others: 404). Keepers as for organizations; a liaison also registers, corrects and
  archives the projects of their own department. Beneficiaries (personal data) are
  shown, added and exported by administrators, district staff and town officers, for persons of
  their scope; others see the counts only.
- leaders (personal data): administrators, district staff and town officers for persons of
  their scope; everyone else 403.
Exports of personal data mask ID numbers and are written to the access log.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import Role
from jiuye.core import crud
from jiuye.core.access import roles_required
from jiuye.core.downloads import attachment, formula_safe, logged_export
from jiuye.programs.forms.charity import (
    BeneficiariesUploadForm,
    BeneficiaryForm,
    LeaderForm,
    LeaderJobForm,
    LeaderSearchForm,
    OrganizationForm,
    OrganizationSearchForm,
    ProjectForm,
    ProjectSearchForm,
)
from jiuye.programs.importing import charity as beneficiary_lists
from jiuye.programs.models.charity import CharityProject, EmploymentLeader, Organization
from jiuye.programs.selectors import charity as selectors
from jiuye.programs.services import charity as services

STAFF = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER, Role.DEPARTMENT)
KEEPERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)


def _region_name(record: Any) -> str:
    region = record.region
    return f"{region.parent.name} {region.name}" if region.parent_id else region.name


# --- organizations --------------------------------------------------------------------------


def _organization(request: HttpRequest, pk: uuid.UUID) -> Organization:
    queryset = selectors.organizations_visible(request.user).select_related("region__parent")
    return get_object_or_404(queryset, pk=pk)


@roles_required(*STAFF)
@require_GET
def organization_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    organization = _organization(request, pk)
    projects = selectors.projects_for_list(
        selectors.projects_visible(request.user).filter(
            organiser_organization=organization, archived_at__isnull=True
        )
    )
    context = {
        "organization": organization,
        "projects": projects,
        "can_keep": request.user.role in KEEPERS
        and services.may_keep(request.user, organization.region_id),
    }
    return render(request, "programs/charity/organization_detail.html", context)


ORGANIZATION_PAGES = crud.EditPages(
    name="organization",
    form_class=OrganizationForm,
    template="programs/charity/organization_form.html",
    create=services.organization_create,
    update=services.organization_update,
    archive=services.organization_archive,
    detail="programs:organization",
    listing="programs:organizations",
    saved=gettext_lazy("已保存组织：%(name)s。"),
    archived=gettext_lazy("已归档组织：%(name)s。"),
    refused=gettext_lazy("这个组织已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、组织已注销。归档后不再出现在列表中，记录仍然保留。"),
)


def _organization_row(o: Organization) -> list[Any]:
    return [
        formula_safe(o.name),
        o.get_kind_display(),
        o.uscc,
        o.region.name,
        formula_safe(o.address),
        formula_safe(o.contact_name),
        formula_safe(o.contact_phone),
        o.get_status_display(),
        o.n_projects,
    ]


# The export is organisational data: no person, no access log.
ORGANIZATIONS = crud.RecordPages(
    edit=ORGANIZATION_PAGES,
    readers=STAFF,
    keepers=KEEPERS,
    visible=selectors.organizations_visible,
    rows=crud.searching(
        OrganizationSearchForm, selectors.organization_search, selectors.organizations_for_list
    ),
    export=crud.Export(
        title=gettext_lazy("残疾人组织和助残组织"),
        headers=[
            gettext_lazy("名称"),
            gettext_lazy("类型"),
            gettext_lazy("统一社会信用代码"),
            gettext_lazy("所在地"),
            gettext_lazy("地址"),
            gettext_lazy("联系人"),
            gettext_lazy("联系电话"),
            gettext_lazy("状态"),
            gettext_lazy("主办项目数"),
        ],
        row=_organization_row,
        widths=(30, 24),
        width=14,
    ),
    detail=organization_detail,
    get=_organization,
)


# --- charity projects -----------------------------------------------------------------------


def _project(request: HttpRequest, pk: uuid.UUID) -> CharityProject:
    queryset = selectors.projects_visible(request.user).select_related(
        "region__parent", "organiser_organization", "organiser_department"
    )
    return get_object_or_404(queryset, pk=pk)


@roles_required(*STAFF)
@require_GET
def project_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    project = _project(request, pk)
    figures = selectors.projects_for_list(CharityProject.objects.filter(pk=project.pk)).get()
    personal = request.user.role in KEEPERS
    context = {
        "project": project,
        "figures": figures,
        "personal": personal,
        "beneficiaries": selectors.project_beneficiaries(request.user, project) if personal else [],
        "can_keep": personal and services.may_keep(request.user, project.region_id),
        "can_edit": request.user.role in services.PROJECT_KEEPERS
        and services.may_keep_project(request.user, project),
    }
    return render(request, "programs/charity/project_detail.html", context)


PROJECT_PAGES = crud.EditPages(
    name="project",
    form_class=ProjectForm,
    template="programs/charity/project_form.html",
    create=services.project_create,
    update=services.project_update,
    archive=services.project_archive,
    detail="programs:charity-project",
    listing="programs:charity-projects",
    saved=gettext_lazy("已保存项目：%(name)s。"),
    archived=gettext_lazy("已归档项目：%(name)s。"),
    refused=gettext_lazy("这个项目已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、项目取消。归档后不再出现在列表中，记录仍然保留。"),
)


def _project_row(p: CharityProject) -> list[Any]:
    return [
        formula_safe(p.name),
        p.get_kind_display(),
        formula_safe(p.organiser),
        formula_safe(p.funding_source),
        p.funding_amount,
        p.start_date,
        p.end_date,
        p.region.name,
        formula_safe(p.place),
        formula_safe(p.target_group),
        p.n_beneficiaries,
        p.n_trained,
        p.n_placed,
        p.n_started,
    ]


# The export holds the projects' outcomes as counts only: no person.
PROJECTS = crud.RecordPages(
    edit=PROJECT_PAGES,
    readers=STAFF,
    keepers=services.PROJECT_KEEPERS,
    visible=selectors.projects_visible,
    rows=crud.searching(ProjectSearchForm, selectors.project_search, selectors.projects_for_list),
    export=crud.Export(
        title=gettext_lazy("公益慈善项目和活动"),
        headers=[
            gettext_lazy("名称"),
            gettext_lazy("类别"),
            gettext_lazy("主办单位"),
            gettext_lazy("资金来源"),
            gettext_lazy("资金（元）"),
            gettext_lazy("开始日期"),
            gettext_lazy("结束日期"),
            gettext_lazy("所属地区"),
            gettext_lazy("地点"),
            gettext_lazy("面向对象"),
            gettext_lazy("受益人数"),
            gettext_lazy("参加培训"),
            gettext_lazy("实现就业"),
            gettext_lazy("自主创业"),
        ],
        row=_project_row,
        widths=(30, 14, 24),
        width=12,
    ),
    detail=project_detail,
    get=_project,
)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def beneficiary_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    project = _project(request, pk)
    form = BeneficiaryForm(crud.posted(request), user=request.user)

    def save() -> HttpResponse:
        person = form.cleaned_data["id_number"]
        services.beneficiary_save(
            project=project, person=person, by=request.user, **form.service_fields()
        )
        message = _("已登记受益人：%(name)s。") % {"name": person.name}
        return crud.done(request, message, "programs:charity-project", pk=project.pk)

    return crud.service_form(
        request,
        form,
        save,
        template="programs/charity/beneficiary_form.html",
        context={"project": project},
    )


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def beneficiary_remove(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Take a beneficiary recorded by mistake off the project, with a reason (archived)."""
    queryset = selectors.beneficiaries_visible(request.user).select_related("person", "project")
    row = get_object_or_404(queryset, pk=pk)
    project = _project(request, row.project_id)
    return crud.archive_page(
        request,
        row,
        lambda reason: services.beneficiary_archive(
            beneficiary=row, by=request.user, reason=reason
        ),
        template="programs/charity/beneficiary_remove.html",
        context={"row": row, "project": project},
        help_text=gettext_lazy(
            "例如：录错了人、不是这个项目的受益人。记录仍然保留，但不再计入成效和指标。"
        ),
        already=_("这位受益人已经移出。"),
        message=_("已移出受益人：%(name)s。") % {"name": row.person.name},
        detail=reverse("programs:charity-project", args=[project.pk]),
    )


@roles_required(*KEEPERS)
@require_GET
def beneficiaries_export(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The project's beneficiaries in the user's scope as .xlsx, ID numbers masked; logged."""
    project = _project(request, pk)
    headers = [
        _("姓名"),
        _("身份证号（部分隐藏）"),
        _("村社区"),
        _("受益日期"),
        _("参加培训"),
        _("实现就业"),
        _("自主创业"),
        _("备注"),
    ]
    yes, no = _("是"), _("否")

    def row(b: Any) -> list[Any]:
        return [
            formula_safe(b.person.name),
            b.person.masked_id_number,
            b.person.region.name,
            b.joined_on,
            yes if b.trained else no,
            yes if b.placed else no,
            yes if b.started_business else no,
            formula_safe(b.note),
        ]

    return logged_export(
        request,
        selectors.project_beneficiaries(request.user, project),
        row,
        kind="charity_beneficiaries",
        title=_("受益人"),
        headers=headers,
        filename=_("公益慈善项目受益人.xlsx"),
        obj=project,
        widths=(12, 22, 16),
    )


# --- leaders --------------------------------------------------------------------------------


def _leader(request: HttpRequest, pk: uuid.UUID) -> EmploymentLeader:
    queryset = selectors.leaders_visible(request.user).select_related("person__region", "employer")
    return get_object_or_404(queryset, pk=pk)


@roles_required(*KEEPERS)
@require_GET
def leader_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    leader = _leader(request, pk)
    context = {"leader": leader, "jobs": selectors.leader_jobs(request.user, leader)}
    return render(request, "programs/charity/leader_detail.html", context)


LEADER_PAGES = crud.EditPages(
    name="leader",
    form_class=LeaderForm,
    template="programs/charity/leader_form.html",
    create=services.leader_create,
    update=services.leader_update,
    archive=services.leader_archive,
    detail="programs:leader",
    listing="programs:leaders",
    saved=gettext_lazy("已保存就业创业带头人：%(business)s。"),
    archived=gettext_lazy("已归档就业创业带头人：%(business)s。"),
    refused=gettext_lazy("这位带头人已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、不再认定。归档后不再出现在列表中，记录仍然保留。"),
    label="business",
)


def _leader_row(leader: EmploymentLeader) -> list[Any]:
    return [
        formula_safe(leader.person.name),
        leader.person.masked_id_number,
        leader.person.region.name,
        formula_safe(leader.business),
        leader.employer.uscc if leader.employer_id else "",
        leader.recognised_on,
        leader.n_jobs,
    ]


# Leaders are persons: their export masks ID numbers and is logged.
LEADERS = crud.RecordPages(
    edit=LEADER_PAGES,
    readers=KEEPERS,
    keepers=KEEPERS,
    visible=selectors.leaders_visible,
    rows=crud.searching(LeaderSearchForm, selectors.leader_search, selectors.leaders_for_list),
    export=crud.Export(
        title=gettext_lazy("就业创业带头人"),
        headers=[
            gettext_lazy("姓名"),
            gettext_lazy("身份证号（部分隐藏）"),
            gettext_lazy("村社区"),
            gettext_lazy("经营的单位或项目"),
            gettext_lazy("统一社会信用代码"),
            gettext_lazy("认定日期"),
            gettext_lazy("带动就业人数"),
        ],
        row=_leader_row,
        widths=(12, 22, 16, 30),
        logged="employment_leaders",
    ),
    detail=leader_detail,
    get=_leader,
)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def leader_job_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    leader = _leader(request, pk)
    form = LeaderJobForm(crud.posted(request), user=request.user)

    def save() -> HttpResponse:
        record = form.cleaned_data["id_number"]
        services.leader_job_link(leader=leader, record=record, by=request.user)
        message = _("已关联 %(name)s 的就业记录。") % {"name": record.person.name}
        return crud.done(request, message, "programs:leader", pk=leader.pk)

    return crud.service_form(
        request,
        form,
        save,
        template="programs/charity/leader_job_form.html",
        context={"leader": leader},
    )


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def leader_job_remove(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Confirm, then take a job linked by mistake off the leader (the link is deleted; the
    employment record stays as it is)."""
    queryset = selectors.leader_jobs_visible(request.user).select_related("record__person")
    job = get_object_or_404(queryset, pk=pk)
    leader = _leader(request, job.leader_id)
    name = job.record.person.name
    return crud.confirm(
        request,
        lambda: services.leader_job_unlink(job=job, by=request.user),
        _("已取消 %(name)s 与带头人的关联。") % {"name": name},
        title=_("取消带动就业的关联：%(name)s") % {"name": name},
        question=_(
            "确定取消 %(name)s 的就业记录与带头人 %(leader)s 的关联吗？"
            "就业记录本身不变，只是不再计为这位带头人带动的就业。"
        )
        % {"name": name, "leader": leader.person.name},
        button=_("取消关联"),
        back=reverse("programs:leader", args=[leader.pk]),
    )


# --- a project's beneficiaries from a file --------------------------------------------------


@roles_required(*KEEPERS)
@require_GET
def beneficiaries_template(request: HttpRequest) -> HttpResponse:
    return attachment(beneficiary_lists.beneficiaries_template(), _("受益人名单模板.xlsx"))


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def beneficiaries_upload(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Check an uploaded list of beneficiaries against the project (nothing is saved): every
    bad row, or what saving would do with a button to save it."""
    project = _project(request, pk)
    if project.is_archived:
        messages.error(request, _("这个项目已归档，不能再登记受益人。"))
        return redirect("programs:charity-project", pk=project.pk)
    form = BeneficiariesUploadForm(request.POST or None, request.FILES or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        checked = beneficiary_lists.beneficiaries_check(
            project=project, upload=form.cleaned_data["file"], by=request.user
        )
        if checked.message and not checked.errors:
            form.add_error("file", checked.message)
            checked = None
    context = {"project": project, "form": form, "checked": checked}
    return render(request, "programs/charity/beneficiaries_upload.html", context)


@roles_required(*KEEPERS, write=True)
@require_POST
def beneficiaries_upload_save(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    project = _project(request, pk)
    result = beneficiary_lists.beneficiaries_save(
        project=project, checked=request.POST.get("batch", ""), by=request.user
    )
    if result is None:
        messages.error(request, _("找不到已检查的名单文件，请重新上传。"))
        return redirect("programs:charity-beneficiaries-upload", pk=project.pk)
    if not result.ok:
        context = {"project": project, "form": BeneficiariesUploadForm(), "checked": result}
        return render(request, "programs/charity/beneficiaries_upload.html", context)
    message = _("受益人名单已保存：新增 %(c)d 人，更新 %(u)d 人，未变 %(n)d 人。") % {
        "c": result.created,
        "u": result.updated,
        "n": result.unchanged,
    }
    return crud.done(request, message, "programs:charity-project", pk=project.pk)
