"""Demo casework for the synthetic district (manage.py demo_data): last year and this year of
verifications, needs registrations and services, with coverage that differs by town so the
worklist and the gaps mean something; assistance visits to hard-to-employ persons; an
Employment Assistance Month campaign per year; a public-welfare post per town.
Deterministic for a seed; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jiuye.accounts.models import Role, User
from jiuye.casework import services
from jiuye.casework.models import (
    Campaign,
    Channel,
    NeedsRecord,
    NotWantingReason,
    Outcome,
    PublicWelfarePost,
    ServiceRecord,
    ServiceType,
    TargetGroup,
    WantsWork,
)
from jiuye.casework.selectors import action_population
from jiuye.core.audit import audit_bulk
from jiuye.core.demo import seeder
from jiuye.core.tallies import mark_dirty
from jiuye.people.models import Person, WishToWork
from jiuye.reference.models import Region

KEY_PREFIX = "demo-"
SERVICES = [
    ("job_recommendation", 0.35),
    ("career_guidance", 0.2),
    ("policy_publicity", 0.2),
    ("training_referral", 0.12),
    ("entrepreneurship_support", 0.05),
    ("psychological_support", 0.04),
    ("other", 0.04),
]
CHANNELS = [
    (Channel.HOME_VISIT, 0.45),
    (Channel.PHONE, 0.35),
    (Channel.WINDOW, 0.15),
    (Channel.ONLINE, 0.05),
]
JOB_WISHES = ["保洁", "网络客服", "手工制作", "按摩", "仓库管理", "电商运营", "门卫", "种植养殖"]


def _pick(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


class _Writer:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.count = 0
        self.records: list[ServiceRecord] = []
        self.villages: set[str] = set()  # of the persons written for
        self.needs: list[NeedsRecord] = []
        self.types = {t.code: t for t in ServiceType.objects.all()}
        self.officers = {
            u.town_id: u for u in User.objects.filter(role=Role.TOWN, town__isnull=False)
        }

    def service(
        self, person_id: object, region: str, code: str, day: dt.date, channel: str, notes: str
    ) -> ServiceRecord:
        self.count += 1
        self.villages.add(region)
        officer = self.officers.get(region[:9] + "000")
        record = ServiceRecord(
            person_id=person_id,
            service_type=self.types[code],
            date=day,
            channel=channel,
            notes=notes,
            outcome=Outcome.DONE,
            officer=officer,
            officer_name=officer.display_name if officer else "镇街残联专干",
            idempotency_key=f"{KEY_PREFIX}{self.seed}-{self.count}",
        )
        self.records.append(record)
        return record

    def needs_registration(
        self, person_id: object, region: str, year: int, day: dt.date, **needs: Any
    ) -> None:
        """The needs registration service of the day and the year's needs it recorded."""
        record = self.service(
            person_id, region, "needs_registration", day, Channel.HOME_VISIT, "登记就业需求"
        )
        self.needs.append(
            NeedsRecord(
                person_id=person_id, year=year, registered_on=day, service_record=record, **needs
            )
        )


def _year(rng: random.Random, writer: _Writer, year: int, today: dt.date) -> set[object]:
    """One year of the verify–register–serve duty over the year's population."""
    last = min(dt.date(year, 12, 20), today)
    district = Region.objects.get(level=Region.Level.COUNTY)
    population = action_population(region=district, year=year, today=today).order_by(
        "region_id", "birth_date", "name", "id_number_index"
    )
    towns = sorted({code[:9] for code in population.values_list("region_id", flat=True)})
    # Towns differ: the first verify nearly everyone, the last about half.
    profile = {t: 0.95 - 0.45 * i / max(1, len(towns) - 1) for i, t in enumerate(towns)}
    touched: set[object] = set()
    wishes: dict[str, list[object]] = {WishToWork.YES: [], WishToWork.NO: []}
    for pk, region, wish, hte in population.values_list(
        "pk", "region_id", "wish_to_work", "hard_to_employ_date"
    ):
        rate = profile[region[:9]]
        if rng.random() >= rate:
            continue
        touched.add(pk)
        verified = _day(rng, dt.date(year, 1, 10), last)
        writer.service(pk, region, "verification", verified, _pick(rng, CHANNELS), "核对基本信息")
        if wish == WishToWork.UNKNOWN:
            wish = WishToWork.YES if rng.random() < 0.5 else WishToWork.NO
            wishes[wish].append(pk)
        if wish == WishToWork.YES and rng.random() < rate:
            registered = _day(rng, verified, min(verified + dt.timedelta(days=20), last))
            writer.needs_registration(
                pk,
                region,
                year,
                registered,
                wants_work=WantsWork.YES,
                desired_jobs=rng.choice(JOB_WISHES),
                remote_ok=rng.random() < 0.3,
            )
            if rng.random() < rate:
                for _n in range(rng.randint(1, 3)):
                    day = _day(rng, registered, last)
                    writer.service(
                        pk, region, _pick(rng, SERVICES), day, _pick(rng, CHANNELS), "提供服务"
                    )
        elif wish == WishToWork.NO and rng.random() < 0.4:
            reasons = [NotWantingReason.HEALTH, NotWantingReason.FAMILY, NotWantingReason.SEVERE]
            writer.needs_registration(
                pk,
                region,
                year,
                verified,
                wants_work=WantsWork.NO,
                not_wanting_reason=rng.choice(reasons),
            )
        if hte is not None and rng.random() < 0.7:
            # Visits to hard-to-employ persons, many in the Employment Assistance Month.
            january = dt.date(year, 1, 5) <= today
            start, end = (
                (dt.date(year, 1, 5), dt.date(year, 2, 5))
                if january
                else (
                    dt.date(year, 1, 1),
                    last,
                )
            )
            if rng.random() < 0.4:
                start, end = dt.date(year, 1, 1), last
            day = _day(rng, start, min(end, last))
            writer.service(pk, region, "assistance_visit", day, Channel.HOME_VISIT, "援助走访")
    for wish, ids in wishes.items():
        Person.objects.filter(pk__in=ids).update(wish_to_work=wish, version=F("version") + 1)
    return touched


