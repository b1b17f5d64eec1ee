from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The leaders' view: read-only pages over the other apps' selectors and indicators (the
    district overview with its charts and maps, the public figures) and the annual report in
    Word. It adds no records of its own but region boundaries' display; it sits above every
    other app and nothing imports it."""

    name = "jiuye.dashboards"
    label = "dashboards"
    verbose_name = _("领导看板")

    def ready(self) -> None:
        from jiuye.core import homepage
        from jiuye.dashboards.selectors.home import role_home

        # The role home page (core:home) shows the work waiting for each role (issue 18).
        homepage.register(role_home)
