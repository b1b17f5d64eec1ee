from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "jiuye.reference"
    label = "reference"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from jiuye.core.audit import register
        from jiuye.reference.models import Department, DisabilityCategory, DisabilityGrade, Region

        for model in (Region, Department, DisabilityCategory, DisabilityGrade):
            register(model)
