"""The map page's choice: which indicator, which year."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core.indicators import registry

FIRST_YEAR = 2022  # the first plan year the platform carries


def map_years(this_year: int) -> list[int]:
    return list(range(this_year, FIRST_YEAR - 1, -1))


class MapForm(forms.Form):
    indicator = forms.ChoiceField(label=_("指标"))
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)

    def __init__(self, *args: Any, this_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            (i.code, f"{i.name}（{i.unit}）") for i in registry.all()
        ]
        self.fields["year"].choices = [(y, str(y)) for y in map_years(this_year)]
        self.fields["indicator"].error_messages["invalid_choice"] = _(
            "没有这个指标，请从列表中选择。"
        )
        self.fields["year"].error_messages["invalid_choice"] = _(
            "请选择 %(first)d 年到 %(last)d 年之间的年度。"
        ) % {"first": FIRST_YEAR, "last": this_year}
