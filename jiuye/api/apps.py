from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The API at /api/v1/ (django-ninja) for partner departments' systems, and the keys they
    call it with. Thin: its endpoints call the other apps' selectors and services, so it sits
    on top of every app beside dashboards and nothing imports it."""

    name = "jiuye.api"
    label = "api"
    verbose_name = _("数据接口")

    def ready(self) -> None:
        from jiuye.api.models import ApiKey
        from jiuye.core.audit import register

        register(ApiKey, exclude=["secret_hash", "last_used_at"])
