"""Demo jobs for the synthetic district (manage.py demo_data): postings across occupations and
new forms of employment (some for graduates and blind persons, some remote), job fairs of the
last two years and one to come, referrals at every step, placements with their follow-ups
(some left their job). Everything goes through the jobs services, so the terms, steps, employment
records and follow-ups are what a user would have produced. Deterministic for a seed; a second
run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiuye.accounts.models import Role, User
from jiuye.core.demo import seeder
from jiuye.core.periods import add_months
from jiuye.employers.models import Employer
from jiuye.employment.models import ContractType, EmploymentForm, EndReason, NewFormSubtype
from jiuye.employment.selectors import employed_on_q
from jiuye.jobs.models import (
    AccessFeature,
    Fair,
    FairKind,
    FairSeeker,
    FollowUp,
    FollowUpOutcome,
    Hours,
    NotHiredReason,
    Posting,
    PostingStatus,
    Referral,
    ReferralChannel,
    ReferralStatus,
    TargetGroup,
)
from jiuye.jobs.services import fairs as fair_services
from jiuye.jobs.services import postings as posting_services
from jiuye.jobs.services import referrals as referral_services
from jiuye.people.models import LifeStatus, Person, WishToWork
from jiuye.reference.models import DisabilityCategory, Region

# title, occupation, hours, wage range, skills, new form, remote, categories, access, groups
POSTINGS: list[tuple[Any, ...]] = [
    (
        "网络客服",
        "4-04",
        Hours.FULL_TIME,
        (3200, 4200),
        ["客服", "普通话", "打字"],
        NewFormSubtype.CLOUD_SERVICE,
        True,
        ["1", "4"],
        ["screen_reader", "flexible_hours"],
        [],
    ),
    (
        "直播带货助理",
        "4-01",
        Hours.FLEXIBLE,
        (3000, 5000),
        ["直播", "电商", "短视频"],
        NewFormSubtype.LIVESTREAM,
        False,
        ["4", "2"],
        ["step_free", "written"],
        ["graduates"],
    ),
    (
        "电商运营专员",
        "4-01",
        Hours.FULL_TIME,
        (3500, 5500),
        ["电商", "网店运营", "Excel"],
        NewFormSubtype.ECOMMERCE,
        True,
        [],
        ["screen_reader", "flexible_hours"],
        ["graduates"],
    ),
    (
        "保健按摩师",
        "4-10",
        Hours.SHIFTS,
        (3500, 6000),
        ["保健按摩", "推拿"],
        "",
        False,
        ["1"],
        ["braille", "job_coach"],
        ["blind"],
    ),
    (
        "医疗按摩师",
        "4-14",
        Hours.FULL_TIME,
        (4500, 7000),
        ["医疗按摩", "推拿", "中医"],
        "",
        False,
        ["1"],
        ["braille"],
        ["blind"],
    ),
    (
        "快递分拣员",
        "4-02",
        Hours.SHIFTS,
        (3000, 3800),
        ["分拣", "扫码"],
        NewFormSubtype.DELIVERY,
        False,
        ["2", "3", "5"],
        ["written", "easy_read", "job_coach"],
        [],
    ),
    (
        "外卖配送员",
        "4-02",
        Hours.FLEXIBLE,
        (4000, 7000),
        ["配送", "电动车"],
        NewFormSubtype.DELIVERY,
        False,
        ["2", "3"],
        ["written", "flexible_hours"],
        [],
    ),
    (
        "仓库管理员",
        "4-02",
        Hours.FULL_TIME,
        (3200, 4200),
        ["仓库管理", "盘点", "Excel"],
        "",
        False,
        ["2", "4"],
        ["step_free", "accessible_toilet"],
        [],
    ),
    (
        "文员",
        "3-01",
        Hours.FULL_TIME,
        (3000, 4000),
        ["文字录入", "办公软件"],
        "",
        False,
        ["2", "4", "3"],
        ["step_free", "accessible_toilet", "written"],
        ["graduates"],
    ),
    (
        "手工编织",
        "6",
        Hours.PART_TIME,
        (1800, 2600),
        ["编织", "手工"],
        "",
        False,
        ["5", "6", "4"],
        ["easy_read", "job_coach", "flexible_hours"],
        ["hard_to_employ"],
    ),
    (
        "保洁员",
        "4-10",
        Hours.PART_TIME,
        (2200, 2800),
        ["保洁"],
        "",
        False,
        ["2", "3", "5"],
        ["easy_read", "job_coach"],
        ["hard_to_employ"],
    ),
    (
        "有声书录制",
        "4-13",
        Hours.FLEXIBLE,
        (2500, 6000),
        ["播音", "普通话", "音频剪辑"],
        NewFormSubtype.PLATFORM,
        True,
        ["1", "4"],
        ["screen_reader", "flexible_hours"],
        ["blind"],
    ),
    (
        "钢琴调律师",
        "4-12",
        Hours.FLEXIBLE,
        (3000, 6000),
        ["钢琴调律", "乐理"],
        "",
        False,
        ["1"],
        ["braille", "flexible_hours"],
        ["blind"],
    ),
    (
        "短视频剪辑",
        "4-04",
        Hours.FLEXIBLE,
        (3000, 6000),
        ["视频剪辑", "短视频", "剪映"],
        NewFormSubtype.SHORT_VIDEO,
        True,
        ["2", "4"],
        ["written", "flexible_hours"],
        ["graduates"],
    ),
    (
        "农产品电商主播",
        "5",
        Hours.FLEXIBLE,
        (2500, 5000),
        ["直播", "农产品", "电商"],
        NewFormSubtype.LIVESTREAM,
        False,
        [],
        ["step_free", "flexible_hours"],
        ["rural"],
    ),
    (
        "质检员",
        "6",
        Hours.FULL_TIME,
        (3300, 4300),
        ["质检", "细心"],
        "",
        False,
        ["2", "4"],
        ["step_free", "written"],
        [],
    ),
]
FAIRS = [
    ("春风行动残疾人专场招聘会", FairKind.ONSITE, -20, ["hard_to_employ", "rural"]),
    ("残疾人高校毕业生网络招聘会", FairKind.ONLINE, -14, ["graduates"]),
    ("就业援助月直播带岗", FairKind.LIVESTREAM, -9, ["hard_to_employ"]),
    ("盲人按摩及新岗位专场", FairKind.ONSITE, -4, ["blind"]),
    ("年末残疾人专场招聘会", FairKind.ONSITE, 1, []),
]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _seekers(today: dt.date) -> list[Person]:
    """Working-age persons who want work and had no job on the first day of the demo period."""
    first = add_months(today, -24)
    return list(
        Person.objects.filter(
            archived_at__isnull=True,
            life_status=LifeStatus.ACTIVE,
            wish_to_work=WishToWork.YES,
            birth_date__lte=dt.date(today.year - 22, 1, 1),
            birth_date__gte=dt.date(today.year - 52, 1, 1),
        )
        .exclude(pk__in=Person.objects.filter(employed_on_q(first)).values("pk"))
        .exclude(pk__in=Person.objects.filter(employed_on_q(today)).values("pk"))
        .order_by("region_id", "birth_date", "name")[:400]
    )


@seeder("postings, fairs and referrals", order=40)
@transaction.atomic
def demo_jobs(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo postings, fairs, referrals and follow-ups; returns how many referrals
    (0 when they are already there)."""
    if Posting.objects.exists() or Fair.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"jobs-{seed}")
    employers = list(Employer.objects.filter(archived_at__isnull=True).order_by("name"))
    if not employers:
        return 0
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    categories = {str(c.code): c for c in DisabilityCategory.objects.all()}
    postings = _postings(rng, employers, categories, today)
    seekers = _seekers(today)
    rng.shuffle(seekers)
    # Recent graduates first, so action 七 has placements to show.
    seekers.sort(key=lambda p: not (p.graduation_year or 0) >= today.year - 2)
    fairs = _fairs(rng, employers, postings, towns, seekers[:120], today)
    return _referrals(rng, postings, fairs, seekers, today)


