"""Forms of the matching pages: "why is this person not listed?" and the factor weights.

They validate and normalise; ``jobs.services.matching.weights_save`` checks the weights again
for callers without a form.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core.formfields import int_field, lazy_message, text_field
from jiuye.jobs.selectors.matching import FACTOR_LABELS, FACTORS
from jiuye.jobs.services.matching import WEIGHT_MAX

ID_LIKE = re.compile(r"^\d{17}[\dXx]$")


class WhyNotForm(forms.Form):
    """Look up a person in the user's scope by name or ID number (GET)."""

    who = text_field(
        _("姓名或身份证号"),
        max_length=50,
        required=_("请填写要查看的人员的姓名或18位身份证号。"),
        error_messages={"max_length": _("姓名或身份证号最多50个字，请核对。")},
        help_text=_("只查找您负责范围内的人员。身份证号须完整填写18位。"),
    )

    def clean_who(self) -> str:
        who = "".join(self.cleaned_data["who"].split())
        if not who:
            raise forms.ValidationError(_("请填写要查看的人员的姓名或18位身份证号。"))
        if who[:1].isdigit() and not ID_LIKE.match(who):
            raise forms.ValidationError(
                _("身份证号应为18位：前17位是数字，最后一位是数字或X。请核对后重新输入。")
            )
        return who

    @property
    def is_id_number(self) -> bool:
        return bool(ID_LIKE.match(self.cleaned_data.get("who", "")))


class WeightsForm(forms.Form):
    """One whole-number input per factor, 0–100."""

    def __init__(self, *args: Any, initial_weights: dict[str, int], **kwargs: Any) -> None:
        kwargs.setdefault("initial", dict(initial_weights))
        super().__init__(*args, **kwargs)
        for factor in FACTORS:
            label = FACTOR_LABELS[factor]
            whole = lazy_message(_("%(label)s的权重请填写 0 到 100 的整数。"), label=label)
            within = lazy_message(_("%(label)s的权重须在 0 到 100 之间。"), label=label)
            self.fields[factor] = int_field(
                label,
                min_value=0,
                max_value=WEIGHT_MAX,
                error_messages={
                    "required": whole,
                    "invalid": whole,
                    "min_value": within,
                    "max_value": within,
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not any(data.get(f) for f in FACTORS):
            raise forms.ValidationError(_("权重不能全部为 0，请至少给一个因素设置权重。"))
        return data

    def total(self) -> int | None:
        """The total of the weights shown (what was typed after a failed POST, when every
        value is a whole number)."""
        values = []
        for factor in FACTORS:
            raw = self[factor].value()
            try:
                values.append(int(str(raw).strip()))
            except (TypeError, ValueError):
                return None
        return sum(values)
