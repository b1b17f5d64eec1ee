"""Demo data of action 三 for the synthetic district (manage.py demo_data): the five special
associations, the relatives' association, two social organizations and a service platform
(one of them pausing its activities); charity projects and activities over the last two years,
organised by an organization or by 区残联, each with beneficiaries of its town and what came of
it; and employment and entrepreneurship leaders with the jobs they brought (links to the demo
employment records of persons of their town). Everything goes through the services.
Deterministic for a seed; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiuye.core.demo import seeder
from jiuye.core.periods import add_months
from jiuye.employment.models import EmploymentRecord
from jiuye.people.models import Person
from jiuye.programs.models.charity import (
    LeaderJob,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    ProjectKind,
)
from jiuye.programs.services import charity as services
from jiuye.reference.models import Department, Region

ORGANIZATIONS = [
    ("示范区盲人协会", OrganizationKind.BLIND),
    ("示范区聋人协会", OrganizationKind.DEAF),
    ("示范区肢残人协会", OrganizationKind.PHYSICAL),
    ("示范区智力残疾人及亲友协会", OrganizationKind.INTELLECTUAL),
    ("示范区精神残疾人及亲友协会", OrganizationKind.PSYCHIATRIC),
    ("示范区残疾人亲友会", OrganizationKind.RELATIVES),
    ("示范区阳光助残服务中心", OrganizationKind.SOCIAL),
    ("示范区手拉手助残志愿者协会", OrganizationKind.SOCIAL),
    ("示范区残疾人创业就业孵化基地", OrganizationKind.PLATFORM),
]
# name, organiser (index into ORGANIZATIONS, or None for 区残联), kind, months ago, amount
PROJECTS = [
    ("“点亮心灯”盲人按摩就业帮扶项目", 0, ProjectKind.PROJECT, 20, "80000"),
    ("听障青年电商客服就业公益项目", 1, ProjectKind.PROJECT, 15, "60000"),
    ("助残就业公益创投项目", None, ProjectKind.PROJECT, 11, "150000"),
    ("“就业援助月”残疾人专场招聘活动", None, ProjectKind.ACTIVITY, 9, "20000"),
    ("心智障碍者庇护就业体验活动", 3, ProjectKind.ACTIVITY, 6, "15000"),
    ("残疾人创业能力提升公益项目", 8, ProjectKind.PROJECT, 4, "100000"),
    ("爱心企业助残岗位对接活动", 6, ProjectKind.ACTIVITY, 2, ""),
]
BUSINESSES = ["电商工作室", "盲人按摩店", "手工编织合作社", "便民服务部"]


def _adults(town: Region, today: dt.date) -> list[Person]:
    return list(
        Person.objects.filter(
            archived_at__isnull=True,
            region__code__startswith=town.prefix,
            birth_date__lte=dt.date(today.year - 20, 1, 1),
            birth_date__gte=dt.date(today.year - 55, 1, 1),
        ).order_by("birth_date", "name", "pk")[:200]
    )


@seeder("organizations, charity projects and leaders", order=63)
@transaction.atomic
def demo_charity(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo data of action 三; returns how many records (0 when already there)."""
    if Organization.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"charity-{seed}")
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    if not towns:
        return 0
    organizations = [
        services.organization_create(
            by=None,
            name=name,
            kind=kind,
            region=towns[number % len(towns)],
            address=f"示范区康宁路{number + 1}号",
            contact_name=rng.choice(["王芳", "李强", "陈静", "刘洋"]),
            contact_phone=f"020-8{rng.randrange(10**6, 10**7)}",
            status=OrganizationStatus.INACTIVE if number == 7 else OrganizationStatus.ACTIVE,
        )
        for number, (name, kind) in enumerate(ORGANIZATIONS)
    ]
    count = len(organizations)
    federation = Department.objects.filter(code="cl").first()
    for number, (name, organiser, kind, months, amount) in enumerate(PROJECTS):
        town = towns[number % len(towns)]
        start = add_months(today, -months)
        by_org = organiser is not None or federation is None
        project = services.project_create(
            by=None,
            name=f"{start.year}年{name}",
            kind=kind,
            organiser_organization=organizations[organiser or 0] if by_org else None,
            organiser_department=None if by_org else federation,
            funding_source=rng.choice(["福彩公益金", "区慈善会", "企业捐赠", "残疾人就业保障金"]),
            funding_amount=Decimal(amount) if amount else None,
            start_date=start,
            end_date=start + dt.timedelta(days=1 if kind == ProjectKind.ACTIVITY else 120),
            region=town,
            place=f"{town.name}社区服务中心",
            target_group="有就业意愿的残疾人",
        )
        people = _adults(town, today)
        rng.shuffle(people)
        for person in people[: rng.randint(6, 14)]:
            services.beneficiary_save(
                project=project,
                person=person,
                by=None,
                trained=rng.random() < 0.6,
                placed=rng.random() < 0.3,
                started_business=rng.random() < 0.08,
            )
            count += 1
        count += 1
    return count + _leaders(rng, towns, today)


def _leaders(rng: random.Random, towns: list[Region], today: dt.date) -> int:
    """A leader in each of the first towns, each linked to a few jobs of their town."""
    count = 0
    for number, town in enumerate(towns[:4]):
        people = _adults(town, today)
        if len(people) < 3:
            continue
        person = people[rng.randrange(len(people))]
        leader = services.leader_create(
            by=None,
            person=person,
            business_name=f"{person.name}{BUSINESSES[number % len(BUSINESSES)]}",
            recognised_on=add_months(today, -rng.randint(12, 30)),
        )
        count += 1
        linked = LeaderJob.objects.values("record_id")
        records = list(
            EmploymentRecord.objects.filter(
                archived_at__isnull=True,
                person__region__code__startswith=town.prefix,
                start_date__gte=leader.recognised_on,
            )
            .exclude(person=person)
            .exclude(pk__in=linked)
            .select_related("person")
            .order_by("start_date", "pk")[:20]
        )
        rng.shuffle(records)
        for record in records[: rng.randint(2, 5)]:
            services.leader_job_link(leader=leader, record=record, by=None)
            count += 1
    return count
