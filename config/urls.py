from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from jiuye.api import urls as api_urls

admin.site.site_header = "就业平台管理后台"
# The admin signs in through our login (lockout, second factor), never its own form.
admin.site.login = login_required(admin.site.login)

urlpatterns = [
    path("", include("jiuye.core.urls")),
    path("accounts/", include("jiuye.accounts.urls")),
    path("reference/", include("jiuye.reference.urls")),
    path("people/", include("jiuye.people.urls")),
    path("plan/", include("jiuye.actionplan.urls")),
    path("employment/", include("jiuye.employment.urls")),
    path("casework/", include("jiuye.casework.urls")),
    path("employers/", include("jiuye.employers.urls")),
    path("jobs/", include("jiuye.jobs.urls")),
    path("training/", include("jiuye.training.urls")),
    path("programs/", include("jiuye.programs.urls")),
    path("dashboards/", include("jiuye.dashboards.urls")),
    path("api/v1/", api_urls.v1),
    path("api/", include("jiuye.api.urls")),
    path("grievances/", include("jiuye.grievances.urls")),
    path("notifications/", include("jiuye.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
