"""The user-facing names of models, fields and stored values, for pages that show records
generically (the change log, import errors): never a field's code or a raw stored value."""

from __future__ import annotations

import ast
import datetime as dt
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _


def _has_own_label(field: Any) -> bool:
    label = getattr(field, "verbose_name", None)
    return bool(label) and str(label) != field.name.replace("_", " ")


def field_label(model: type[Model] | None, name: str) -> str:
    """A field's verbose name; for a relation without one, the related model's name; "" for a
    name that is no labelled field (the caller then shows no column name rather than a code)."""
    if model is None:
        return ""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    if _has_own_label(field):
        return str(field.verbose_name)
    related = getattr(field, "related_model", None)
    if related is not None:
        return str(related._meta.verbose_name)
    return ""


def parse_list(text: str) -> list[Any] | None:
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, list) else None


def value_label(field: Any, value: Any, related: dict[tuple[Any, str], str]) -> str:
    """A stored value (as the change log keeps it: text, "None", a list's repr) as a user reads
    it: choice labels, 是/否, local time, the related record's name; "—" for nothing."""
    if value is None or value in ("", "None", "[]"):
        return "—"
    text = str(value)
    items = parse_list(text)
    if items is not None:
        return "、".join(value_label(field, item, related) for item in items)
    choices = dict(getattr(field, "flatchoices", None) or [])
    base = getattr(field, "base_field", None)
    choices = choices or dict(getattr(base, "flatchoices", None) or [])
    if choices:
        return str(choices.get(text, choices.get(_number(text), text)))
    internal = field.get_internal_type() if hasattr(field, "get_internal_type") else ""
    if internal == "BooleanField":
        return str(_("是")) if text == "True" else str(_("否")) if text == "False" else text
    if internal == "DateTimeField":
        moment = parse_datetime(text)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return date_format(timezone.localtime(moment), "Y-m-d H:i")
    if getattr(field, "related_model", None) is not None:
        return related.get((field.related_model, text), text)
    return text


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text
