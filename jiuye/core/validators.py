"""Validators for Chinese identity and registration numbers.

Covers three numbers that staff type in by hand from paper documents:

* the 18-character resident identity number (GB 11643-1999),
* the disability certificate number (残疾人证号, 2nd/3rd generation), which is the
  holder's identity number followed by a category digit and a grade digit,
* the unified social credit code of an employer (GB 32100-2015).

Every error is raised as ``django.core.exceptions.ValidationError`` with a stable
``code`` and a Chinese message that names the exact position / value that is wrong,
because the people fixing the input are looking at a paper card, not at a spec.
"""

from __future__ import annotations

import datetime
import operator
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from jiuye.core.dates import MAX_AGE, years_after

__all__ = [
    "same_name",
    "CERTIFICATE_CATEGORY_NAMES",
    "CERTIFICATE_GRADE_NAMES",
    "PROVINCE_CODES",
    "USCC_CHARSET",
    "ValidationWarning",
    "certificate_category_grade",
    "normalize_resident_id",
    "resident_id_birth_date",
    "resident_id_sex",
    "resident_id_warnings",
    "validate_certificate_number",
    "validate_resident_id",
    "validate_uscc",
]


@dataclass(frozen=True)
class ValidationWarning:
    """A non-blocking problem: the value is accepted but staff should double-check it."""

    code: str
    message: str


# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

# Full-width ASCII variants (！ .. ～) sit at a fixed offset from their ASCII twins;
# Chinese IMEs often leave the keyboard in full-width mode when typing numbers.
_FULLWIDTH_OFFSET = 0xFF01 - 0x21
_FULLWIDTH_TO_ASCII = {code: code - _FULLWIDTH_OFFSET for code in range(0xFF01, 0xFF5F)}


def _normalize(value: str | None) -> str:
    """Remove all whitespace, convert full-width characters and upper-case."""
    if value is None:
        return ""
    text = str(value).translate(_FULLWIDTH_TO_ASCII)
    # str.split() with no argument also splits on U+3000 (ideographic space),
    # NBSP and other Unicode spaces, so this drops every kind of blank.
    return "".join(text.split()).upper()


def normalize_resident_id(value: str) -> str:
    """Return ``value`` without spaces, in half-width characters, with ``x`` upper-cased.

    No validation happens here; use :func:`validate_resident_id` for that.
    """
    return _normalize(value)


# --------------------------------------------------------------------------------------
# Resident identity number (GB 11643-1999)
# --------------------------------------------------------------------------------------

RESIDENT_ID_LENGTH = 18
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# First two digits of the administrative division code: provinces, autonomous
# regions, municipalities, Taiwan (71) and the two SARs (81, 82).
PROVINCE_CODES: frozenset[str] = frozenset(
    [str(code) for code in range(11, 16)]
    + [str(code) for code in range(21, 24)]
    + [str(code) for code in range(31, 38)]
    + [str(code) for code in range(41, 47)]
    + [str(code) for code in range(50, 55)]
    + [str(code) for code in range(61, 66)]
    + ["71", "81", "82"]
)


def resident_id_check_char(first17: str) -> str:
    """Compute the 18th character from the first 17 digits."""
    if len(first17) != len(_RESIDENT_ID_WEIGHTS):
        raise ValueError("the check character is computed from 17 digits")
    # Mapped in C: an import computes it for every row.
    total = sum(map(operator.mul, map(int, first17), _RESIDENT_ID_WEIGHTS))
    return _RESIDENT_ID_CHECK_CHARS[total % 11]


def _parse_birth_date(digits: str) -> datetime.date | None:
    """Parse ``YYYYMMDD``; ``None`` when it is not a real calendar date."""
    try:
        return datetime.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def validate_resident_id(value: str, *, today: datetime.date | None = None) -> str:
    """Validate an 18-character resident identity number and return it normalised.

    ``today`` is the reference date for the "birth date in the future" check; it
    defaults to :func:`datetime.date.today` and exists so tests can pin it.

    Raises ``ValidationError`` with one of the codes ``required``, ``length``,
    ``digits``, ``birth_date_invalid``, ``birth_date_future``,
    ``birth_date_too_early`` or ``checksum``.
    """
    normalized = _normalize(value)
    if not normalized:
        raise ValidationError(gettext("请填写身份证号。"), code="required")

    if len(normalized) != RESIDENT_ID_LENGTH:
        raise ValidationError(
            gettext("身份证号应为18位，当前为%(length)d位。") % {"length": len(normalized)},
            code="length",
        )

    for position, char in enumerate(normalized[:17], start=1):
        if not ("0" <= char <= "9"):
            raise ValidationError(
                gettext("身份证号前17位只能是数字，第%(position)d位是“%(char)s”。")
                % {"position": position, "char": char},
                code="digits",
            )

    last = normalized[17]
    if not ("0" <= last <= "9" or last == "X"):
        raise ValidationError(
            gettext("身份证号第18位只能是数字或X，当前为“%(char)s”。") % {"char": last},
            code="digits",
        )

    birth_digits = normalized[6:14]
    birth_date = _parse_birth_date(birth_digits)
    if birth_date is None:
        raise ValidationError(
            gettext("身份证号中的出生日期“%(date)s”不是有效日期。") % {"date": birth_digits},
            code="birth_date_invalid",
        )
    if birth_date > (today or datetime.date.today()):
        raise ValidationError(
            gettext("身份证号中的出生日期“%(date)s”晚于今天。") % {"date": birth_digits},
            code="birth_date_future",
        )
    if birth_date < max(
        _EARLIEST_BIRTH_DATE, years_after(today or datetime.date.today(), -MAX_AGE)
    ):
        raise ValidationError(
            gettext("身份证号中的出生日期“%(date)s”表示年龄超过%(max)d岁，请核对。")
            % {"date": birth_digits, "max": MAX_AGE},
            code="birth_date_too_early",
        )

    expected = resident_id_check_char(normalized[:17])
    if last != expected:
        raise ValidationError(
            gettext(
                "身份证号校验码错误：按前17位计算，第18位应为“%(expected)s”，"
                "当前为“%(actual)s”。请核对是否抄错。"
            )
            % {"expected": expected, "actual": last},
            code="checksum",
        )

    return normalized


