from __future__ import annotations

from django.urls import path

from jiuye.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/changes/", views.audit_changes, name="audit-changes"),
    path("audit/access/", views.audit_access, name="audit-access"),
    path("healthz", views.healthz, name="healthz"),
]
