from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiuye.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules
        from django_tasks_db.compat import task_started  # the signal its db_worker sends

        from jiuye.core import checks  # noqa: F401  (registers system checks)
        from jiuye.core.workers import task_worker_yields

        task_started.connect(task_worker_yields, dispatch_uid="jiuye.core.task_worker_yields")

        # Every app's import kinds register themselves from its ``importing`` module.
        autodiscover_modules("importing")
        # Every app's demo seeders (manage.py demo_data) register from its ``demo`` module.
        autodiscover_modules("demo")
