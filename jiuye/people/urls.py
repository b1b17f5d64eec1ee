from __future__ import annotations

from django.urls import path

from jiuye.people import transfer_views, views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("lookup/", views.person_lookup, name="lookup"),
    path("export.xlsx", views.person_export, name="export"),
    path("new/", views.person_create, name="create"),
    path("transfers/", transfer_views.transfer_queue, name="transfers"),
    path("transfers/<uuid:pk>/", transfer_views.transfer_review, name="transfer"),
    path("<uuid:pk>/", views.person_detail, name="detail"),
    path("<uuid:pk>/edit/", views.person_edit, name="edit"),
    path("<uuid:pk>/archive/", views.person_archive, name="archive"),
    path("<uuid:pk>/reveal/", views.person_reveal, name="reveal"),
]
