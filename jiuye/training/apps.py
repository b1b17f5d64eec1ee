from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "jiuye.training"
    label = "training"
    verbose_name = _("培训与技能")

    def ready(self) -> None:
        from jiuye.core.audit import register
        from jiuye.training import models

        for model in (
            models.Provider,
            models.Course,
            models.Enrolment,
            models.Attendance,
            models.Certificate,
            models.Competition,
            models.CompetitionEntry,
            models.MassageEstablishment,
            models.MassageQualification,
        ):
            register(model)
