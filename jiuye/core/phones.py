"""Phone numbers as people type them: one normaliser for every form and import (moved here
from ``people.services`` so that accounts, below people, can use it too) and the mobile
number an SMS can reach."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_FULLWIDTH_DIGITS = {ord("０") + i: ord("0") + i for i in range(10)}


def normalize_phone(value: str) -> str:
    """Digits only (spaces, dashes, brackets and full-width digits are common on paper forms);
    a leading country code 86 is dropped. Raises ValidationError for an implausible length."""
    text = str(value or "").translate(_FULLWIDTH_DIGITS)
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if not digits:
        if text.strip():
            raise ValidationError(_("联系电话只能包含数字。"), code="phone")
        return ""
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if not 7 <= len(digits) <= 12:
        raise ValidationError(
            _("联系电话应为11位手机号，或带区号的固定电话（7至12位数字），当前为%(n)d位数字。")
            % {"n": len(digits)},
            code="phone",
        )
    return digits


def validate_mobile(value: str) -> None:
    """A normalised mainland mobile number: 11 digits beginning with 1 (empty is allowed)."""
    if value and not (len(value) == 11 and value.isascii() and value.isdigit() and value[0] == "1"):
        raise ValidationError(
            _("手机号应为以1开头的11位数字（短信只能发到手机），现在是“%(v)s”。") % {"v": value},
            code="mobile",
        )


def normalize_mobile(value: str) -> str:
    """``normalize_phone``, then only a mobile number (a landline cannot receive an SMS)."""
    digits = normalize_phone(value)
    validate_mobile(digits)
    return digits