def _campaign(year: int, today: dt.date) -> None:
    start, end = dt.date(year, 1, 5), dt.date(year, 2, 5)
    if start > today or Campaign.objects.filter(name=f"{year}年就业援助月").exists():
        return
    hte = Counter(
        code[:9] + "000"
        for code in Person.objects.filter(
            archived_at__isnull=True, hard_to_employ_date__isnull=False
        ).values_list("region_id", flat=True)
    )
    services.campaign_save(
        by=None,
        name=f"{year}年就业援助月",
        start_date=start,
        end_date=min(end, today),
        target_groups=[TargetGroup.HARD_TO_EMPLOY, TargetGroup.MONITORED],
        description="走访就业困难残疾人，送政策、送岗位、送服务。",
        service_types=[],
        quotas={town: max(1, round(n * 0.6)) for town, n in hte.items()},
    )


def _posts(rng: random.Random, today: dt.date) -> None:
    if PublicWelfarePost.objects.exists() or today < dt.date(today.year, 3, 1):
        return
    year = today.year
    for town in Region.objects.filter(level=Region.Level.TOWN).order_by("code"):
        post = services.post_save(
            by=None,
            unit=f"{town.name}社区服务中心",
            region=town,
            title="公益性岗位（保洁巡查）",
            count=3,
            funding_start=dt.date(year, 1, 1),
            funding_end=dt.date(year, 12, 31),
            monthly_subsidy=2300,
            funder="区就业补助资金",
        )
        candidates = list(
            action_population(region=town, year=year, today=today)
            .filter(wish_to_work=WishToWork.YES)
            .order_by("birth_date", "name")[:2]
        )
        for person in candidates[: rng.randint(1, 2)]:
            services.post_place(
                post=post,
                person=person,
                start_date=_day(rng, dt.date(year, 3, 1), min(dt.date(year, 6, 30), today)),
                by=None,
            )


@seeder("service records", order=30)
@transaction.atomic
def demo_casework(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo casework; returns the number of service records (0 if already there)."""
    if ServiceRecord.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"casework-{seed}")
    writer = _Writer(seed)
    touched: dict[int, set[object]] = {}
    # Three years, so the plan dashboard's last plan year (2024 for the 2022–2024 plan, while
    # that is at most two years ago) has figures too.
    for year in (today.year - 2, today.year - 1, today.year):
        touched[year] = _year(rng, writer, year, today)
    ServiceRecord.objects.bulk_create(writer.records, batch_size=2000)
    NeedsRecord.objects.bulk_create(writer.needs, batch_size=2000)
    # Written straight to the tables (and the wishes above): tallies counted before are
    # recounted, not moved by the deltas of ``recompute_cases`` below (ADR 0005).
    mark_dirty(writer.villages)
    audit_bulk(
        model=ServiceRecord,
        changes=(
            (r, {"service_type": (None, r.service_type_id), "date": (None, r.date)})
            for r in writer.records
        ),
        action=LogEntry.Action.CREATE,
        batch=f"demo_data seed={seed}",
    )
    for year, ids in touched.items():
        services.recompute_cases(ids, [year])
    for year in (today.year - 2, today.year - 1, today.year):
        _campaign(year, today)
    _posts(rng, today)
    return len(writer.records)
