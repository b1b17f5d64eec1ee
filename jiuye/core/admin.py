from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from jiuye.core.models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "object_repr", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "object_repr"]

    # The access log is evidence: readable, never changed.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
