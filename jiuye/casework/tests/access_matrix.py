"""Rows of the URL × role access matrix for these pages (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

from jiuye.core.tests.matrix import Kwargs

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {}
