from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "jiuye.reference"
    label = "reference"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from jiuye.core.audit import register
        from jiuye.reference.models import (
            Department,
            DisabilityCategory,
            DisabilityGrade,
            Region,
            RegionBoundary,
            WorkingAgeRule,
        )
        from jiuye.reference.selectors import reference_changed

        for model in (Region, Department, DisabilityCategory, DisabilityGrade):
            register(model)
        # Imports write boundaries in bulk with their own audit entries (digest, source file);
        # this covers a save elsewhere. The outline itself is too large for the trail.
        register(RegionBoundary, exclude=["geometry"])
        # The per-process cache of reference tables (selectors) forgets a table that changed.
        for model in (Region, Department, WorkingAgeRule):
            for signal in (post_save, post_delete):
                signal.connect(reference_changed, sender=model, dispatch_uid=f"ref-{model}")
