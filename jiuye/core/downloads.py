"""Helpers for file downloads."""

from __future__ import annotations

from urllib.parse import quote


def attachment_header(filename: str) -> str:
    """Content-Disposition that keeps a Chinese file name in every browser."""
    ascii_name = "".join(c if c.isascii() and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
