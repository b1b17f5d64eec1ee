"""Import kinds of the employers app (found by core's autodiscovery of ``importing``):
``employers`` (the registry, registry.py), ``declaration_staff`` (a declaration's staff list,
imported into that declaration) and the export-only ``quota_results`` (declarations.py)."""

from jiuye.employers.importing.declarations import (
    quota_results_kind,
    staff_kind,
    staff_list_check,
    staff_list_save,
    staff_template,
)
from jiuye.employers.importing.registry import EmployersKind

__all__ = [
    "EmployersKind",
    "quota_results_kind",
    "staff_kind",
    "staff_list_check",
    "staff_list_save",
    "staff_template",
]