def resident_id_warnings(value: str) -> list[ValidationWarning]:
    """Soft checks for an identity number that already passed validation.

    Only the province part of the region code is checked: the full county list
    changes every year and old IDs keep their original (possibly abolished) code,
    so anything finer would produce false alarms.
    """
    normalized = _normalize(value)
    warnings: list[ValidationWarning] = []
    if normalized[:2] not in PROVINCE_CODES:
        warnings.append(
            ValidationWarning(
                code="unknown_region",
                message=gettext(
                    "身份证号前6位“%(region)s”不是有效的行政区划代码"
                    "（前2位“%(province)s”不对应任何省份），请核对。"
                )
                % {"region": normalized[:6], "province": normalized[:2]},
            )
        )
    return warnings


def resident_id_birth_date(value: str) -> datetime.date:
    """Birth date encoded in a valid identity number (digits 7-14).

    Raises ``ValueError`` if the digits are not a real date; call
    :func:`validate_resident_id` first.
    """
    normalized = _normalize(value)
    birth_date = _parse_birth_date(normalized[6:14])
    if birth_date is None:
        raise ValueError(f"no valid birth date in {normalized!r}")
    return birth_date


def resident_id_sex(value: str) -> str:
    """``"M"`` when the 17th digit is odd, ``"F"`` when it is even."""
    normalized = _normalize(value)
    return "M" if int(normalized[16]) % 2 == 1 else "F"


# --------------------------------------------------------------------------------------
# Disability certificate number (残疾人证号)
# --------------------------------------------------------------------------------------

CERTIFICATE_CATEGORY_NAMES: dict[int, str] = {
    1: "视力",
    2: "听力",
    3: "言语",
    4: "肢体",
    5: "智力",
    6: "精神",
    7: "多重",
}
CERTIFICATE_GRADE_NAMES: dict[int, str] = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}

_CERTIFICATE_BASE_LENGTH = 20
# Reissued cards append a one- or two-digit reissue counter.
_CERTIFICATE_MAX_LENGTH = 22


def _name_of(names: dict[int, str], key: int | str) -> str:
    try:
        return names[int(key)]
    except (KeyError, ValueError):
        return gettext("未知")


