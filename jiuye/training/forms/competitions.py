"""Forms of the competition pages. They validate; ``training.services.competitions`` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core.dates import EventDates
from jiuye.core.formfields import choice_field, date_field, model_choice_field, text_field
from jiuye.core.forms import EditForm
from jiuye.reference.forms import district_or_towns
from jiuye.reference.models import Region
from jiuye.training.models import Competition, CompetitionEntry, CompetitionLevel

LEVEL_FILTER = [("", _("全部级别")), *CompetitionLevel.choices]


class CompetitionForm(EventDates, EditForm):
    name = text_field(
        _("赛事名称"),
        max_length=150,
        required=_("请填写赛事名称。"),
        help_text=_("例如：2025年全区残疾人职业技能竞赛。"),
    )
    level = choice_field(
        _("级别"),
        CompetitionLevel.choices,
        required=_("请选择竞赛级别。"),
        invalid=_("请从列出的级别中选择。"),
    )
    date = date_field(_("举办日期"))
    region = model_choice_field(
        _("所属地区"),
        queryset=Region.objects.none(),
        required=_("请选择所属地区。"),
        invalid=_("只能选择列出的地区。"),
        help_text=_("区级及以上的竞赛选本区；镇街组织参赛的选本镇街。"),
    )
    place = text_field(_("地点"), max_length=200)
    organiser = text_field(_("主办单位"), max_length=150, required=_("请填写主办单位。"))
    trades = text_field(
        _("竞赛项目"),
        max_length=300,
        help_text=_("多个项目用顿号分隔，例如：盲人按摩、电子商务、手工编织。"),
    )

    related_fields = ("region",)

    def __init__(
        self, *args: Any, user: Any, competition: Competition | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=competition, **kwargs)
        self.offer("region", district_or_towns(user), user)


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
