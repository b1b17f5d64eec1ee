"""Demo data of medical massage (action 八): a district hospital and a community health centre
registered as medical institutions, qualified blind practitioners (training's demo gives some a
medical massage certificate) employed there, and applications at each stage of approval."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jiuye.core.demo import seeder
from jiuye.core.validators import uscc_check_char
from jiuye.employers.models import Employer
from jiuye.employers.services.registry import employer_create
from jiuye.employment.models import EmploymentForm, EmploymentRecord, Source
from jiuye.employment.services import employment_open
from jiuye.people.models import Person
from jiuye.people.selectors import working_age_q
from jiuye.programs.models import MassageApplication, MedicalInstitution
from jiuye.programs.services import massage as services
from jiuye.reference.models import Region

INSTITUTIONS = [
    ("示范区人民医院", "12440199MB0MED001", "hospital", "PDY44019912340001"),
    ("东城社区卫生服务中心", "12440199MB0MED002", "community", "PDY44019912340002"),
]


@seeder("programs: medical massage", order=108)
@transaction.atomic
def demo_massage(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo institutions and applications; returns how many applications."""
    if MedicalInstitution.objects.exists() or MassageApplication.objects.exists():
        return 0
    today = today or timezone.localdate()
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    if not towns:
        return 0
    employers = []
    for number, (name, body, kind, licence) in enumerate(INSTITUTIONS):
        uscc = body + uscc_check_char(body)
        employer = Employer.objects.filter(uscc=uscc).first() or employer_create(
            by=None,
            name=name,
            uscc=uscc,
            kind=Employer.Kind.INSTITUTION,
            region=towns[number % len(towns)],
        )
        services.institution_create(by=None, employer=employer, kind=kind, licence_number=licence)
        employers.append(employer)
    busy = EmploymentRecord.objects.filter(end_date__isnull=True, archived_at__isnull=True)
    qualified = list(
        Person.objects.filter(archived_at__isnull=True, massage_qualification__isnull=False)
        .filter(working_age_q(today - dt.timedelta(days=260)))  # of working age at the start
        .exclude(massage_qualification__medical_certificate_number="")
        .exclude(pk__in=busy.values("person_id"))
        .order_by("name")
    )
    for number, person in enumerate(qualified[:2]):
        employment_open(
            person=person,
            by=None,
            source=Source.STAFF,
            form=EmploymentForm.QUOTA,
            employer=employers[number % len(employers)],
            employer_name=employers[number % len(employers)].name,
            job_title="医疗按摩师",
            start_date=today - dt.timedelta(days=200 + number * 60),
            evidence="模拟数据：医疗机构聘用",
        )
    blind = list(
        Person.objects.filter(category__code="1", archived_at__isnull=True)
        .filter(working_age_q(today - dt.timedelta(days=120)))
        .filter(massage_qualification__isnull=True)
        .order_by("name")[:4]
    )
    stages = ["submitted", "accepted", "approved", "refused"]
    made = 0
    for number, person in enumerate(blind):
        kind = "clinic" if number == 1 else "qualification"
        submitted = today - dt.timedelta(days=120 - number * 10)
        application = services.application_submit(
            by=None,
            kind=kind,
            person=person,
            clinic_name=f"{person.name}盲人医疗按摩所" if kind == "clinic" else "",
            authority="区卫生健康局",
            submitted_on=submitted,
        )
        made += 1
        stage = stages[number % len(stages)]
        if stage in ("accepted", "approved"):
            application = services.application_advance(
                application=application,
                by=None,
                version=None,
                status="accepted",
                on=submitted + dt.timedelta(days=7),
            )
        if stage == "approved":
            services.application_advance(
                application=application,
                by=None,
                version=None,
                status="approved",
                on=submitted + dt.timedelta(days=60),
                number=f"YLAM{today.year}{number:04d}",
            )
        if stage == "refused":
            services.application_advance(
                application=application,
                by=None,
                version=None,
                status="refused",
                on=submitted + dt.timedelta(days=10),
                note="考试成绩未达到合格线，下年可再次申请。",
            )
    return made
