"""Demo complaints and suggestions (manage.py demo_data): a dozen across the towns and
departments, some answered and rated, some past their due date. Deterministic for a seed; a
second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from jiuye.core.demo import seeder
from jiuye.grievances.models import About, Category, Grievance, Kind, Satisfaction
from jiuye.grievances.services import grievance_file, grievance_rate, grievance_reply
from jiuye.reference.models import Department

TEXTS = [
    ("complaint", "service", "去办理就业补贴，窗口说材料不全，但没有一次性告知缺什么。"),
    ("suggestion", "access", "建议服务大厅的叫号屏同时语音播报，方便视力不好的人。"),
    ("complaint", "jobs", "推荐的岗位要求长期站立，不适合我的情况。"),
    ("suggestion", "training", "希望培训课程安排在周末，并提供手语翻译。"),
    ("complaint", "workplace", "单位没有按约定提供无障碍卫生间。"),
    ("suggestion", "policy", "希望公布按比例就业年审的办理进度。"),
]


@seeder("complaints and suggestions", order=120)
def run(*, seed: int = 1, **_: object) -> int:
    if Grievance.objects.exists():
        return 0
    rng = random.Random(seed)
    units = list(Department.objects.filter(disabled_at__isnull=True))
    towns = [u for u in units if u.kind == Department.Kind.TOWN]
    departments = [u for u in units if u.kind == Department.Kind.DEPARTMENT]
    if not towns or not departments:
        return 0
    today = timezone.localdate()
    made = 0
    with transaction.atomic():
        for n in range(12):
            kind, category, text = TEXTS[n % len(TEXTS)]
            about = (About.TOWN, About.DEPARTMENT, About.EMPLOYER)[n % 3]
            town = rng.choice(towns)
            anonymous = n % 4 == 3
            day = today - dt.timedelta(days=rng.randint(0, 40))
            filed = grievance_file(
                kind=Kind(kind),
                category=Category(category),
                about=about,
                town=town.region_id if about != About.DEPARTMENT else "",
                department=rng.choice(departments) if about == About.DEPARTMENT else None,
                employer_name="东城惠民电子厂" if about == About.EMPLOYER else "",
                text=text,
                anonymous=anonymous,
                contact_name="" if anonymous else "王先生",
                contact_phone="" if anonymous else f"1380000{rng.randint(1000, 9999)}",
                today=day,
            ).grievance
            # Filed on that day, as far as the lists show.
            Grievance.objects.filter(pk=filed.pk).update(created_at=timezone.now() - (today - day))
            made += 1
            if n % 3 == 0:
                grievance_reply(
                    grievance=filed, by=None, reply="已核实情况并作出改进，感谢您的意见。"
                )
                if n % 2 == 0:
                    grievance_rate(grievance=filed, satisfaction=Satisfaction.SATISFIED)
    return made
