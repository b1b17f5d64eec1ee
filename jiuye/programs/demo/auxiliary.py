"""Demo auxiliary employment for the synthetic district (manage.py demo_data): an institution of
each kind spread over the towns, members chosen among working-age persons with intellectual,
psychosocial or severe physical disabilities who have no employment record (their auxiliary
employment records follow through the services), a labour-project bank of enterprise projects
over the last two years, allocations to the institutions, deliveries and monthly income.
Everything goes through the services. Deterministic for a seed; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiuye.core.demo import seeder
from jiuye.core.periods import add_months
from jiuye.people.models import LifeStatus, Person
from jiuye.programs.models.auxiliary import AuxInstitution, InstitutionKind
from jiuye.programs.services import auxiliary as services
from jiuye.reference.models import Region

INSTITUTIONS = [
    ("阳光家园", InstitutionKind.SUNSHINE_HOME, 30),
    ("残疾人之家", InstitutionKind.DISABLED_HOME, 25),
    ("托养中心", InstitutionKind.CARE, 40),
    ("辅助性就业基地", InstitutionKind.AUXILIARY, 35),
    ("职业康复站", InstitutionKind.REHABILITATION, 20),
]
# name, source enterprise, work content, unit, unit price, volume
PROJECTS = [
    (
        "手工串珠饰品",
        "示范区饰品加工厂",
        "按样品串珠、穿线、打结，每件检验后装袋",
        "件",
        "0.50",
        20000,
    ),
    ("纸盒折叠", "示范区包装印刷有限公司", "把印好的纸板折成礼品盒并粘合", "个", "0.30", 30000),
    (
        "电子元件分拣",
        "示范区电子科技有限公司",
        "按颜色和型号分拣元件，计数装盒",
        "盒",
        "1.20",
        8000,
    ),
    ("布艺玩偶填充", "示范区玩具厂", "给玩偶填充棉花并缝口", "只", "0.80", 12000),
    ("中药材分拣", "示范区中药饮片厂", "挑拣杂质，按等级分装", "公斤", "2.00", 5000),
    ("洗车毛巾包装", "示范区日用品公司", "折叠毛巾，贴标签，装袋封口", "包", "0.20", 40000),
]
SUITABLE = ("5", "6", "4")  # 智力、精神、肢体


def _members(rng: random.Random, today: dt.date) -> list[Person]:
    """Working-age persons (18–50) with a suitable category and no employment record."""
    youngest, oldest = add_months(today, -18 * 12), add_months(today, -50 * 12)
    people = list(
        Person.objects.filter(
            archived_at__isnull=True,
            life_status=LifeStatus.ACTIVE,
            category__code__in=SUITABLE,
            birth_date__range=(oldest, youngest),
            employment_records__isnull=True,
        )
        .filter(Q(category__code__in=("5", "6")) | Q(grade__code__in=("1", "2")))
        .select_related("region")
        .order_by("region_id", "birth_date", "name")
    )
    rng.shuffle(people)
    return people


@seeder("auxiliary employment and labour projects", order=65)
@transaction.atomic
def demo_auxiliary(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo institutions, members and projects; returns how many memberships (0 when
    already there)."""
    if AuxInstitution.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"auxiliary-{seed}")
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    if not towns:
        return 0
    institutions = []
    for number, town in enumerate(towns):
        name, kind, capacity = INSTITUTIONS[number % len(INSTITUTIONS)]
        institutions.append(
            services.institution_create(
                by=None,
                name=f"{town.name}{name}",
                kind=kind,
                region=town,
                address=f"{town.name}康乐路{number + 1}号",
                capacity=capacity,
                accessibility=["step_free", "accessible_toilet", "easy_read"][: 1 + number % 3],
                operator=f"{town.name}残联",
                opened_on=add_months(today, -36 - number),
                contact_name="王老师",
                contact_phone=f"020-8{number:03d}1234",
            )
        )
    by_town = {i.region_id[:9]: i for i in institutions}
    memberships = []
    taken: dict[str, int] = {}
    for person in _members(rng, today):
        place = by_town.get(person.region_id[:9])
        if place is None or taken.get(place.pk.hex, 0) >= 6:
            continue
        taken[place.pk.hex] = taken.get(place.pk.hex, 0) + 1
        start = add_months(today, -rng.randint(3, 24))
        end = add_months(start, rng.randint(4, 10)) if rng.random() < 0.2 else None
        if end is not None and end > today:
            end = None
        memberships.append(
            services.membership_create(
                institution=place,
                person=person,
                by=None,
                start_date=start,
                end_date=end,
                hours_per_week=Decimal(rng.choice((12, 16, 20, 24, 30))),
                monthly_income=Decimal(rng.randrange(400, 1400, 50)),
            )
        )
    district = Region.objects.filter(code=settings.JIUYE_DISTRICT_CODE).first() or towns[0]
    for number, (name, source, work, unit, price, volume) in enumerate(PROJECTS):
        collected = add_months(today, -22 + number * 4)
        start = collected + dt.timedelta(days=7)
        project = services.project_create(
            by=None,
            code=f"LX{collected:%Y}-{number + 1:03d}",
            name=name,
            source_name=source,
            work_content=work,
            unit=unit,
            unit_price=Decimal(price),
            volume=volume,
            start_date=start,
            end_date=add_months(start, 8),
            skills="手部动作协调，能按样品完成" if number % 2 else "",
            region=district,
            collected_on=collected,
            suitable_categories=[],
        )
        day = min(start + dt.timedelta(days=3), today)
        if day < start:
            continue
        chosen = rng.sample(institutions, k=min(len(institutions), 2 + number % 2))
        shares = [volume // (len(chosen) + 1)] * len(chosen)  # a part stays unallocated
        for place, share in zip(chosen, shares, strict=True):
            allocation = services.allocation_create(
                project=project, institution=place, by=None, quantity=share, allocated_on=day
            )
            delivered_on = min(day + dt.timedelta(days=rng.randint(10, 40)), today)
            if delivered_on > day:
                services.delivery_create(
                    allocation=allocation,
                    by=None,
                    quantity=share * rng.randint(40, 100) // 100 or 1,
                    delivered_on=delivered_on,
                )
    for membership in memberships:
        last = membership.end_date or today
        month = max(membership.start_date.replace(day=1), add_months(last.replace(day=1), -5))
        while month <= last.replace(day=1):
            amount = (membership.monthly_income or Decimal(600)) + Decimal(
                rng.randrange(-100, 101, 10)
            )
            services.income_record(
                membership=membership, by=None, month=month, amount=max(amount, Decimal(0))
            )
            month = add_months(month, 1)
    return len(memberships)
