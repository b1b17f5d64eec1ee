"""The ``employers`` import kind: the employer registry from a spreadsheet (the market
regulator's or the tax bureau's list, last year's export), declared for the one framework.

- Natural key: the unified social credit code, so importing the same file again changes nothing.
- A code that fails the check character is an error of its row (``uscc_check``, the rule of
  the form and the service): such a code can only be kept through the employer form, with a
  reason (unless the registry already holds it that way).
- Only system administrators and district staff may import employers; an archived employer
  is not changed by an import.
- A batch can be rolled back unless its employers were changed since (or, for new ones, are
  already in use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import Role
from jiuye.core.importing import register_kind
from jiuye.core.importing.declared import DeclaredKind, actor
from jiuye.core.importing.fields import (
    Bool,
    Choice,
    Field,
    FieldError,
    Text,
    choice_labels,
    fold,
)
from jiuye.core.scoping import region_in_scope
from jiuye.core.validators import uscc_check_char, validate_uscc
from jiuye.employers.models import Employer, Industry
from jiuye.employers.services.registry import uscc_check
from jiuye.people.services import normalize_phone
from jiuye.reference.models import Region

KIND_SYNONYMS = {
    "行政机关": Employer.Kind.AGENCY,
    "党政机关": Employer.Kind.AGENCY,
    "国家机关": Employer.Kind.AGENCY,
    "国企": Employer.Kind.SOE,
    "国有独资企业": Employer.Kind.SOE,
    "国有控股企业": Employer.Kind.SOE,
    "民企": Employer.Kind.PRIVATE,
    "私营企业": Employer.Kind.PRIVATE,
    "民营": Employer.Kind.PRIVATE,
    "社会团体": Employer.Kind.SOCIAL,
    "民办非企业单位": Employer.Kind.SOCIAL,
    "基金会": Employer.Kind.SOCIAL,
    "个体工商户": Employer.Kind.SOLE_TRADER,
    "个体户": Employer.Kind.SOLE_TRADER,
}


@dataclass(frozen=True)
class UsccField(Field):
    """A unified social credit code, well formed (the check character is the row check's)."""

    def parse(self, text: str, *, by: Any) -> Any:
        try:
            return validate_uscc(text)[0]
        except ValidationError as exc:
            raise FieldError(exc.messages[0]) from None


@dataclass(frozen=True)
class ListedChoice(Choice):
    """A choice whose message lists what may be written (``options``, else the labels); a
    code may be written in either case."""

    options: Any = ""

    def parse(self, text: str, *, by: Any) -> Any:
        table, folded = self.table(), fold(text)
        value = table.get(folded) or table.get(folded.upper())
        if value is None:
            options = self.options or "、".join(choice_labels(self.choices).values())
            raise FieldError(
                _("“%(v)s”不是可选的值，可填：%(opts)s。") % {"v": text.strip(), "opts": options}
            )
        return value


@dataclass(frozen=True)
class YesNo(Bool):
    def parse(self, text: str, *, by: Any) -> Any:
        try:
            return super().parse(text, by=by)
        except FieldError:
            raise FieldError(_("应填“是”或“否”，当前为“%(v)s”。") % {"v": text.strip()}) from None


@dataclass(frozen=True)
class Phone(Text):
    def parse(self, text: str, *, by: Any) -> Any:
        try:
            return normalize_phone(text)
        except ValidationError as exc:
            raise FieldError(exc.messages[0]) from None


@dataclass(frozen=True)
class RegionCode(Field):
    """A town or village of the registry by its 12-digit code; sets ``<attr>_id``."""

    _cache: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def reset(self) -> None:
        self._cache.clear()

    def parse(self, text: str, *, by: Any) -> Any:
        code = fold(text)
        if not (code.isdigit() and len(code) == 12):
            raise FieldError(
                _("所在地代码“%(v)s”应为12位数字，如 440199001000。") % {"v": text.strip()}
            )
        if code not in self._cache:
            self._cache[code] = Region.objects.filter(code=code).first()
        region = self._cache[code]
        if region is None or region.is_disabled:
            raise FieldError(
                _("所在地代码 %(v)s 不在本系统的行政区划中（或已停用），请核对。") % {"v": code}
            )
        if region.level < Region.Level.TOWN:
            raise FieldError(
                _("所在地代码 %(v)s 是%(name)s，请填写到镇街或村（社区）一级。")
                % {"v": code, "name": region.name}
            )
        return code

    def values(self, value: Any) -> dict[str, Any]:
        return {f"{self.target}_id": value}

    def export(self, obj: Model, *, reveal: bool) -> str:
        return getattr(obj, f"{self.target}_id") or ""


class EmployersKind(DeclaredKind):
    name = "employers"
    label = gettext_lazy("用人单位")
    who = gettext_lazy("用人单位")
    model = Employer
    key_label = gettext_lazy("统一社会信用代码")
    natural_key = ("uscc",)
    writers = (Role.ADMIN, Role.DISTRICT)
    refused = gettext_lazy(
        "只有区残联工作人员和系统管理员可以导入用人单位。镇街专干可以在“用人单位”页查看本镇街的单位。"
    )
    duplicate = gettext_lazy("与第%(first)d行的统一社会信用代码相同：同一单位只能出现一次。")
    duplicate_column = "uscc"
    changed_since = gettext_lazy(
        "这个批次导入的用人单位（%(record)s）之后又被修改过，不能自动撤销。"
        "请先撤销后面的批次，或逐个修改。"
    )
    in_use = gettext_lazy(
        "这个批次导入的用人单位已有申报或账户，不能撤销。如导入有误，请逐个修改或归档这些单位。"
    )
    fields = (
        Text(
            "name",
            "单位名称",
            ("用人单位名称", "企业名称", "用人单位"),
            required=True,
            max_length=200,
            example="东城示范科技有限公司",
        ),
        UsccField(
            "uscc",
            "统一社会信用代码",
            ("信用代码", "社会信用代码"),
            required=True,
            note="18位，见营业执照或登记证书；校验码不符的代码只能在单位信息页填写原因后登记",
            example="91440199MA5TEXT12X",
        ),
        ListedChoice(
            "kind",
            "单位类型",
            ("类型", "单位性质"),
            required=True,
            choices=Employer.Kind,
            aliases=KIND_SYNONYMS,
            note="机关、事业单位、国有企业、民营企业、社会组织、个体",
            example="民营企业",
        ),
        ListedChoice(
            "industry",
            "行业",
            ("所属行业", "行业门类"),
            choices=Industry,
            options=gettext_lazy("门类字母 A–T 或门类名称，如 C 或 制造业"),
            note="国民经济行业分类（GB/T 4754）门类字母或名称，如 C 或 制造业",
            example="C",
        ),
        RegionCode(
            "region",
            "所在地代码",
            ("区划代码", "所在地区划代码", "行政区划代码"),
            required=True,
            note="12位行政区划代码（镇街或村社区），如 440199001000",
            example="440199001000",
        ),
        Text(
            "address", "地址", ("单位地址", "注册地址"), max_length=200, example="东城街道建设路1号"
        ),
        Text("contact_name", "联系人", ("联系人姓名",), max_length=50, example="王五"),
        Phone(
            "contact_phone",
            "联系电话",
            ("电话", "联系方式"),
            note="手机号或带区号的固定电话",
            example="020-12345678",
        ),
        YesNo(
            "is_concentrated",
            "集中安置单位",
            ("是否集中安置单位", "集中安置残疾人就业单位"),
            note="是 或 否；不填为 否",
            example="否",
        ),
    )

    def existing(self, keys: list[str]) -> dict[str, Model]:
        return {e.uscc: e for e in Employer.objects.filter(uscc__in=keys)}

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        # Scope, on the employer as it is and as the row would make it: one message, which
        # does not say whether the code is registered elsewhere.
        regions = [current.region_id] if current is not None else []
        regions += [data["region"]] if "region" in data else []
        if actor(by) is not None and not all(region_in_scope(by, code) for code in regions):
            return {"": [_("您只能导入本镇街的用人单位。")]}
        if current is not None and current.is_archived:
            return {
                "uscc": [
                    _("这个单位（%(name)s）已归档，不能通过导入修改。如需恢复，请联系系统管理员。")
                    % {"name": current.name}
                ]
            }
        reason = current.uscc_override_reason if current is not None else ""
        code, problems = uscc_check(data["uscc"], reason=reason)
        if problems:
            # The reason a code failing its check may be kept is written on the form only.
            return {
                "uscc": [
                    _(
                        "统一社会信用代码“%(code)s”的校验码不符（第18位应为“%(expected)s”）。"
                        "请核对是否抄错；如确与营业执照一致，只能在“用人单位”页登记该单位时"
                        "填写原因后保存，不能通过导入登记。"
                    )
                    % {"code": code, "expected": uscc_check_char(code[:17])}
                ]
            }
        return {}

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = Employer.objects.filter(archived_at__isnull=True)
        if filters.get("region"):
            code = filters["region"].rstrip("0") or filters["region"]
            qs = qs.filter(region__code__startswith=code)
        return qs.order_by("name", "uscc")


register_kind(EmployersKind())
