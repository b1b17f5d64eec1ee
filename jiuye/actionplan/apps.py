from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplanConfig(AppConfig):
    name = "jiuye.actionplan"
    label = "actionplan"
    verbose_name = _("行动方案")

    def ready(self) -> None:
        from jiuye.actionplan.models import (
            Action,
            ActionDepartment,
            IndicatorTarget,
            Plan,
            ProgressReport,
            ReportingPeriod,
            Task,
            TaskDepartment,
        )
        from jiuye.core.audit import register

        for model in (
            Plan,
            Action,
            ActionDepartment,
            ReportingPeriod,
            Task,
            TaskDepartment,
            ProgressReport,
            IndicatorTarget,
        ):
            register(model)
