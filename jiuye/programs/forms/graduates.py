"""Forms of action 七: the list's filters, the worklist's year, registering an unmatched
line's person (the village they live in) and rejecting a line (the reason)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import SearchInput, choice_field, model_choice_field, year_field
from jiuye.core.forms import FilterForm
from jiuye.reference.forms import places_for
from jiuye.reference.models import Region

YEAR_INVALID = _("毕业年份请填写四位数字，如 2026。")
MATCHED_CHOICES = (("yes", _("已匹配")), ("no", _("待匹配")))


class GraduateFilterForm(FilterForm):
    year = year_field(_("毕业年份"), message=YEAR_INVALID)
    q = forms.CharField(label=_("姓名或学校"), required=False, max_length=50, widget=SearchInput)
    matched = choice_field(
        _("与残疾人名单匹配"),
        MATCHED_CHOICES,
        blank=("", _("全部")),
        required=False,
        invalid=_("请选择“已匹配”或“待匹配”。"),
    )


class WorklistForm(FilterForm):
    year = year_field(_("毕业年份"), message=YEAR_INVALID)

    def chosen_year(self) -> int:
        return self.filters().get("year") or timezone.localdate().year


class GraduateRegisterForm(forms.Form):
    """Where the unmatched line's person lives: the rest comes from the line and the ID."""

    region = model_choice_field(
        _("所在村（社区）"),
        queryset=Region.objects.none(),
        required=_("请选择所在村（社区）。"),
        invalid=_("请从列表中选择村（社区）。"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = places_for(user, Region.Level.VILLAGE)
        self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} {r.name}"
