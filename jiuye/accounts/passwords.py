"""Password length by role: staff accounts need at least 12 characters."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher
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


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at the Password Storage Cheat Sheet's (OWASP) first setting: 19 MiB of memory,
    2 passes, 1 lane (ADR 0018). Memory-hard, so a guesser's GPU gains little, and ≈ 20–30 ms a
    hash on one core here, where Django's PBKDF2 (1,000,000 rounds) took ≈ 270 ms. Django's own
    Argon2 setting (100 MiB, 8 lanes) costs ≈ 130 ms and 100 MiB per sign-in in progress.

    The stored hash names its parameters, so one made with others (Django's own) is still
    checked, and re-hashed with these at the next sign-in (``must_update``); so is a PBKDF2
    hash, by the next hasher in ``PASSWORD_HASHERS``."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
