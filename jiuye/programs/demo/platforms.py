"""Demo data of platform partners (action 四): three platform companies (delivery, livestream
e-commerce, ride-hailing) with their commitments, and persons working through them as flexible
employment records with a new-form subtype."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from jiuye.core.demo import seeder
from jiuye.core.validators import uscc_check_char
from jiuye.employers.models import Employer
from jiuye.employers.services.registry import employer_create
from jiuye.employment.models import EmploymentForm, EmploymentRecord, NewFormSubtype, Source
from jiuye.employment.services import employment_open
from jiuye.people.models import Person
from jiuye.people.selectors import working_age_q
from jiuye.programs.models import PlatformPartner
from jiuye.programs.services import platforms as services
from jiuye.reference.models import Region

PLATFORMS = [
    # name, code body, kinds, subtype, job, commitments
    (
        "示范区同城配送服务有限公司",
        "91440199MA5PLAT01",
        ["food_delivery", "express"],
        NewFormSubtype.DELIVERY,
        "配送员",
        [
            ("fee_waiver", "残疾人骑手免收装备押金和站点管理费"),
            ("dispatch", "听力残疾骑手优先派发就近订单"),
            ("relaxed_entry", "年龄放宽至55周岁，肢体残疾四级可上岗"),
        ],
    ),
    (
        "示范区优品直播电商有限公司",
        "91440199MA5PLAT02",
        ["ecommerce", "livestream"],
        NewFormSubtype.LIVESTREAM,
        "带货主播",
        [
            ("fee_waiver", "残疾人新开网店前六个月免收平台服务费"),
            ("promotion", "每月两场助残直播专场流量扶持"),
            ("free_training", "免费开展直播带货培训"),
        ],
    ),
    (
        "示范区便民出行科技有限公司",
        "91440199MA5PLAT03",
        ["ride_hailing", "cloud_service"],
        NewFormSubtype.CLOUD_SERVICE,
        "云客服",
        [("relaxed_entry", "视力残疾人员可应聘云客服岗位"), ("free_training", "免费岗前培训")],
    ),
]


@seeder("programs: platform partners", order=104)
@transaction.atomic
def demo_platforms(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo platforms; returns how many (0 when already there)."""
    if PlatformPartner.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"platforms-{seed}")
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    if not towns:
        return 0
    busy = EmploymentRecord.objects.filter(end_date__isnull=True, archived_at__isnull=True)
    # Of working age on the earliest start below (a job before 16 is refused, and rightly).
    pool = list(
        Person.objects.filter(archived_at__isnull=True)
        .filter(working_age_q(today - dt.timedelta(days=400)))
        .exclude(pk__in=busy.values("person_id"))
        .order_by("name")[:60]
    )
    rng.shuffle(pool)
    for number, (name, body, kinds, subtype, job, commitments) in enumerate(PLATFORMS):
        uscc = body + uscc_check_char(body)
        employer = Employer.objects.filter(uscc=uscc).first() or employer_create(
            by=None,
            name=name,
            uscc=uscc,
            kind=Employer.Kind.PRIVATE,
            region=towns[number % len(towns)],
        )
        since = today - dt.timedelta(days=400 - number * 90)
        partner = services.partner_create(
            by=None,
            employer=employer,
            platform_kinds=kinds,
            since=since,
            contact_name="平台联络员",
            contact_phone="020-8888000" + str(number),
        )
        for offset, (kind, description) in enumerate(commitments):
            services.commitment_add(
                partner=partner,
                by=None,
                kind=kind,
                description=description,
                since=since + dt.timedelta(days=offset * 30),
            )
        for person in pool[number * 4 : number * 4 + rng.randint(2, 4)]:
            employment_open(
                person=person,
                by=None,
                source=Source.STAFF,
                form=EmploymentForm.FLEXIBLE,
                new_form_subtype=subtype,
                employer=employer,
                employer_name=employer.name,
                job_title=job,
                start_date=since + dt.timedelta(days=rng.randint(10, 200)),
                evidence="模拟数据：平台就业",
            )
    return len(PLATFORMS)
