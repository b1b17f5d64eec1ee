from __future__ import annotations

from django.contrib import admin

from jiuye.reference.models import Department, DisabilityCategory, DisabilityGrade, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "disabled_at"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "sort_order", "disabled_at"]
    list_filter = ["kind"]


admin.site.register(DisabilityCategory)
admin.site.register(DisabilityGrade)
