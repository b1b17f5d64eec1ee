"""Forms of the casework pages: the worklist's filters and the coverage dashboard's choices.

They only read GET parameters; none saves anything. A town officer's town is fixed (the field
is not offered); district staff choose a town among the district's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role
from jiuye.casework.selectors import GAP_LISTS
from jiuye.reference.models import Region

YEARS_BACK = 4

STATUS_CHOICES = [
    ("", _("全部")),
    ("not_verified", _("未核对")),
    ("needs_missing", _("需求未登记")),
    ("not_served", _("登记后未服务")),
    ("done", _("本年已完成")),
]
ORDER_CHOICES = [
    ("village", _("按村（社区）")),
    ("todo", _("未完成的在前")),
]
GAP_TITLES = {
    "unemployed": _("就业年龄段未就业残疾人"),
    "verified": _("本年已核对基础信息的人员"),
    "not_verified": _("本年未核对基础信息的人员"),
    "wanting": _("有就业意愿的人员"),
    "needs": _("已登记就业需求的人员"),
    "needs_missing": _("有就业意愿但未登记需求的人员"),
    "served": _("登记需求后已获得服务的人员"),
    "not_served": _("登记需求后未获得服务的人员"),
}
assert set(GAP_TITLES) == set(GAP_LISTS)


def year_choices(today: dt.date | None = None) -> list[tuple[int, str]]:
    """This year and the four before it, newest first."""
    this_year = (today or timezone.localdate()).year
    return [(y, _("%(y)s年") % {"y": y}) for y in range(this_year, this_year - YEARS_BACK - 1, -1)]


def district_towns() -> QuerySet[Region]:
    prefix = Region.objects.get(code=settings.JIUYE_DISTRICT_CODE).prefix
    return Region.objects.filter(level=Region.Level.TOWN, code__startswith=prefix).order_by("code")


def _year_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=_("年度"), coerce=int, choices=year_choices)


class WorklistForm(forms.Form):
    """The worklist's filters. ``town`` is only offered to district staff and administrators; a
    town officer's list is always their own town."""

    year = _year_field()
    town = forms.ModelChoiceField(
        label=_("镇街"),
        queryset=Region.objects.none(),
        empty_label=_("请选择镇街"),
        error_messages={"invalid_choice": _("请从列表中选择镇街。")},
    )
    village = forms.ChoiceField(
        label=_("村（社区）"),
        required=False,
        error_messages={"invalid_choice": _("这个村（社区）不在所选镇街，请从列表中选择。")},
    )
    status = forms.ChoiceField(label=_("办理情况"), choices=STATUS_CHOICES, required=False)
    order = forms.ChoiceField(label=_("排序"), choices=ORDER_CHOICES, required=False)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        if data or user.role == Role.TOWN:
            # A town officer's list needs no choice to show: this year, their town.
            data = data.copy() if data else {}
            data.setdefault("year", str(timezone.localdate().year))
        else:
            data = None
        super().__init__(data, initial={"year": timezone.localdate().year})
        self.user = user
        self.fixed_town: Region | None = None
        if user.role == Role.TOWN:
            self.fixed_town = user.town
            del self.fields["town"]
        else:
            self.fields["town"].queryset = district_towns()
        town = self.fixed_town or self._chosen_town()
        villages = (
            Region.objects.filter(parent=town).order_by("code") if town else Region.objects.none()
        )
        self.fields["village"].choices = [("", _("全部村（社区）"))] + [
            (v.code, v.name) for v in villages
        ]

    def _chosen_town(self) -> Region | None:
        code = self.data.get("town") if self.is_bound else None
        if not code:
            return None
        return self.fields["town"].queryset.filter(code=code).first()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.fixed_town is not None:
            data["town"] = self.fixed_town
        return data

    def area(self) -> Region | None:
        """The town or village the list is for (after is_valid)."""
        data = self.cleaned_data
        if data.get("village"):
            return Region.objects.get(code=data["village"])
        return data.get("town")


class CoverageForm(forms.Form):
    """The year, and for district staff, administrators and leaders the area: the whole
    district (a row per town) or one town (a row per village)."""

    year = _year_field()
    region = forms.ChoiceField(label=_("范围"), required=False)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        data = data.copy() if data else {}
        data.setdefault("year", str(timezone.localdate().year))
        super().__init__(data, initial={"year": timezone.localdate().year})
        self.fixed_town: Region | None = user.town if user.role == Role.TOWN else None
        if self.fixed_town is not None:
            del self.fields["region"]
        else:
            district = Region.objects.get(code=settings.JIUYE_DISTRICT_CODE)
            self.fields["region"].choices = [
                ("", _("全区（按镇街）")),
                *[(t.code, t.name) for t in district_towns()],
            ]
            self.fields["region"].error_messages["invalid_choice"] = _(
                "请从列表中选择全区或一个镇街。"
            )
            self.district = district

    def area(self) -> Region:
        if self.fixed_town is not None:
            return self.fixed_town
        code = self.cleaned_data.get("region")
        return Region.objects.get(code=code) if code else self.district


class GapForm(forms.Form):
    """Which list of persons is behind a number of the coverage table."""

    region = forms.CharField(max_length=12)
    year = _year_field()
    gap = forms.ChoiceField(choices=list(GAP_TITLES.items()))