def validate_certificate_number(
    value: str,
    *,
    id_number: str | None = None,
    category: int | None = None,
    grade: int | None = None,
    today: datetime.date | None = None,
) -> str:
    """Validate a disability certificate number and return it normalised.

    The number is the holder's 18-character identity number, then the category
    digit (1-7), then the grade digit (1-4), optionally followed by one or two
    reissue digits. When ``id_number``, ``category`` or ``grade`` are given, the
    certificate must agree with them.

    Codes: ``required``, ``length``, ``id_<code of validate_resident_id>``,
    ``category``, ``grade``, ``suffix``, ``id_mismatch``, ``category_mismatch``,
    ``grade_mismatch``.
    """
    normalized = _normalize(value)
    if not normalized:
        raise ValidationError(gettext("请填写残疾人证号。"), code="required")

    length = len(normalized)
    if not (_CERTIFICATE_BASE_LENGTH <= length <= _CERTIFICATE_MAX_LENGTH):
        raise ValidationError(
            gettext("残疾人证号应为20位（补发的证可能多1至2位数字），当前为%(length)d位。")
            % {"length": length},
            code="length",
        )

    id_part = normalized[:18]
    try:
        validate_resident_id(id_part, today=today)
    except ValidationError as error:
        raise ValidationError(
            gettext("残疾人证号前18位应为持证人身份证号：%(detail)s")
            % {"detail": error.messages[0]},
            code=f"id_{error.code}",
        ) from error

    category_char = normalized[18]
    if category_char not in "1234567":
        raise ValidationError(
            gettext("残疾人证号第19位表示残疾类别，只能是1至7，当前为“%(char)s”。")
            % {"char": category_char},
            code="category",
        )

    grade_char = normalized[19]
    if grade_char not in "1234":
        raise ValidationError(
            gettext("残疾人证号第20位表示残疾等级，只能是1至4，当前为“%(char)s”。")
            % {"char": grade_char},
            code="grade",
        )

    for position, char in enumerate(normalized[20:], start=21):
        if not ("0" <= char <= "9"):
            raise ValidationError(
                gettext("残疾人证号第21位起为补发序号，只能是数字，第%(position)d位是“%(char)s”。")
                % {"position": position, "char": char},
                code="suffix",
            )

    if id_number is not None and _normalize(id_number) != id_part:
        raise ValidationError(gettext("残疾人证号前18位与身份证号不一致。"), code="id_mismatch")

    if category is not None and str(category) != category_char:
        raise ValidationError(
            gettext(
                "残疾人证号第19位表示残疾类别，为“%(actual)s”（%(actual_name)s），"
                "与登记的类别“%(expected)s”（%(expected_name)s）不一致。"
            )
            % {
                "actual": category_char,
                "actual_name": _name_of(CERTIFICATE_CATEGORY_NAMES, category_char),
                "expected": category,
                "expected_name": _name_of(CERTIFICATE_CATEGORY_NAMES, category),
            },
            code="category_mismatch",
        )

    if grade is not None and str(grade) != grade_char:
        raise ValidationError(
            gettext(
                "残疾人证号第20位表示残疾等级，为“%(actual)s”（%(actual_name)s），"
                "与登记的等级“%(expected)s”（%(expected_name)s）不一致。"
            )
            % {
                "actual": grade_char,
                "actual_name": _name_of(CERTIFICATE_GRADE_NAMES, grade_char),
                "expected": grade,
                "expected_name": _name_of(CERTIFICATE_GRADE_NAMES, grade),
            },
            code="grade_mismatch",
        )

    return normalized


def certificate_category_grade(value: str) -> tuple[int, int]:
    """``(category, grade)`` digits (19th and 20th) of a valid certificate number."""
    normalized = _normalize(value)
    return int(normalized[18]), int(normalized[19])


# --------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015)
# --------------------------------------------------------------------------------------

# I, O, S, V and Z are left out because they are easily confused with 1, 0, 5, U, 2.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_LENGTH = 18
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """Compute the 18th character of a unified social credit code."""
    total = sum(
        USCC_CHARSET.index(char) * weight
        for char, weight in zip(first17, _USCC_WEIGHTS, strict=True)
    )
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> tuple[str, list[ValidationWarning]]:
    """Validate a unified social credit code.

    Returns ``(normalized, warnings)``. A wrong check character is only a warning
    (code ``uscc_checksum``): some codes issued in practice do not satisfy the
    checksum, so staff may keep the value after recording a reason.

    Raises ``ValidationError`` with code ``required``, ``length``, ``charset`` or ``region``
    (positions 3–8 are the registering authority's six-digit region code).
    """
    normalized = _normalize(value)
    if not normalized:
        raise ValidationError(gettext("请填写统一社会信用代码。"), code="required")

    if len(normalized) != _USCC_LENGTH:
        raise ValidationError(
            gettext("统一社会信用代码应为18位，当前为%(length)d位。") % {"length": len(normalized)},
            code="length",
        )

    for position, char in enumerate(normalized, start=1):
        if char not in USCC_CHARSET:
            raise ValidationError(
                gettext(
                    "统一社会信用代码第%(position)d位“%(char)s”不是有效字符："
                    "只能是数字或大写字母，且不含I、O、S、V、Z。"
                )
                % {"position": position, "char": char},
                code="charset",
            )

    region = normalized[2:8]
    if not region.isdigit():
        raise ValidationError(
            gettext(
                "统一社会信用代码第3至8位是登记机关的行政区划代码，只能是数字，当前为“%(region)s”。"
            )
            % {"region": region},
            code="region",
        )

    warnings: list[ValidationWarning] = []
    expected = uscc_check_char(normalized[:17])
    actual = normalized[17]
    if actual != expected:
        warnings.append(
            ValidationWarning(
                code="uscc_checksum",
                message=gettext(
                    "统一社会信用代码校验码不符：按前17位计算，第18位应为“%(expected)s”，"
                    "当前为“%(actual)s”。请核对是否抄错；如确认与营业执照一致，请注明原因后保存。"
                )
                % {"expected": expected, "actual": actual},
            )
        )
    return normalized, warnings


def same_name(registered: str, typed: str) -> bool:
    """Two ways of writing one name: compared without spaces and in one width (``张 三``,
    ``张三`` and ``张三`` in full-width are one name)."""
    if registered == typed:  # the usual case, without normalizing either
        return True
    return "".join(unicodedata.normalize("NFKC", registered or "").split()) == "".join(
        unicodedata.normalize("NFKC", typed or "").split()
    )
