"""Pages of auxiliary employment and the labour-project bank (action 五).

Who may do what:
- institutions and projects (list, page, export): administrators, district staff and leaders
  see all, a town officer those located in their town (another town's: 404). Leaders read
  only and see no persons. Create, edit, archive, allocate, deliver: administrators, district
  staff and town officers within their town.
- members and their income: administrators, district staff and town officers, persons of
  their scope only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role
from jiuye.core import crud, listing
from jiuye.core.access import roles_required
from jiuye.core.downloads import formula_safe
from jiuye.core.forms import ArchiveForm
from jiuye.core.masking import mask_id_number
from jiuye.core.models import choice_labels
from jiuye.jobs.models import AccessFeature
from jiuye.programs.forms.auxiliary import (
    KIND_FILTER,
    STATUS_FILTER,
    AllocationForm,
    DeliveryEditForm,
    DeliveryForm,
    IncomeEditForm,
    IncomeForm,
    InstitutionForm,
    MembershipEditForm,
    MembershipForm,
    ProjectForm,
)
from jiuye.programs.models.auxiliary import (
    AuxInstitution,
    AuxMembership,
    InstitutionKind,
    InstitutionStatus,
    LabourProject,
)
from jiuye.programs.selectors import auxiliary as selectors
from jiuye.programs.services import auxiliary as services
from jiuye.reference.forms import choices_and_town
from jiuye.reference.models import Region

KEEPERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)
PAGE_SIZE = 30
T = "programs/auxiliary/"


def _institution(request: HttpRequest, pk: uuid.UUID) -> AuxInstitution:
    queryset = selectors.institutions_visible(request.user).select_related(
        "region__parent", "employer"
    )
    return get_object_or_404(queryset, pk=pk)


def _project(request: HttpRequest, pk: uuid.UUID) -> LabourProject:
    queryset = selectors.projects_visible(request.user).select_related("region", "source_employer")
    return get_object_or_404(queryset, pk=pk)


def _institution_rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    chosen, context = choices_and_town(
        request,
        ("kind", InstitutionKind.values, _("无法识别的机构类型，已显示全部类型。")),
        ("status", InstitutionStatus.values, _("无法识别的运营状态，已显示全部状态。")),
    )
    context.update(kinds=KIND_FILTER, statuses=STATUS_FILTER)
    return selectors.institutions_for_list(records, **chosen), context


def _form_context(title: str, lead: str, submit: str, cancel: str) -> dict[str, Any]:
    return {"title": title, "lead": lead, "submit_label": submit, "cancel_url": cancel}


def _form_page(
    request: HttpRequest, form: Any, save: Any, title: str, lead: str, submit: str, cancel: str
) -> HttpResponse:
    """A form on the shared form page (``form_page.html``) whose valid data ``save`` saves."""
    context = _form_context(title, lead, submit, cancel)
    return crud.service_form(request, form, save, template=T + "form_page.html", context=context)


# --- institutions ---------------------------------------------------------------------------


@roles_required(*READERS)
@require_GET
def institution_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    institution = _institution(request, pk)
    personal = request.user.role in KEEPERS
    members = list(selectors.members_of_institution(institution, request.user))
    context = {
        "institution": institution,
        "accessibility": institution_accessibility(institution),
        "allocations": list(selectors.allocations_of_institution(institution)),
        "deliveries": list(selectors.deliveries_of_institution(institution)) if personal else [],
        "members": members,
        "personal": personal,
        "n_members": selectors.institutions_for_list(
            AuxInstitution.objects.filter(pk=institution.pk)
        )
        .get()
        .n_members,
        "can_keep": personal
        and not institution.is_archived
        and services.may_keep(request.user, institution.region_id),
    }
    return render(request, T + "institution_detail.html", context)


def institution_accessibility(institution: AuxInstitution) -> list[str]:
    return choice_labels(AccessFeature, institution.accessibility)


INSTITUTION_PAGES = crud.EditPages(
    name="institution",
    form_class=InstitutionForm,
    template=T + "institution_form.html",
    create=services.institution_create,
    update=services.institution_update,
    archive=services.institution_archive,
    detail="programs:aux-institution",
    listing="programs:aux-institutions",
    saved=gettext_lazy("已保存机构：%(name)s。"),
    archived=gettext_lazy("已归档机构：%(name)s。"),
    refused=gettext_lazy("这个机构已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、机构已撤销。归档后不再出现在列表中，记录仍然保留。"),
)


def _region_name(region: Region) -> str:
    return f"{region.parent.name} {region.name}" if region.parent_id else region.name


def _institution_row(i: AuxInstitution) -> list[Any]:
    return [
        formula_safe(i.name),
        i.get_kind_display(),
        _region_name(i.region),
        formula_safe(i.address),
        i.capacity,
        i.n_members,
        "、".join(institution_accessibility(i)),
        formula_safe(i.operator),
        i.get_status_display(),
    ]


# The export holds the institutions with their members today as counts (no personal data).
INSTITUTIONS = crud.RecordPages(
    edit=INSTITUTION_PAGES,
    readers=READERS,
    keepers=KEEPERS,
    visible=selectors.institutions_visible,
    rows=_institution_rows,
    export=crud.Export(
        title=gettext_lazy("辅助性就业机构"),
        headers=[
            gettext_lazy("机构名称"),
            gettext_lazy("机构类型"),
            gettext_lazy("所在地"),
            gettext_lazy("地址"),
            gettext_lazy("可容纳人数"),
            gettext_lazy("在册人数"),
            gettext_lazy("无障碍设施"),
            gettext_lazy("运营主体"),
            gettext_lazy("运营状态"),
        ],
        row=_institution_row,
        widths=(30,),
    ),
    detail=institution_detail,
    get=_institution,
)


# --- members --------------------------------------------------------------------------------


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    institution = _institution(request, pk)
    _keep_or_403(request, institution)
    form = MembershipForm(crud.posted(request), user=request.user)

    def save() -> HttpResponse:
        person = form.cleaned_data["id_number"]
        services.membership_create(
            institution=institution, person=person, by=request.user, **form.service_fields()
        )
        message = _("已登记 %(name)s 进入 %(place)s。") % {
            "name": person.name,
            "place": institution.name,
        }
        return crud.done(request, message, "programs:aux-institution", pk=institution.pk)

    return _form_page(
        request,
        form,
        save,
        _("登记在册人员：%(name)s") % {"name": institution.name},
        _("登记后，这个人员的辅助性就业记录会自动生成，就业状态随之更新。"),
        _("登记在册人员"),
        reverse("programs:aux-institution", args=[institution.pk]),
    )


def _membership(request: HttpRequest, pk: uuid.UUID) -> AuxMembership:
    queryset = selectors.memberships_visible(request.user).select_related(
        "person", "institution", "employment"
    )
    return get_object_or_404(queryset, pk=pk)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    membership = _membership(request, pk)
    back = ("programs:aux-institution", membership.institution_id)
    if request.method == "POST" and "archive-reason" in request.POST:
        return crud.archive_page(
            request,
            membership,
            lambda reason: services.membership_archive(
                membership=membership, by=request.user, reason=reason
            ),
            help_text=_("例如：重复录入、信息有误。归档后连同辅助性就业记录一起不再计入统计。"),
            already=_("这条在册记录已经归档。"),
            message=_("已归档在册记录。"),
            detail=reverse("programs:aux-member", args=[membership.pk]),
            after=reverse("programs:aux-institution", args=[membership.institution_id]),
            page=lambda archive_form: _member_page(request, membership, None, archive_form),
        )
    form = MembershipEditForm(crud.posted(request), membership=membership)

    def save() -> HttpResponse:
        services.membership_update(
            membership=membership,
            by=request.user,
            version=form.cleaned_data.get("version"),
            **form.service_fields(),
        )
        message = _("已保存 %(name)s 的在册记录。") % {"name": membership.person.name}
        return crud.done(request, message, back[0], pk=back[1])

    return crud.service_form(
        request, form, save, page=lambda: _member_page(request, membership, form, None)
    )


def _member_page(
    request: HttpRequest, membership: AuxMembership, form: Any, archive_form: Any
) -> HttpResponse:
    context = {
        "membership": membership,
        "form": form or MembershipEditForm(membership=membership),
        "archive_form": archive_form or ArchiveForm(prefix="archive"),
        "incomes": membership.incomes.filter(archived_at__isnull=True).order_by("-month"),
    }
    return render(request, T + "member_form.html", context)


def _member_rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """Members today, or all of them with ``?all=1``."""
    current_only = request.GET.get("all") != "1"
    rows = selectors.memberships_for_list(records, current_only=current_only)
    return rows, {"current_only": current_only}


def _member_row(m: AuxMembership) -> list[Any]:
    return [
        formula_safe(m.institution.name),
        formula_safe(m.person.name),
        mask_id_number(m.person.id_number),
        m.person.region.name,
        m.start_date,
        m.end_date,
        m.hours_per_week,
        m.monthly_income,
    ]


# Members are persons: keepers only, the export masked and logged.
MEMBERS = crud.ListPages(
    readers=KEEPERS,
    visible=selectors.memberships_visible,
    template=T + "member_list.html",
    rows=_member_rows,
    export=crud.Export(
        title=gettext_lazy("辅助性就业人员"),
        headers=[
            gettext_lazy("机构"),
            gettext_lazy("姓名"),
            gettext_lazy("身份证号"),
            gettext_lazy("村社区"),
            gettext_lazy("进入日期"),
            gettext_lazy("离开日期"),
            gettext_lazy("每周工作小时"),
            gettext_lazy("月收入（元）"),
        ],
        row=_member_row,
        widths=(30, 12, 22),
        logged="aux_members",
    ),
    page_size=PAGE_SIZE,
)


# --- deliveries and income ------------------------------------------------------------------


def _keep_or_403(request: HttpRequest, institution: AuxInstitution) -> None:
    if institution.is_archived or not services.may_keep(request.user, institution.region_id):
        raise PermissionDenied


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def delivery_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    institution = _institution(request, pk)
    _keep_or_403(request, institution)
    allocations = selectors.allocations_of_institution(institution)
    form = DeliveryForm(crud.posted(request), allocations=allocations)

    def save() -> HttpResponse:
        services.delivery_create(by=request.user, **form.cleaned_data)
        return crud.done(request, _("已登记交付。"), "programs:aux-institution", pk=institution.pk)

    return _form_page(
        request,
        form,
        save,
        _("登记交付：%(name)s") % {"name": institution.name},
        _("交付数量不能超过这次调配还未交付的数量。"),
        _("登记交付"),
        reverse("programs:aux-institution", args=[institution.pk]),
    )


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def income_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    institution = _institution(request, pk)
    _keep_or_403(request, institution)
    members = selectors.members_of_institution(institution, request.user)
    deliveries = selectors.deliveries_of_institution(institution)
    form = IncomeForm(crud.posted(request), members=members, deliveries=deliveries)

    def save() -> HttpResponse:
        services.income_record(by=request.user, **form.cleaned_data)
        return crud.done(request, _("已登记收入。"), "programs:aux-institution", pk=institution.pk)

    return _form_page(
        request,
        form,
        save,
        _("登记收入：%(name)s") % {"name": institution.name},
        _("每个人员每月登记一次实际发放的收入。"),
        _("登记收入"),
        reverse("programs:aux-institution", args=[institution.pk]),
    )


# --- labour projects ------------------------------------------------------------------------


def _project_rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """Projects of a year (``?year=``) whose code, name or source holds ``?q=``."""
    year, year_error = listing.year_asked(request)
    search = request.GET.get("q", "").strip()[:50]
    context = {
        "year": year or "",
        "q": search,
        "filter_errors": [year_error] if year_error else [],
    }
    return selectors.projects_for_list(records, year=year, search=search), context


@roles_required(*READERS)
@require_GET
def project_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    project = _project(request, pk)
    context = {
        "project": project,
        "flow": selectors.project_flow(project),
        "categories": list(project.suitable_categories.all()),
        "allocations": list(selectors.allocations_of_project(project, request.user)),
        "can_keep": request.user.role in KEEPERS
        and not project.is_archived
        and services.may_keep(request.user, project.region_id),
    }
    return render(request, T + "project_detail.html", context)


PROJECT_PAGES = crud.EditPages(
    name="project",
    form_class=ProjectForm,
    template=T + "project_form.html",
    create=services.project_create,
    update=services.project_update,
    archive=services.project_archive,
    detail="programs:labour-project",
    listing="programs:labour-projects",
    saved=gettext_lazy("已保存劳动项目：%(name)s。"),
    archived=gettext_lazy("已归档劳动项目：%(name)s。"),
    refused=gettext_lazy("这个劳动项目已归档，不能再修改。"),
    archive_help=gettext_lazy(
        "例如：重复录入、企业取消订单。归档后不再出现在列表中，记录仍然保留。"
    ),
)


def _project_row(p: LabourProject) -> list[Any]:
    return [
        formula_safe(p.code),
        formula_safe(p.name),
        formula_safe(p.source),
        formula_safe(p.work_content),
        p.unit,
        p.unit_price,
        p.volume,
        p.allocated,
        p.delivered,
        p.start_date,
        p.end_date,
        p.collected_on,
    ]


PROJECTS = crud.RecordPages(
    edit=PROJECT_PAGES,
    readers=READERS,
    keepers=KEEPERS,
    visible=selectors.projects_visible,
    rows=_project_rows,
    export=crud.Export(
        title=gettext_lazy("劳动项目库"),
        headers=[
            gettext_lazy("项目编号"),
            gettext_lazy("项目名称"),
            gettext_lazy("来源企业"),
            gettext_lazy("工作内容"),
            gettext_lazy("计量单位"),
            gettext_lazy("单价（元）"),
            gettext_lazy("总量"),
            gettext_lazy("已调配"),
            gettext_lazy("已交付"),
            gettext_lazy("开始日期"),
            gettext_lazy("结束日期"),
            gettext_lazy("入库日期"),
        ],
        row=_project_row,
        widths=(14, 30, 24, 30),
    ),
    detail=project_detail,
    get=_project,
)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def project_allocate(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    project = _project(request, pk)
    if project.is_archived or not services.may_keep(request.user, project.region_id):
        raise PermissionDenied
    institutions = selectors.institutions_visible(request.user).filter(
        archived_at__isnull=True, status=InstitutionStatus.OPERATING
    )
    form = AllocationForm(crud.posted(request), institutions=institutions)

    def save() -> HttpResponse:
        services.allocation_create(
            project=project,
            institution=form.cleaned_data["institution"],
            by=request.user,
            **form.service_fields(),
        )
        return crud.done(request, _("已调配劳动项目。"), "programs:labour-project", pk=project.pk)

    flow = selectors.project_flow(project)
    return _form_page(
        request,
        form,
        save,
        _("调配劳动项目：%(name)s") % {"name": project.name},
        _("项目总量 %(volume)d%(unit)s，已调配 %(allocated)d%(unit)s，还可调配 %(left)d%(unit)s。")
        % {**flow, "left": flow["unallocated"], "unit": project.unit},
        _("调配"),
        reverse("programs:labour-project", args=[project.pk]),
    )


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def allocation_withdraw(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Withdraw an allocation entered in error, with a reason (it is kept, marked 已撤销)."""
    queryset = selectors.allocations_visible(request.user).select_related("project", "institution")
    allocation = get_object_or_404(queryset, pk=pk)
    detail = reverse("programs:labour-project", args=[allocation.project_id])
    names = {"place": allocation.institution.name, "name": allocation.project.name}
    context = _form_context(
        _("撤销调配：%(name)s → %(place)s") % names,
        _("只用于更正录错的调配；已有交付的调配不能撤销。撤销后这部分数量可以重新调配。"),
        _("撤销这次调配"),
        detail,
    )
    return crud.archive_page(
        request,
        allocation,
        lambda reason: services.allocation_archive(
            allocation=allocation, by=request.user, reason=reason
        ),
        template=T + "form_page.html",
        context=context,
        help_text=_("例如：录错数量、机构不再承接。"),
        already=_("这次调配已经撤销。"),
        message=_("已撤销调配。"),
        detail=detail,
    )