def _postings(
    rng: random.Random, employers: list[Employer], categories: dict, today: dt.date
) -> list[Posting]:
    made = []
    for number, spec in enumerate(POSTINGS * 2):
        title, occupation, hours, wages, skills, subtype, remote, cats, access, groups = spec
        employer = employers[(number * 7 + 3) % len(employers)]
        deadline = None if number % 3 else add_months(today, rng.choice([1, 2, 3]))
        posting = posting_services.posting_create(
            by=None,
            status=PostingStatus.PUBLISHED,
            employer=employer,
            title=title if number < len(POSTINGS) else f"{title}（第二批）",
            occupation=posting_services.occupation_for(occupation),
            openings=rng.choice([1, 2, 3, 5]),
            region=employer.region,
            is_remote=remote,
            new_form_subtype=subtype,
            hours=hours,
            wage_min=Decimal(wages[0]),
            wage_max=Decimal(wages[1]),
            contract_type=ContractType.FIXED if hours != Hours.FLEXIBLE else ContractType.SERVICE,
            skills=skills,
            requirements="能按时上下班，服从安排。" if number % 2 else "有相关经验者优先。",
            suitable_categories=[categories[c] for c in cats],
            accessibility=[AccessFeature(code) for code in access],
            target_groups=[TargetGroup(code) for code in groups],
            description=f"{employer.name}招聘{title}，欢迎残疾人朋友报名。",
            deadline=deadline,
        )
        made.append(posting)
    # The first batch a year or two ago, the second in the last year: referrals come after.
    for number, posting in enumerate(made):
        months = rng.randint(12, 22) if number < len(POSTINGS) else rng.randint(1, 11)
        day = add_months(today, -months)
        posting.published_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        Posting.objects.filter(pk=posting.pk).update(published_at=posting.published_at)
    # A few for the demo employer account to show the review step.
    account = User.objects.filter(username="employer", role=Role.EMPLOYER).first()
    if account is not None:
        own = account.employer
        draft = posting_services.posting_create(
            by=account,
            status=PostingStatus.REVIEW,
            employer=own,
            title="客服专员（待审核）",
            region=own.region,
            hours=Hours.FULL_TIME,
            skills=["客服", "普通话"],
            accessibility=[AccessFeature.STEP_FREE],
        )
        made.append(draft)
    return [p for p in made if p.status == PostingStatus.PUBLISHED]


