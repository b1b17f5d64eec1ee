from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "jiuye.employers"
    label = "employers"
    verbose_name = _("用人单位")

    def ready(self) -> None:
        from jiuye.core.audit import register
        from jiuye.employers.models import (
            CsrReport,
            Declaration,
            DeclaredEmployee,
            Disclosure,
            Employer,
            EmployerApplication,
        )
        from jiuye.reference.models import QuotaPolicy

        for model in (Employer, EmployerApplication, CsrReport, Declaration, Disclosure):
            register(model)
        # The declared staff list holds ID and certificate numbers: the trail records who
        # changed a line, never the numbers (SENSITIVE_FIELDS covers both).
        register(DeclaredEmployee, exclude=["checks", "id_number_index"])
        # The policy parameters are edited on this app's pages; every change is in the trail.
        register(QuotaPolicy)
