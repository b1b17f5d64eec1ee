"""Demo training for the synthetic district (manage.py demo_data): four providers and bases, a
dozen courses over the last two years and one to come (vocational, e-commerce and livestream,
blind massage, entrepreneurship), enrolments with attendance, completions and drop-outs,
certificates, two skills competitions, and the blind massage shop of the demo employers as an
establishment with its practitioners' qualifications. Everything goes through the training
services; the outcomes (conversion, stability) then follow from the demo employment records.
Deterministic for a seed; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from jiuye.core.demo import seeder
from jiuye.core.periods import add_months
from jiuye.employers.models import Employer
from jiuye.employment.models import (
    EmploymentForm,
    EmploymentRecord,
    EndReason,
    NewFormSubtype,
    Source,
    covering_q,
)
from jiuye.employment.services import employment_end, employment_open
from jiuye.people.models import LifeStatus, Person
from jiuye.people.selectors import working_age_q
from jiuye.reference.models import DisabilityCategory, Region
from jiuye.training.models import (
    CertificateKind,
    CompetitionLevel,
    CourseKind,
    CourseMode,
    DropReason,
    EstablishmentKind,
    HealthMassageLevel,
    MassageTitle,
    Provider,
    ProviderKind,
)
from jiuye.training.services import competitions as competition_services
from jiuye.training.services import courses as course_services
from jiuye.training.services import enrolments as enrolment_services
from jiuye.training.services import massage as massage_services

PROVIDERS = [
    ("示范区残疾人职业技能培训中心", ProviderKind.TRAINING_ORG),
    ("示范区电商直播实训基地", ProviderKind.PRACTICE_BASE),
    ("示范区职业技术学校", ProviderKind.VOCATIONAL_SCHOOL),
    ("示范区盲人按摩实训基地", ProviderKind.MASSAGE_BASE),
]
# title, provider index, kind, mode, categories, months from today to start, weeks, cert
COURSES = [
    ("电商客服技能培训班", 0, CourseKind.ECOMMERCE, CourseMode.MIXED, ["2", "4"], -20, 6,
     CertificateKind.COMPLETION),
    ("直播带货实战班", 1, CourseKind.ECOMMERCE, CourseMode.ONSITE, [], -16, 4,
     CertificateKind.COMPLETION),
    ("短视频拍摄与剪辑", 1, CourseKind.ECOMMERCE, CourseMode.ONLINE, ["2", "4"], -11, 4,
     CertificateKind.COMPLETION),
    ("盲人保健按摩（五级）", 3, CourseKind.HEALTH_MASSAGE, CourseMode.ONSITE, ["1"], -18, 12,
     CertificateKind.HEALTH_MASSAGE),
    ("盲人医疗按摩考前培训", 3, CourseKind.MEDICAL_MASSAGE, CourseMode.ONSITE, ["1"], -9, 10,
     CertificateKind.MEDICAL_MASSAGE),
    ("中式面点师（初级）", 2, CourseKind.VOCATIONAL, CourseMode.ONSITE, ["2", "3", "4"], -14, 8,
     CertificateKind.SKILL_LEVEL),
    ("计算机操作员", 2, CourseKind.VOCATIONAL, CourseMode.MIXED, ["2", "4"], -7, 8,
     CertificateKind.SKILL_LEVEL),
    ("手工编织", 0, CourseKind.VOCATIONAL, CourseMode.ONSITE, ["5", "6"], -5, 6,
     CertificateKind.COMPLETION),
    ("残疾人创业培训（SYB）", 0, CourseKind.ENTREPRENEURSHIP, CourseMode.ONSITE, [], -12, 2,
     CertificateKind.COMPLETION),
    ("网络客服进阶", 1, CourseKind.ECOMMERCE, CourseMode.ONLINE, [], -3, 4,
     CertificateKind.COMPLETION),
    ("盲人保健按摩（四级）", 3, CourseKind.HEALTH_MASSAGE, CourseMode.ONSITE, ["1"], -2, 10,
     CertificateKind.HEALTH_MASSAGE),
    ("农村电商新农人培训", 1, CourseKind.ECOMMERCE, CourseMode.MIXED, [], 1, 4,
     CertificateKind.COMPLETION),
]  # fmt: skip


def _learners(categories: list[str], today: dt.date) -> list[Person]:
    # Adults (18 by the start of the year) of working age today: some find a job after their
    # course, up to today (a woman of 55 may already have reached her retirement age).
    qs = Person.objects.filter(
        archived_at__isnull=True,
        life_status=LifeStatus.ACTIVE,
        birth_date__lte=dt.date(today.year - 18, 1, 1),
    ).filter(working_age_q(today))
    if categories:
        qs = qs.filter(category__code__in=categories)
    return list(qs.order_by("region_id", "birth_date", "name")[:300])


@seeder("training, competitions and massage", order=50)
@transaction.atomic
def demo_training(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo training data; returns how many enrolments (0 when already there)."""
    if Provider.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"training-{seed}")
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    if not towns:
        return 0
    categories = {str(c.code): c for c in DisabilityCategory.objects.all()}
    providers = [
        course_services.provider_create(
            by=None,
            name=name,
            kind=kind,
            region=towns[number % len(towns)],
            address=f"示范区学府路{number + 1}号",
            accessibility=["step_free", "accessible_toilet"],
            designated_year=today.year - 2 + number % 2,
        )
        for number, (name, kind) in enumerate(PROVIDERS)
    ]
    count = 0
    used: set[int] = set()
    for title, index, kind, mode, cats, months, weeks, cert in COURSES:
        start = add_months(today, months)
        end = start + dt.timedelta(weeks=weeks)
        course = course_services.course_create(
            by=None,
            provider=providers[index],
            title=f"{start.year}年{title}",
            kind=kind,
            mode=mode,
            target_categories=[categories[c] for c in cats],
            start_date=start,
            end_date=end,
            hours=weeks * 20,
            places=rng.choice([20, 25, 30]),
            funding_source="残疾人就业保障金",
            certificate_kind=cert,
            certificate_level="五级" if cert == CertificateKind.HEALTH_MASSAGE else "",
        )
        pool = [p for p in _learners(cats, today) if p.pk not in used]
        rng.shuffle(pool)
        for person in pool[: rng.randint(10, 18)]:
            used.add(person.pk)
            count += _learn(rng, course, person, today)
    _competitions(rng, towns, today)
    _massage(rng, towns, today)
    return count


