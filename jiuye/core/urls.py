from __future__ import annotations

from django.urls import path

from jiuye.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/changes/", views.audit_changes, name="audit-changes"),
    path("audit/access/", views.audit_access, name="audit-access"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("healthz", views.healthz, name="healthz"),
]
