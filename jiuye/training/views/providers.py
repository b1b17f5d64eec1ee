"""Training provider and base pages (培训机构 / 实训基地 / 职业院校 / 盲人按摩实训基地).

Who may do what:
- list, page, export: every staff role (organisational data, no person).
- create, edit: administrators and district staff; a town officer for providers located in
  their town (another town's provider: 403, they can still read it).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jiuye.core import crud
from jiuye.core.access import may_open, roles_required
from jiuye.core.downloads import formula_safe
from jiuye.core.roles import Role
from jiuye.core.scoping import scope_for
from jiuye.jobs.models import AccessFeature
from jiuye.training.forms.courses import ProviderForm, ProviderSearchForm
from jiuye.training.models import Provider
from jiuye.training.selectors import courses as selectors
from jiuye.training.services import courses as services
from jiuye.training.views.courses import RUNNERS, STAFF, managed


def _provider(request: HttpRequest, pk: uuid.UUID) -> Provider:
    queryset = selectors.providers_visible(request.user).select_related("region")
    return get_object_or_404(queryset, pk=pk)


def _managed(request: HttpRequest, pk: uuid.UUID) -> Provider:
    provider = _provider(request, pk)
    managed(request, provider.region_id)
    return provider


@roles_required(*STAFF)
@require_GET
def provider_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    provider = _provider(request, pk)
    courses = selectors.courses_for_list(
        selectors.courses_visible(request.user).filter(provider=provider, archived_at__isnull=True)
    )
    labels = dict(AccessFeature.choices)
    context = {
        "provider": provider,
        "courses": courses,
        "accessibility": [labels.get(code, code) for code in provider.accessibility],
        "can_run": request.user.role in RUNNERS
        and services.may_manage(request.user, provider.region_id),
        "scorecard_url": _scorecard_url(request, provider),
    }
    return render(request, "training/provider_detail.html", context)


def _scorecard_url(request: HttpRequest, provider: Provider) -> str | None:
    """The provider's scorecard, where the viewer may open it: a town officer reads the
    scorecards of their own town's providers only (``outcomes._provider``)."""
    url = reverse("training:scorecard", args=[provider.pk])
    if not may_open(request.user, url):
        return None
    if request.user.role == Role.TOWN:
        own = scope_for(request.user, Provider.objects.filter(pk=provider.pk))
        if not own.exists():
            return None
    return url


PAGES = crud.EditPages(
    name="provider",
    form_class=ProviderForm,
    template="training/provider_form.html",
    create=services.provider_create,
    update=services.provider_update,
    archive=services.provider_archive,
    detail="training:provider",
    listing="training:providers",
    saved=gettext_lazy("已保存培训机构：%(name)s。"),
    archived=gettext_lazy("已归档培训机构：%(name)s。"),
    refused=gettext_lazy("这个培训机构已归档，不能再修改。"),
    archive_help=gettext_lazy("例如：重复录入、已取消。归档后不再出现在列表中，记录仍然保留。"),
)


def _export_row(p: Provider) -> list[Any]:
    labels = dict(AccessFeature.choices)
    return [
        formula_safe(p.name),
        p.get_kind_display(),
        p.uscc,
        p.region.name,
        formula_safe(p.address),
        formula_safe(p.contact_name),
        formula_safe(p.contact_phone),
        "、".join(str(labels.get(c, c)) for c in p.accessibility),
        p.designated_year or "",
        p.n_courses,
    ]


# The export is organisational data: no person, no access log.
PROVIDERS = crud.RecordPages(
    edit=PAGES,
    readers=STAFF,
    keepers=RUNNERS,
    visible=selectors.providers_visible,
    rows=crud.searching(
        ProviderSearchForm, selectors.provider_search, selectors.providers_for_list
    ),
    export=crud.Export(
        title=gettext_lazy("培训机构"),
        headers=[
            gettext_lazy("名称"),
            gettext_lazy("类型"),
            gettext_lazy("统一社会信用代码"),
            gettext_lazy("所在地"),
            gettext_lazy("地址"),
            gettext_lazy("联系人"),
            gettext_lazy("联系电话"),
            gettext_lazy("无障碍条件"),
            gettext_lazy("残联认定年度"),
            gettext_lazy("课程数"),
        ],
        row=_export_row,
        widths=(30, 30),
        width=14,
    ),
    detail=provider_detail,
    get=_managed,
)
