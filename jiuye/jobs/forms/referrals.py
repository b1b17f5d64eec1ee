"""Forms of the referral, consent and follow-up pages. They validate and normalise; the views
hand ``cleaned_data`` to ``jobs.services.referrals``, which checks the rules again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import ResidentIdField
from jiuye.core.forms import lazy_message
from jiuye.employment.models import ContractType, EmploymentForm, EndReason
from jiuye.jobs.models import (
    FollowUp,
    FollowUpOutcome,
    NotHiredReason,
    Posting,
    ReferralStatus,
)
from jiuye.people.forms import RadioGroup
from jiuye.reference.models import Region


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": lazy_message(_("请填写%(label)s。"), label=label),
            "invalid": lazy_message(
                _("%(label)s请按“年-月-日”填写，例如 2025-01-01。"), label=label
            ),
        },
        **kwargs,
    )


def _not_future(day: dt.date, label: Any) -> dt.date:
    today = timezone.localdate()
    if day > today:
        raise forms.ValidationError(
            _("%(label)s不能晚于今天（%(today)s）。")
            % {"label": label, "today": f"{today:%Y-%m-%d}"}
        )
    return day


class ConsentForm(forms.Form):
    """The explicit, never pre-ticked agreement to show the profile to employers."""

    agree = forms.BooleanField(
        label=_("本人已阅读并同意：向被推荐岗位的用人单位展示上述求职信息，并知道可以随时撤回。"),
        required=True,
        initial=False,
        error_messages={"required": _("请先请本人阅读告知内容，本人同意后再勾选这一项。")},
    )


def wage_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        error_messages={
            "invalid": _("月工资请填写金额，例如 3000 或 3000.50。"),
            "min_value": _("月工资不能是负数。"),
            "max_digits": _("月工资金额过大，请核对。"),
            "max_decimal_places": _("月工资最多保留两位小数。"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )


class ReferralForm(forms.Form):
    """Refer a person to a posting. Either comes from the link (kept as a hidden field) or is
    chosen here: the person by ID number (within the user's scope), the posting from a list."""

    person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    id_number = ResidentIdField(
        label=_("被推荐人身份证号"),
        required=False,
        help_text=_("18位，最后一位可以是X；只能推荐您负责范围内的人员。"),
    )
    posting = forms.ModelChoiceField(
        label=_("推荐到的岗位"),
        queryset=Posting.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择推荐到的岗位。"),
            "invalid_choice": _("所选岗位不存在或已不能推荐，请重新选择。"),
        },
    )
    on = date_field(_("推荐日期"))
    note = forms.CharField(
        label=_("推荐说明"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选填，例如：本人希望上午上班；已电话告知本人。用人单位能看到这段说明。"),
    )

    def __init__(
        self,
        *args: Any,
        person: Any = None,
        posting: Posting | None = None,
        postings: QuerySet[Posting] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.chosen_person = person
        self.chosen_posting = posting
        if person is not None:
            self.fields["person"].initial = person.pk
            del self.fields["id_number"]
        else:
            del self.fields["person"]
        field = self.fields["posting"]
        if posting is not None:
            field.queryset = Posting.objects.filter(pk=posting.pk)
            field.widget = forms.HiddenInput()
            field.initial = posting.pk
        else:
            field.queryset = postings if postings is not None else Posting.objects.none()
            field.label_from_instance = lambda p: f"{p.employer.name} · {p.title}"

    def clean_on(self) -> dt.date:
        return _not_future(self.cleaned_data["on"], _("推荐日期"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        missing = "id_number" in self.fields and not data.get("id_number")
        if missing and not self.has_error("id_number"):
            self.add_error("id_number", _("请填写被推荐人的身份证号。"))
        return data


class AdvanceForm(forms.Form):
    """The next step of a referral: only the allowed ones are offered."""

    prefix = "advance"
    to = forms.ChoiceField(
        label=_("下一步"),
        widget=RadioGroup,
        error_messages={
            "required": _("请选择下一步。"),
            "invalid_choice": _("这一步现在不能选，请从列出的步骤中选择。"),
        },
    )
    on = date_field(_("日期"), help_text=_("这一步发生的日期，不能早于上一步，也不能晚于今天。"))
    reason = forms.ChoiceField(
        label=_("未录用原因"),
        required=False,
        choices=[("", _("请选择")), *NotHiredReason.choices],
        help_text=_("选择“未录用”时必填。"),
        error_messages={"invalid_choice": _("请从列表中选择未录用原因。")},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, steps: list[str], version: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("on", timezone.localdate())
        kwargs["initial"]["version"] = version
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        self.fields["to"].choices = [(step, labels[step]) for step in steps]
        if ReferralStatus.NOT_HIRED not in steps:
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("to") == ReferralStatus.NOT_HIRED and not data.get("reason"):
            self.add_error("reason", _("请选择未录用的原因。"))
        return data


class HireForm(forms.Form):
    """The person started the job: what the employment record needs."""

    start_date = date_field(_("入职日期"), help_text=_("第一天上班的日期，不能晚于今天。"))
    form = forms.ChoiceField(
        label=_("就业形式"),
        choices=EmploymentForm.choices,
        help_text=_("一般为“按比例就业”；平台、电商、直播、配送等新就业形态选“灵活就业”。"),
        error_messages={"required": _("请选择就业形式。")},
    )
    contract_type = forms.ChoiceField(
        label=_("合同类型"),
        required=False,
        choices=[("", _("请选择")), *ContractType.choices],
    )
    monthly_wage = wage_field(_("月工资（元）"))
    note = forms.CharField(label=_("说明"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, posting: Posting, version: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("start_date", timezone.localdate())
        kwargs["initial"].setdefault(
            "form", EmploymentForm.FLEXIBLE if posting.new_form_subtype else EmploymentForm.QUOTA
        )
        kwargs["initial"].setdefault("contract_type", posting.contract_type)
        kwargs["initial"]["version"] = version
        super().__init__(*args, **kwargs)

    def clean_start_date(self) -> dt.date:
        return _not_future(self.cleaned_data["start_date"], _("入职日期"))


class PipelineFilterForm(forms.Form):
    """Filters of the referral pipeline (GET). A bad value is reported, never a 500."""

    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), *ReferralStatus.choices],
        error_messages={"invalid_choice": _("无法识别的状态，请从列表中选择。")},
    )
    town = forms.ChoiceField(
        label=_("镇街"),
        required=False,
        error_messages={"invalid_choice": _("只能选择列出的镇街。")},
    )
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("年度请填写四位数字，例如 2025。"),
            "min_value": _("年度请填写四位数字，例如 2025。"),
            "max_value": _("年度请填写四位数字，例如 2025。"),
        },
    )
    posting = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("链接中的岗位编号无效，已显示全部岗位。")},
    )
    person = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("链接中的人员编号无效，已显示全部人员。")},
    )

    def __init__(self, *args: Any, towns: QuerySet[Region] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if towns is None:
            del self.fields["town"]
        else:
            self.fields["town"].choices = [("", _("全部")), *((t.code, t.name) for t in towns)]

    def filters(self) -> dict[str, Any]:
        """The valid filters only; a bad one is dropped (and its error shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class FollowUpFilterForm(forms.Form):
    STATES = (
        ("due", _("待回访（已到期和 31 天内到期）")),
        ("open", _("全部未回访")),
        ("done", _("已回访")),
    )

    state = forms.ChoiceField(
        label=_("回访情况"),
        required=False,
        choices=STATES,
        error_messages={"invalid_choice": _("无法识别的回访情况，请从列表中选择。")},
    )
    months = forms.TypedChoiceField(
        label=_("回访轮次"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("全部")),
            *((m, lazy_message(_("入职后 %(m)s 个月"), m=m)) for m in FollowUp.MONTHS),
        ],
        error_messages={"invalid_choice": _("回访轮次只能是 1、3、6 或 12 个月。")},
    )

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class FollowUpForm(forms.Form):
    done_on = date_field(_("回访日期"))
    outcome = forms.ChoiceField(
        label=_("回访结果"),
        choices=FollowUpOutcome.choices,
        widget=RadioGroup,
        error_messages={
            "required": _("请选择回访结果。"),
            "invalid_choice": _("请从列出的回访结果中选择。"),
        },
    )
    left_on = date_field(
        _("离职日期"), required=False, help_text=_("选择“已离职”时必填：最后一天上班的日期。")
    )
    left_reason = forms.ChoiceField(
        label=_("离职原因"),
        required=False,
        choices=[("", _("请选择")), *EndReason.choices],
        help_text=_("选择“已离职”时必填。"),
        error_messages={"invalid_choice": _("请从列表中选择离职原因。")},
    )
    notes = forms.CharField(
        label=_("回访情况"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：工作适应，单位评价良好；需要调整班次。"),
    )

    def __init__(self, *args: Any, start: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("done_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.start = start

    def clean_done_on(self) -> dt.date:
        return _not_future(self.cleaned_data["done_on"], _("回访日期"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == FollowUpOutcome.LEFT:
            left = data.get("left_on")
            if left is None and not self.has_error("left_on"):
                self.add_error("left_on", _("请填写离职日期（最后一天上班的日期）。"))
            elif left is not None and left < self.start:
                self.add_error(
                    "left_on",
                    _("离职日期不能早于入职日期（%(day)s）。") % {"day": f"{self.start:%Y-%m-%d}"},
                )
            elif left is not None and left > timezone.localdate():
                self.add_error("left_on", _("离职日期不能晚于今天。"))
            if not data.get("left_reason") and not self.has_error("left_reason"):
                self.add_error("left_reason", _("请选择离职原因。"))
        return data
