from __future__ import annotations

from django.urls import path

from jiuye.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/changes/", views.audit_changes, name="audit-changes"),
    path("audit/access/", views.audit_access, name="audit-access"),
    path("imports/", views.import_list, name="import-list"),
    path("imports/new/", views.import_upload, name="import-upload"),
    path("imports/template/<slug:kind>.xlsx", views.import_template, name="import-template"),
    path("imports/<uuid:pk>/", views.import_detail, name="import-detail"),
    path("imports/<uuid:pk>/progress/", views.import_progress, name="import-progress"),
    path("imports/<uuid:pk>/cancel/", views.import_cancel, name="import-cancel"),
    path("imports/<uuid:pk>/retry/", views.import_retry, name="import-retry"),
    path("imports/<uuid:pk>/recheck/", views.import_recheck, name="import-recheck"),
    path("imports/<uuid:pk>/rollback/", views.import_rollback, name="import-rollback"),
    path("imports/<uuid:pk>/errors.xlsx", views.import_errors, name="import-errors"),
    path("exports/<uuid:pk>/", views.export_job, name="export-job"),
    path("exports/<uuid:pk>/progress/", views.export_progress, name="export-progress"),
    path("exports/<uuid:pk>/file.xlsx", views.export_download, name="export-download"),
    path("healthz", views.healthz, name="healthz"),
]
