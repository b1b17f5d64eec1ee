"""Forms of the employment pages: a record (create and edit), ending it, archiving it.

They validate and normalise; the views hand ``cleaned_data`` to the services, which check the
same rules again (``services.employment_check``) for callers without a form.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core import namesearch
from jiuye.core.formfields import (
    choice_field,
    date_field,
    int_field,
    money_field,
    text_field,
)
from jiuye.core.forms import SectionsMixin
from jiuye.employment.models import (
    ContractType,
    EmploymentForm,
    EmploymentRecord,
    EndReason,
    NewFormSubtype,
    Source,
)
from jiuye.employment.services import FIELDS, employment_check
from jiuye.people.models import Person

NOT_GIVEN = ("", _("未填写"))
# A unified social credit code anywhere in what was typed: "东城示范企业（91440199MA5TEXT12X）".
_USCC = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")
SUGGESTIONS = 5
# The employer registry sits above employment (a confirmed declaration opens employment records):
# the record names its employer model by label ("employers.Employer"), and the form reaches the
# model through that relation rather than by importing the employers app.
Employer = EmploymentRecord._meta.get_field("employer").related_model


def _date(label: Any, *, required: bool = False, **kwargs: Any) -> forms.DateField:
    invalid = _("%(label)s的格式不对，请写成 2024-05-01。")
    return date_field(label, invalid=invalid, required=required, **kwargs)


def employer_label(employer: Any) -> str:
    return f"{employer.name}（{employer.uscc}）"


class EmployerField(forms.CharField):
    """A registered employer, found by its unified social credit code or its full name.

    A select of every employer does not scale (a district has tens of thousands), so the
    officer types the code or the name; a near miss is answered with up to five similar names.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 230)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:  # type: ignore[override]
        text = super().clean(value).strip()
        if not text:
            return None
        live = Employer.objects.filter(archived_at__isnull=True)
        code = _USCC.search(text.upper().replace(" ", ""))
        if code:
            # By code an archived employer is still found: an old record keeps its employer.
            employer = Employer.objects.filter(uscc=code.group(0)).first()
            if employer is None:
                raise forms.ValidationError(
                    _(
                        "用人单位库中没有统一社会信用代码为“%(code)s”的单位。"
                        "请核对代码；未登记的单位请填写在“未登记单位的名称”里。"
                    )
                    % {"code": code.group(0)}
                )
            return employer
        found = list(live.filter(name=text)[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise forms.ValidationError(
                _("用人单位库中有多个单位叫“%(name)s”，请填写它的统一社会信用代码。")
                % {"name": text}
            )
        similar = [employer_label(e) for e in namesearch.name_contains(live, text)[:SUGGESTIONS]]
        if similar:
            raise forms.ValidationError(
                _(
                    "用人单位库中没有名为“%(name)s”的单位。名称相近的有：%(similar)s。请填写完整名称或统一社会信用代码。"
                )
                % {"name": text, "similar": "、".join(similar)}
            )
        raise forms.ValidationError(
            _(
                "用人单位库中没有名为“%(name)s”的单位。请核对全称或填写统一社会信用代码；"
                "未登记的单位请填写在“未登记单位的名称”里。"
            )
            % {"name": text}
        )


class RecordForm(SectionsMixin, forms.Form):
    """Record a job for a person, or correct a record (then with its version)."""

    SECTIONS = (
        (_("就业形式"), ("form", "new_form_subtype", "second_job")),
        (_("单位与岗位"), ("employer", "employer_name", "job_title")),
        (_("起止时间"), ("start_date", "end_date", "end_reason")),
        (_("合同与待遇"), ("contract_type", "contract_months", "monthly_wage",
                       "social_insurance")),
        (_("来源与依据"), ("source", "evidence")),
    )  # fmt: skip

    form = choice_field(_("就业形式"), EmploymentForm.choices, required=_("请选择就业形式。"))
    new_form_subtype = choice_field(
        _("新就业形态"),
        NewFormSubtype.choices,
        blank=("", _("不是新就业形态")),
        required=False,
        help_text=_("只有就业形式为“灵活就业”时才选择，如直播带货、快递外卖配送、平台用工。"),
    )
    second_job = forms.BooleanField(
        label=_("这是兼职/第二份工作"),
        required=False,
        help_text=_("本人同时还有另一份工作时勾选；不勾选时，时间重叠的记录会列入待核查。"),
    )
    employer = EmployerField(
        label=_("用人单位（已登记）"),
        required=False,
        help_text=_(
            "填写统一社会信用代码或单位全称，系统在用人单位库中查找。"
            "个体就业/自主创业和农业种养加不用填写。"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    employer_name = text_field(
        _("未登记单位的名称"),
        max_length=200,
        help_text=_("用人单位库中没有的单位，在这里填写营业执照上的名称。"),
    )
    job_title = text_field(_("岗位"), max_length=100)
    start_date = _date(_("开始日期"), required=True, help_text=_("入职或开始经营的日期。"))
    end_date = _date(
        _("结束日期"), help_text=_("最后一天工作的日期。仍在职的留空；已离职的同时选择结束原因。")
    )
    end_reason = choice_field(_("结束原因"), EndReason.choices, blank=NOT_GIVEN, required=False)
    contract_type = choice_field(
        _("合同类型"), ContractType.choices, blank=NOT_GIVEN, required=False
    )
    contract_months = int_field(
        _("合同期限（月）"),
        required=False,
        min_value=1,
        max_value=600,
        error_messages={
            "invalid": _("合同期限请填写整数月数，如 12。"),
            "min_value": _("合同期限至少1个月。"),
            "max_value": _("合同期限不能超过600个月。"),
        },
    )
    monthly_wage = money_field(
        _("月工资（元）"),
        error_messages={
            "invalid": _("月工资请填写金额数字，如 3500 或 3500.50。"),
            "min_value": _("月工资不能是负数。"),
            "max_decimal_places": _("月工资最多保留两位小数。"),
            "max_digits": _("月工资数字太大，请核对。"),
            "max_whole_digits": _("月工资数字太大，请核对。"),
        },
    )
    social_insurance = forms.BooleanField(label=_("单位或本人缴纳社会保险"), required=False)
    source = forms.ChoiceField(
        label=_("信息来源"),
        choices=[(v, label) for v, label in Source.choices if v != Source.IMPORT],
        initial=Source.STAFF,
        error_messages={"required": _("请选择信息来源。")},
    )
    evidence = text_field(
        _("依据"),
        max_length=300,
        help_text=_("如：劳动合同、社保缴费记录、营业执照、走访记录。"),
    )

    def __init__(
        self,
        *args: Any,
        person: Person,
        record: EmploymentRecord | None = None,
        **kwargs: Any,
    ) -> None:
        self.person = person
        self.record = record
        if record is not None:
            kwargs.setdefault("initial", self._initial(record))
        super().__init__(*args, **kwargs)
        if record is not None:
            # The source says who first recorded the job; a correction does not change it.
            del self.fields["source"]
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @staticmethod
    def _initial(record: EmploymentRecord) -> dict[str, Any]:
        initial = {name: getattr(record, name) for name in FIELDS if name != "employer"}
        initial["employer"] = employer_label(record.employer) if record.employer_id else ""
        initial["version"] = record.version
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        values = {name: data.get(name) for name in FIELDS}
        if self.record is not None:
            # A field that failed its own check keeps the stored value for the rules across
            # fields, so one mistake is reported once.
            for name in FIELDS:
                if self.has_error(name):
                    values[name] = getattr(self.record, name)
        for name, message in employment_check(values, person=self.person).items():
            if name in self.fields and not self.has_error(name):
                self.add_error(name, message)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in FIELDS}
        for name in ("new_form_subtype", "employer_name", "job_title", "end_reason",
                     "contract_type", "evidence"):  # fmt: skip
            data[name] = (data[name] or "").strip()
        return data


class EndForm(forms.Form):
    end_date = _date(
        _("结束日期"), required=True, help_text=_("最后一天工作的日期，不能晚于今天。")
    )
    end_reason = choice_field(_("结束原因"), EndReason.choices, required=_("请选择结束原因。"))

    def __init__(self, *args: Any, record: EmploymentRecord, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = record

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("end_date") is not None:
            values = {name: getattr(self.record, name) for name in FIELDS}
            values.update(end_date=data["end_date"], end_reason=data.get("end_reason") or "")
            message = employment_check(values, person=self.record.person).get("end_date")
            if message:
                self.add_error("end_date", message)
        return data


class ResolveForm(forms.Form):
    ACTIONS = (("second_job", _("是兼职，两条都保留")), ("recheck", _("已处理，重新检查")))
    action = forms.ChoiceField(choices=ACTIONS)
    next = forms.ChoiceField(choices=(("review", "review"), ("detail", "detail")), required=False)
