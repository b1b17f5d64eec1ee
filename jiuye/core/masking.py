"""Masking of personal data for display in lists, exports and logs.

The functions never raise: masking is applied on output paths where a malformed
stored value must still render (and must still not leak).
"""

from __future__ import annotations

__all__ = ["mask_certificate_number", "mask_id_number", "mask_name", "mask_phone"]

MASK_CHAR = "*"

_ID_LENGTH = 18
_ID_KEEP_HEAD = 3  # province + city digits: enough to tell people apart roughly
_ID_KEEP_TAIL = 4  # lets staff match against a card in hand


def _clean(value: str | None) -> str:
    """Text form of ``value`` with all whitespace removed; ``""`` for ``None``."""
    if value is None:
        return ""
    return "".join(str(value).split())


def _mask_ends(text: str) -> str:
    """Keep only the first and last character of unexpected-shaped values.

    Very short strings are masked completely, because revealing both ends of a
    three-character value would show most of it.
    """
    if len(text) < 4:
        return MASK_CHAR * len(text)
    return text[0] + MASK_CHAR * (len(text) - 2) + text[-1]


def _mask_id_part(text: str) -> str:
    """Mask an exactly 18-character identity number as ``110***********1234``."""
    hidden = _ID_LENGTH - _ID_KEEP_HEAD - _ID_KEEP_TAIL
    return text[:_ID_KEEP_HEAD] + MASK_CHAR * hidden + text[-_ID_KEEP_TAIL:]


def mask_id_number(value: str | None) -> str:
    """``"110101199003071234"`` -> ``"110***********1234"``.

    Values that are not 18 characters long (old 15-digit IDs, typos) keep at most
    their first and last character.
    """
    text = _clean(value)
    if not text:
        return ""
    if len(text) == _ID_LENGTH:
        return _mask_id_part(text)
    return _mask_ends(text)


def mask_certificate_number(value: str | None) -> str:
    """``"11010119900307123X41"`` -> ``"110***********123X**"``.

    The embedded identity number is masked like :func:`mask_id_number`; category,
    grade and any reissue suffix are hidden too, since they reveal the disability.
    """
    text = _clean(value)
    if not text:
        return ""
    if len(text) < _ID_LENGTH:
        return _mask_ends(text)
    return _mask_id_part(text[:_ID_LENGTH]) + MASK_CHAR * (len(text) - _ID_LENGTH)


def mask_phone(value: str | None) -> str:
    """``"13812345678"`` -> ``"138****5678"``.

    Other lengths keep the first three characters (from 7 characters up) and the
    last four (from 8 characters up); shorter values keep only the last two.
    """
    text = _clean(value)
    if not text:
        return ""
    length = len(text)
    if length >= 7:
        head = text[:3]
        tail = text[-4:] if length >= 8 else ""
        return head + MASK_CHAR * (length - len(head) - len(tail)) + tail
    if length <= 2:
        # "All but the last two" would reveal the whole value here.
        return MASK_CHAR * length
    return MASK_CHAR * (length - 2) + text[-2:]


def mask_name(value: str | None) -> str:
    """``"张三"`` -> ``"张*"``, ``"欧阳小明"`` -> ``"欧***"``.

    A single-character name is masked completely.
    """
    text = _clean(value)
    if len(text) <= 1:
        return MASK_CHAR * len(text)
    return text[0] + MASK_CHAR * (len(text) - 1)
