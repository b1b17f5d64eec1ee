from __future__ import annotations

from django.urls import path

from jiuye.reference import views

app_name = "reference"

urlpatterns = [
    path("regions/", views.regions, name="regions"),
    path("regions/<str:code>/", views.regions, name="region"),
    path("departments/", views.departments, name="departments"),
    path("boundaries/", views.boundaries, name="boundaries"),
    path("boundaries/confirm/", views.boundaries_confirm, name="boundaries-confirm"),
]
