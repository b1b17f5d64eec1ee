from __future__ import annotations

from django.urls import path

from jiuye.grievances import views

app_name = "grievances"

urlpatterns = [
    # Open to everyone, signed in or not.
    path("", views.grievance_file, name="file"),
    path("filed/", views.grievance_filed, name="filed"),
    path("lookup/", views.grievance_lookup, name="lookup"),
    path("status/", views.grievance_status, name="status"),
    # Staff.
    path("queue/", views.grievance_queue, name="queue"),
    path("queue/export.xlsx", views.grievance_queue_export, name="queue-export"),
    path("queue/<uuid:pk>/", views.grievance_detail, name="detail"),
    path("queue/<uuid:pk>/reply/", views.grievance_reply, name="reply"),
    path("queue/<uuid:pk>/reassign/", views.grievance_reassign, name="reassign"),
    path("queue/<uuid:pk>/attachment/", views.grievance_attachment, name="attachment"),
    path("report/", views.grievance_report, name="report"),
]
