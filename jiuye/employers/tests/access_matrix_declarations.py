"""Rows of the URL × role access matrix for the declaration pages (see
core/tests/test_url_matrix.py). The employer persona is bound to employer_a (东城街道): its own
declaration only; town_b (西城街道) does not see it (404). Leaders read figures; employers,
administrators and district staff write; only administrators and district staff review.
``employers:disclosure`` and ``employers:disclosure-export`` are public (no login)."""

from __future__ import annotations

from typing import Any

from conftest import make_id_number
from jiuye.core.tests.matrix import Kwargs, access
from jiuye.employers.models import Declaration, DeclaredEmployee
from jiuye.employers.services import declaration_start, employee_add

READERS = {"admin", "district", "town_a", "town_b", "leader", "employer"}
WRITERS = {"admin", "district", "employer"}
REVIEWERS = {"admin", "district"}
STATISTICS = {"admin", "district", "leader"}


def _declaration(w: dict[str, Any]) -> Declaration:
    """A draft of employer_a for 2024 with one line."""
    employer = w["personas"]["employer"].employer
    declaration = declaration_start(employer=employer, year=2024, by=None)
    if not declaration.employees.exists():
        id_number = make_id_number(seq=901)
        employee_add(
            declaration=declaration,
            by=None,
            name="矩阵职工",
            id_number=id_number,
            certificate_number=f"{id_number}43",
            on_establishment=True,
            monthly_wage=4000,
            insurance_months=12,
        )
    return declaration


def _line(w: dict[str, Any]) -> DeclaredEmployee:
    return _declaration(w).employees.get()


NONE: Kwargs = lambda w: {}  # noqa: E731
DECLARATION: Kwargs = lambda w: {"pk": _declaration(w).pk}  # noqa: E731
LINE: Kwargs = lambda w: {"pk": _declaration(w).pk, "line": _line(w).pk}  # noqa: E731
CONFLICT_LINE: Kwargs = lambda w: {"line": _line(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "employers:declarations": (NONE, access(READERS)),
    "employers:declaration-start": (NONE, access(WRITERS, ok=405)),
    "employers:declaration-template": (NONE, access(WRITERS)),
    "employers:declaration": (DECLARATION, access(READERS, town_b=404)),
    "employers:declaration-figures": (DECLARATION, access(WRITERS, ok=405)),
    "employers:declaration-employee-add": (DECLARATION, access(WRITERS, ok=405)),
    "employers:declaration-employee-edit": (LINE, access(WRITERS)),
    "employers:declaration-employee-remove": (LINE, access(WRITERS, ok=405)),
    "employers:declaration-upload": (DECLARATION, access(WRITERS, ok=405)),
    "employers:declaration-upload-commit": (DECLARATION, access(WRITERS, ok=405)),
    "employers:declaration-submit": (DECLARATION, access(WRITERS, ok=405)),
    "employers:declaration-return": (DECLARATION, access(REVIEWERS, ok=405)),
    "employers:declaration-confirm": (DECLARATION, access(REVIEWERS, ok=405)),
    "employers:declaration-correct": (DECLARATION, access(REVIEWERS, ok=405)),
    # A draft has no confirmation yet: 404 for everyone who may read the declaration.
    "employers:declaration-confirmation": (DECLARATION, access(READERS, ok=404)),
    "employers:review-queue": (NONE, access(REVIEWERS)),
    "employers:conflicts": (NONE, access(REVIEWERS)),
    "employers:conflict-resolve": (CONFLICT_LINE, access(REVIEWERS, ok=405)),
    "employers:statistics": (NONE, access(STATISTICS)),
    "employers:statistics-export": (NONE, access(STATISTICS)),
    "employers:disclosure-publish": (NONE, access(REVIEWERS, ok=405)),
}
