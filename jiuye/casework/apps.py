from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "jiuye.casework"
    label = "casework"
    verbose_name = _("镇街服务")

    def ready(self) -> None:
        from jiuye.casework import models
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