def _fairs(
    rng: random.Random,
    employers: list[Employer],
    postings: list[Posting],
    towns: list[Region],
    seekers: list[Person],
    today: dt.date,
) -> list[tuple[Fair, list[Posting]]]:
    made = []
    for number, (name, kind, months, groups) in enumerate(FAIRS):
        date = add_months(today, months)
        fair = fair_services.fair_create(
            by=None,
            name=f"{date.year}年{name}",
            kind=kind,
            date=date,
            place="区残疾人综合服务中心" if kind == FairKind.ONSITE else "示范区就业服务平台",
            region=towns[number % len(towns)],
            organiser="区残联、区人社局",
            target_groups=groups,
            description="面向全区有就业意愿的残疾人。",
        )
        chosen = rng.sample(employers, k=min(len(employers), rng.randint(3, 6)))
        fair_postings: list[Posting] = []
        for employer in chosen:
            fair_services.fair_add_employer(fair=fair, employer=employer, by=None)
            own = [p for p in postings if p.employer_id == employer.pk]
            if own:
                fair_services.fair_set_postings(fair=fair, employer=employer, postings=own, by=None)
                fair_postings.extend(own)
        if date <= today:
            for person in rng.sample(seekers, k=min(len(seekers), 25)):
                seeker = fair_services.fair_register_seeker(
                    fair=fair, person=person, by=None, on=date - dt.timedelta(days=3)
                )
                if rng.random() < 0.7:
                    fair_services.fair_mark_attendance(seeker=seeker, attended=True, by=None)
        made.append((fair, fair_postings))
    return made


