from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from jiuye.api.views import keys
from jiuye.api.views.conventions import wrap_patterns
from jiuye.api.views.v1 import api

app_name = "api"

_v1_patterns, _v1_app, _v1_namespace = api.urls

urlpatterns: list[URLPattern | URLResolver] = [
    # The administrator's pages for API keys.
    path("keys/", keys.key_list, name="key-list"),
    path("keys/new/", keys.key_create, name="key-create"),
    path("keys/<uuid:pk>/", keys.key_detail, name="key-detail"),
    path("keys/<uuid:pk>/revoke/", keys.key_revoke, name="key-revoke"),
    # The API itself sits beside these at /api/v1/ (config/urls.py includes ``v1``): ninja
    # reverses its own URLs in the top-level namespace "v1".
]

# Every endpoint's call is logged, rate-limited and size-checked (views.conventions).
v1 = include((wrap_patterns(_v1_patterns), "v1"), namespace="v1")
