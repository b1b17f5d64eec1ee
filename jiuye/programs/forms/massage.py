"""Forms of the medical massage pages (action 八). They validate;
``programs.services.massage`` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import choice_field, date_field, radio_field, text_field
from jiuye.people.forms import person_in_scope
from jiuye.people.models import Person
from jiuye.programs.forms.platforms import EmployerRecordForm
from jiuye.programs.models import MedicalInstitution
from jiuye.programs.models.massage import ApplicationKind, ApplicationStatus, InstitutionKind

KIND_FILTER = [("", _("全部事项")), *ApplicationKind.choices]
STATUS_FILTER = [("", _("全部阶段")), *ApplicationStatus.choices]


class InstitutionForm(EmployerRecordForm):
    employer_uscc = text_field(
        _("医疗机构的统一社会信用代码"),
        max_length=18,
        required=_("请填写医疗机构的统一社会信用代码。"),
        help_text=_("18位代码；医疗机构须已在用人单位名录中登记。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    kind = choice_field(
        _("机构类别"),
        InstitutionKind.choices,
        required=_("请选择医疗机构类别。"),
        invalid=_("请从列出的类别中选择。"),
    )
    licence_number = text_field(_("医疗机构执业许可证号"), max_length=60)

    stripped_fields = ("licence_number",)

    def __init__(
        self, *args: Any, user: Any, institution: MedicalInstitution | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=institution, **kwargs)

    def initial_for(self, record: MedicalInstitution) -> dict[str, Any]:
        return {
            "employer_uscc": record.employer.uscc,
            "kind": record.kind,
            "licence_number": record.licence_number,
            "version": record.version,
        }


class ApplicationForm(forms.Form):
    kind = radio_field(
        _("申请事项"),
        ApplicationKind.choices,
        required=_("请选择申请事项。"),
        invalid=_("请从列出的申请事项中选择。"),
    )
    id_number = text_field(
        _("申请人身份证号"),
        max_length=18,
        required=_("请填写申请人的身份证号。"),
        help_text=_("申请人须已在残疾人登记中，且在您负责的范围内。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    clinic_name = text_field(
        _("拟开办的按摩所名称"), max_length=200, help_text=_("申请开办按摩所时填写。")
    )
    authority = text_field(
        _("受理部门"), max_length=100, help_text=_("例如：区卫生健康局、市残联。")
    )
    submitted_on = date_field(_("提交日期"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_id_number(self) -> Person:
        return person_in_scope(
            self.user,
            self.cleaned_data["id_number"],
            invalid=_("身份证号格式不对，请核对18位号码（最后一位可以是X）。"),
        )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["person"] = data.pop("id_number")
        return data


ADVANCE_CHOICES = [
    (ApplicationStatus.ACCEPTED, _("已受理")),
    (ApplicationStatus.APPROVED, _("已批准")),
    (ApplicationStatus.REFUSED, _("未批准")),
]


class AdvanceForm(forms.Form):
    status = radio_field(
        _("办理到哪个阶段"),
        ADVANCE_CHOICES,
        required=_("请选择办理阶段。"),
        invalid=_("请从列出的阶段中选择。"),
    )
    on = date_field(_("日期"), help_text=_("受理、批准或未批准的日期。"))
    number = text_field(_("证书编号或许可证号"), max_length=60, help_text=_("批准时填写。"))
    note = text_field(_("审批意见"), max_length=500, rows=2, help_text=_("未批准时写明原因。"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
