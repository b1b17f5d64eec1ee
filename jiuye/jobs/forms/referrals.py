"""Forms of the referral, consent and follow-up pages. They validate and normalise; the views
hand ``cleaned_data`` to ``jobs.services.referrals``, which checks the rules again."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core import dates
from jiuye.core.dates import confirmed, offer_confirmation
from jiuye.core.formfields import (
    ALL,
    YEAR_MESSAGE,
    ResidentIdField,
    choice_field,
    date_field,
    lazy_message,
    link_id_field,
    model_choice_field,
    money_field,
    not_after_today,
    radio_field,
    text_field,
    year_field,
)
from jiuye.core.forms import FilterForm, initial_defaults
from jiuye.employment.models import ContractType, EmploymentForm, EndReason
from jiuye.jobs.models import (
    FollowUp,
    FollowUpOutcome,
    NotHiredReason,
    Posting,
    ReferralStatus,
)
from jiuye.reference.forms import code_choices
from jiuye.reference.models import Region


class ConsentForm(forms.Form):
    """The explicit, never pre-ticked agreement to show the profile to employers."""

    agree = forms.BooleanField(
        label=_("本人已阅读并同意：向被推荐岗位的用人单位展示上述求职信息，并知道可以随时撤回。"),
        required=True,
        initial=False,
        error_messages={"required": _("请先请本人阅读告知内容，本人同意后再勾选这一项。")},
    )


def wage_field(label: Any) -> forms.DecimalField:
    return money_field(
        label,
        error_messages={
            "invalid": _("月工资请填写金额，例如 3000 或 3000.50。"),
            "min_value": _("月工资不能是负数。"),
            "max_digits": _("月工资金额过大，请核对。"),
            "max_decimal_places": _("月工资最多保留两位小数。"),
        },
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
    posting = model_choice_field(
        _("推荐到的岗位"),
        queryset=Posting.objects.none(),
        required=_("请选择推荐到的岗位。"),
        invalid=_("所选岗位不存在或已不能推荐，请重新选择。"),
    )
    on = date_field(_("推荐日期"))
    note = text_field(
        _("推荐说明"),
        max_length=300,
        rows=3,
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
        super().__init__(*args, **initial_defaults(kwargs, on=timezone.localdate()))
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
        return not_after_today(self.cleaned_data["on"], _("推荐日期"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        missing = "id_number" in self.fields and not data.get("id_number")
        if missing and not self.has_error("id_number"):
            self.add_error("id_number", _("请填写被推荐人的身份证号。"))
        return data


class StepForm(forms.Form):
    """A step of a referral: what the page asks, then an optional note and (hidden) the
    referral's version the page was opened at, which the caller gives."""

    note = text_field(_("说明"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, version: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = version
        super().__init__(*args, **kwargs)
        for name in ("note", "version"):  # after the step's own fields
            self.fields[name] = self.fields.pop(name)


class AdvanceForm(StepForm):
    """The next step of a referral: only the allowed ones are offered."""

    prefix = "advance"
    to = radio_field(
        _("下一步"),
        required=_("请选择下一步。"),
        invalid=_("这一步现在不能选，请从列出的步骤中选择。"),
    )
    on = date_field(_("日期"), help_text=_("这一步发生的日期，不能早于上一步，也不能晚于今天。"))
    reason = choice_field(
        _("未录用原因"),
        NotHiredReason.choices,
        required=False,
        help_text=_("选择“未录用”时必填。"),
        invalid=_("请从列表中选择未录用原因。"),
    )

    def __init__(self, *args: Any, steps: list[str], version: int, **kwargs: Any) -> None:
        initial_defaults(kwargs, on=timezone.localdate())
        super().__init__(*args, version=version, **kwargs)
        labels = dict(ReferralStatus.choices)
        self.fields["to"].choices = [(step, labels[step]) for step in steps]
        if ReferralStatus.NOT_HIRED not in steps:
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("to") == ReferralStatus.NOT_HIRED and not data.get("reason"):
            self.add_error("reason", _("请选择未录用的原因。"))
        return data


class HireForm(StepForm):
    """The person started the job: what the employment record needs."""

    start_date = date_field(_("入职日期"), help_text=_("第一天上班的日期，不能晚于今天。"))
    form = choice_field(
        _("就业形式"),
        EmploymentForm.choices,
        blank=None,
        help_text=_("一般为“按比例就业”；平台、电商、直播、配送等新就业形态选“灵活就业”。"),
        required=_("请选择就业形式。"),
    )
    contract_type = choice_field(_("合同类型"), ContractType.choices, required=False)
    monthly_wage = wage_field(_("月工资（元）"))

    def __init__(self, *args: Any, posting: Posting, version: int, **kwargs: Any) -> None:
        initial_defaults(
            kwargs,
            start_date=timezone.localdate(),
            form=EmploymentForm.FLEXIBLE if posting.new_form_subtype else EmploymentForm.QUOTA,
            contract_type=posting.contract_type,
        )
        super().__init__(*args, version=version, **kwargs)

    def clean_start_date(self) -> dt.date:
        return not_after_today(self.cleaned_data["start_date"], _("入职日期"))


class PipelineFilterForm(FilterForm):
    """Filters of the referral pipeline (GET). A bad value is reported, never a 500."""

    status = choice_field(
        _("状态"),
        ReferralStatus.choices,
        blank=ALL,
        required=False,
        invalid=_("无法识别的状态，请从列表中选择。"),
    )
    town = choice_field(_("镇街"), blank=None, required=False, invalid=_("只能选择列出的镇街。"))
    year = year_field(_("年度"), message=YEAR_MESSAGE)
    posting = link_id_field(_("链接中的岗位编号无效，已显示全部岗位。"))
    person = link_id_field(_("链接中的人员编号无效，已显示全部人员。"))

    def __init__(self, *args: Any, towns: QuerySet[Region] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if towns is None:
            del self.fields["town"]
        else:
            self.fields["town"].choices = [ALL, *code_choices(towns)]


class FollowUpFilterForm(FilterForm):
    STATES = (
        ("due", _("待回访（已到期和 31 天内到期）")),
        ("open", _("全部未回访")),
        ("done", _("已回访")),
    )

    state = choice_field(
        _("回访情况"),
        STATES,
        blank=None,
        required=False,
        invalid=_("无法识别的回访情况，请从列表中选择。"),
    )
    months = choice_field(
        _("回访轮次"),
        ((m, lazy_message(_("入职后 %(m)s 个月"), m=m)) for m in FollowUp.MONTHS),
        blank=ALL,
        required=False,
        field=forms.TypedChoiceField,
        coerce=int,
        empty_value=None,
        invalid=_("回访轮次只能是 1、3、6 或 12 个月。"),
    )


class FollowUpForm(forms.Form):
    done_on = date_field(_("回访日期"))
    outcome = radio_field(
        _("回访结果"),
        FollowUpOutcome.choices,
        required=_("请选择回访结果。"),
        invalid=_("请从列出的回访结果中选择。"),
    )
    left_on = date_field(
        _("离职日期"), required=False, help_text=_("选择“已离职”时必填：最后一天上班的日期。")
    )
    left_reason = choice_field(
        _("离职原因"),
        EndReason.choices,
        required=False,
        help_text=_("选择“已离职”时必填。"),
        invalid=_("请从列表中选择离职原因。"),
    )
    notes = text_field(
        _("回访情况"),
        max_length=500,
        rows=3,
        help_text=_("例如：工作适应，单位评价良好；需要调整班次。"),
    )

    def __init__(
        self, *args: Any, start: dt.date, window_opens: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **initial_defaults(kwargs, done_on=timezone.localdate()))
        self.start = start
        # A day before the follow-up's window asks for a confirmation (shown only then).
        self.window_opens = window_opens
        typed = None
        if self.is_bound:
            with contextlib.suppress(ValidationError):
                typed = self.fields["done_on"].to_python(self.data.get("done_on"))
        if window_opens is not None and typed is not None and typed < window_opens:
            offer_confirmation(
                self, "confirm_early", _("我确认：回访确实已在这一天做过（早于回访期）")
            )

    @property
    def early_confirmed(self) -> bool:
        return confirmed(self, "confirm_early")

    def clean_done_on(self) -> dt.date:
        return not_after_today(self.cleaned_data["done_on"], _("回访日期"))

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
            elif later := dates.after_today(left, label=_("离职日期")):
                self.add_error("left_on", later)
            if not data.get("left_reason") and not self.has_error("left_reason"):
                self.add_error("left_reason", _("请选择离职原因。"))
        return data
