"""The ``service_institutions`` kind (action 十): employment service institutions found by
name, with their nature, place (the district or a town, by name or 12-digit code), address and
phone. The yearly checklist is recorded on the institution's page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Model, Q
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind
from jiuye.core.importing.fields import Choice, Lookup, Text
from jiuye.programs.models import ServiceInstitution
from jiuye.programs.models.institutions import InstitutionOwner
from jiuye.programs.services.institutions import institution_check
from jiuye.reference.models import Region

OWNER_SYNONYMS = {
    **dict.fromkeys(("公共", "人社", "公共就业服务"), InstitutionOwner.PUBLIC),
    **dict.fromkeys(("残联", "残疾人就业服务机构", "残联就业服务"), InstitutionOwner.FEDERATION),
}


def _places() -> Any:
    district = getattr(settings, "JIUYE_DISTRICT_CODE", "")
    return Region.objects.filter(disabled_at__isnull=True).filter(
        Q(code=district) | Q(level=Region.Level.TOWN)
    )


class ServiceInstitutionsKind(DeclaredKind):
    name = "service_institutions"
    label = gettext_lazy("残疾人就业服务机构")
    who = gettext_lazy("残疾人就业服务机构")
    model = ServiceInstitution
    key_label = gettext_lazy("机构名称")
    natural_key = ("name",)
    writers = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
    changed_since = gettext_lazy(
        "这个批次导入的服务机构（%(record)s）之后又被修改过，不能自动撤销。"
        "请先撤销后面的批次，或逐个修改。"
    )
    in_use = gettext_lazy(
        "这个批次导入的服务机构已有规范化建设检查记录，不能撤销。如导入有误，请逐个修改或归档。"
    )
    fields = (
        Text(
            "name",
            "机构名称",
            ("名称", "服务机构名称"),
            required=True,
            max_length=200,
            example="东城街道残疾人就业服务站",
        ),
        Choice(
            "owner",
            "机构性质",
            ("性质", "类型"),
            required=True,
            choices=InstitutionOwner,
            aliases=OWNER_SYNONYMS,
            note="公共就业服务机构、残联就业服务机构",
            example="残联就业服务机构",
        ),
        Lookup(
            "region",
            "所在地",
            ("所在镇街", "地区"),
            required=True,
            queryset=_places,
            by=("name", "code"),
            missing=gettext_lazy("没有名为“%(v)s”的本区或镇街，请填写镇街名称或12位代码。"),
            note="本区或镇街的名称（或12位代码）",
            example="东城街道",
        ),
        Text("address", "地址", ("服务地址",), max_length=200),
        Text("contact_phone", "服务电话", ("电话", "联系电话"), max_length=20),
    )

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        return institution_check(self.merged(data, current), by)

    def existing_queryset(self) -> Any:
        return ServiceInstitution.objects.filter(archived_at__isnull=True)

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return self.existing_queryset().select_related("region").order_by("name")


register_kind(ServiceInstitutionsKind())
