from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "programs"

# Each program adds its block, commented with its name, in the order of the actions.
urlpatterns: list[URLPattern | URLResolver] = []
