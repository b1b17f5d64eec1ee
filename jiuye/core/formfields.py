"""Form fields for the identifiers every part of the product takes in: they normalise the value
and give the validators' Chinese messages. Plus the override rule for credit codes, the widgets
every form uses and the factories of the fields that every app's forms declare alike (a date
with the date picker, a line or box of text, a select with its "请选择" option, a whole number,
an amount of money), so each form states only its label, limits and messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Model
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from jiuye.core import dates
from jiuye.core.validators import (
    validate_certificate_number,
    validate_resident_id,
    validate_uscc,
)


def lazy_message(template: Any, **params: Any) -> Any:
    """A translatable message with parameters, translated when it is shown, not when the form
    class is defined (``_("…") % {…}`` at import time freezes the language of that moment)."""
    return lazy(lambda: str(template) % {k: str(v) for k, v in params.items()}, str)()


CHOOSE = ("", _("请选择"))
ALL = ("", _("全部"))
DATE_INVALID = _("%(label)s请按“年-月-日”填写，例如 2025-01-01。")
YEAR_MESSAGE = _("年度请填写四位数字，例如 2025。")
# A bad year in a list's filters: the list is shown for every year.
YEAR_FILTER_MESSAGE = _("年度请填写四位数字，例如 2025；已显示全部年度。")


# --- widgets --------------------------------------------------------------------------------


class CheckboxGroup(forms.CheckboxSelectMultiple):
    """Checkboxes in a fieldset; the error summary's link for the group lands on the first box
    (Django gives the group no id to link to)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class RadioGroup(forms.RadioSelect):
    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class SearchInput(forms.TextInput):
    """A search box (phones offer a "search" key; screen readers announce it as one)."""

    input_type = "search"


def code_input() -> forms.TextInput:
    """A box for a code or a name typed exactly: no autofill, no spelling marks."""
    return forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})


def date_input(**attrs: Any) -> forms.DateInput:
    """The browser's date picker, showing and sending 2024-05-01."""
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def numeric_input() -> forms.NumberInput:
    """A number box that opens the phone's digit keyboard."""
    return forms.NumberInput(attrs={"inputmode": "numeric"})


def decimal_input(step: str = "0.01") -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "decimal", "step": step})


# --- field factories ------------------------------------------------------------------------


def _asked(required: Any, kwargs: dict[str, Any], **messages: Any) -> dict[str, Any]:
    """``kwargs`` for a field, with ``required`` either a bool or the message that asks for a
    missing value (the field is then required), and the given ``messages`` (None: Django's)."""
    if not isinstance(required, bool):
        messages["required"], required = required, True
    given = {key: message for key, message in messages.items() if message is not None}
    if given:
        kwargs["error_messages"] = {**given, **kwargs.get("error_messages", {})}
    return {"required": required, **kwargs}


def date_field(label: Any, *, invalid: Any = DATE_INVALID, **kwargs: Any) -> forms.DateField:
    """A date with the date picker; the messages name the field (``invalid`` has %(label)s)."""
    return forms.DateField(
        label=label,
        widget=date_input(),
        error_messages={
            "required": lazy_message(_("请填写%(label)s。"), label=label),
            "invalid": lazy_message(invalid, label=label),
        },
        **kwargs,
    )


def text_field(
    label: Any, *, max_length: int, required: Any = False, rows: int = 0, **kwargs: Any
) -> forms.CharField:
    """Text of up to ``max_length`` characters, in a box of ``rows`` lines when given.
    ``required``: a bool, or the message that asks for it."""
    if rows:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows})
    return forms.CharField(label=label, max_length=max_length, **_asked(required, kwargs))


def choice_field(
    label: Any,
    choices: Any = (),
    *,
    blank: Any = CHOOSE,
    required: Any = True,
    invalid: Any = None,
    field: type[forms.ChoiceField] = forms.ChoiceField,
    **kwargs: Any,
) -> Any:
    """A select of ``choices`` after the ``blank`` option (None: no blank option).
    ``required``: a bool, or the message that asks for a choice; ``invalid``: the message for
    a value not offered."""
    options = [blank, *choices] if blank else choices
    return field(label=label, choices=options, **_asked(required, kwargs, invalid_choice=invalid))