def _consent(person: Person) -> None:
    if referral_services.active_consent(person) is None:
        referral_services.consent_give(person=person, by=None)


def _referrals(
    rng: random.Random,
    postings: list[Posting],
    fairs: list[tuple[Fair, list[Posting]]],
    seekers: list[Person],
    today: dt.date,
) -> int:
    count = 0
    # On the day of each fair held, some of those who came apply at a booth.
    for fair, fair_postings in fairs:
        if fair.date > today or not fair_postings:
            continue
        came = FairSeeker.objects.filter(fair=fair, attended=True).select_related("person")
        for seeker in list(came.order_by("person__name"))[:8]:
            _consent(seeker.person)
            try:
                referral = fair_services.fair_refer(
                    seeker=seeker, posting=rng.choice(fair_postings), by=None, on=fair.date
                )
            except ValidationError:  # already put forward for that posting
                continue
            count += 1
            _advance(rng, referral, fair.date, today)
    # The rest are put forward by staff after the posting was published.
    for person in seekers[120:260]:
        _consent(person)
        posting = rng.choice(postings)
        published = timezone.localtime(posting.published_at).date()
        on = _day(rng, published, today - dt.timedelta(days=3))
        referral = referral_services.referral_create(
            person=person, posting=posting, by=None, channel=ReferralChannel.STAFF, on=on
        )
        count += 1
        _advance(rng, referral, on, today)
    return count


def _advance(rng: random.Random, referral: Referral, on: dt.date, today: dt.date) -> None:
    roll = rng.random()
    steps = [ReferralStatus.VIEWED, ReferralStatus.INTERVIEW, ReferralStatus.OFFER]
    reached = on
    for status in steps[: 1 + int(roll * 3)]:
        reached = min(today, reached + dt.timedelta(days=rng.randint(1, 7)))
        referral = referral_services.referral_advance(
            referral=referral, to=status, by=None, on=reached, version=referral.version
        )
    if roll < 0.25:
        referral_services.referral_advance(
            referral=referral,
            to=ReferralStatus.NOT_HIRED,
            by=None,
            on=min(today, reached + dt.timedelta(days=3)),
            version=referral.version,
            reason=rng.choice(NotHiredReason.values),
        )
        return
    if referral.status != ReferralStatus.OFFER or roll > 0.9:
        return
    start = min(today, reached + dt.timedelta(days=rng.randint(3, 14)))
    subtype = referral.posting.new_form_subtype
    referral_services.referral_hire(
        referral=referral,
        by=None,
        start_date=start,
        form=EmploymentForm.FLEXIBLE if subtype else EmploymentForm.QUOTA,
        contract_type=referral.posting.contract_type,
        monthly_wage=referral.posting.wage_min,
        version=referral.version,
    )
    left_after = rng.choice([None, None, None, 2, 5, 9])
    for follow_up in FollowUp.objects.filter(referral=referral).order_by("months"):
        if follow_up.due_on > today:
            break
        if left_after is not None and follow_up.months > left_after:
            left_on = min(today, add_months(start, left_after))
            referral_services.follow_up_record(
                follow_up=follow_up,
                by=None,
                done_on=min(today, follow_up.due_on + dt.timedelta(days=2)),
                outcome=FollowUpOutcome.LEFT,
                left_on=left_on,
                left_reason=rng.choice([EndReason.RESIGNED, EndReason.HEALTH]),
                notes="本人反映工作强度较大。",
            )
            break
        referral_services.follow_up_record(
            follow_up=follow_up,
            by=None,
            done_on=min(today, follow_up.due_on + dt.timedelta(days=2)),
            outcome=FollowUpOutcome.EMPLOYED,
            notes="电话回访，工作稳定。",
        )
