"""Writes of the employers app: declarations (declarations.py) and the line-by-line
verification of declared employees (verification.py)."""

from __future__ import annotations

from jiuye.employers.services.declarations import (
    WorkflowError,
    conflict_resolve,
    declaration_compute,
    declaration_confirm,
    declaration_correct,
    declaration_return,
    declaration_save,
    declaration_start,
    declaration_submit,
    employee_add,
    employee_remove,
    employee_update,
)

__all__ = [
    "WorkflowError",
    "conflict_resolve",
    "declaration_compute",
    "declaration_confirm",
    "declaration_correct",
    "declaration_return",
    "declaration_save",
    "declaration_start",
    "declaration_submit",
    "employee_add",
    "employee_remove",
    "employee_update",
]
