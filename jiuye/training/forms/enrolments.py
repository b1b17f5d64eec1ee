"""Forms of the enrolment, attendance and certificate pages. They validate; the views hand
``cleaned_data`` to ``training.services.enrolments``, which checks the rules again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import (
    YEAR_FILTER_MESSAGE,
    CheckboxGroup,
    RadioGroup,
    choice_field,
    date_field,
    text_field,
    version_field,
    year_field,
)
from jiuye.core.forms import FilterForm
from jiuye.people.models import Person
from jiuye.training.models import CertificateKind, DropReason, Enrolment

CONFIRM_LABEL = _("仍然报名（超出名额）")


class EnrolForm(forms.Form):
    person = forms.ChoiceField(
        label=_("学员"),
        widget=RadioGroup,
        error_messages={
            "required": _("请选择要报名的人员；如果没有列出，请先按姓名或身份证号查找。"),
            "invalid_choice": _("请从查找结果中选择要报名的人员。"),
        },
    )
    enrolled_on = date_field(_("报名日期"), help_text=_("例如 2025-03-01；默认为今天。"))
    confirm_over_capacity = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(self, *args: Any, persons: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            (str(p.pk), f"{p.name}（{p.masked_id_number}，{p.region.name}）") for p in persons
        ]
        if not persons:
            self.fields["person"].help_text = _("还没有可选的人员，请先在上面查找。")


class ConfirmRequestForm(forms.Form):
    prefix = "confirm"
    confirm_over_capacity = forms.BooleanField(label=CONFIRM_LABEL, required=False)


class CompleteForm(forms.Form):
    prefix = "complete"
    on = date_field(_("结业日期"), help_text=_("不能早于开班日期，也不能晚于今天。"))
    assessment = text_field(
        _("考核结果"), max_length=50, help_text=_("例如：合格、优秀，或考核分数。")
    )
    version = version_field()


class DropForm(forms.Form):
    prefix = "drop"
    on = date_field(_("退出日期"), help_text=_("不能早于报名日期，也不能晚于今天。"))
    reason = forms.ChoiceField(
        label=_("退出原因"),
        choices=[("", _("请选择")), *DropReason.choices],
        error_messages={
            "required": _("请选择退出原因。"),
            "invalid_choice": _("请从列出的退出原因中选择。"),
        },
    )
    note = text_field(
        _("备注"), max_length=300, rows=2, help_text=_("退出原因选择“其他”时必须写明原因。")
    )
    version = version_field()


class CertificateForm(forms.Form):
    prefix = "cert"
    kind = choice_field(
        _("证书类型"),
        CertificateKind.choices,
        required=_("请选择证书类型。"),
        invalid=_("请从列出的证书类型中选择。"),
    )
    level = text_field(_("等级"), max_length=30, help_text=_("例如：五级/初级工。"))
    number = text_field(_("证书编号"), max_length=60, required=_("请填写证书编号。"))
    issued_on = date_field(_("发证日期"))
    issuer = text_field(_("发证机构"), max_length=100)

    def __init__(self, *args: Any, enrolment: Enrolment | None = None, **kwargs: Any) -> None:
        if enrolment is not None and not (args and args[0]):
            kwargs.setdefault(
                "initial",
                {
                    "kind": enrolment.course.certificate_kind,
                    "level": enrolment.course.certificate_level,
                    "issued_on": enrolment.completed_on,
                },
            )
        super().__init__(*args, **kwargs)


class AttendanceDateForm(forms.Form):
    date = date_field(_("上课日期"), required=False)


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        required=False,
        widget=CheckboxGroup,
        error_messages={"invalid_choice": _("名单已变化，请刷新页面后重新勾选。")},
    )

    def __init__(self, *args: Any, rows: list[Enrolment], day: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.label = _("%(day)s 出勤（勾选到课的学员）") % {"day": f"{day:%Y-%m-%d}"}
        field.choices = [
            (str(e.pk), f"{e.person.name}（{e.person.masked_id_number}）") for e in rows
        ]
        field.help_text = _("没有勾选的学员记为缺勤。")

    def present_ids(self) -> set[str]:
        return set(self.cleaned_data.get("present") or [])


class CertificateFilterForm(FilterForm):
    kind = choice_field(
        _("证书类型"), CertificateKind.choices, blank=("", _("全部")), required=False
    )
    year = year_field(_("发证年度"), message=YEAR_FILTER_MESSAGE, widget=forms.NumberInput)

    def filters(self) -> dict[str, Any]:
        data = self.valid_data()
        return {"kind": data.get("kind") or "", "year": data.get("year")}
