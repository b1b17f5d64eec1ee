"""Forms of auxiliary employment and the labour-project bank. They validate;
``programs.services.auxiliary`` writes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import (
    choice_field,
    date_field,
    int_field,
    model_choice_field,
    money_field,
    text_field,
)
from jiuye.core.forms import EditForm
from jiuye.employers.models import Employer
from jiuye.jobs.forms.postings import accessibility_field
from jiuye.people.forms import person_in_scope
from jiuye.people.models import Person
from jiuye.programs.models.auxiliary import (
    AuxIncome,
    AuxInstitution,
    AuxMembership,
    InstitutionKind,
    InstitutionStatus,
    LabourAllocation,
    LabourDelivery,
    LabourProject,
)
from jiuye.programs.services.auxiliary import MAX_CAPACITY
from jiuye.reference.forms import (
    category_checkboxes,
    code_choices,
    district_or_towns,
    live_categories,
    places_for,
)
from jiuye.reference.models import DisabilityCategory, Region
from jiuye.training.forms.massage import RegionField

KIND_FILTER = [("", _("全部类型")), *InstitutionKind.choices]
STATUS_FILTER = [("", _("全部状态")), *InstitutionStatus.choices]


def _employer_by_uscc(raw: str) -> Employer | None:
    raw = raw.strip().upper()
    if not raw:
        return None
    employer = Employer.objects.filter(uscc=raw).first()
    if employer is None:
        raise forms.ValidationError(
            _("没有找到统一社会信用代码为 %(code)s 的用人单位，请核对，或先登记用人单位。")
            % {"code": raw}
        )
    return employer


class InstitutionForm(EditForm):
    name = text_field(_("机构名称"), max_length=200, required=_("请填写机构名称。"))
    kind = choice_field(
        _("机构类型"),
        InstitutionKind.choices,
        required=_("请选择机构类型。"),
        invalid=_("请从列出的机构类型中选择。"),
    )
    region = RegionField(
        label=_("所在地"),
        queryset=Region.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择所在地。"),
            "invalid_choice": _("只能选择您负责的镇街或村（社区）。"),
        },
        help_text=_("选择所在镇街，或更具体的村（社区）。"),
    )
    address = text_field(_("地址"), max_length=200)
    capacity = int_field(
        _("可容纳人数"),
        min_value=1,
        max_value=MAX_CAPACITY,
        message=_("可容纳人数请填写 1 到 10000 之间的整数。"),
    )
    accessibility = accessibility_field(help_text=_("机构场所已经具备的无障碍设施。"))
    operator = text_field(
        _("运营主体"), max_length=200, help_text=_("例如：街道残联、某社会组织、某托养中心。")
    )
    employer_uscc = text_field(
        _("运营主体的统一社会信用代码"),
        max_length=18,
        help_text=_("运营主体已作为用人单位登记时填写18位代码：人员的辅助性就业记录会写这家单位。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    status = choice_field(
        _("运营状态"),
        InstitutionStatus.choices,
        blank=None,
        initial=InstitutionStatus.OPERATING,
        invalid=_("请从列出的运营状态中选择。"),
    )
    opened_on = date_field(_("成立日期"), required=False, help_text=_("按“年-月-日”填写。"))
    contact_name = text_field(_("联系人"), max_length=50)
    contact_phone = text_field(_("联系电话"), max_length=30)

    related_fields = ("region",)
    list_fields = ("accessibility",)

    def __init__(
        self, *args: Any, user: Any, institution: AuxInstitution | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=institution, **kwargs)
        self.offer("region", places_for(user, Region.Level.TOWN, Region.Level.VILLAGE), user)

    def initial_for(self, record: AuxInstitution) -> dict[str, Any]:
        initial = {
            name: getattr(record, name)
            for name in self.base_fields
            if name not in ("region", "employer_uscc")
        }
        initial["region"] = record.region_id
        initial["employer_uscc"] = record.employer.uscc if record.employer_id else ""
        return initial

    def clean_employer_uscc(self) -> Employer | None:
        return _employer_by_uscc(self.cleaned_data["employer_uscc"])

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        data["employer"] = data.pop("employer_uscc")
        return data


class MembershipForm(forms.Form):
    """A person joins an institution (the person by ID number, within the user's scope)."""

    id_number = text_field(
        _("身份证号"),
        max_length=18,
        required=_("请填写身份证号。"),
        help_text=_("已在残疾人登记中的人员的18位身份证号。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    start_date = date_field(_("进入日期"), help_text=_("按“年-月-日”填写，不能晚于今天。"))
    hours_per_week = forms.DecimalField(
        label=_("每周工作小时"),
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal(60),
        decimal_places=1,
        error_messages={
            "invalid": _("每周工作小时请填写数字，例如 20。"),
            "min_value": _("每周工作小时请填写 0 到 60 之间的数（可有一位小数）。"),
            "max_value": _("每周工作小时请填写 0 到 60 之间的数（可有一位小数）。"),
            "max_decimal_places": _("每周工作小时最多一位小数。"),
        },
    )
    monthly_income = money_field(
        _("月收入（元）"),
        max_value=Decimal("99999999.99"),
        help_text=_("约定或通常的月收入；实际发放的收入在机构页面按月登记。"),
        error_messages={
            "invalid": _("月收入请填写金额数字（元），例如 800。"),
            "min_value": _("月收入不能是负数。"),
            "max_value": _("月收入金额太大，请核对。"),
            "max_digits": _("月收入金额太大，请核对。"),
            "max_decimal_places": _("月收入最多两位小数。"),
            "max_whole_digits": _("月收入金额太大，请核对。"),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = timezone.localdate()

    def clean_id_number(self) -> Person:
        return person_in_scope(
            self.user,
            self.cleaned_data["id_number"],
            invalid=_("身份证号格式不对，请核对18位号码（最后一位可以是X）。"),
        )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("id_number")
        return data


class MembershipEditForm(EditForm):
    start_date = date_field(_("进入日期"))
    end_date = date_field(
        _("离开日期"), required=False, help_text=_("人员离开机构的最后一天；仍在册的留空。")
    )
    hours_per_week = MembershipForm.base_fields["hours_per_week"]
    monthly_income = MembershipForm.base_fields["monthly_income"]

    def __init__(self, *args: Any, membership: AuxMembership, **kwargs: Any) -> None:
        super().__init__(*args, record=membership, **kwargs)


class ProjectForm(EditForm):
    code = text_field(
        _("项目编号"),
        max_length=30,
        required=_("请填写项目编号。"),
        help_text=_("劳动项目库里的编号，例如 LX2025-001。"),
    )
    name = text_field(_("项目名称"), max_length=200, required=_("请填写项目名称。"))
    source_uscc = text_field(
        _("来源企业的统一社会信用代码"),
        max_length=18,
        help_text=_("企业已登记时填写；未登记的企业填写下面的名称。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    source_name = text_field(_("来源企业名称"), max_length=200)
    work_content = text_field(
        _("工作内容"), max_length=2000, rows=3, required=_("请填写工作内容。")
    )
    unit = text_field(_("计量单位"), max_length=20, required=_("请填写计量单位，例如 件。"))
    unit_price = money_field(
        _("单价（元）"),
        required=True,
        max_value=Decimal("99999999.99"),
        error_messages={
            "required": _("请填写单价（元）。"),
            "invalid": _("单价请填写金额数字（元），例如 0.50。"),
            "min_value": _("单价不能是负数。"),
            "max_value": _("单价太大，请核对。"),
            "max_digits": _("单价太大，请核对。"),
            "max_decimal_places": _("单价最多两位小数。"),
            "max_whole_digits": _("单价太大，请核对。"),
        },
    )
    volume = int_field(
        _("总量"),
        min_value=1,
        max_value=2_000_000_000,
        message=_("总量请填写大于 0 的整数。"),
        help_text=_("按计量单位计的全部工作量。"),
    )
    start_date = date_field(_("开始日期"))
    end_date = date_field(_("结束日期"), help_text=_("开始日期当天或之后。"))
    skills = text_field(_("技能要求"), max_length=300)
    suitable_categories = category_checkboxes(
        _("适合残疾类别"), help_text=_("都不勾选表示适合各类别的残疾人。")
    )
    region = model_choice_field(
        _("收集地区"),
        queryset=Region.objects.none(),
        required=_("请选择收集地区。"),
        invalid=_("只能选择您负责的地区。"),
        help_text=_("由区残联统一收集的选全区；镇街收集的选本镇街。"),
    )
    collected_on = date_field(_("入库日期"))

    related_fields = ("region",)
    list_fields = ("suitable_categories",)

    def __init__(
        self, *args: Any, user: Any, project: LabourProject | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=project, **kwargs)
        self.offer("region", district_or_towns(user), user)
        self.fields["suitable_categories"].choices = code_choices(live_categories())
        if project is None:
            self.fields["collected_on"].initial = timezone.localdate()
            self.fields["unit"].initial = _("件")

    def initial_for(self, record: LabourProject) -> dict[str, Any]:
        skip = ("region", "source_uscc", "suitable_categories")
        initial = {n: getattr(record, n) for n in self.base_fields if n not in skip}
        initial["region"] = record.region_id
        initial["source_uscc"] = record.source_employer.uscc if record.source_employer_id else ""
        initial["suitable_categories"] = [c.pk for c in record.suitable_categories.all()]
        return initial

    def clean_source_uscc(self) -> Employer | None:
        return _employer_by_uscc(self.cleaned_data["source_uscc"])

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        data["source_employer"] = data.pop("source_uscc")
        data["suitable_categories"] = list(
            DisabilityCategory.objects.filter(pk__in=data["suitable_categories"])
        )
        return data


class AllocationForm(forms.Form):
    institution = model_choice_field(
        _("承接机构"),
        queryset=AuxInstitution.objects.none(),
        required=_("请选择承接机构。"),
        invalid=_("只能选择列出的机构。"),
    )
    quantity = int_field(
        _("调配数量"),
        min_value=1,
        max_value=2_000_000_000,
        message=_("调配数量请填写大于 0 的整数。"),
    )
    allocated_on = date_field(_("调配日期"))
    note = text_field(_("备注"), max_length=300)

    def __init__(self, *args: Any, institutions: QuerySet[AuxInstitution], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["allocated_on"].initial = timezone.localdate()

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("institution")
        return data


class AllocationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: LabourAllocation) -> str:
        project = obj.project
        return (
            f"{project.code} {project.name}"
            f"（{obj.allocated_on:%Y-%m-%d}，{obj.quantity}{project.unit}）"
        )


class DeliveryForm(forms.Form):
    allocation = AllocationChoice(
        label=_("调配的项目"),
        queryset=LabourAllocation.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择调配的项目。"),
            "invalid_choice": _("只能选择列出的调配。"),
        },
    )
    quantity = int_field(
        _("交付数量"),
        min_value=1,
        max_value=2_000_000_000,
        message=_("交付数量请填写大于 0 的整数。"),
    )
    delivered_on = date_field(_("交付日期"))
    note = text_field(_("备注"), max_length=300)

    def __init__(self, *args: Any, allocations: QuerySet[LabourAllocation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].queryset = allocations
        self.fields["delivered_on"].initial = timezone.localdate()


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: AuxMembership) -> str:
        return f"{obj.person.name}（{obj.start_date:%Y-%m-%d}）"


class DeliveryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: LabourDelivery) -> str:
        project = obj.allocation.project
        return f"{obj.delivered_on:%Y-%m-%d} {project.name}（{obj.quantity}{project.unit}）"


class IncomeForm(forms.Form):
    membership = MemberChoice(
        label=_("人员"),
        queryset=AuxMembership.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择人员。"),
            "invalid_choice": _("只能选择列出的人员。"),
        },
    )
    month = date_field(_("收入月份"), help_text=_("填写这个月中的任意一天，例如 2025-03-01。"))
    amount = money_field(
        _("金额（元）"),
        required=True,
        max_value=Decimal("99999999.99"),
        error_messages={
            "required": _("请填写金额（元）。"),
            "invalid": _("金额请填写数字（元），例如 650。"),
            "min_value": _("金额不能是负数。"),
            "max_value": _("金额太大，请核对。"),
            "max_digits": _("金额太大，请核对。"),
            "max_decimal_places": _("金额最多两位小数。"),
            "max_whole_digits": _("金额太大，请核对。"),
        },
    )
    delivery = DeliveryChoice(
        label=_("对应交付"),
        queryset=LabourDelivery.objects.none(),
        required=False,
        empty_label=_("无"),
        error_messages={"invalid_choice": _("只能选择列出的交付记录。")},
    )

    def __init__(
        self,
        *args: Any,
        members: QuerySet[AuxMembership],
        deliveries: QuerySet[LabourDelivery],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = members
        self.fields["delivery"].queryset = deliveries


class DeliveryEditForm(EditForm):
    """Correcting a delivery: its quantity, day and note (the allocation stays)."""

    quantity = DeliveryForm.base_fields["quantity"]
    delivered_on = date_field(_("交付日期"))
    note = DeliveryForm.base_fields["note"]

    def __init__(self, *args: Any, delivery: LabourDelivery, **kwargs: Any) -> None:
        super().__init__(*args, record=delivery, **kwargs)


class IncomeEditForm(EditForm):
    """Correcting a month's income: the month, the amount and the delivery it came from."""

    month = IncomeForm.base_fields["month"]
    amount = IncomeForm.base_fields["amount"]
    delivery = IncomeForm.base_fields["delivery"]

    related_fields = ("delivery",)

    def __init__(
        self, *args: Any, income: AuxIncome, deliveries: QuerySet[LabourDelivery], **kwargs: Any
    ) -> None:
        super().__init__(*args, record=income, **kwargs)
        self.fields["delivery"].queryset = deliveries
