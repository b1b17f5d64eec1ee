from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiuye.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from jiuye.core import checks  # noqa: F401  (registers system checks)

        # Every app's import kinds register themselves from its ``importing`` module.
        autodiscover_modules("importing")
        # Every app's demo seeders (manage.py demo_data) register from its ``demo`` module.
        autodiscover_modules("demo")
