"""Demo employment records for the synthetic district (manage.py demo_data): about a third of
working-age persons employed in the CDPF forms, some jobs ended, a few new forms of employment.
Deterministic for a seed; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone

from jiuye.core.audit import audit_bulk
from jiuye.core.demo import seeder
from jiuye.core.tallies import mark_dirty
from jiuye.employment.models import (
    ContractType,
    EmploymentForm,
    EmploymentRecord,
    EndReason,
    NewFormSubtype,
    Source,
)
from jiuye.people.models import HukouType, Person
from jiuye.people.selectors import working_age_q

DEMO_EVIDENCE = "模拟数据"
EMPLOYERS = [
    "东城惠民电子厂",
    "西城福康食品有限公司",
    "南岭物业服务中心",
    "北湖印务有限公司",
    "示范区社区卫生服务中心",
    "阳光盲人按摩店",
    "康泰服装加工厂",
    "区图书馆",
]
JOBS = {
    EmploymentForm.QUOTA: ["装配工", "质检员", "文员", "保洁员", "网络客服"],
    EmploymentForm.CONCENTRATED: ["包装工", "缝纫工", "按摩师"],
    EmploymentForm.SELF_EMPLOYED: ["小卖部经营", "修鞋摊", "网店店主", "理发"],
    EmploymentForm.PUBLIC_WELFARE: ["保洁", "巡查员", "图书管理"],
    EmploymentForm.AUXILIARY: ["手工编织", "简单组装"],
    EmploymentForm.FLEXIBLE: ["快递分拣", "直播助理", "居家客服", "外卖配送"],
    EmploymentForm.FARMING: ["蔬菜种植", "生猪养殖", "果园管理", "农产品加工"],
}
FORMS = [
    (EmploymentForm.QUOTA, 0.26),
    (EmploymentForm.CONCENTRATED, 0.07),
    (EmploymentForm.SELF_EMPLOYED, 0.14),
    (EmploymentForm.PUBLIC_WELFARE, 0.05),
    (EmploymentForm.AUXILIARY, 0.06),
    (EmploymentForm.FLEXIBLE, 0.24),
    (EmploymentForm.FARMING, 0.18),
]
NEW_FORMS = [
    NewFormSubtype.LIVESTREAM,
    NewFormSubtype.ECOMMERCE,
    NewFormSubtype.DELIVERY,
    NewFormSubtype.CLOUD_SERVICE,
]


def _pick_form(rng: random.Random, rural: bool) -> str:
    weights = [w * (2.0 if rural and f == EmploymentForm.FARMING else 1.0) for f, w in FORMS]
    return rng.choices([f for f, _w in FORMS], weights=weights)[0]


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


@seeder("employment records", order=10)
@transaction.atomic
def demo_employment(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo employment records; returns how many (0 when they already exist)."""
    if EmploymentRecord.objects.filter(evidence=DEMO_EVIDENCE).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"employment-{seed}")
    persons = (
        Person.objects.filter(archived_at__isnull=True)
        .filter(working_age_q(today))
        .order_by("region_id", "birth_date", "name", "id_number_index")
        .values_list("pk", "birth_date", "hukou_type", "grade_id")
    )
    records = []
    for pk, birth, hukou, grade in persons.iterator(chunk_size=2000):
        # Severe disability (grade 1–2) makes employment rarer.
        chance = 0.22 if grade in (1, 2) else 0.42
        if rng.random() >= chance:
            continue
        form = _pick_form(rng, hukou == HukouType.RURAL)
        earliest = max(dt.date(2015, 1, 1), dt.date(birth.year + 18, birth.month, 1))
        if earliest >= today:
            continue
        start = _day_between(rng, earliest, today)
        end = None
        if rng.random() < 0.18:
            end = _day_between(rng, start, today)
        has_employer = form in (
            EmploymentForm.QUOTA,
            EmploymentForm.CONCENTRATED,
            EmploymentForm.PUBLIC_WELFARE,
            EmploymentForm.AUXILIARY,
        )
        contract = ContractType.FIXED if has_employer else ContractType.NONE
        records.append(
            EmploymentRecord(
                person_id=pk,
                form=form,
                new_form_subtype=(
                    rng.choice(NEW_FORMS)
                    if form == EmploymentForm.FLEXIBLE and rng.random() < 0.5
                    else ""
                ),
                employer_name=rng.choice(EMPLOYERS) if has_employer else "",
                job_title=rng.choice(JOBS[form]),
                start_date=start,
                end_date=end,
                end_reason=rng.choice(EndReason.values) if end else "",
                contract_type=contract,
                contract_months=rng.choice([12, 24, 36]) if has_employer else None,
                monthly_wage=Decimal(rng.randrange(1900, 6500, 50)),
                social_insurance=has_employer and rng.random() < 0.9,
                source=rng.choice([Source.VERIFICATION, Source.DEPARTMENT, Source.IMPORT]),
                evidence=DEMO_EVIDENCE,
            )
        )
    EmploymentRecord.objects.bulk_create(records, batch_size=2000)
    # Straight to the table, so the coverage tallies are told here (ADR 0005).
    ids = list({r.person_id for r in records})
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        mark_dirty(
            Person.objects.filter(pk__in=chunk).values_list("region_id", flat=True).distinct()
        )
    audit_bulk(
        model=EmploymentRecord,
        changes=(
            (r, {"form": (None, r.form), "start_date": (None, r.start_date)}) for r in records
        ),
        action=LogEntry.Action.CREATE,
        batch=f"demo_data seed={seed}",
    )
    return len(records)