# --- correcting deliveries and income -------------------------------------------------------


@dataclass(frozen=True)
class _Correction:
    """The page that corrects a record (``form(data)``: its edit form, ``update(**fields)``
    and ``archive(reason)``: the services) or archives it with a reason; both go back to
    ``back``. ``words``: the page's title and leads, the archive form's help and messages."""

    record: Any
    form: Callable[[Any], Any]
    update: Callable[..., Any]
    archive: Callable[[str], Any]
    url: str
    back: str
    words: dict[str, Any]

    def page(self, request: HttpRequest) -> HttpResponse:
        words = self.words
        if request.method == "POST" and "archive-reason" in request.POST:
            return crud.archive_page(
                request,
                self.record,
                self.archive,
                help_text=words["archive_help"],
                already=words["already"],
                message=words["archived"],
                detail=self.url,
                after=self.back,
                page=lambda archive: self.render(request, self.form(None), archive),
            )
        form = self.form(crud.posted(request))

        def save() -> HttpResponse:
            version = form.cleaned_data.get("version")
            self.update(version=version, **form.service_fields())
            return crud.done(request, words["saved"], self.back)

        archive = ArchiveForm(prefix="archive")
        return crud.service_form(
            request, form, save, page=lambda: self.render(request, form, archive)
        )

    def render(self, request: HttpRequest, edit_form: Any, archive_form: Any) -> HttpResponse:
        """The edit form with the archive form below; ``form`` is the one submitted, whose
        errors the page's title and summary name."""
        submitted = archive_form if archive_form.is_bound else edit_form
        context = {
            **self.words,
            "back": self.back,
            "form": submitted,
            "edit_form": edit_form,
            "archive_form": archive_form,
        }
        return render(request, T + "correction_form.html", context)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def delivery_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Correct a delivery (never beyond its allocation) or archive it with a reason."""
    queryset = selectors.deliveries_visible(request.user).select_related(
        "allocation__project", "allocation__institution"
    )
    delivery = get_object_or_404(queryset, pk=pk)
    _keep_or_403(request, delivery.allocation.institution)
    project = delivery.allocation.project
    words = {
        "title": _("更正交付：%(day)s %(project)s")
        % {"day": f"{delivery.delivered_on:%Y-%m-%d}", "project": project.name},
        "lead": _(
            "调配数量 %(n)d%(unit)s；更正后的交付数量连同这次调配的其他交付不能超过调配数量。"
        )
        % {"n": delivery.allocation.quantity, "unit": project.unit},
        "archive_title": _("归档这条交付记录"),
        "archive_lead": _("只用于更正录错的记录：归档后这部分数量重新计为未交付，记录仍然保留。"),
        "archive_help": _("例如：重复录入、数量录错。"),
        "already": _("这条交付记录已经归档。"),
        "archived": _("已归档交付记录。"),
        "saved": _("已保存交付记录。"),
    }
    return _Correction(
        record=delivery,
        form=lambda data: DeliveryEditForm(data, delivery=delivery),
        update=partial(services.delivery_update, delivery=delivery, by=request.user),
        archive=lambda reason: services.delivery_archive(
            delivery=delivery, by=request.user, reason=reason
        ),
        url=reverse("programs:aux-delivery", args=[delivery.pk]),
        back=reverse("programs:aux-institution", args=[delivery.allocation.institution_id]),
        words=words,
    ).page(request)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def income_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Correct a member's income for a month, or archive it with a reason."""
    queryset = selectors.incomes_visible(request.user).select_related(
        "membership__person", "membership__institution"
    )
    income = get_object_or_404(queryset, pk=pk)
    membership = income.membership
    _keep_or_403(request, membership.institution)
    deliveries = selectors.deliveries_of_institution(membership.institution)
    words = {
        "title": _("更正收入：%(name)s %(month)s")
        % {"name": membership.person.name, "month": f"{income.month:%Y-%m}"},
        "lead": _("每个人员每月一条收入记录；月份须在在册期间内。"),
        "archive_title": _("归档这条收入记录"),
        "archive_lead": _("只用于更正录错的记录：归档后不再计入收入统计，这个月可以重新登记。"),
        "archive_help": _("例如：重复录入、录错了人或月份。"),
        "already": _("这条收入记录已经归档。"),
        "archived": _("已归档收入记录。"),
        "saved": _("已保存收入记录。"),
    }
    return _Correction(
        record=income,
        form=lambda data: IncomeEditForm(data, income=income, deliveries=deliveries),
        update=partial(services.income_update, income=income, by=request.user),
        archive=lambda reason: services.income_archive(
            income=income, by=request.user, reason=reason
        ),
        url=reverse("programs:aux-income", args=[income.pk]),
        back=reverse("programs:aux-member", args=[membership.pk]),
        words=words,
    ).page(request)
