"""Filter forms of the audit pages."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.core.models import AccessEvent


def _model_choices() -> list[tuple[str, str]]:
    models = sorted(auditlog.get_models(), key=lambda m: m._meta.label)
    return [("", _("全部"))] + [
        (f"{m._meta.app_label}.{m._meta.model_name}", str(m._meta.verbose_name)) for m in models
    ]


class DateRangeForm(forms.Form):
    start = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


class ChangeFilterForm(DateRangeForm):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    model = forms.ChoiceField(label=_("对象类型"), required=False)
    text = forms.CharField(label=_("对象名称或编号"), required=False, max_length=200)
    batch = forms.CharField(label=_("导入批次"), required=False, max_length=64)

    field_order = ["actor", "model", "text", "batch", "start", "end"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = _model_choices()


class AccessFilterForm(DateRangeForm):
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AccessEvent.Action.choices]
    )

    field_order = ["username", "action", "start", "end"]
