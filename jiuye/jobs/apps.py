from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jiuye.jobs"
    label = "jobs"
    verbose_name = _("岗位与招聘")

    def ready(self) -> None:
        from jiuye.core.audit import register
        from jiuye.jobs import models

        for model in (
            models.Posting,
            models.Fair,
            models.FairEmployer,
            models.FairSeeker,
            models.Referral,
            models.ReferralStep,
            models.FollowUp,
            models.MatchWeight,
        ):
            register(model)
