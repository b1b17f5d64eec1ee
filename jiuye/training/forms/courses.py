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
from jiuye.core import dates
from jiuye.core.formfields import (
    ALL,
    YEAR_FILTER_MESSAGE,
    SearchInput,
    choice_field,
    date_field,
    int_field,
    model_choice_field,
    money_field,
    text_field,
    year_field,
)
from jiuye.core.forms import EditForm, FilterForm
from jiuye.core.scoping import town_prefix
from jiuye.jobs.forms.postings import accessibility_field
from jiuye.reference.forms import category_checkboxes, code_choices, live_categories, town_choices
from jiuye.reference.models import Region
from jiuye.training.models import (
    CertificateKind,
    Course,
    CourseKind,
    CourseMode,
    Provider,
    ProviderKind,
)
from jiuye.training.services.courses import course_check


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


# --- search ---------------------------------------------------------------------------------


class ProviderSearchForm(FilterForm):
    """The filters of the provider list (GET). A bad value is named and that filter dropped."""

    q = text_field(_("名称"), max_length=50, widget=SearchInput)
    kind = choice_field(_("类型"), ProviderKind.choices, blank=ALL, required=False)
    town = forms.ChoiceField(label=_("所在镇街"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [ALL, *town_choices()]

    def filters(self) -> dict[str, Any]:
        return self.text_filters("q", "kind", "town")


class CourseSearchForm(FilterForm):
    q = text_field(
        _("关键词"),
        max_length=50,
        widget=SearchInput,
        help_text=_("课程名称或培训机构名称中的字词，可填几个词，用空格分开。"),
    )
    kind = choice_field(_("培训类型"), CourseKind.choices, blank=ALL, required=False)
    provider = model_choice_field(
        _("培训机构"),
        queryset=Provider.objects.none(),
        required=False,
        empty_label=ALL[1],
        invalid=_("没有这个培训机构，已显示全部机构的课程。"),
    )
    year = year_field(
        _("年度"), message=YEAR_FILTER_MESSAGE, help_text=_("列出这一年里开班或在办的课程。")
    )
    town = forms.ChoiceField(label=_("培训机构所在镇街"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(
            archived_at__isnull=True
        ).order_by("name")
        self.fields["town"].choices = [ALL, *town_choices()]

    def filters(self) -> dict[str, Any]:
        data = self.valid_data()
        chosen = {"provider": data.get("provider"), "year": data.get("year")}
        return {**self.text_filters("q", "kind", "town"), **chosen}


# --- providers ------------------------------------------------------------------------------


class ProviderForm(EditForm):
    name = text_field(
        _("名称"),
        max_length=200,
        required=_("请填写培训机构名称。"),
        help_text=_("写营业执照或批准文件上的全称。"),
    )
    kind = choice_field(_("类型"), ProviderKind.choices, required=_("请选择机构类型。"))
    uscc = text_field(_("统一社会信用代码"), max_length=18, help_text=_("18位，有的才填。"))
    region = model_choice_field(
        _("所在地"),
        queryset=Region.objects.none(),
        required=_("请选择所在地。"),
        invalid=_("只能选择列出的所在地。"),
        help_text=_("镇街专干只能选本镇街及其村（社区）。"),
    )
    address = text_field(_("地址"), max_length=200)
    contact_name = text_field(_("联系人"), max_length=50)
    contact_phone = text_field(_("联系电话"), max_length=20)
    accessibility = accessibility_field(help_text=_("培训场所已经具备的条件。"))
    designated_year = year_field(
        _("残联认定年度"),
        min_value=1990,
        message=_("残联认定年度请填写四位年份，例如 2024。"),
        help_text=_("被区残联认定为培训机构或实训基地的年份；没有认定的留空。"),
    )

    related_fields = ("region",)
    list_fields = ("accessibility",)

    def __init__(self, *args: Any, user: Any, provider: Provider | None = None, **kwargs: Any):
        super().__init__(*args, record=provider, **kwargs)
        self.offer("region", provider_regions(user), user)


# --- courses --------------------------------------------------------------------------------


class CourseForm(EditForm):
    provider = model_choice_field(
        _("培训机构"),
        queryset=Provider.objects.none(),
        required=_("请选择培训机构。"),
        invalid=_("只能选择列出的培训机构。"),
        help_text=_("镇街专干只能选本镇街的培训机构。"),
    )
    title = text_field(
        _("课程名称"),
        max_length=150,
        required=_("请填写课程名称。"),
        help_text=_("例如：2025年残疾人电商直播培训班（第一期）。"),
    )
    kind = choice_field(_("培训类型"), CourseKind.choices, required=_("请选择培训类型。"))
    mode = choice_field(_("培训方式"), CourseMode.choices, required=_("请选择培训方式。"))
    target_categories = category_checkboxes(
        _("面向残疾类别"), help_text=_("都不勾选表示面向各类别的残疾人。")
    )
    start_date = date_field(_("开班日期"))
    end_date = date_field(_("结业日期"), help_text=_("开班日期当天或之后。"))
    hours = int_field(
        _("课时"),
        min_value=0,
        max_value=10_000,
        message=_("课时请填写 0 到 10000 之间的整数。"),
        initial=0,
        required=False,
        help_text=_("不知道的填 0。"),
    )
    places = int_field(
        _("名额"),
        min_value=1,
        max_value=10_000,
        message=_("名额至少为 1，请填写 1 到 10000 之间的整数。"),
        help_text=_("可以报名的人数。报满后再报名需要确认。"),
    )
    funding_source = text_field(
        _("资金来源"), max_length=100, help_text=_("例如：残疾人就业保障金、就业补助资金。")
    )
    funding_amount = money_field(
        _("经费（元）"),
        max_value=Decimal("9999999999.99"),
        max_digits=12,
        error_messages={
            "invalid": _("经费请填写金额数字（元），例如 30000。"),
            "min_value": _("经费请填写不小于 0 的金额（元），最多两位小数。"),
            "max_value": _("经费金额太大，请核对。"),
            "max_digits": _("经费金额太大，请核对。"),
            "max_decimal_places": _("经费最多两位小数。"),
            "max_whole_digits": _("经费金额太大，请核对。"),
        },
    )
    certificate_kind = choice_field(
        _("可获证书"),
        CertificateKind.choices,
        blank=("", _("无")),
        required=False,
        invalid=_("请从列出的证书中选择，没有证书的选“无”。"),
    )
    certificate_level = text_field(_("证书等级"), max_length=30, help_text=_("例如：五级/初级工。"))
    description = text_field(
        _("说明"), max_length=2000, rows=3, help_text=_("培训内容、地点、无障碍安排等。")
    )

    related_fields = ("provider",)
    list_fields = ("target_categories",)

    def __init__(self, *args: Any, user: Any, course: Course | None = None, **kwargs: Any):
        super().__init__(*args, record=course, **kwargs)
        self.fields["provider"].queryset = managed_providers(user)
        self.fields["target_categories"].choices = code_choices(live_categories())
        if course is None:
            self.fields["start_date"].initial = timezone.localdate()

    def initial_for(self, record: Course) -> dict[str, Any]:
        initial = super().initial_for(record)
        initial["target_categories"] = [c.pk for c in record.target_categories.all()]
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "hours" in data and data["hours"] is None:
            data["hours"] = 0
        for name, messages in course_check(data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, messages)
        start, end = data.get("start_date"), data.get("end_date")
        if not self.errors:
            today = timezone.localdate()
            label = self.fields["start_date"].label
            dates.apply_findings(
                self,
                [
                    *dates.ahead(start, field="start_date", label=label, today=today),
                    *dates.long_span(start, end, field="end_date", label=_("培训期")),
                ],
            )
        return data
