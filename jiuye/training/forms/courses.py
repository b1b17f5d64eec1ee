"""Forms of the provider and course pages. They validate; ``training.services.courses``
writes (and checks the same rules again for callers without a form, such as the import)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role
from jiuye.core.scoping import town_prefix
from jiuye.jobs.forms.referrals import date_field
from jiuye.jobs.models import AccessFeature
from jiuye.people.forms import CheckboxGroup
from jiuye.reference.models import DisabilityCategory, Region
from jiuye.training.models import (
    CertificateKind,
    Course,
    CourseKind,
    CourseMode,
    Provider,
    ProviderKind,
)
from jiuye.training.services.courses import course_check

ALL = ("", _("全部"))


def town_choices() -> list[tuple[str, str]]:
    towns = Region.objects.filter(level=Region.Level.TOWN, disabled_at__isnull=True)
    return [(r.code, r.name) for r in towns.order_by("code")]


def provider_regions(user: Any) -> QuerySet[Region]:
    """Where a provider may be: the district or any town or village for district staff; their
    own town and its villages for a town officer."""
    qs = Region.objects.filter(disabled_at__isnull=True)
    if user.role == Role.TOWN:
        return qs.filter(code__startswith=town_prefix(user.town_id or "")).order_by("code")
    district = getattr(settings, "JIUYE_DISTRICT_CODE", "")
    return qs.filter(
        Q(code=district) | Q(level__in=(Region.Level.TOWN, Region.Level.VILLAGE))
    ).order_by("code")


def managed_providers(user: Any) -> QuerySet[Provider]:
    """Providers a user may open courses at (not archived)."""
    qs = Provider.objects.filter(archived_at__isnull=True)
    if user.role == Role.TOWN:
        qs = qs.filter(region__code__startswith=town_prefix(user.town_id or ""))
    return qs.order_by("name")


def _int_field(label: Any, *, minimum: int, maximum: int, message: Any, **kwargs: Any) -> Any:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


# --- search ---------------------------------------------------------------------------------


class ProviderSearchForm(forms.Form):
    """The filters of the provider list (GET). A bad value is named and that filter dropped."""

    q = forms.CharField(label=_("名称"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[ALL, *ProviderKind.choices])
    town = forms.ChoiceField(label=_("所在镇街"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [ALL, *town_choices()]
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "kind": data.get("kind") or "",
            "town": data.get("town") or "",
        }


class CourseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=50,
        help_text=_("课程名称或培训机构名称中的字词，可填几个词，用空格分开。"),
    )
    kind = forms.ChoiceField(
        label=_("培训类型"), required=False, choices=[ALL, *CourseKind.choices]
    )
    provider = forms.ModelChoiceField(
        label=_("培训机构"),
        required=False,
        queryset=Provider.objects.none(),
        empty_label=_("全部"),
        error_messages={"invalid_choice": _("没有这个培训机构，已显示全部机构的课程。")},
    )
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": _("年度请填写四位数字，例如 2025；已显示全部年度。"),
            "min_value": _("年度请填写四位数字，例如 2025；已显示全部年度。"),
            "max_value": _("年度请填写四位数字，例如 2025；已显示全部年度。"),
        },
        help_text=_("列出这一年里开班或在办的课程。"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    town = forms.ChoiceField(label=_("培训机构所在镇街"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["provider"].queryset = Provider.objects.filter(
            archived_at__isnull=True
        ).order_by("name")
        self.fields["town"].choices = [ALL, *town_choices()]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "kind": data.get("kind") or "",
            "provider": data.get("provider"),
            "year": data.get("year"),
            "town": data.get("town") or "",
        }


# --- providers ------------------------------------------------------------------------------


class ProviderForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=200,
        error_messages={"required": _("请填写培训机构名称。")},
        help_text=_("写营业执照或批准文件上的全称。"),
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("", _("请选择")), *ProviderKind.choices],
        error_messages={"required": _("请选择机构类型。")},
    )
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("18位，有的才填。"),
    )
    region = forms.ModelChoiceField(
        label=_("所在地"),
        queryset=Region.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择所在地。"),
            "invalid_choice": _("只能选择列出的所在地。"),
        },
        help_text=_("镇街专干只能选本镇街及其村（社区）。"),
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    accessibility = forms.MultipleChoiceField(
        label=_("无障碍条件"),
        required=False,
        choices=AccessFeature.choices,
        widget=CheckboxGroup,
        error_messages={"invalid_choice": _("无法识别的无障碍条件，请重新勾选。")},
        help_text=_("培训场所已经具备的条件。"),
    )
    designated_year = forms.IntegerField(
        label=_("残联认定年度"),
        required=False,
        min_value=1990,
        max_value=2100,
        error_messages={
            "invalid": _("残联认定年度请填写四位年份，例如 2024。"),
            "min_value": _("残联认定年度请填写四位年份，例如 2024。"),
            "max_value": _("残联认定年度请填写四位年份，例如 2024。"),
        },
        help_text=_("被区残联认定为培训机构或实训基地的年份；没有认定的留空。"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, provider: Provider | None = None, **kwargs: Any):
        if provider is not None:
            initial = {n: getattr(provider, n) for n in self.base_fields if n != "region"}
            kwargs.setdefault("initial", {**initial, "region": provider.region_id})
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = provider_regions(user)
        if provider is None:
            del self.fields["version"]
            if user.role == Role.TOWN:
                self.fields["region"].initial = user.town_id

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["accessibility"] = list(data.get("accessibility") or [])
        return data


# --- courses --------------------------------------------------------------------------------


class CourseForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("培训机构"),
        queryset=Provider.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择培训机构。"),
            "invalid_choice": _("只能选择列出的培训机构。"),
        },
        help_text=_("镇街专干只能选本镇街的培训机构。"),
    )
    title = forms.CharField(
        label=_("课程名称"),
        max_length=150,
        error_messages={"required": _("请填写课程名称。")},
        help_text=_("例如：2025年残疾人电商直播培训班（第一期）。"),
    )
    kind = forms.ChoiceField(
        label=_("培训类型"),
        choices=[("", _("请选择")), *CourseKind.choices],
        error_messages={"required": _("请选择培训类型。")},
    )
    mode = forms.ChoiceField(
        label=_("培训方式"),
        choices=[("", _("请选择")), *CourseMode.choices],
        error_messages={"required": _("请选择培训方式。")},
    )
    target_categories = forms.TypedMultipleChoiceField(
        label=_("面向残疾类别"),
        required=False,
        coerce=int,
        widget=CheckboxGroup,
        error_messages={"invalid_choice": _("无法识别的残疾类别，请重新勾选。")},
        help_text=_("都不勾选表示面向各类别的残疾人。"),
    )
    start_date = date_field(_("开班日期"))
    end_date = date_field(_("结业日期"), help_text=_("开班日期当天或之后。"))
    hours = _int_field(
        _("课时"),
        minimum=0,
        maximum=10_000,
        message=_("课时请填写 0 到 10000 之间的整数。"),
        initial=0,
        required=False,
        help_text=_("不知道的填 0。"),
    )
    places = _int_field(
        _("名额"),
        minimum=1,
        maximum=10_000,
        message=_("名额至少为 1，请填写 1 到 10000 之间的整数。"),
        help_text=_("可以报名的人数。报满后再报名需要确认。"),
    )
    funding_source = forms.CharField(
        label=_("资金来源"),
        max_length=100,
        required=False,
        help_text=_("例如：残疾人就业保障金、就业补助资金。"),
    )
    funding_amount = forms.DecimalField(
        label=_("经费（元）"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("9999999999.99"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": _("经费请填写金额数字（元），例如 30000。"),
            "min_value": _("经费请填写不小于 0 的金额（元），最多两位小数。"),
            "max_value": _("经费金额太大，请核对。"),
            "max_digits": _("经费金额太大，请核对。"),
            "max_decimal_places": _("经费最多两位小数。"),
            "max_whole_digits": _("经费金额太大，请核对。"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    certificate_kind = forms.ChoiceField(
        label=_("可获证书"),
        required=False,
        choices=[("", _("无")), *CertificateKind.choices],
        error_messages={"invalid_choice": _("请从列出的证书中选择，没有证书的选“无”。")},
    )
    certificate_level = forms.CharField(
        label=_("证书等级"),
        max_length=30,
        required=False,
        help_text=_("例如：五级/初级工。"),
    )
    description = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("培训内容、地点、无障碍安排等。"),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, course: Course | None = None, **kwargs: Any):
        if course is not None:
            initial = {
                n: getattr(course, n)
                for n in self.base_fields
                if n not in ("provider", "target_categories")
            }
            initial["provider"] = course.provider_id
            initial["target_categories"] = [c.pk for c in course.target_categories.all()]
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = managed_providers(user)
        categories = DisabilityCategory.objects.filter(disabled_at__isnull=True)
        self.fields["target_categories"].choices = [(c.code, c.name) for c in categories]
        if course is None:
            del self.fields["version"]
            self.fields["start_date"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "hours" in data and data["hours"] is None:
            data["hours"] = 0
        for name, messages in course_check(data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, messages)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["target_categories"] = list(data.get("target_categories") or [])
        return data
