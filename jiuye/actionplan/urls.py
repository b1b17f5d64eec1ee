from __future__ import annotations

from django.urls import path

from jiuye.actionplan import views

app_name = "actionplan"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("refresh/", views.dashboard_refresh, name="dashboard-refresh"),
    path("import/", views.plan_upload, name="import"),
    path("import/preview/", views.plan_import_preview, name="import-preview"),
    path("actions/<uuid:pk>/", views.action_detail, name="action"),
    path("actions/<uuid:action_pk>/tasks/new/", views.task_edit, name="task-create"),
    path("actions/<uuid:action_pk>/tasks/<uuid:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<uuid:pk>/", views.task_detail, name="task"),
    path(
        "tasks/<uuid:task_pk>/periods/<uuid:period_pk>/report/",
        views.report_edit,
        name="report-edit",
    ),
    path("reports/review/", views.review_queue, name="review-queue"),
    path("reports/<uuid:pk>/", views.report_detail, name="report"),
    path("attachments/<uuid:pk>/", views.attachment_download, name="attachment"),
    path("targets/", views.target_list, name="targets"),
    path("targets/upload/", views.target_upload, name="target-upload"),
    path("freeze/", views.year_freeze, name="freeze"),
    path("export/plan.xlsx", views.plan_export, name="export-plan"),
    path("export/department.docx", views.department_report_export, name="export-department"),
]
