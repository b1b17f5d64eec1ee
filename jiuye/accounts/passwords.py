"""Password length by role: staff accounts need at least 12 characters."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

STAFF_MIN_LENGTH = 12
OTHER_MIN_LENGTH = 8


class RoleMinimumLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        minimum = OTHER_MIN_LENGTH
        if user is None or getattr(user, "is_staff_role", True):
            minimum = STAFF_MIN_LENGTH
        if len(password) < minimum:
            raise ValidationError(
                _("密码太短：至少需要%(min)d个字符，当前只有%(len)d个。")
                % {"min": minimum, "len": len(password)},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("工作人员的密码至少12个字符，其他账户至少8个字符；不能是常见密码或纯数字。")


class RepeatedCharactersValidator:
    """Staff passwords may not be one short run repeated ("aaaaaaaaaaaa", "abcabcabcabc")
    nor use fewer than four different characters."""

    LONGEST_UNIT = 4
    FEWEST_DISTINCT = 4

    def validate(self, password: str, user: Any = None) -> None:
        if user is not None and not getattr(user, "is_staff_role", True):
            return
        repeated = any(
            len(password) > unit and password == password[:unit] * (len(password) // unit)
            for unit in range(1, self.LONGEST_UNIT + 1)
        )
        if repeated or len(set(password)) < self.FEWEST_DISTINCT:
            raise ValidationError(
                _("密码不能由少数几个字符重复组成，请至少使用4个不同的字符。"),
                code="password_repeated",
            )

    def get_help_text(self) -> str:
        return _("工作人员的密码不能由少数几个字符重复组成。")
