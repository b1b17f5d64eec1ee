from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from jiuye.dashboards import views

app_name = "dashboards"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("overview/<slug:chart>.xlsx", views.overview_export, name="overview-export"),
]
