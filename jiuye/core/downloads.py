"""Helpers for file downloads."""

from __future__ import annotations

from urllib.parse import quote


def formula_safe(value: object) -> str:
    """Text for a spreadsheet cell: a leading = + - @ would make Excel run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def attachment_header(filename: str) -> str:
    """Content-Disposition that keeps a Chinese file name in every browser."""
    ascii_name = "".join(c if c.isascii() and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
