from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    name = "jiuye.grievances"
    label = "grievances"
    verbose_name = _("投诉建议")

    def ready(self) -> None:
        from jiuye.core.audit import register
        from jiuye.grievances.models import Grievance

        # The filer's contact is personal data: the trail says that it changed, not what it is.
        register(Grievance, exclude=["contact_name", "contact_phone", "check_hash"])
