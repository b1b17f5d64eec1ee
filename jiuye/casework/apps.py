from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "jiuye.casework"
    label = "casework"
    verbose_name = _("镇街服务")

    def ready(self) -> None:
        from jiuye.casework import models
        from jiuye.casework.services.tallies import queue_marked_refresh, registry_step
        from jiuye.core import tallies
        from jiuye.core.audit import register

        for model in (
            models.ServiceRecord,
            models.NeedsRecord,
            models.Campaign,
            models.CampaignQuota,
            models.PublicWelfarePost,
            models.PostPlacement,
        ):
            register(model)
        # The registry and employment writes move the coverage tallies by their delta (ADR
        # 0005); they sit below casework, so core hands them the step.
        tallies.register_stepper(registry_step)
        # A large write marks villages instead: their recount is queued once it commits, so
        # the next reader of coverage or a worklist finds them counted.
        tallies.register_refresher(queue_marked_refresh)
