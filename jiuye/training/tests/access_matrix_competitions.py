"""URL x role matrix rows for the training competitions pages (core/tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

MATRIX: dict[str, Any] = {}
