"""Filters of the outcome list (GET). A bad value is reported beside the field, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.training.models import CourseKind

YEAR_MESSAGE = _("年度请填写四位数字，例如 2025。")


class OutcomeFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("培训类型"),
        required=False,
        choices=[("", _("全部")), *CourseKind.choices],
        error_messages={"invalid_choice": _("无法识别的培训类型，请从列表中选择。")},
    )
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("结业（或退出、课程结束）的年度。"),
        error_messages={
            "invalid": YEAR_MESSAGE,
            "min_value": YEAR_MESSAGE,
            "max_value": YEAR_MESSAGE,
        },
    )
    course = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("链接中的课程编号无效，已显示全部课程。")},
    )
    provider = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("链接中的培训机构编号无效，已显示全部机构。")},
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters only; a bad one is dropped (and its error shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
