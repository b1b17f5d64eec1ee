"""Form fields for the identifiers every part of the product takes in: they normalise the value
and give the validators' Chinese messages. Plus the override rule for credit codes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from jiuye.core.validators import (
    validate_certificate_number,
    validate_resident_id,
    validate_uscc,
)


class ResidentIdField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)  # room for typed spaces before normalising
        kwargs.setdefault("help_text", _("18位，最后一位可以是X。"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("spellcheck", "false")

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return validate_resident_id(value) if value else value


class CertificateNumberField(forms.CharField):
    """A disability certificate number. Forms that also have the ID, category and grade check
    that they agree in their own ``clean()`` with ``validate_certificate_number``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "help_text", _("20位：身份证号 + 残疾类别1位 + 残疾等级1位；补发证件可能多1–2位。")
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return validate_certificate_number(value) if value else value


class UsccOverrideMixin(forms.Form):
    """A unified social credit code whose failed check character can be kept with a reason.

    Forms using it get ``uscc`` and ``uscc_override_reason``; after validation,
    ``cleaned_data["uscc_warnings"]`` lists the warnings that the reason overrode.
    """

    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        help_text=_("18位，见营业执照或登记证书。"),
    )
    uscc_override_reason = forms.CharField(
        label=_("校验码不符时的说明（选填）"),
        required=False,
        max_length=500,
        help_text=_("只有系统提示校验码不符、而代码确与证照一致时才需要填写。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_uscc(self) -> str:
        code, warnings = validate_uscc(self.cleaned_data["uscc"])
        self._uscc_warnings = warnings
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        warnings = getattr(self, "_uscc_warnings", [])
        reason = (data.get("uscc_override_reason") or "").strip()
        if warnings and not reason:
            for warning in warnings:
                self.add_error("uscc", warning.message)
        data["uscc_warnings"] = warnings if reason else []
        if not warnings:
            data["uscc_override_reason"] = ""
        return data


class ObjectChoiceField(forms.ChoiceField):
    """A choice among model instances already in memory (cached reference rows): renders and
    cleans like a ModelChoiceField, without a query. Cleans to the chosen instance or None."""

    default_error_messages = forms.ModelChoiceField.default_error_messages

    def __init__(
        self,
        *,
        objects: Iterable[Model] = (),
        to_field_name: str = "pk",
        empty_label: Any = "",
        **kwargs: Any,
    ) -> None:
        self.to_field_name, self.empty_label = to_field_name, empty_label
        super().__init__(**kwargs)
        self.objects = objects

    @property
    def objects(self) -> list[Model]:
        return list(self._objects.values())

    @objects.setter
    def objects(self, objects: Iterable[Model]) -> None:
        self._objects = {str(getattr(obj, self.to_field_name)): obj for obj in objects}
        self.choices = [
            ("", self.empty_label),
            *((key, str(obj)) for key, obj in self._objects.items()),
        ]

    def clean(self, value: Any) -> Model | None:
        key = super().clean(value)
        return self._objects[key] if key else None