def _learn(rng: random.Random, course: object, person: Person, today: dt.date) -> int:
    enrolled_on = min(today, course.start_date - dt.timedelta(days=rng.randint(3, 20)))
    enrolment = enrolment_services.enrolment_create(
        course=course, person=person, by=None, enrolled_on=enrolled_on
    )
    if course.start_date > today:
        return 1
    last = min(today, course.end_date)
    day = course.start_date
    while day <= last:
        if day.weekday() == 1:  # a session every Tuesday
            enrolment_services.attendance_set(
                enrolment=enrolment, date=day, present=rng.random() < 0.9, by=None
            )
        day += dt.timedelta(days=1)
    if course.end_date > today:
        return 1
    roll = rng.random()
    if roll < 0.12:
        enrolment_services.enrolment_drop(
            enrolment=enrolment,
            by=None,
            on=course.start_date + dt.timedelta(days=7),
            reason=rng.choice([DropReason.HEALTH, DropReason.FAMILY, DropReason.TRANSPORT]),
        )
        return 1
    enrolment = enrolment_services.enrolment_complete(
        enrolment=enrolment, by=None, on=course.end_date, assessment="合格"
    )
    _maybe_employed(rng, course, person, today)
    if course.certificate_kind and roll < 0.8:
        enrolment_services.certificate_add(
            person=person,
            by=None,
            kind=course.certificate_kind,
            level=course.certificate_level,
            number=f"DEMO{course.start_date:%Y%m}{str(enrolment.pk)[:8].upper()}",
            issued_on=min(today, course.end_date + dt.timedelta(days=14)),
            issuer="示范区人力资源和社会保障局",
            enrolment=enrolment,
        )
    return 1


JOBS_AFTER = {
    CourseKind.ECOMMERCE: ("网络客服", EmploymentForm.FLEXIBLE, NewFormSubtype.CLOUD_SERVICE),
    CourseKind.HEALTH_MASSAGE: ("保健按摩师", EmploymentForm.QUOTA, ""),
    CourseKind.MEDICAL_MASSAGE: ("医疗按摩师", EmploymentForm.QUOTA, ""),
    CourseKind.ENTREPRENEURSHIP: ("个体经营", EmploymentForm.SELF_EMPLOYED, ""),
}


