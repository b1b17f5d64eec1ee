"""Forms of the annual declaration pages: the figures, a line of the staff list, the staff list
upload, the review decisions and the disclosure. They validate and normalise; the views hand
``cleaned_data`` to the services, which check the same rules again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import CertificateNumberField, ResidentIdField
from jiuye.core.validators import validate_certificate_number
from jiuye.employers.models import DeclaredEmployee, Employer
from jiuye.employers.selectors import figure
from jiuye.people.forms import RadioGroup

MONTHS = range(1, 13)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def default_year() -> int:
    """Employers declare the previous year."""
    return timezone.localdate().year - 1


def year_choices() -> list[tuple[int, str]]:
    this = timezone.localdate().year
    return [(year, _("%(year)d年度") % {"year": year}) for year in range(this, this - 6, -1)]


class StartForm(forms.Form):
    year = forms.TypedChoiceField(label=_("申报年度"), coerce=int)
    uscc = forms.CharField(
        label=_("单位的统一社会信用代码"),
        max_length=30,
        help_text=_("代单位申报时填写，18位，见营业执照或登记证书。"),
    )

    def __init__(self, *args: Any, employers: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": default_year()})
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.employers = employers
        if employers is None:
            del self.fields["uscc"]

    def clean_uscc(self) -> Employer:
        code = self.cleaned_data["uscc"].strip().upper()
        employer = self.employers.filter(uscc=code).first()
        if employer is None:
            raise ValidationError(
                _("没有找到信用代码为“%(code)s”的单位，请核对。") % {"code": code}
            )
        return employer


class FiguresForm(forms.Form):
    """Staff (annual average, or twelve monthly counts when the policy counts monthly) and the
    wage total of the year."""

    wage_total = forms.DecimalField(
        label=_("在职职工工资总额（元）"),
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        help_text=_("全年应发工资总额，含奖金、津贴和补贴。"),
    )

    def __init__(self, *args: Any, monthly: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.monthly = monthly
        if monthly:
            for month in MONTHS:
                self.fields[f"staff_m{month}"] = forms.IntegerField(
                    label=_("%(m)d月") % {"m": month},
                    min_value=0,
                    error_messages={"required": _("请填写%(m)d月的人数。") % {"m": month}},
                )
        else:
            self.fields["staff_annual"] = forms.DecimalField(
                label=_("在职职工年平均人数"),
                min_value=Decimal(0),
                max_digits=10,
                decimal_places=2,
                help_text=_("在编人员和签订1年以上劳动合同的职工；季节性用工折算为年平均人数。"),
            )
        self.order_fields(["staff_annual", *[f"staff_m{m}" for m in MONTHS], "wage_total"])

    @staticmethod
    def initial_for(declaration: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        if declaration.wage_total or declaration.staff_annual is not None:
            initial["wage_total"] = f"{declaration.wage_total:f}"
        if declaration.staff_annual is not None:
            initial["staff_annual"] = figure(declaration.staff_annual)
        for month, value in zip(MONTHS, declaration.staff_monthly, strict=False):
            initial[f"staff_m{month}"] = value
        return initial

    def month_fields(self) -> list[Any]:
        return [self[f"staff_m{m}"] for m in MONTHS] if self.monthly else []

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        if self.monthly:
            return {
                "wage_total": data["wage_total"],
                "staff_monthly": [data[f"staff_m{m}"] for m in MONTHS],
            }
        return {"wage_total": data["wage_total"], "staff_annual": data["staff_annual"]}


class EmployeeForm(forms.Form):
    """One disabled employee on the list. On a line being edited the numbers are not shown in
    full: left empty they stay as they are."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = ResidentIdField(label=_("身份证号"))
    certificate_number = CertificateNumberField(label=_("残疾人证号"))
    on_establishment = forms.BooleanField(label=_("在编人员"), required=False)
    contract_type = forms.ChoiceField(
        label=_("劳动合同类型"),
        required=False,
        choices=[("", _("未签订（在编人员不填）")), *DeclaredEmployee.ContractType.choices],
    )
    contract_start = forms.DateField(
        label=_("合同开始日期"), required=False, widget=_date_input(), help_text=_("如 2023-01-01")
    )
    contract_end = forms.DateField(
        label=_("合同结束日期"),
        required=False,
        widget=_date_input(),
        help_text=_("无固定期限合同不填。"),
    )
    monthly_wage = forms.DecimalField(
        label=_("月工资（元）"), max_digits=10, decimal_places=2, help_text=_("应发工资，如 4000")
    )
    insurance_months = forms.IntegerField(
        label=_("本年度缴纳社会保险的月数"), min_value=0, max_value=12, help_text=_("0到12")
    )
    dispatched = forms.BooleanField(label=_("劳务派遣人员"), required=False)
    dispatch_agency = forms.CharField(
        label=_("派遣单位名称"), required=False, max_length=200, help_text=_("劳务派遣人员填写。")
    )
    counts_here = forms.TypedChoiceField(
        label=_("按派遣协议，此人计入哪一方"),
        choices=[("1", _("计入本单位")), ("0", _("计入派遣单位（本单位不计）"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=RadioGroup,
        help_text=_("不是劳务派遣人员的，保持“计入本单位”。"),
    )

    def __init__(self, *args: Any, employee: DeclaredEmployee | None = None, **kwargs: Any) -> None:
        self.employee = employee
        if employee is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(employee, name)
                for name in (
                    "name",
                    "on_establishment",
                    "contract_type",
                    "contract_start",
                    "contract_end",
                    "monthly_wage",
                    "insurance_months",
                    "dispatched",
                    "dispatch_agency",
                )
            } | {"counts_here": "1" if employee.counts_here else "0"}
        super().__init__(*args, **kwargs)
        if employee is not None:
            for name, masked in (
                ("id_number", employee.masked_id_number),
                ("certificate_number", employee.masked_certificate_number),
            ):
                self.fields[name].required = False
                self.fields[name].help_text = _("现为 %(masked)s；不修改请留空。") % {
                    "masked": masked
                }

    def clean_monthly_wage(self) -> Decimal:
        wage = self.cleaned_data["monthly_wage"]
        if wage < 0:
            raise ValidationError(_("月工资不能是负数。"))
        return wage

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        id_number = data.get("id_number") or (self.employee.id_number if self.employee else "")
        certificate = data.get("certificate_number")
        if certificate and id_number and "certificate_number" not in self.errors:
            try:
                validate_certificate_number(certificate, id_number=id_number)
            except ValidationError as error:
                self.add_error("certificate_number", error)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("id_number", "certificate_number"):
            if self.employee is not None and not data.get(name):
                data.pop(name, None)
        data["contract_type"] = data.get("contract_type") or ""
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("残疾职工名单文件"),
        help_text=_("Excel（.xlsx、.xls）或 CSV 文件，列名见名单模板。先检查，确认无误后再保存。"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise ValidationError(_("文件是空的。"))
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError(_("名单文件超过 20 MB，请检查是否选错了文件。"))
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, label: Any = None, help_text: Any = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("裁定"),
        choices=[("count", _("计入这家单位")), ("exclude", _("不计入这家单位"))],
        widget=RadioGroup,
    )
    note = forms.CharField(label=_("说明（选填）"), required=False, max_length=300)


class PublishForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    action = forms.ChoiceField(choices=[("publish", "publish"), ("withdraw", "withdraw")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
