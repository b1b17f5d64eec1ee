"""Forms of action 三's pages. They validate; ``programs.services.charity`` writes (and checks
the same rules again for callers without a form, such as the import)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role
from jiuye.core.formfields import (
    ALL,
    YEAR_FILTER_MESSAGE,
    ResidentIdField,
    SearchInput,
    choice_field,
    date_field,
    lazy_message,
    model_choice_field,
    money_field,
    text_field,
    year_field,
)
from jiuye.core.forms import EditForm, FilterForm, checked_upload
from jiuye.employers.models import Employer
from jiuye.people.forms import person_in_scope
from jiuye.people.models import Person
from jiuye.programs.models.charity import (
    CharityProject,
    EmploymentLeader,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    ProjectKind,
)
from jiuye.programs.services.charity import leader_business_errors, project_check
from jiuye.reference.forms import live_regions, places_for, town_choices
from jiuye.reference.models import Department, Region
from jiuye.training.forms.massage import RegionField, registered_employer


def _region_field(label: Any) -> RegionField:
    """A town or a village (with its town's name) of the district; a town officer's own."""
    return RegionField(
        label=label,
        queryset=Region.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": lazy_message(_("请选择%(label)s。"), label=label),
            "invalid_choice": _("只能选择您负责的镇街或村（社区）。"),
        },
        help_text=_("选择所在镇街，或更具体的村（社区）。镇街专干只能选本镇街及其村（社区）。"),
    )


def _person_in_scope(user: Any, raw: str) -> Person | None:
    """The person (not archived) with this ID number among those the user may see (none when
    not given); otherwise the one answer of every lookup (ADR 0011)."""
    if not raw:
        return None
    return person_in_scope(
        user, raw, invalid=_("身份证号格式不对，请核对18位号码（最后一位可以是X）。")
    )


# --- filters --------------------------------------------------------------------------------


class OrganizationSearchForm(FilterForm):
    q = text_field(_("名称"), max_length=50, widget=SearchInput)
    kind = choice_field(_("类型"), OrganizationKind.choices, blank=ALL, required=False)
    status = choice_field(_("状态"), OrganizationStatus.choices, blank=ALL, required=False)
    town = forms.ChoiceField(label=_("所在镇街"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [ALL, *town_choices()]

    def filters(self) -> dict[str, Any]:
        return self.text_filters("q", "kind", "status", "town")


class ProjectSearchForm(FilterForm):
    q = text_field(_("名称"), max_length=50, widget=SearchInput)
    kind = choice_field(_("类别"), ProjectKind.choices, blank=ALL, required=False)
    year = year_field(
        _("年度"), message=YEAR_FILTER_MESSAGE, help_text=_("列出这一年开始的项目和活动。")
    )
    town = forms.ChoiceField(label=_("所属镇街"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [ALL, *town_choices()]

    def filters(self) -> dict[str, Any]:
        return {**self.text_filters("q", "kind", "town"), "year": self.valid_data().get("year")}


class LeaderSearchForm(FilterForm):
    q = text_field(
        _("姓名或经营项目"),
        max_length=50,
        widget=SearchInput,
        help_text=_("带头人姓名、单位名称或经营项目中的字词。"),
    )
    town = forms.ChoiceField(label=_("所在镇街"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [ALL, *town_choices()]

    def filters(self) -> dict[str, Any]:
        return self.text_filters("q", "town")


# --- organizations --------------------------------------------------------------------------


class OrganizationForm(EditForm):
    name = text_field(
        _("名称"),
        max_length=200,
        required=_("请填写组织名称。"),
        help_text=_("写登记证书上的全称，例如：示范区盲人协会。"),
    )
    kind = choice_field(_("类型"), OrganizationKind.choices, required=_("请选择组织类型。"))
    uscc = text_field(
        _("统一社会信用代码"),
        max_length=18,
        help_text=_("18位，见社会团体或民办非企业单位登记证书；没有登记的留空。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    region = _region_field(_("所在地"))
    address = text_field(_("地址"), max_length=200)
    contact_name = text_field(_("联系人"), max_length=50)
    contact_phone = text_field(_("联系电话"), max_length=20)
    status = choice_field(
        _("状态"),
        OrganizationStatus.choices,
        blank=None,
        initial=OrganizationStatus.ACTIVE,
        required=_("请选择状态。"),
    )
    note = text_field(_("说明"), max_length=2000, rows=3)

    related_fields = ("region",)

    def __init__(
        self, *args: Any, user: Any, organization: Organization | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=organization, **kwargs)
        self.offer("region", places_for(user, Region.Level.TOWN, Region.Level.VILLAGE), user)


# --- charity projects -----------------------------------------------------------------------


class ProjectForm(EditForm):
    name = text_field(
        _("名称"),
        max_length=200,
        required=_("请填写项目或活动名称。"),
        help_text=_("例如：2025年“助残就业”公益创投项目。"),
    )
    kind = choice_field(_("类别"), ProjectKind.choices, required=_("请选择类别。"))
    organiser_organization = model_choice_field(
        _("主办组织"),
        queryset=Organization.objects.none(),
        required=False,
        invalid=_("只能选择列出的组织。"),
        help_text=_("由残疾人组织或助残组织主办时选择；由部门主办时留空，选择主办部门。"),
    )
    organiser_department = model_choice_field(
        _("主办部门"),
        queryset=Department.objects.none(),
        required=False,
        invalid=_("只能选择列出的部门。"),
        help_text=_("主办组织和主办部门二选一。"),
    )
    funding_source = text_field(
        _("资金来源"), max_length=100, help_text=_("例如：福彩公益金、慈善总会、企业捐赠。")
    )
    funding_amount = money_field(
        _("资金（元）"),
        max_digits=12,
        max_value=Decimal("9999999999.99"),
        error_messages={
            "invalid": _("资金请填写金额数字（元），例如 50000。"),
            "min_value": _("资金请填写不小于 0 的金额（元），最多两位小数。"),
            "max_value": _("资金金额太大，请核对。"),
            "max_digits": _("资金金额太大，请核对。"),
            "max_decimal_places": _("资金最多两位小数。"),
            "max_whole_digits": _("资金金额太大，请核对。"),
        },
    )
    start_date = date_field(_("开始日期"))
    end_date = date_field(
        _("结束日期"), required=False, help_text=_("开始日期当天或之后；一天的活动可以留空。")
    )
    region = _region_field(_("所属地区"))
    place = text_field(_("地点"), max_length=200)
    target_group = text_field(
        _("面向对象"), max_length=200, help_text=_("例如：有就业意愿的肢体残疾人。")
    )
    description = text_field(_("内容"), max_length=2000, rows=3)

    related_fields = ("organiser_organization", "organiser_department", "region")

    def __init__(
        self, *args: Any, user: Any, project: CharityProject | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=project, **kwargs)
        self.fields["organiser_organization"].queryset = Organization.objects.filter(
            archived_at__isnull=True
        ).order_by("name")
        self.fields["organiser_department"].queryset = Department.objects.filter(
            disabled_at__isnull=True
        )
        self.offer("region", places_for(user, Region.Level.TOWN, Region.Level.VILLAGE), user)
        if project is None:
            self.fields["start_date"].initial = timezone.localdate()
        if user.role == Role.DEPARTMENT:
            self._for_liaison(user)

    def _for_liaison(self, user: Any) -> None:
        """A liaison's project is organised by their own department, anywhere in the district."""
        organiser = self.fields["organiser_department"]
        organiser.queryset = Department.objects.filter(pk=user.department_id)
        organiser.required, organiser.initial = True, user.department_id
        organiser.error_messages["required"] = _("请选择主办部门。")
        organiser.empty_label = None
        organiser.help_text = _("部门联络员登记的项目由本部门主办。")
        del self.fields["organiser_organization"]
        self.fields["region"].queryset = live_regions(
            Region.Level.TOWN, Region.Level.VILLAGE
        ).select_related("parent")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, messages in project_check(data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, messages)
        return data


class BeneficiaryForm(forms.Form):
    id_number = ResidentIdField(
        label=_("受益人身份证号"),
        required=True,
        error_messages={"required": _("请填写受益人的身份证号。")},
    )
    joined_on = date_field(_("受益日期"), required=False, help_text=_("不填为项目开始日期。"))
    trained = forms.BooleanField(label=_("参加了培训"), required=False)
    placed = forms.BooleanField(label=_("实现了就业"), required=False)
    started_business = forms.BooleanField(label=_("自主创业"), required=False)
    note = text_field(_("备注"), max_length=300)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_id_number(self) -> Person | None:
        return _person_in_scope(
            self.user,
            self.cleaned_data["id_number"],
        )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("id_number")
        return data


# --- leaders --------------------------------------------------------------------------------


class LeaderForm(forms.Form):
    id_number = ResidentIdField(
        label=_("带头人身份证号"),
        required=False,
        help_text=_("18位，带头人须已在残疾人登记中。修改时留空表示不变。"),
    )
    employer_uscc = text_field(
        _("经营的用人单位的统一社会信用代码"),
        max_length=18,
        help_text=_("带头人经营的单位已作为用人单位登记时填写；否则留空，填写下面的经营项目。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    business_name = text_field(
        _("经营项目或单位名称（未登记时）"),
        max_length=200,
        help_text=_("例如：张三电商工作室、盲人按摩店。"),
    )
    recognised_on = date_field(_("认定日期"))
    note = text_field(_("说明"), max_length=2000, rows=3)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, user: Any, leader: EmploymentLeader | None = None, **kwargs: Any
    ) -> None:
        self.user, self.leader = user, leader
        if leader is not None:
            kwargs.setdefault(
                "initial",
                {
                    "employer_uscc": leader.employer.uscc if leader.employer_id else "",
                    "business_name": leader.business_name,
                    "recognised_on": leader.recognised_on,
                    "note": leader.note,
                    "version": leader.version,
                },
            )
        super().__init__(*args, **kwargs)
        if leader is None:
            del self.fields["version"]
            self.fields["id_number"].required = True
            self.fields["id_number"].error_messages["required"] = _("请填写带头人的身份证号。")
            self.fields["recognised_on"].initial = timezone.localdate()

    def clean_id_number(self) -> Person | None:
        return _person_in_scope(
            self.user,
            self.cleaned_data["id_number"],
        )

    def clean_employer_uscc(self) -> Employer | None:
        return registered_employer(self.cleaned_data["employer_uscc"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "employer_uscc" in data and "business_name" in data:
            values = {"employer": data["employer_uscc"], "business_name": data["business_name"]}
            for name, messages in leader_business_errors(values).items():
                self.add_error("employer_uscc" if name == "employer" else name, messages)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        person = data.pop("id_number")
        data["employer"] = data.pop("employer_uscc")
        if person is not None:
            data["person"] = person
        return data


class LeaderJobForm(forms.Form):
    id_number = ResidentIdField(
        label=_("被带动人员的身份证号"),
        required=True,
        help_text=_("18位。关联这个人员最近一条就业记录：请先在就业记录中登记他的就业。"),
        error_messages={"required": _("请填写被带动人员的身份证号。")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_id_number(self) -> Any:
        person = _person_in_scope(
            self.user,
            self.cleaned_data["id_number"],
        )
        record = (
            person.employment_records.filter(archived_at__isnull=True)
            .order_by("-start_date", "-created_at")
            .first()
        )
        if record is None:
            raise ValidationError(
                _("%(name)s 还没有就业记录，请先在就业记录中登记，再关联到带头人。")
                % {"name": person.name}
            )
        return record


class BeneficiariesUploadForm(forms.Form):
    file = forms.FileField(
        label=_("受益人名单文件"),
        help_text=_("Excel（.xlsx、.xls）或 CSV 文件，列名见名单模板。先检查，确认无误后再保存。"),
        error_messages={"required": _("请选择受益人名单文件。")},
    )

    def clean_file(self) -> Any:
        return checked_upload(
            self.cleaned_data["file"],
            max_bytes=20 * 1024 * 1024,
            too_large=_("名单文件超过 20 MB，请检查是否选错了文件。"),
        )