def _maybe_employed(rng: random.Random, course: object, person: Person, today: dt.date) -> None:
    """About half of those who complete find a job within the conversion window (some start
    later, some leave before the stability date), so the scorecards have something to rank."""
    if (
        rng.random() > 0.55
        or EmploymentRecord.objects.filter(covering_q(course.start_date), person=person).exists()
    ):
        return
    start = course.end_date + dt.timedelta(days=rng.randint(7, 240))
    if (
        start > today
        or EmploymentRecord.objects.filter(person=person, end_date__isnull=True).exists()
    ):
        return
    title, form, subtype = JOBS_AFTER.get(course.kind, ("操作工", EmploymentForm.QUOTA, ""))
    record = employment_open(
        person=person,
        by=None,
        source=Source.STAFF,
        form=form,
        new_form_subtype=subtype,
        employer_name="" if form == EmploymentForm.SELF_EMPLOYED else "示范区就业服务合作单位",
        job_title=title,
        start_date=start,
        evidence="模拟数据：培训后就业",
    )
    leave = start + dt.timedelta(days=rng.randint(30, 150))
    if rng.random() < 0.25 and leave <= today:
        employment_end(record=record, end_date=leave, end_reason=EndReason.RESIGNED, by=None)


def _competitions(rng: random.Random, towns: list[Region], today: dt.date) -> None:
    for number, (name, level, months) in enumerate(
        [
            ("示范区残疾人职业技能竞赛", CompetitionLevel.DISTRICT, -13),
            ("市残疾人职业技能竞赛（选拔赛）", CompetitionLevel.CITY, -4),
        ]
    ):
        date = add_months(today, months)
        competition = competition_services.competition_create(
            by=None,
            name=f"{date.year}年{name}",
            level=level,
            date=date,
            place="区残疾人综合服务中心",
            organiser="区残联、区人社局",
            region=towns[0],
            trades="电子商务、保健按摩、手工编织、计算机操作",
        )
        entrants = list(
            Person.objects.filter(enrolments__status="completed").distinct().order_by("name")
        )
        rng.shuffle(entrants)
        awards = ["一等奖", "二等奖", "三等奖", "优秀奖", "", ""]
        for place, person in enumerate(entrants[: 8 + number * 4]):
            competition_services.competition_entry_add(
                competition=competition,
                person=person,
                by=None,
                trade=rng.choice(["电子商务", "保健按摩", "手工编织", "计算机操作"]),
                result=f"第{place + 1}名",
                award=awards[min(place, len(awards) - 1)],
            )


def _massage(rng: random.Random, towns: list[Region], today: dt.date) -> None:
    shop = Employer.objects.filter(name="阳光盲人按摩店").first()
    blind = list(
        Person.objects.filter(category__code="1", archived_at__isnull=True).order_by("name")[:12]
    )
    owner = blind[0] if blind else None
    massage_services.establishment_create(
        by=None,
        name="阳光盲人保健按摩中心",
        kind=EstablishmentKind.HEALTH_VENUE,
        licence_number="示保按字2023第018号",
        region=shop.region if shop else towns[0],
        address="示范区建设路6号",
        owner=owner,
        owner_name="" if owner else "王师傅",
        employer=shop,
    )
    massage_services.establishment_create(
        by=None,
        name="示范区盲人医疗按摩所",
        kind=EstablishmentKind.MEDICAL_CLINIC,
        licence_number="PDY44019900123",
        region=towns[1 % len(towns)],
        owner_name="李医师",
    )
    titles = [MassageTitle.JUNIOR, MassageTitle.INTERMEDIATE, ""]
    for number, person in enumerate(blind[:8]):
        medical = number % 3 == 0
        massage_services.qualification_save(
            person=person,
            by=None,
            version=None,
            medical_certificate_number=f"YLAM{2019 + number}{number:04d}" if medical else "",
            medical_certificate_date=dt.date(2019 + number % 5, 6, 30) if medical else None,
            title=titles[number % 3] if medical else "",
            health_level=rng.choice(HealthMassageLevel.values),
        )
