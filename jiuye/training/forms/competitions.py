"""Forms of the competition pages. They validate; ``training.services.competitions`` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role
from jiuye.jobs.forms.referrals import date_field
from jiuye.reference.models import Region
from jiuye.training.models import Competition, CompetitionEntry, CompetitionLevel

LEVEL_FILTER = [("", _("全部级别")), *CompetitionLevel.choices]


def competition_regions(user: Any) -> QuerySet[Region]:
    """The district or any town for district staff; a town officer their own town."""
    qs = Region.objects.filter(disabled_at__isnull=True)
    if user.role == Role.TOWN:
        return qs.filter(code=user.town_id)
    district = getattr(settings, "JIUYE_DISTRICT_CODE", "")
    return qs.filter(Q(code=district) | Q(level=Region.Level.TOWN)).order_by("code")


class CompetitionForm(forms.Form):
    name = forms.CharField(
        label=_("赛事名称"),
        max_length=150,
        error_messages={"required": _("请填写赛事名称。")},
        help_text=_("例如：2025年全区残疾人职业技能竞赛。"),
    )
    level = forms.ChoiceField(
        label=_("级别"),
        choices=[("", _("请选择")), *CompetitionLevel.choices],
        error_messages={
            "required": _("请选择竞赛级别。"),
            "invalid_choice": _("请从列出的级别中选择。"),
        },
    )
    date = date_field(_("举办日期"))
    region = forms.ModelChoiceField(
        label=_("所属地区"),
        queryset=Region.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择所属地区。"),
            "invalid_choice": _("只能选择列出的地区。"),
        },
        help_text=_("区级及以上的竞赛选本区；镇街组织参赛的选本镇街。"),
    )
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    organiser = forms.CharField(
        label=_("主办单位"), max_length=150, error_messages={"required": _("请填写主办单位。")}
    )
    trades = forms.CharField(
        label=_("竞赛项目"),
        max_length=300,
        required=False,
        help_text=_("多个项目用顿号分隔，例如：盲人按摩、电子商务、手工编织。"),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, user: Any, competition: Competition | None = None, **kwargs: Any
    ) -> None:
        if competition is not None:
            initial = {n: getattr(competition, n) for n in self.base_fields if n != "region"}
            kwargs.setdefault("initial", {**initial, "region": competition.region_id})
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = competition_regions(user)
        if user.role == Role.TOWN:
            self.fields["region"].initial = user.town_id
        if competition is None:
            del self.fields["version"]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class EntryForm(forms.Form):
    trade = forms.CharField(
        label=_("参赛项目"),
        max_length=100,
        error_messages={"required": _("请填写参赛项目，例如：盲人按摩、电子商务。")},
    )
    result = forms.CharField(
        label=_("成绩/名次"), max_length=50, required=False, help_text=_("例如：92分、第3名。")
    )
    award = forms.CharField(
        label=_("获奖等次"),
        max_length=50,
        required=False,
        help_text=_("例如：一等奖、优秀奖；没有获奖时留空。"),
    )

    def __init__(self, *args: Any, entry: CompetitionEntry | None = None, **kwargs: Any) -> None:
        if entry is not None:
            kwargs.setdefault(
                "initial", {"trade": entry.trade, "result": entry.result, "award": entry.award}
            )
        super().__init__(*args, **kwargs)
