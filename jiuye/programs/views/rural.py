"""Rural pages (action 六): bases and workshops with their supports, and the exchange with the
national poverty-return monitoring system.

Who may do what:
- bases (list, page, exports): administrators, district staff and leaders see every base, a
  town officer those of their town (another town's: 404); leaders read only and see employed
  persons as a count. Create, edit, archive, record and archive supports: administrators,
  district staff and town officers (their town).
- monitoring (the monitored persons with their needs, the watch list, their exports):
  administrators, district staff and town officers, for persons of their scope. The export
  masks ID numbers unless a reason is given (POST); either is in the access log, and a full
  export is noted on each person's timeline as sent to the monitoring system.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import PERSONAL_DATA_ROLES, Role
from jiuye.core import crud, listing
from jiuye.core.access import roles_required
from jiuye.core.downloads import attachment, formula_safe, logged_export, workbook
from jiuye.core.forms import ArchiveForm
from jiuye.core.masking import mask_id_number
from jiuye.core.scoping import scope_for
from jiuye.people.models import Person
from jiuye.programs.forms.rural import INDUSTRY_FILTER, KIND_FILTER, BaseForm, SupportForm
from jiuye.programs.models.rural import BaseKind, Industry, RuralBase, RuralBaseSupport
from jiuye.programs.selectors import rural as selectors
from jiuye.programs.services import rural as services
from jiuye.reference.forms import choices_and_town
from jiuye.reference.models import Region

KEEPERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)
PAGE_SIZE = 30


def _base(request: HttpRequest, pk: uuid.UUID) -> RuralBase:
    queryset = selectors.bases_visible(request.user).select_related("region__parent", "employer")
    return get_object_or_404(queryset, pk=pk)


def _rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    filters, context = choices_and_town(
        request,
        ("kind", BaseKind.values, _("无法识别的基地类型，已显示全部类型。")),
        ("industry", Industry.values, _("无法识别的产业，已显示全部产业。")),
    )
    context.update(kinds=KIND_FILTER, industries=INDUSTRY_FILTER)
    return selectors.bases_for_list(records, **filters), context


def _detail(
    request: HttpRequest, base: RuralBase, support_form: SupportForm | None = None
) -> HttpResponse:
    personal = request.user.role in KEEPERS
    staff = list(selectors.base_staff(base)) if personal else []
    visible = set(
        scope_for(request.user, Person)
        .filter(pk__in={r.person_id for r in staff})
        .values_list("pk", flat=True)
    )
    can_keep = personal and services.may_keep(request.user, base.region_id)
    context = {
        "base": base,
        "employed_count": selectors.base_staff_count(base),
        "staff": [r for r in staff if r.person_id in visible],
        "hidden_staff": len({r.person_id for r in staff} - visible),
        "personal": personal,
        "supports": list(selectors.base_supports(base)),
        "can_keep": can_keep,
        "support_form": support_form or (SupportForm() if can_keep else None),
        "form": support_form,  # a support that did not save: the title and summary say so
    }
    return render(request, "programs/rural/base_detail.html", context)


@roles_required(*READERS)
@require_GET
def base_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _detail(request, _base(request, pk))


PAGES = crud.EditPages(
    name="base",
    form_class=BaseForm,
    template="programs/rural/base_form.html",
    create=services.base_create,
    update=services.base_update,
    archive=services.base_archive,
    detail="programs:rural-base",
    listing="programs:rural-bases",
    saved=gettext_lazy("已保存基地：%(name)s。"),
    archived=gettext_lazy("已归档基地：%(name)s。"),
    refused=gettext_lazy("这个基地已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、已停办。归档后不再出现在列表中，记录仍然保留。"),
)


@roles_required(*KEEPERS, write=True)
@require_POST
def support_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    base = _base(request, pk)
    form = SupportForm(request.POST)

    def save() -> HttpResponse:
        services.support_add(base=base, by=request.user, **form.service_fields())
        return crud.done(request, _("已登记扶持。"), "programs:rural-base", pk=base.pk)

    return crud.service_form(request, form, save, page=lambda: _detail(request, base, form))


@roles_required(*KEEPERS, write=True)
@require_POST
def support_archive(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    visible = selectors.supports_visible(request.user).select_related("base")
    support = get_object_or_404(visible, pk=pk)
    form = ArchiveForm(request.POST)
    to = reverse("programs:rural-base", args=[support.base_id])
    if not form.is_valid():
        messages.error(request, _("请填写归档原因，例如：重复录入、金额录错。"))
        return redirect(to)

    def archive() -> RuralBaseSupport:
        reason = form.cleaned_data["reason"]
        return services.support_archive(support=support, by=request.user, reason=reason)

    return crud.act(request, archive, _("已归档这条扶持记录。"), to)


def _region_name(region: Region) -> str:
    return f"{region.parent.name} {region.name}" if region.parent_id else region.name


def _base_row(b: RuralBase) -> list[Any]:
    return [
        formula_safe(b.name),
        b.get_kind_display(),
        b.get_industry_display(),
        _region_name(b.region),
        formula_safe(b.address),
        formula_safe(b.operator),
        b.employer.uscc if b.employer_id else "",
        b.established_on,
        b.n_employed,
        b.driven,
    ]


# The export holds the bases with persons employed and driven as counts (no personal data).
BASES = crud.RecordPages(
    edit=PAGES,
    readers=READERS,
    keepers=KEEPERS,
    visible=selectors.bases_visible,
    rows=_rows,
    export=crud.Export(
        title=gettext_lazy("农村就业基地和帮扶车间"),
        headers=[
            gettext_lazy("名称"),
            gettext_lazy("类型"),
            gettext_lazy("产业"),
            gettext_lazy("所在地"),
            gettext_lazy("地址"),
            gettext_lazy("运营主体"),
            gettext_lazy("统一社会信用代码"),
            gettext_lazy("认定或建立日期"),
            gettext_lazy("在岗残疾人"),
            gettext_lazy("带动残疾人"),
        ],
        row=_base_row,
        widths=(30,),
    ),
    detail=base_detail,
    get=_base,
)


@roles_required(*READERS)
@require_GET
def supports_export(request: HttpRequest) -> HttpResponse:
    """Every support of the visible bases (not archived) as .xlsx."""
    supports = (
        selectors.supports_visible(request.user)
        .filter(archived_at__isnull=True, base__archived_at__isnull=True)
        .select_related("base__region__parent", "department")
        .order_by("base__name", "-date")
    )
    rows = (
        [
            formula_safe(s.base.name),
            _region_name(s.base.region),
            s.get_kind_display(),
            s.amount,
            s.date,
            s.department.name if s.department_id else "",
            formula_safe(s.description),
        ]
        for s in supports
    )
    headers = [
        _("基地"),
        _("所在地"),
        _("扶持方式"),
        _("金额（元）"),
        _("扶持日期"),
        _("扶持部门"),
        _("扶持内容"),
    ]
    content = workbook(_("基地扶持"), headers, rows, widths=(30,))
    return attachment(content, _("基地扶持.xlsx"))


# --- monitoring -----------------------------------------------------------------------------


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def monitoring(request: HttpRequest) -> HttpResponse:
    persons = selectors.monitored_with_needs(request.user)
    context = {
        "page": listing.page_of(request, persons, PAGE_SIZE),
        "watch_count": selectors.watch_list(request.user).count(),
        "watch_days": selectors.WATCH_DAYS,
    }
    return render(request, "programs/rural/monitoring.html", context)


MONITORING_HEADERS = (
    gettext_lazy("县（市、区）"),
    gettext_lazy("乡（镇）"),
    gettext_lazy("村"),
    gettext_lazy("姓名"),
    gettext_lazy("证件号码"),
    gettext_lazy("监测对象类别"),
    gettext_lazy("识别监测时间"),
    gettext_lazy("残疾类别"),
    gettext_lazy("残疾等级"),
    gettext_lazy("是否有就业意愿"),
    gettext_lazy("意向岗位"),
    gettext_lazy("培训需求"),
    gettext_lazy("需求登记日期"),
    gettext_lazy("当前是否就业"),
    gettext_lazy("就业单位"),
)


def _monitoring_row(person: Person, *, reveal: bool) -> list[Any]:
    village = person.region
    town = village.parent if village.parent_id else None
    county = town.parent if town is not None and town.parent_id else None
    needs = person.current_needs[0] if person.current_needs else None
    job = person.open_jobs[0] if person.open_jobs else None
    return [
        county.name if county else "",
        town.name if town else "",
        village.name,
        formula_safe(person.name),
        person.id_number if reveal else mask_id_number(person.id_number),
        person.get_monitoring_category_display(),
        person.monitoring_identified,
        str(person.category) if person.category_id else "",
        str(person.grade) if person.grade_id else "",
        (_("是") if selectors.wants_work(person.current_needs) else _("否")) if needs else "",
        formula_safe(needs.desired_jobs) if needs else "",
        formula_safe(needs.training_wanted) if needs else "",
        needs.registered_on if needs else None,
        _("是") if job else _("否"),
        formula_safe(job.workplace) if job else "",
    ]


@roles_required(*PERSONAL_DATA_ROLES, write=True)
@require_http_methods(["GET", "POST"])
def monitoring_export(request: HttpRequest) -> HttpResponse:
    """Monitored persons with their employment needs, in the columns the national monitoring
    system takes. Masked on a GET; full ID numbers need a reason (POST), and then each person's
    timeline notes the needs were sent. Every export is in the access log."""
    reveal = request.method == "POST"
    reason = request.POST.get("reason", "").strip()
    if reveal and not reason:
        messages.error(request, _("导出完整证件号码必须写明原因。"))
        return redirect("programs:rural-monitoring")
    persons = list(
        selectors.monitored_with_needs(request.user).select_related("region__parent__parent")
    )
    if reveal:
        services.exchange_exported(persons=persons, by=request.user)
    return logged_export(
        request,
        persons,
        partial(_monitoring_row, reveal=reveal),
        kind="monitoring_needs",
        title=_("监测对象就业需求"),
        headers=[str(h) for h in MONITORING_HEADERS],
        filename=_("防返贫监测对象就业需求.xlsx"),
        revealed=reveal,
        reason=reason,
        widths=(12, 12, 16, 10, 22),
    )


def _watch_row(r: Any) -> list[Any]:
    return [
        formula_safe(r.person.name),
        r.person.masked_id_number,
        _region_name(r.person.region),
        r.person.get_monitoring_category_display(),
        formula_safe(r.workplace),
        r.start_date,
        r.end_date,
        r.get_end_reason_display() if r.end_reason else "",
    ]


# Monitored persons who lost a job lately: personal data, the export masked and logged.
WATCH_LIST = crud.ListPages(
    readers=tuple(PERSONAL_DATA_ROLES),
    visible=selectors.watch_list,
    template="programs/rural/watch_list.html",
    page_context=lambda request, context: {"watch_days": selectors.WATCH_DAYS},
    export=crud.Export(
        title=gettext_lazy("失业监测名单"),
        filename=gettext_lazy("防返贫监测对象失业预警名单.xlsx"),
        headers=[
            gettext_lazy("姓名"),
            gettext_lazy("身份证号（部分隐藏）"),
            gettext_lazy("村社区"),
            gettext_lazy("监测对象类别"),
            gettext_lazy("原就业单位"),
            gettext_lazy("开始日期"),
            gettext_lazy("结束日期"),
            gettext_lazy("结束原因"),
        ],
        row=_watch_row,
        widths=(10, 22, 20),
        logged="monitoring_watch_list",
    ),
    page_size=PAGE_SIZE,
)
