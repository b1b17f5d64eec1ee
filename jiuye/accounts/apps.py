from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiuye.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        from jiuye.accounts.models import User
        from jiuye.core.audit import register

        register(User)
