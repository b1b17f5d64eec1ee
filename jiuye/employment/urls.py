from __future__ import annotations

from django.urls import path

from jiuye.employment import views

app_name = "employment"

urlpatterns = [
    path("review/", views.review_list, name="review"),
    path("export.xlsx", views.record_export, name="export"),
    path("person/<uuid:pk>/new/", views.record_create, name="create"),
    path("<uuid:pk>/", views.record_detail, name="detail"),
    path("<uuid:pk>/edit/", views.record_edit, name="edit"),
    path("<uuid:pk>/end/", views.record_end, name="end"),
    path("<uuid:pk>/archive/", views.record_archive, name="archive"),
    path("<uuid:pk>/resolve/", views.record_resolve, name="resolve"),
]
