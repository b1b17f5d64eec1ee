"""The ``platform_partners`` kind (action 四): platforms found by their employer's unified
social credit code, with platform types, the date they started and a contact. Commitments are
added on the platform's page (each has its own what and since when)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind, ErrorSink, actor
from jiuye.core.importing.fields import Date, MultiChoice, Text
from jiuye.core.scoping import region_in_scope
from jiuye.employment.importing import EmployerByUscc
from jiuye.programs.models import PlatformPartner
from jiuye.programs.models.platforms import PlatformKind
from jiuye.programs.services.platforms import partner_check

KIND_SYNONYMS = {
    **dict.fromkeys(("网店", "电子商务"), PlatformKind.ECOMMERCE),
    **dict.fromkeys(("直播带货", "网络直播"), PlatformKind.LIVESTREAM),
    **dict.fromkeys(("自媒体",), PlatformKind.SHORT_VIDEO),
    **dict.fromkeys(("外卖配送", "餐饮外卖"), PlatformKind.FOOD_DELIVERY),
    **dict.fromkeys(("快递配送", "物流"), PlatformKind.EXPRESS),
    **dict.fromkeys(("网约车平台", "出行"), PlatformKind.RIDE_HAILING),
    **dict.fromkeys(("云客服", "网络客服", "客服"), PlatformKind.CLOUD_SERVICE),
    "其他": PlatformKind.OTHER,
}


class PlatformPartnersKind(DeclaredKind):
    name = "platform_partners"
    label = gettext_lazy("助残合作平台")
    who = gettext_lazy("助残合作平台")
    model = PlatformPartner
    key_label = gettext_lazy("平台企业的统一社会信用代码")
    natural_key = ("uscc",)
    writers = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
    changed_since = gettext_lazy(
        "这个批次导入的合作平台（%(record)s）之后又被修改过，不能自动撤销。"
        "请先撤销后面的批次，或逐个修改。"
    )
    in_use = gettext_lazy(
        "这个批次导入的合作平台已有助残承诺，不能撤销。如导入有误，请逐个修改或归档。"
    )
    fields = (
        EmployerByUscc(
            synonyms=("社会信用代码", "信用代码", "平台企业信用代码"),
            attr="employer",
            required=True,
            update=False,
            missing=gettext_lazy(
                "用人单位库中没有统一社会信用代码为“%(v)s”的单位。请核对代码，或先导入用人单位。"
            ),
            note="平台企业须已在用人单位库中登记",
            example="91440199MA5TEXT12X",
        ),
        MultiChoice(
            "platform_kinds",
            "平台类型",
            ("类型", "平台类别"),
            required=True,
            choices=PlatformKind,
            aliases=KIND_SYNONYMS,
            note="电商、直播、短视频、外卖、快递、网约车、网络客服/云客服、其他平台；多个用顿号分隔",
            example="外卖、快递",
        ),
        Date(
            "since",
            "开始助残合作日期",
            ("合作日期", "开始日期", "签约日期"),
            required=True,
            example="2025-03-01",
        ),
        Text("contact_name", "联系人", ("联系人姓名",), max_length=50),
        Text("contact_phone", "联系电话", ("电话", "手机"), max_length=20),
        Text("note", "说明", ("备注",), max_length=500),
    )

    def resolve(self, data: dict[str, Any], error: ErrorSink, *, by: Any) -> None:
        employer = data.get("uscc")
        town = actor(by) is not None and by.role == Role.TOWN
        if employer is not None and town and not region_in_scope(by, employer.region_id):
            error("uscc", _("您只能导入本镇街的平台企业。"))

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        values = self.merged(data, current)
        values["employer"] = values.pop("uscc", None) or getattr(current, "employer", None)
        return partner_check(values, by, current)

    def existing_queryset(self) -> Any:
        return PlatformPartner.objects.select_related("employer")

    def export_queryset(self, filters: dict[str, str]) -> Any:
        return (
            PlatformPartner.objects.filter(archived_at__isnull=True)
            .select_related("employer")
            .order_by("employer__uscc")
        )


register_kind(PlatformPartnersKind())
