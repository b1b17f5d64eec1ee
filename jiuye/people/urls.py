from __future__ import annotations

from django.urls import path

from jiuye.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
]
