from __future__ import annotations

app_name = "employment"

urlpatterns: list = []