def radio_field(label: Any, choices: Any = (), **kwargs: Any) -> Any:
    """Radio buttons in a fieldset (no blank option); ``required`` and ``invalid`` as for
    ``choice_field``."""
    return choice_field(label, choices, blank=None, widget=RadioGroup, **kwargs)


def checkbox_field(
    label: Any,
    *,
    invalid: Any = None,
    required: Any = False,
    field: type[forms.Field] = forms.MultipleChoiceField,
    **kwargs: Any,
) -> Any:
    """Checkboxes in a fieldset, optional unless ``required`` (True or the message that asks
    for a tick); ``invalid``: the message for a box not offered."""
    kwargs.setdefault("widget", CheckboxGroup)
    return field(label=label, **_asked(required, kwargs, invalid_choice=invalid))


def model_choice_field(
    label: Any, *, queryset: Any, required: Any = True, invalid: Any = None, **kwargs: Any
) -> forms.ModelChoiceField:
    """A select of records (the form narrows ``queryset`` to what the user may choose) after a
    "请选择" option; ``required`` and ``invalid`` as for ``choice_field``."""
    kwargs.setdefault("empty_label", CHOOSE[1])
    kwargs = _asked(required, kwargs, invalid_choice=invalid)
    return forms.ModelChoiceField(label=label, queryset=queryset, **kwargs)


def int_field(
    label: Any, *, min_value: int, max_value: int, message: Any = None, **kwargs: Any
) -> forms.IntegerField:
    """A whole number from ``min_value`` to ``max_value``, with the digit keyboard unless
    another ``widget`` is given. ``message`` (when given) answers every mistake: not a number,
    out of range and, for a required field, missing."""
    if message is not None:
        keys = ["invalid", "min_value", "max_value"]
        if kwargs.get("required", True):
            keys.insert(0, "required")
        kwargs["error_messages"] = {
            **dict.fromkeys(keys, message),
            **kwargs.get("error_messages", {}),
        }
    kwargs.setdefault("widget", numeric_input())
    return forms.IntegerField(label=label, min_value=min_value, max_value=max_value, **kwargs)


def year_field(label: Any, *, message: Any, min_value: int = 2000, **kwargs: Any) -> Any:
    """An optional four-digit year (a filter, or a year that may be unknown)."""
    return int_field(
        label, min_value=min_value, max_value=2100, message=message, required=False, **kwargs
    )


def money_field(
    label: Any, *, max_digits: int = 10, step: str | None = "0.01", **kwargs: Any
) -> forms.DecimalField:
    """An optional amount in yuan (two decimal places, not negative), with the phone's decimal
    keyboard stepping by ``step`` (None: the plain number box)."""
    if step is not None:
        kwargs.setdefault("widget", decimal_input(step))
    kwargs.setdefault("required", False)
    return forms.DecimalField(
        label=label, min_value=Decimal(0), max_digits=max_digits, decimal_places=2, **kwargs
    )


def phone_field(label: Any, **kwargs: Any) -> forms.CharField:
    """An optional phone number (the form's ``clean_<name>`` normalises it)."""
    kwargs.setdefault("help_text", _("手机号或带区号的固定电话。"))
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        **kwargs,
    )


def link_id_field(invalid: Any, **kwargs: Any) -> forms.UUIDField:
    """The id of a record named by a link (``?person=<id>``), kept as a hidden field;
    ``invalid``: what the page says about a malformed one."""
    return forms.UUIDField(
        required=False, widget=forms.HiddenInput, error_messages={"invalid": invalid}, **kwargs
    )


def version_field() -> forms.IntegerField:
    """The version of the record a form was opened at (a later save by someone else is a
    conflict, see ``core.conflicts``)."""
    return forms.IntegerField(required=False, widget=forms.HiddenInput)


def not_after_today(day: dt.date, label: Any) -> dt.date:
    """``day`` when it is not later than today; else the error that names the field
    (``dates.past``)."""
    if later := dates.after_today(day, label=label):
        raise forms.ValidationError(later)
    return day


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

    uscc = text_field(
        _("统一社会信用代码"),
        max_length=30,
        required=True,
        help_text=_("18位，见营业执照或登记证书。"),
    )
    uscc_override_reason = text_field(
        _("校验码不符时的说明（选填）"),
        max_length=500,
        rows=2,
        help_text=_("只有系统提示校验码不符、而代码确与证照一致时才需要填写。"),
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
