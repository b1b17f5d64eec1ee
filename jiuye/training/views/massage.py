"""Blind massage pages (action 八): massage establishments and practitioners' qualifications.

Who may do what:
- establishments (list, page, export): administrators, district staff and leaders see every
  establishment, a town officer those of their town (another town's: 404); leaders read only
  and see blind staff as a count. Create, edit and archive: administrators, district staff and
  town officers (their town).
- Blind staff on the page are the open employment records of the establishment's employer of
  persons with category 视力残疾; names and links only for roles that see persons, within
  their scope (others in the count only).
- qualification (a person's page): administrators, district staff and town officers, for
  persons of their scope (others: 404).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.accounts.models import Role
from jiuye.core import crud
from jiuye.core.access import roles_required
from jiuye.core.downloads import formula_safe
from jiuye.core.scoping import get_scoped_or_404, scope_for
from jiuye.people.models import Person
from jiuye.reference.forms import choices_and_town
from jiuye.training.forms.massage import KIND_FILTER, EstablishmentForm, QualificationForm
from jiuye.training.models import EstablishmentKind, MassageEstablishment, MassageQualification
from jiuye.training.selectors import massage as selectors
from jiuye.training.services import massage as services

KEEPERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
READERS = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER)


def _establishment(request: HttpRequest, pk: uuid.UUID) -> MassageEstablishment:
    queryset = selectors.establishments_visible(request.user).select_related(
        "region__parent", "employer", "owner__region"
    )
    return get_object_or_404(queryset, pk=pk)


def _rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    chosen, context = choices_and_town(
        request, ("kind", EstablishmentKind.values, _("无法识别的机构类型，已显示全部类型。"))
    )
    return selectors.establishments_for_list(records, **chosen), {**context, "kinds": KIND_FILTER}


@roles_required(*READERS)
@require_GET
def establishment_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    establishment = _establishment(request, pk)
    personal = request.user.role in KEEPERS
    staff = list(selectors.blind_staff(establishment)) if personal else []
    visible = set()
    if staff:
        visible = set(
            scope_for(request.user, Person)
            .filter(pk__in={r.person_id for r in staff})
            .values_list("pk", flat=True)
        )
    shown = [r for r in staff if r.person_id in visible]
    owner_visible = (
        personal
        and establishment.owner is not None
        and scope_for(request.user, Person).filter(pk=establishment.owner_id).exists()
    )
    context = {
        "establishment": establishment,
        "blind_count": selectors.blind_staff_count(establishment),
        "staff": shown,
        "hidden_staff": len({r.person_id for r in staff} - visible),
        "personal": personal,
        "owner_visible": owner_visible,
        "can_keep": personal and services.may_keep(request.user, establishment.region_id),
    }
    return render(request, "training/establishment_detail.html", context)


PAGES = crud.EditPages(
    name="establishment",
    form_class=EstablishmentForm,
    template="training/establishment_form.html",
    create=services.establishment_create,
    update=services.establishment_update,
    archive=services.establishment_archive,
    detail="training:establishment",
    listing="training:establishments",
    saved=gettext_lazy("已保存按摩机构：%(name)s。"),
    archived=gettext_lazy("已归档按摩机构：%(name)s。"),
    refused=gettext_lazy("这家按摩机构已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、活动取消。归档后不再出现在列表中，记录仍然保留。"),
)


def _export_row(e: MassageEstablishment) -> list[Any]:
    region = f"{e.region.parent.name} {e.region.name}" if e.region.parent_id else e.region.name
    return [
        formula_safe(e.name),
        e.get_kind_display(),
        formula_safe(e.licence_number),
        region,
        formula_safe(e.address),
        formula_safe(e.employer.name if e.employer_id else ""),
        e.employer.uscc if e.employer_id else "",
        e.n_blind,
    ]


# The export holds the establishments with the count of blind staff (no personal data).
ESTABLISHMENTS = crud.RecordPages(
    edit=PAGES,
    readers=READERS,
    keepers=KEEPERS,
    visible=selectors.establishments_visible,
    rows=_rows,
    export=crud.Export(
        title=gettext_lazy("盲人按摩机构"),
        headers=[
            gettext_lazy("名称"),
            gettext_lazy("类型"),
            gettext_lazy("许可证或执业登记号"),
            gettext_lazy("所在地"),
            gettext_lazy("地址"),
            gettext_lazy("对应用人单位"),
            gettext_lazy("统一社会信用代码"),
            gettext_lazy("在岗盲人"),
        ],
        row=_export_row,
        widths=(30,),
    ),
    detail=establishment_detail,
    get=_establishment,
)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def qualification(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    person = get_scoped_or_404(request.user, Person.objects.select_related("region"), pk=pk)
    current = MassageQualification.objects.filter(person=person).first()
    form = QualificationForm(crud.posted(request), qualification=current)

    def save() -> HttpResponse:
        version = form.cleaned_data.get("version")
        services.qualification_save(
            person=person, by=request.user, version=version, **form.service_fields()
        )
        message = _("已保存 %(name)s 的盲人按摩从业资格。") % {"name": person.name}
        return crud.done(request, message, "training:qualification", pk=person.pk)

    context = {"person": person, "qualification": current}
    return crud.service_form(
        request, form, save, template="training/qualification.html", context=context
    )
