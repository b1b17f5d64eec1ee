"""Demo data of employment service institutions (action 十): the district's public employment
service centre, the federation's service centre and a station in each town, with last year's and
this year's standardization checklists (most items met, a few windows still missing); last
year's and this year's exchange and contest events with their participants and awards."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jiuye.core.demo import seeder
from jiuye.programs.models import ServiceEvent, ServiceInstitution
from jiuye.programs.models.institutions import ChecklistItem
from jiuye.programs.services import institutions as services
from jiuye.reference.models import Department, Region

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


EVENTS = [
    # month, day, kind, name, results of the first institutions taking part
    (4, 20, "exchange", "残疾人就业服务经验交流会", ["", "", ""]),
    (10, 15, "contest", "残疾人就业服务业务竞赛", ["一等奖", "二等奖", "三等奖", "优秀奖"]),
]


@seeder("programs: service exchange and contest events", order=111)
@transaction.atomic
def demo_events(*, seed: int, today: dt.date | None = None) -> int:
    """Last year's and this year's exchange and contest (this year's only once held), with the
    district's centre and the first towns' stations taking part; returns how many events."""
    if ServiceEvent.objects.exists():
        return 0
    today = today or timezone.localdate()
    district = Region.objects.filter(code=settings.JIUYE_DISTRICT_CODE).first()
    organiser = Department.objects.filter(code="cl").first() or Department.objects.first()
    stations = list(ServiceInstitution.objects.filter(archived_at__isnull=True).order_by("name"))
    if district is None or organiser is None or not stations:
        return 0
    made = 0
    for year in (today.year - 1, today.year):
        for month, day, kind, name, results in EVENTS:
            held = dt.date(year, month, day)
            if held > today:
                continue
            event = services.event_create(
                by=None,
                date=held,
                kind=kind,
                name=f"{year}年{name}",
                organiser=organiser,
                region=district,
                place="示范区残疾人综合服务中心",
                summary="各服务机构交流了就业需求登记和岗位推荐的做法。"
                if kind == "exchange"
                else "比赛政策解答、需求登记和岗位匹配三项业务。",
            )
            for station, result in zip(stations, results, strict=False):
                services.participant_add(
                    event=event, by=None, institution=station, staff="", result=result
                )
            made += 1
    return made
