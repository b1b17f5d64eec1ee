"""Forms of the casework pages: campaigns (就业援助月 and the like) and public-welfare posts.

They validate and normalise; the views hand ``cleaned_data`` to ``casework.services``, which
checks the same rules again for callers without a form.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.casework.models import Campaign, PublicWelfarePost, ServiceKind, TargetGroup
from jiuye.casework.selectors import service_types
from jiuye.core.formfields import (
    ResidentIdField,
    checkbox_field,
    choice_field,
    date_field,
    int_field,
    link_id_field,
    model_choice_field,
    money_field,
    not_after_today,
    text_field,
)
from jiuye.core.forms import EditForm, check_order, initial_defaults
from jiuye.employment.models import EndReason
from jiuye.reference.forms import district_towns, towns_for
from jiuye.reference.models import Region

QUOTA_PREFIX = "quota_"
QUOTA_MAX = 100_000


class CampaignForm(forms.Form):
    """Create or change a campaign, with one quota input per town of the district."""

    name = text_field(
        _("活动名称"),
        max_length=100,
        required=_("请填写活动名称。"),
        help_text=_("例如：2025年就业援助月。"),
    )
    start_date = date_field(_("开始日期"))
    end_date = date_field(_("结束日期"), help_text=_("这一天的服务也计入。"))
    target_groups = checkbox_field(
        _("服务对象"),
        choices=TargetGroup.choices,
        required=_("请至少选择一类服务对象。"),
        invalid=_("无法识别的服务对象，请重新勾选。"),
        help_text=_("属于任意一类的人员接受的服务都计入；选“就业年龄段未就业残疾人”表示不限对象。"),
    )
    service_types = checkbox_field(
        _("计入的服务类型"),
        field=forms.ModelMultipleChoiceField,
        queryset=service_types(ServiceKind.SERVICE),
        invalid=_("所选服务类型已停用，请重新勾选。"),
        help_text=_("都不勾选，则所有就业服务都计入（核对和需求登记不计入）。"),
    )
    description = text_field(_("说明"), max_length=2000, rows=3)

    def __init__(self, *args: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        self.campaign = campaign
        self.towns = list(district_towns())
        if campaign is not None:
            kwargs.setdefault("initial", self._initial(campaign))
        super().__init__(*args, **kwargs)
        # A fresh queryset per form: a type disabled since the module loaded is no longer offered.
        self.fields["service_types"].queryset = service_types(ServiceKind.SERVICE)
        for town in self.towns:
            self.fields[QUOTA_PREFIX + town.code] = int_field(
                town.name,
                required=False,
                min_value=0,
                max_value=QUOTA_MAX,
                error_messages={
                    "invalid": _("%(town)s的目标人数请填写整数，没有目标请留空或填 0。")
                    % {"town": town.name},
                    "min_value": _("%(town)s的目标人数不能是负数。") % {"town": town.name},
                    "max_value": _("%(town)s的目标人数不能超过 %(max)s。")
                    % {"town": town.name, "max": QUOTA_MAX},
                },
            )

    @staticmethod
    def _initial(campaign: Campaign) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": campaign.name,
            "start_date": campaign.start_date,
            "end_date": campaign.end_date,
            "target_groups": list(campaign.target_groups),
            "service_types": [t.pk for t in campaign.service_types.all()],
            "description": campaign.description,
        }
        for quota in campaign.quotas.all():
            initial[QUOTA_PREFIX + quota.town_id] = quota.quota
        return initial

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(QUOTA_PREFIX)]

    def quota_fields(self) -> list[forms.BoundField]:
        return [self[QUOTA_PREFIX + town.code] for town in self.towns]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check_order(self, data, "start_date", "end_date", _("结束日期不能早于开始日期。"))
        return data

    def service_fields(self) -> dict[str, Any]:
        """``cleaned_data`` shaped for ``services.campaign_save``."""
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "target_groups": list(data["target_groups"]),
            "description": data.get("description", ""),
            "service_types": list(data.get("service_types") or []),
            "quotas": {town.code: data.get(QUOTA_PREFIX + town.code) or 0 for town in self.towns},
        }


# --- public-welfare posts -------------------------------------------------------------------


class PostForm(EditForm):
    unit = text_field(
        _("用工单位"),
        max_length=200,
        required=_("请填写用工单位。"),
        help_text=_("例如：东城街道社区服务中心。"),
    )
    region = model_choice_field(
        _("所在镇街"),
        queryset=Region.objects.none(),
        required=_("请选择岗位所在镇街。"),
        invalid=_("只能选择您负责的镇街。"),
    )
    title = text_field(
        _("岗位名称"),
        max_length=100,
        required=_("请填写岗位名称。"),
        help_text=_("例如：社区保洁、助残协理员。"),
    )
    count = int_field(
        _("岗位数"),
        min_value=1,
        max_value=10_000,
        error_messages={
            "required": _("请填写岗位数。"),
            "invalid": _("岗位数请填写整数。"),
            "min_value": _("岗位数至少为 1。"),
            "max_value": _("岗位数不能超过 10000。"),
        },
    )
    funding_start = date_field(_("资助开始日期"))
    funding_end = date_field(_("资助结束日期"), help_text=_("上岗日期必须在资助期内。"))
    monthly_subsidy = money_field(
        _("月补贴（元）"),
        step=None,
        error_messages={
            "invalid": _("月补贴请填写金额，例如 1800 或 1800.50。"),
            "min_value": _("月补贴不能是负数。"),
            "max_digits": _("月补贴金额过大，请核对。"),
            "max_decimal_places": _("月补贴最多保留两位小数。"),
        },
    )
    funder = text_field(_("资金来源"), max_length=100, help_text=_("例如：残疾人就业保障金。"))
    version = None  # posts carry no version

    related_fields = ("region",)
    stripped_fields = ("unit", "title")

    def __init__(
        self, *args: Any, user: Any, post: PublicWelfarePost | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=post, **kwargs)
        # A post is in a town the user works in.
        self.offer("region", towns_for(user), user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check_order(self, data, "funding_start", "funding_end", _("资助结束日期不能早于开始日期。"))
        return data


class PlaceForm(forms.Form):
    """Put a person on a post: found by ID number (within the officer's scope) or chosen from a
    link (``?person=<id>``, kept as a hidden field)."""

    prefix = "place"
    person = link_id_field(_("链接中的人员编号无效，请用身份证号查找。"), label=_("安置人员"))
    id_number = ResidentIdField(
        label=_("身份证号"),
        required=False,
        help_text=_("要安置人员的18位身份证号，最后一位可以是X。"),
    )
    start_date = date_field(_("上岗日期"))
    monthly_wage = money_field(
        _("月工资（元）"),
        step=None,
        error_messages={
            "invalid": _("月工资请填写金额，例如 2300 或 2300.50。"),
            "min_value": _("月工资不能是负数。"),
            "max_digits": _("月工资金额过大，请核对。"),
            "max_decimal_places": _("月工资最多保留两位小数。"),
        },
    )
    # One per form shown: submitting the same form twice places the person once.
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: Any = None, **kwargs: Any) -> None:
        initial_defaults(kwargs, idempotency_key=uuid.uuid4().hex)
        if person is not None:
            kwargs["initial"]["person"] = person.pk
        super().__init__(*args, **kwargs)
        self.chosen = person
        if person is not None:
            # The person came from a link: no number to type.
            del self.fields["id_number"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        typed = data.get("id_number") or data.get("person") or self.has_error("id_number")
        if "id_number" in self.fields and not typed:
            self.add_error("id_number", _("请填写要安置人员的身份证号。"))
        return data


class LeaveForm(forms.Form):
    """A person left their post: the last day and why (ends the employment record)."""

    end_date = date_field(_("离岗日期"), help_text=_("最后一天上岗的日期。"))
    end_reason = choice_field(_("离岗原因"), EndReason.choices, required=_("请选择离岗原因。"))

    def __init__(self, *args: Any, start: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start = start

    def clean_end_date(self) -> dt.date:
        end = not_after_today(self.cleaned_data["end_date"], _("离岗日期"))
        if end < self.start:
            raise forms.ValidationError(
                _("离岗日期不能早于上岗日期（%(start)s）。") % {"start": f"{self.start:%Y-%m-%d}"}
            )
        return end
