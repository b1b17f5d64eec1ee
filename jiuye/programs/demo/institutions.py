"""Demo data of employment service institutions (action 十): the district's public employment
service centre, the federation's service centre and a station in each town, with last year's and
this year's standardization checklists (most items met, a few windows still missing)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jiuye.core.demo import seeder
from jiuye.programs.models import ServiceInstitution
from jiuye.programs.models.institutions import ChecklistItem
from jiuye.programs.services import institutions as services
from jiuye.reference.models import Region

EVIDENCE = {
    "content": "服务事项清单（公示照片）",
    "standards": "服务规范（区残联文件）",
    "processes": "服务流程图、台账",
    "staff": "专职人员名单",
    "window": "残疾人就业服务专门窗口照片",
}


@seeder("programs: service institutions", order=110)
@transaction.atomic
def demo_institutions(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo institutions; returns how many (0 when already there)."""
    if ServiceInstitution.objects.exists():
        return 0
    today = today or timezone.localdate()
    district = Region.objects.filter(code=settings.JIUYE_DISTRICT_CODE).first()
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    if district is None:
        return 0
    specs = [
        ("示范区公共就业服务中心", "public", district),
        ("示范区残疾人就业服务中心", "federation", district),
        *((f"{town.name}残疾人就业服务站", "federation", town) for town in towns),
    ]
    for number, (name, owner, region) in enumerate(specs):
        institution = services.institution_create(
            by=None, name=name, owner=owner, region=region, address=f"{region.name}政务服务中心"
        )
        for year in (today.year - 1, today.year):
            missing_window = number % 3 == 2 and year == today.year - 1
            items = {
                item: (not (item == "window" and missing_window), EVIDENCE[item])
                for item in ChecklistItem.values
            }
            services.checklist_save(institution=institution, by=None, year=year, items=items)
    return len(specs)
