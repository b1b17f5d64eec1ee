"""Forms of the rural bases pages (action 六). They validate; ``programs.services.rural``
writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import (
    choice_field,
    date_field,
    int_field,
    model_choice_field,
    money_field,
    not_after_today,
    text_field,
    version_field,
)
from jiuye.core.forms import without_version
from jiuye.employers.models import Employer
from jiuye.programs.models.rural import BaseKind, Industry, RuralBase, SupportKind
from jiuye.reference.models import Department
from jiuye.training.forms.massage import (
    establishment_regions,
    place_field,
    registered_employer,
)

KIND_FILTER = [("", _("全部类型")), *BaseKind.choices]
INDUSTRY_FILTER = [("", _("全部产业")), *Industry.choices]


class BaseForm(forms.Form):
    name = text_field(_("名称"), max_length=200, required=_("请填写基地或车间的名称。"))
    kind = choice_field(
        _("类型"),
        BaseKind.choices,
        required=_("请选择类型：就业帮扶车间、残疾人扶贫基地或农村残疾人就业基地。"),
        invalid=_("请从列出的类型中选择。"),
    )
    industry = choice_field(
        _("产业"),
        Industry.choices,
        required=_("请选择产业。"),
        invalid=_("请从列出的产业中选择。"),
    )
    region = place_field()
    address = text_field(_("地址"), max_length=200)
    employer_uscc = text_field(
        _("运营单位的统一社会信用代码"),
        max_length=18,
        help_text=_(
            "运营单位已作为用人单位登记时填写18位代码：在岗残疾人从这家单位的就业记录统计。"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    operator_name = text_field(
        _("运营主体（未登记时）"),
        max_length=200,
        help_text=_("合作社、家庭农场等尚未登记为用人单位时填写名称。"),
    )
    contact_name = text_field(_("联系人"), max_length=50)
    contact_phone = text_field(_("联系电话"), max_length=20)
    established_on = date_field(
        _("认定或建立日期"), required=False, help_text=_("按“年-月-日”填写。")
    )
    driven = int_field(
        _("带动残疾人数"),
        min_value=0,
        max_value=100_000,
        required=False,
        message=_("带动残疾人数应为 0 到 100000 之间的整数。"),
        help_text=_(
            "通过订单收购、居家加工、土地流转分红等方式带动增收、但不在基地就业的残疾人数。"
        ),
    )
    note = text_field(_("备注"), max_length=300)
    version = version_field()

    def __init__(self, *args: Any, user: Any, base: RuralBase | None = None, **kwargs: Any) -> None:
        self.user = user
        self.base = base
        if base is not None:
            kwargs.setdefault("initial", self._initial(base))
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = establishment_regions(user)
        if base is None:
            del self.fields["version"]

    @staticmethod
    def _initial(base: RuralBase) -> dict[str, Any]:
        names = (
            "name",
            "kind",
            "industry",
            "address",
            "operator_name",
            "contact_name",
            "contact_phone",
            "established_on",
            "driven",
            "note",
            "version",
        )
        initial = {n: getattr(base, n) for n in names}
        initial["region"] = base.region_id
        if base.employer_id:
            initial["employer_uscc"] = base.employer.uscc
        return initial

    def clean_employer_uscc(self) -> Employer | None:
        return registered_employer(self.cleaned_data["employer_uscc"])

    def clean_established_on(self) -> Any:
        day = self.cleaned_data["established_on"]
        return day if day is None else not_after_today(day, _("认定或建立日期"))

    def service_fields(self) -> dict[str, Any]:
        data = without_version(self.cleaned_data)
        data["employer"] = data.pop("employer_uscc")
        data["driven"] = data.get("driven") or 0
        return data


class SupportForm(forms.Form):
    kind = choice_field(
        _("扶持方式"),
        SupportKind.choices,
        required=_("请选择扶持方式。"),
        invalid=_("请从列出的扶持方式中选择。"),
    )
    amount = money_field(
        _("金额（元）"), max_digits=12, help_text=_("资金或设备折合的金额；没有时留空。")
    )
    date = date_field(_("扶持日期"), help_text=_("按“年-月-日”填写。"))
    department = model_choice_field(
        _("扶持部门"),
        queryset=Department.objects.filter(disabled_at__isnull=True),
        required=False,
        invalid=_("请从列出的部门中选择。"),
    )
    description = text_field(_("扶持内容"), max_length=300, help_text=_("例如：冷库设备一套。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_date(self) -> Any:
        return not_after_today(self.cleaned_data["date"], _("扶持日期"))

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
