from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "jiuye.employers"
    label = "employers"
    verbose_name = _("用人单位")

    def ready(self) -> None:
        from jiuye.core.audit import register
        from jiuye.employers.models import Employer

        register(Employer)
