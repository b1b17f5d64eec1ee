"""Rows of the URL × role access matrix for these pages (see core/tests/test_url_matrix.py).

The employer persona is bound to employer_a (东城街道): its own page only; town_b (西城街道)
does not see it (404). Writing is for administrators and district staff."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from jiuye.core.tests.matrix import Kwargs, access
from jiuye.employers.models import CsrReport
from jiuye.reference.models import QuotaPolicy

READERS = {"admin", "district", "town_a", "town_b", "leader"}
WRITERS = {"admin", "district"}


def _employer_pk(w: dict[str, Any]) -> Any:
    return w["personas"]["employer"].employer_id


def _csr(w: dict[str, Any]) -> CsrReport:
    employer = w["personas"]["employer"].employer
    report = CsrReport.objects.filter(employer=employer).first()
    if report is None:
        report = CsrReport(employer=employer, year=2023, includes_disability=True)
        report.file.save("matrix.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        report.save()
    return report


NONE: Kwargs = lambda w: {}  # noqa: E731
EMPLOYER: Kwargs = lambda w: {"pk": _employer_pk(w)}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    # An employer user's list is its own page.
    "employers:list": (NONE, access(READERS, employer=302)),
    "employers:export": (NONE, access(READERS)),
    "employers:create": (NONE, access(WRITERS)),
    "employers:detail": (EMPLOYER, access(READERS, town_b=404, employer=200)),
    "employers:edit": (EMPLOYER, access(WRITERS)),
    "employers:archive": (EMPLOYER, access(WRITERS)),
    "employers:csr": (EMPLOYER, access(WRITERS)),
    "employers:invite": (EMPLOYER, access(WRITERS)),
    "employers:csr-file": (
        lambda w: {"pk": _csr(w).pk},
        access(READERS, town_b=404, employer=200),
    ),
    "employers:policies": (NONE, access(READERS)),
    "employers:policy-create": (NONE, access(WRITERS)),
    "employers:policy-edit": (
        lambda w: {"pk": QuotaPolicy.objects.order_by("pk").first().pk},
        access(WRITERS),
    ),
}
