"""Rows of the URL x role access matrix for the postings pages (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

MATRIX: dict[str, Any] = {}
