from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Programs of actions 二 三 四 五 六 七 八 十: organizations and charity projects,
    auxiliary employment and the labour-project bank, rural bases and workshops, graduates
    exchanged with the education bureau, the consultation mechanism, platform partners,
    medical massage and service institutions. One app (ARCHITECTURE.md lists ``programs``);
    each program is a module of the same name in ``models/``, ``services/``, ``selectors/``,
    ``forms/``, ``views/`` and ``importing/``."""

    name = "jiuye.programs"
    label = "programs"
    verbose_name = _("专项工作")

    def ready(self) -> None:
        from jiuye.core.audit import register
        from jiuye.programs import models

        for model in models.AUDITED:
            register(model)
