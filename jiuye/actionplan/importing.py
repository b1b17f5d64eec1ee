"""Import kind of the plan app, declared for the one import framework:

- ``indicator_targets``: a target per indicator, year and region (the district or one of its
  towns). Columns 指标代码、年度、区划代码、目标值; natural key: year + indicator + region. The
  whole file is checked first and every bad row listed; nothing is written unless every row
  is right. The rules are ``target_check``, as on the targets form. Targets belong to no plan
  (a plan's years pick them), so a batch has no parent. Uploaded from the 指标目标 page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.actionplan.models import IndicatorTarget
from jiuye.actionplan.selectors import district_region, district_towns
from jiuye.actionplan.services.targets import target_check
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind, actor
from jiuye.core.importing.fields import Field, FieldError, Int, Lookup, Money
from jiuye.core.indicators import registry
from jiuye.core.scoping import region_in_scope
from jiuye.reference.models import Region


@dataclass(frozen=True)
class IndicatorCode(Field):
    """The code of an indicator of the registry (indicators are code, not rows)."""

    def parse(self, text: str, *, by: Any) -> Any:
        code = text.strip()
        if registry.get(code) is None:
            raise FieldError(_("指标代码“%(v)s”不存在。") % {"v": code})
        return code


@dataclass(frozen=True)
class Year(Int):
    minimum: int | None = 2000
    maximum: int | None = 2100
    suffixes: tuple[str, ...] = ("年", "年度")

    def parse(self, text: str, *, by: Any) -> Any:
        try:
            return super().parse(text, by=by)
        except FieldError:
            raise FieldError(_("年度“%(v)s”应为四位年份。") % {"v": text.strip()}) from None


def _target_regions() -> Any:
    district = district_region()
    codes = [district.code, *district_towns().values_list("code", flat=True)]
    return Region.objects.filter(code__in=codes)


class IndicatorTargetsKind(DeclaredKind):
    name = "indicator_targets"
    label = gettext_lazy("指标目标")
    who = gettext_lazy("指标目标")
    model = IndicatorTarget
    key_label = gettext_lazy("指标代码、年度和区划代码")
    natural_key = ("year", "indicator_code", "region")
    writers = (Role.ADMIN, Role.DISTRICT)
    fields = (
        IndicatorCode(
            "indicator_code",
            "指标代码",
            ("指标",),
            required=True,
            note="指标的代码，见“指标目标”页",
            example="people.registered",
        ),
        Year("year", "年度", ("年份",), required=True, example="2024"),
        Lookup(
            "region",
            "区划代码",
            ("区域代码", "行政区划代码"),
            required=True,
            queryset=_target_regions,
            by=("code",),
            missing=gettext_lazy("区划代码“%(v)s”不是本区或本区的镇街。"),
            note="本区或本区镇街的12位行政区划代码",
            example="440199000000",
        ),
        Money("value", "目标值", ("目标",), required=True, minimum=None, example="100"),
    )

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        # Scope: the target as it is and as it would be (the district's staff see them all).
        regions = [data["region"].code] + ([current.region_id] if current is not None else [])
        if actor(by) is not None and not all(region_in_scope(by, code) for code in regions):
            return {"region": [_("您不能修改这个区域的目标。")]}
        return target_check(data["indicator_code"], data["value"])

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = IndicatorTarget.objects.select_related("region")
        if filters.get("year"):
            qs = qs.filter(year=filters["year"])
        return qs.order_by("indicator_code", "year", "region_id")


register_kind(IndicatorTargetsKind())
