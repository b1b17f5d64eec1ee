"""Forms of the platform partner pages (action 四). They validate;
``programs.services.platforms`` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import checkbox_field, choice_field, date_field, text_field
from jiuye.core.forms import EditForm
from jiuye.employers.models import Employer
from jiuye.programs.models import PlatformPartner
from jiuye.programs.models.platforms import CommitmentKind, PlatformKind

KIND_FILTER = [("", _("全部类型")), *PlatformKind.choices]


class EmployerRecordForm(EditForm):
    """A record about one registered employer (a platform, a medical institution), named by
    its unified social credit code in ``employer_uscc``; the service gets ``employer``."""

    def clean_employer_uscc(self) -> Employer:
        raw = self.cleaned_data["employer_uscc"].strip().upper()
        employer = Employer.objects.filter(uscc=raw).first()
        if employer is None:
            raise forms.ValidationError(
                _("没有找到统一社会信用代码为 %(code)s 的用人单位，请核对，或先登记用人单位。")
                % {"code": raw}
            )
        return employer

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        data["employer"] = data.pop("employer_uscc")
        return data


class PartnerForm(EmployerRecordForm):
    employer_uscc = text_field(
        _("平台企业的统一社会信用代码"),
        max_length=18,
        required=_("请填写平台企业的统一社会信用代码。"),
        help_text=_("18位代码；平台须已在用人单位名录中登记。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    platform_kinds = checkbox_field(
        _("平台类型"),
        choices=PlatformKind.choices,
        required=_("请至少选择一种平台类型。"),
        invalid=_("请从列出的平台类型中选择。"),
    )
    since = date_field(_("开始助残合作日期"))
    contact_name = text_field(_("联系人"), max_length=50)
    contact_phone = text_field(_("联系电话"), max_length=20)
    note = text_field(_("说明"), max_length=500, rows=2)

    stripped_fields = ("contact_name", "contact_phone", "note")
    list_fields = ("platform_kinds",)

    def __init__(
        self, *args: Any, user: Any, partner: PlatformPartner | None = None, **kwargs: Any
    ) -> None:
        self.user = user
        super().__init__(*args, record=partner, **kwargs)

    def initial_for(self, record: PlatformPartner) -> dict[str, Any]:
        initial = {
            n: getattr(record, n)
            for n in ("platform_kinds", "since", "contact_name", "contact_phone", "note", "version")
        }
        initial["employer_uscc"] = record.employer.uscc
        return initial


class CommitmentForm(forms.Form):
    kind = choice_field(
        _("承诺类型"),
        CommitmentKind.choices,
        required=_("请选择承诺类型。"),
        invalid=_("请从列出的承诺类型中选择。"),
    )
    description = text_field(
        _("具体内容"),
        max_length=300,
        required=_("请写明承诺的具体内容，例如：免收加盟费。"),
        help_text=_("例如：残疾人骑手免收装备押金；新开网店前三个月免收服务费。"),
    )
    since = date_field(_("起始日期"))


class CommitmentEndForm(forms.Form):
    until = date_field(_("终止日期"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
