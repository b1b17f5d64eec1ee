"""Platform partner pages (助残合作平台, action 四).

Who may do what:
- platforms (list, page, export): administrators, district staff and leaders see every
  platform, a town officer those of their town (another town's: 404). Leaders see the persons
  working through a platform as a count only.
- register, edit, archive a platform and add or end its commitments: administrators, district
  staff and the town officer of the platform's town.
- Persons working through a platform are the open new-form employment records at its employer;
  names only for roles that see persons and within their scope.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiuye.core import crud
from jiuye.core.access import roles_required
from jiuye.core.downloads import formula_safe
from jiuye.core.models import choice_labels
from jiuye.core.scoping import scope_for
from jiuye.people.models import Person
from jiuye.programs.forms.platforms import (
    KIND_FILTER,
    CommitmentEndForm,
    CommitmentForm,
    PartnerForm,
)
from jiuye.programs.models import PlatformCommitment, PlatformPartner
from jiuye.programs.models.platforms import PlatformKind
from jiuye.programs.selectors import platforms as selectors
from jiuye.programs.services import platforms as services
from jiuye.reference.forms import choices_and_town

READERS = selectors.READERS
KEEPERS = services.KEEPERS


def _partner(request: HttpRequest, pk: uuid.UUID) -> PlatformPartner:
    queryset = selectors.partners_visible(request.user).select_related("employer__region")
    return get_object_or_404(queryset, pk=pk)


def _keepable(request: HttpRequest, pk: uuid.UUID) -> PlatformPartner:
    partner = _partner(request, pk)
    if not services.may_keep(request.user, partner.employer.region_id):
        raise PermissionDenied
    return partner


def _rows(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    chosen, context = choices_and_town(
        request, ("kind", PlatformKind.values, _("无法识别的平台类型，已显示全部类型。"))
    )
    return selectors.partners_for_list(records, **chosen), {**context, "kinds": KIND_FILTER}


@roles_required(*READERS)
@require_GET
def partner_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    partner = _partner(request, pk)
    records = list(selectors.platform_workers(partner))
    personal = request.user.role in KEEPERS
    visible = set()
    if personal and records:
        visible = set(
            scope_for(request.user, Person)
            .filter(pk__in={r.person_id for r in records})
            .values_list("pk", flat=True)
        )
    context = {
        "partner": partner,
        "kinds": choice_labels(PlatformKind, partner.platform_kinds),
        "commitments": list(selectors.commitments_of(partner)),
        "workers": [r for r in records if r.person_id in visible],
        "n_workers": len({r.person_id for r in records}),
        "personal": personal,
        "can_keep": personal and services.may_keep(request.user, partner.employer.region_id),
    }
    return render(request, "programs/platforms/partner_detail.html", context)


PAGES = crud.EditPages(
    name="partner",
    form_class=PartnerForm,
    template="programs/platforms/partner_form.html",
    create=services.partner_create,
    update=services.partner_update,
    archive=services.partner_archive,
    detail="programs:platform-partner",
    listing="programs:platform-partners",
    saved=gettext_lazy("已保存合作平台：%(employer)s。"),
    archived=gettext_lazy("已归档合作平台：%(employer)s。"),
    refused=gettext_lazy("这个合作平台已归档，不能再修改。"),
    archive_help=gettext_lazy(
        "例如：重复录入、平台已退出合作。归档后不再出现在列表中，记录仍然保留。"
    ),
    label="employer",
)


def _export_rows(partners: Any, context: dict[str, Any]) -> Iterable[list[Any]]:
    """Platforms, their commitments and the count of persons working through each (no
    personal data)."""
    partners = list(partners)
    commitments: dict[Any, list[str]] = {}
    for c in PlatformCommitment.objects.filter(partner__in=[p.pk for p in partners]).order_by(
        "since"
    ):
        ended = _("（%(day)s 终止）") % {"day": c.until.isoformat()} if c.until else ""
        text = f"{c.get_kind_display()}：{c.description}（{c.since.isoformat()}起）{ended}"
        commitments.setdefault(c.partner_id, []).append(text)
    for p in partners:
        yield [
            formula_safe(p.employer.name),
            p.employer.uscc,
            p.employer.region.name,
            "、".join(choice_labels(PlatformKind, p.platform_kinds)),
            p.since,
            formula_safe("；".join(commitments.get(p.pk, []))),
            p.n_commitments,
            p.n_workers,
            formula_safe(p.contact_name),
            formula_safe(p.contact_phone),
        ]


PARTNERS = crud.RecordPages(
    edit=PAGES,
    readers=READERS,
    keepers=KEEPERS,
    visible=selectors.partners_visible,
    rows=_rows,
    export=crud.Export(
        title=gettext_lazy("助残合作平台"),
        headers=[
            gettext_lazy("平台企业"),
            gettext_lazy("统一社会信用代码"),
            gettext_lazy("所在地"),
            gettext_lazy("平台类型"),
            gettext_lazy("开始助残合作日期"),
            gettext_lazy("助残承诺"),
            gettext_lazy("有效承诺"),
            gettext_lazy("在平台就业的残疾人"),
            gettext_lazy("联系人"),
            gettext_lazy("联系电话"),
        ],
        rows=_export_rows,
        widths=(30, 20),
    ),
    detail=partner_detail,
    get=_keepable,
)


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def commitment_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    partner = _keepable(request, pk)
    form = CommitmentForm(crud.posted(request))

    def save() -> HttpResponse:
        services.commitment_add(partner=partner, by=request.user, **form.cleaned_data)
        message = _("已添加助残承诺：%(what)s。") % {"what": form.cleaned_data["description"]}
        return crud.done(request, message, "programs:platform-partner", pk=partner.pk)

    template = "programs/platforms/commitment_form.html"
    return crud.service_form(request, form, save, template=template, context={"partner": partner})


@roles_required(*KEEPERS, write=True)
@require_http_methods(["GET", "POST"])
def commitment_end(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    visible = selectors.partners_visible(request.user)
    commitment = get_object_or_404(
        PlatformCommitment.objects.filter(partner__in=visible).select_related("partner__employer"),
        pk=pk,
    )
    partner = commitment.partner
    if not services.may_keep(request.user, partner.employer.region_id):
        raise PermissionDenied
    form = CommitmentEndForm(crud.posted(request), initial={"version": commitment.version})

    def save() -> HttpResponse:
        services.commitment_end(commitment=commitment, by=request.user, **form.cleaned_data)
        message = _("已终止助残承诺：%(what)s。") % {"what": commitment.description}
        return crud.done(request, message, "programs:platform-partner", pk=partner.pk)

    context = {"partner": partner, "commitment": commitment}
    template = "programs/platforms/commitment_end.html"
    return crud.service_form(request, form, save, template=template, context=context)
