"""Medical massage pages (action 八): medical institutions and applications through the
approval channel.

Who may do what:
- medical institutions (list, page, export): administrators, district staff and leaders see
  every one, a town officer those of their town (another town's: 404). Register, edit and
  archive: administrators, district staff and the town officer of its town. The list shows the
  employment rate of qualified practitioners in medical institutions (figures only).
- applications (list, page, export, submit, advance): administrators, district staff and town
  officers, for persons of their scope (others: 404); leaders and liaisons: 403 (personal data).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role
from jiuye.core import crud, listing
from jiuye.core.access import roles_required
from jiuye.core.downloads import formula_safe
from jiuye.programs.forms.massage import (
    KIND_FILTER,
    STATUS_FILTER,
    AdvanceForm,
    ApplicationForm,
    InstitutionForm,
)
from jiuye.programs.models import MassageApplication, MedicalInstitution
from jiuye.programs.models.massage import ApplicationKind, ApplicationStatus
from jiuye.programs.selectors import massage as selectors
from jiuye.programs.services import massage as services
from jiuye.reference.models import Region
from jiuye.training.selectors.outcomes import rate
from jiuye.training.services.massage import may_keep

READERS = selectors.READERS
KEEPERS = selectors.KEEPERS
PAGE_SIZE = 30


def _institution(request: HttpRequest, pk: uuid.UUID) -> MedicalInstitution:
    queryset = selectors.institutions_visible(request.user).select_related("employer__region")
    return get_object_or_404(queryset, pk=pk)


def _keepable(request: HttpRequest, pk: uuid.UUID) -> MedicalInstitution:
    institution = _institution(request, pk)
    if not may_keep(request.user, institution.employer.region_id):
        raise PermissionDenied
    return institution


def _own_region(user: Any) -> Region:
    code = user.town_id if user.role == Role.TOWN else settings.JIUYE_DISTRICT_CODE
    return Region.objects.get(code=code)


def _institution_rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """The institutions, with the employment rate of qualified practitioners in medical
    institutions of the user's region (figures only)."""
    region = _own_region(request.user)
    figures = selectors.employment_figures(region)
    context = {
        "region": region,
        "figures": figures,
        "rate": rate(figures["employed"], figures["qualified"]),
    }
    return records.select_related("employer__region").order_by("employer__name"), context


@roles_required(*READERS)
@require_GET
def institution_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    institution = _institution(request, pk)
    context = {
        "institution": institution,
        "can_keep": request.user.role in KEEPERS
        and may_keep(request.user, institution.employer.region_id),
    }
    return render(request, "programs/massage/institution_detail.html", context)


PAGES = crud.EditPages(
    name="institution",
    form_class=InstitutionForm,
    template="programs/massage/institution_form.html",
    create=services.institution_create,
    update=services.institution_update,
    archive=services.institution_archive,
    detail="programs:medical-institution",
    listing="programs:medical-institutions",
    saved=gettext_lazy("已保存医疗机构：%(employer)s。"),
    archived=gettext_lazy("已归档医疗机构：%(employer)s。"),
    refused=gettext_lazy("这个医疗机构已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、已不是医疗机构。归档后不再计入统计，记录仍然保留。"),
    label="employer",
)


def _institution_row(i: MedicalInstitution) -> list[Any]:
    return [
        formula_safe(i.employer.name),
        i.employer.uscc,
        i.employer.region.name,
        i.get_kind_display(),
        formula_safe(i.licence_number),
    ]


INSTITUTIONS = crud.RecordPages(
    edit=PAGES,
    readers=READERS,
    keepers=KEEPERS,
    visible=selectors.institutions_visible,
    rows=_institution_rows,
    export=crud.Export(
        title=gettext_lazy("医疗机构"),
        headers=[
            gettext_lazy("医疗机构"),
            gettext_lazy("统一社会信用代码"),
            gettext_lazy("所在地"),
            gettext_lazy("机构类别"),
            gettext_lazy("医疗机构执业许可证号"),
        ],
        row=_institution_row,
        widths=(30, 20),
    ),
    detail=institution_detail,
    get=_keepable,
)


def _application_rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """Applications of one kind (``?kind=``) at one stage (``?status=``), newest first."""
    chosen, errors = listing.choices_asked(
        request,
        ("kind", ApplicationKind.values, _("无法识别的申请事项，已显示全部事项。")),
        ("status", ApplicationStatus.values, _("无法识别的办理阶段，已显示全部阶段。")),
    )
    kind, status = chosen["kind"], chosen["status"]
    rows = selectors.applications_for_list(records, kind=kind, status=status)
    context = {
        "kind": kind,
        "kinds": KIND_FILTER,
        "status": status,
        "statuses": STATUS_FILTER,
        "filter_errors": errors,
    }
    return rows, context


def _application_row(a: MassageApplication) -> list[Any]:
    return [
        a.get_kind_display(),
        formula_safe(a.person.name),
        a.person.masked_id_number,
        a.person.region.name,
        formula_safe(a.clinic_name),
        formula_safe(a.authority),
        a.get_status_display(),
        a.submitted_on,
        a.accepted_on,
        a.decided_on,
        formula_safe(a.decision_number),
        formula_safe(a.decision_note),
    ]


# Applications name persons: keepers only (leaders and liaisons 403).
APPLICATIONS = crud.ListPages(
    readers=KEEPERS,
    visible=selectors.applications_visible,
    template="programs/massage/application_list.html",
    rows=_application_rows,
    export=crud.Export(
        title=gettext_lazy("医疗按摩审批申请"),
        headers=[
            gettext_lazy("申请事项"),
            gettext_lazy("申请人"),
            gettext_lazy("身份证号"),
            gettext_lazy("村社区"),
            gettext_lazy("拟开办的按摩所名称"),
            gettext_lazy("受理部门"),
            gettext_lazy("办理阶段"),
            gettext_lazy("提交日期"),
            gettext_lazy("受理日期"),
            gettext_lazy("审批日期"),
            gettext_lazy("证书或许可证号"),
            gettext_lazy("审批意见"),
        ],
        row=_application_row,
        widths=(26, 10, 20),
        # The applicants are persons: the download goes into the access log like the others.
        logged="massage_applications",
    ),
    page_size=PAGE_SIZE,
)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def application_submit(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(crud.posted(request), user=request.user)

    def save() -> HttpResponse:
        application = services.application_submit(by=request.user, **form.service_fields())
        message = _("已登记申请：%(who)s。") % {"who": application.person.name}
        return crud.done(request, message, "programs:massage-application", pk=application.pk)

    template = "programs/massage/application_form.html"
    return crud.service_form(request, form, save, template=template)


def _application(request: HttpRequest, pk: uuid.UUID) -> MassageApplication:
    queryset = selectors.applications_visible(request.user).select_related("person__region")
    return get_object_or_404(queryset, pk=pk)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The application with its stages, and the form that moves it to the next one."""
    application = _application(request, pk)
    form = AdvanceForm(crud.posted(request), initial={"version": application.version})

    def save() -> HttpResponse:
        services.application_advance(application=application, by=request.user, **form.cleaned_data)
        message = _("已更新申请的办理阶段。")
        return crud.done(request, message, "programs:massage-application", pk=application.pk)

    open_ = application.status in services.NEXT
    context = {"application": application, "open": open_}
    template = "programs/massage/application_detail.html"
    return crud.service_form(request, form, save, template=template, context=context)
