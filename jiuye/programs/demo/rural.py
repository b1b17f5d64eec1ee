"""Demo rural program (action 六) for the synthetic district (manage.py demo_data): a rural
base or workshop in most towns across the industries, the first ones run by demo employers with
rural persons employed there, supports from the federation and partner departments, services
of the new types (送岗入户, 送技术下乡) to monitored persons, and one export of their needs to
the monitoring system. Everything goes through the services. Deterministic for a seed; a
second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiuye.casework.models import Channel, ServiceType
from jiuye.casework.services.records import service_record_create
from jiuye.core.demo import seeder
from jiuye.employers.models import Employer
from jiuye.employment.models import EmploymentForm, EmploymentRecord, Source, covering_q
from jiuye.employment.services import employment_open
from jiuye.people.models import HukouType, LifeStatus, Person
from jiuye.people.selectors import working_age_q
from jiuye.programs.models.rural import BaseKind, Industry, RuralBase, SupportKind
from jiuye.programs.services import rural as services
from jiuye.reference.models import Department, Region

BASES = [
    ("蔬菜种植基地", BaseKind.RURAL_BASE, Industry.PLANTING),
    ("手工编织帮扶车间", BaseKind.WORKSHOP, Industry.HANDICRAFT),
    ("生态养殖扶贫基地", BaseKind.POVERTY_BASE, Industry.BREEDING),
    ("农产品加工帮扶车间", BaseKind.WORKSHOP, Industry.PROCESSING),
    ("农村电商服务站", BaseKind.RURAL_BASE, Industry.ECOMMERCE),
    ("乡村旅游就业基地", BaseKind.RURAL_BASE, Industry.TOURISM),
    ("村级寄递物流点", BaseKind.WORKSHOP, Industry.LOGISTICS),
]
SUPPORTS = [
    (SupportKind.FUNDS, "扶持资金", (20000, 80000)),
    (SupportKind.EQUIPMENT, "生产设备一套", (5000, 30000)),
    (SupportKind.TRAINING, "种养殖实用技术培训", (0, 0)),
]


def _workers(town: Region, today: dt.date, n: int) -> list[Person]:
    """Rural adults in the town with no job today, of working age from the earliest start
    below (400 days back) to today."""
    working = EmploymentRecord.objects.filter(covering_q(today)).values("person_id")
    return list(
        Person.objects.filter(
            region__code__startswith=town.code[:9],
            hukou_type=HukouType.RURAL,
            archived_at__isnull=True,
            life_status=LifeStatus.ACTIVE,
            birth_date__lte=dt.date(today.year - 18, 1, 1),
        )
        .filter(working_age_q(today - dt.timedelta(days=400)), working_age_q(today))
        .exclude(pk__in=working)
        .order_by("id_number_index")[:n]
    )


@seeder("rural bases, supports and monitoring exchange", order=66)
@transaction.atomic
def demo_rural(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo rural program; returns how many bases (0 when already there)."""
    if RuralBase.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"rural-{seed}")
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    if not towns:
        return 0
    employers = list(Employer.objects.filter(archived_at__isnull=True).order_by("uscc")[:3])
    departments = list(Department.objects.filter(disabled_at__isnull=True).order_by("code")[:4])
    bases = []
    for number, (name, kind, industry) in enumerate(BASES):
        town = towns[number % len(towns)]
        employer = employers[number] if number < len(employers) else None
        base = services.base_create(
            by=None,
            name=f"{town.name}{name}",
            kind=kind,
            industry=industry,
            region=town,
            address=f"{town.name}{rng.randint(1, 30)}组",
            employer=employer,
            operator_name="" if employer else f"{town.name}{name[:2]}专业合作社",
            contact_name=rng.choice(["王建国", "李秀英", "张伟", "刘芳"]),
            contact_phone=f"1390000{rng.randint(1000, 9999)}",
            established_on=today - dt.timedelta(days=rng.randint(200, 900)),
            driven=rng.randint(3, 25),
        )
        bases.append(base)
        for kind_, text, (low, high) in rng.sample(SUPPORTS, rng.randint(1, 3)):
            services.support_add(
                base=base,
                by=None,
                kind=kind_,
                amount=Decimal(rng.randint(low, high)) if high else None,
                date=today - dt.timedelta(days=rng.randint(10, 180)),
                department=rng.choice(departments) if departments else None,
                description=text,
            )
        if employer is None:
            continue
        for person in _workers(town, today, rng.randint(2, 5)):
            try:
                employment_open(
                    person=person,
                    by=None,
                    source=Source.STAFF,
                    form=EmploymentForm.QUOTA,
                    employer=employer,
                    job_title=rng.choice(["采摘工", "分拣包装", "编织工", "饲养员"]),
                    start_date=today - dt.timedelta(days=rng.randint(30, 400)),
                )
            except ValidationError:
                continue
    _serve_monitored(rng, today)
    return len(bases)


def _serve_monitored(rng: random.Random, today: dt.date) -> None:
    """送岗入户 and 送技术下乡 for some monitored persons, and their needs sent out once."""
    types = list(ServiceType.objects.filter(code__in=["jobs_to_home", "skills_to_villages"]))
    monitored = list(
        Person.objects.filter(archived_at__isnull=True, monitoring_risk_eliminated__isnull=True)
        .exclude(monitoring_category="")
        .order_by("id_number_index")[:60]
    )
    for person in monitored:
        if not types or rng.random() < 0.5:
            continue
        try:
            service_record_create(
                person=person,
                service_type=rng.choice(types),
                by=None,
                date=today - dt.timedelta(days=rng.randint(1, 120)),
                channel=Channel.HOME_VISIT,
                notes="送岗位信息和技术资料到户",
            )
        except ValidationError:
            continue
    services.exchange_exported(persons=monitored, by=None, on=today - dt.timedelta(days=60))
