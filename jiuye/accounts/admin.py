from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from jiuye.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "Jiuye",
            {
                "fields": (
                    "role",
                    "display_name",
                    "phone",
                    "department",
                    "town",
                    "employer",
                    "person",
                )
            },
        ),
    )
