from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "jiuye.employment"
    label = "employment"
    verbose_name = _("就业记录")

    def ready(self) -> None:
        from jiuye.core.audit import register
        from jiuye.employment.models import EmploymentRecord

        register(EmploymentRecord)
