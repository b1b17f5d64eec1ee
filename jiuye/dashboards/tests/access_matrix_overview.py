"""Rows of the URL × role access matrix for the overview (see core/tests/test_url_matrix.py):
every staff role reads it (a town officer their own town), the others are refused."""

from __future__ import annotations

from jiuye.core.tests.matrix import STAFF, Kwargs, access

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "dashboards:overview": (lambda w: {}, access(STAFF)),
    "dashboards:overview-export": (lambda w: {"chart": "registry"}, access(STAFF)),
    # POST only ("立即重新统计"): a GET answers 405 to those who may.
    "dashboards:overview-refresh": (lambda w: {}, access(STAFF, ok=405)),
}
