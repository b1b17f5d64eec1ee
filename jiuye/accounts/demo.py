"""Demo accounts and a little demo data, so a newcomer can try every role after `make run`.

Everything here is deterministic, so running it again changes nothing, and the printed
passwords, TOTP secrets and recovery codes stay the same from run to run.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuye.accounts.models import Role, User
from jiuye.accounts.services import user_create
from jiuye.core.validators import resident_id_check_char, uscc_check_char
from jiuye.employers.models import Employer
from jiuye.people.models import Person
from jiuye.people.services import id_number_index, person_register
from jiuye.reference.models import Department, Region

DEMO_PASSWORD = "Jiuye-Demo-2026"
DISTRICT_CODE = "440199"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    binding: str = ""  # department code, town code, or "employer"/"jobseeker"


ACCOUNTS = [
    DemoAccount("admin", Role.ADMIN, "系统管理员"),
    DemoAccount("district", Role.DISTRICT, "区残联 王敏"),
    DemoAccount("dept-rsj", Role.DEPARTMENT, "区人社局 李强", "rsj"),
    DemoAccount("town-dongcheng", Role.TOWN, "东城街道 陈芳", "440199001000"),
    DemoAccount("town-xicheng", Role.TOWN, "西城街道 赵磊", "440199002000"),
    DemoAccount("leader", Role.LEADER, "区领导 刘洋"),
    DemoAccount("employer", Role.EMPLOYER, "示范科技 人事部", "employer"),
    DemoAccount("jobseeker", Role.JOBSEEKER, "张晓明", "jobseeker"),
]

# (name, village code, birth date, sequence)
PERSONS = [
    ("张晓明", "440199001001", "19950314", 101),
    ("李秀英", "440199001002", "19880521", 202),
    ("王建国", "440199001003", "19760909", 303),
    ("刘芳", "440199002001", "19920102", 404),
    ("陈伟", "440199002002", "19850717", 505),
    ("杨丽", "440199003201", "19990630", 606),
    ("黄志强", "440199004202", "19811111", 707),
    ("周婷", "440199005203", "20010405", 808),
]


def demo_id_number(birth: str, sequence: int) -> str:
    first17 = f"{DISTRICT_CODE}{birth}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def demo_uscc() -> str:
    first17 = "91440199MA5DJY123"
    return first17 + uscc_check_char(first17)


def demo_totp_key(username: str) -> str:
    return hashlib.sha1(f"jiuye-demo-totp:{username}".encode()).hexdigest()  # noqa: S324


def demo_recovery_codes(username: str) -> list[str]:
    stem = username.replace("-", "")[:6]
    return [f"{stem}demo{n:02d}" for n in range(1, 6)]


def totp_secret(hex_key: str) -> str:
    return base64.b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")


@dataclass
class DemoLogin:
    account: DemoAccount
    created: bool
    totp_secret: str = ""
    recovery_codes: tuple[str, ...] = ()


def _ensure_persons() -> Person:
    first = None
    for name, village, birth, sequence in PERSONS:
        number = demo_id_number(birth, sequence)
        person = Person.objects.filter(id_number_index=id_number_index(number)).first()
        if person is None:
            person = person_register(
                name=name, id_number=number, region=Region.objects.get(code=village)
            )
        first = first or person
    return first


def _ensure_employer() -> Employer:
    employer = Employer.objects.filter(uscc=demo_uscc()).first()
    if employer is None:
        employer = Employer(
            name="示范科技有限公司",
            uscc=demo_uscc(),
            kind=Employer.Kind.PRIVATE,
            region=Region.objects.get(code="440199001000"),
        )
        employer.full_clean()
        employer.save()
    return employer


def _ensure_second_factor(user: User) -> tuple[str, tuple[str, ...]]:
    key = demo_totp_key(user.username)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="totp", key=key, confirmed=True)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery")
    codes = demo_recovery_codes(user.username)
    present = set(device.token_set.values_list("token", flat=True))
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=c) for c in codes if c not in present]
    )
    hex_key = TOTPDevice.objects.get(user=user, confirmed=True).key
    return totp_secret(hex_key), tuple(codes)


def _ensure_reports(users: dict[str, User]) -> None:
    """A few progress reports in every state, so the plan dashboard has something to show."""
    from jiuye.actionplan.models import Plan, ProgressReport, Task
    from jiuye.actionplan.services.reports import report_review, report_save

    plan = Plan.objects.filter(is_current=True).first()
    if plan is None or ProgressReport.objects.filter(task__action__plan=plan).exists():
        return
    rsj = Department.objects.get(code="rsj")
    fair = Task.objects.filter(action__plan=plan, action__number=2, position=1).first()
    month = Task.objects.filter(action__plan=plan, action__number=5, position=4).first()
    if fair is None or month is None:
        return
    liaison, district = users["dept-rsj"], users["district"]
    periods = {p.year: p for p in plan.periods.all()}
    stories = [
        (fair, 2022, "举办残疾人专场招聘会2场，参会企业41家，达成就业意向63人。", "accept"),
        (fair, 2023, "举办专场招聘会3场（含线上1场），参会企业56家。", "accept"),
        (fair, 2024, "举办专场招聘会1场，参会企业22家。", "return"),
        (month, 2024, "就业援助月走访就业困难残疾人118人，推荐岗位74个。", None),
    ]
    for task, year, text, decision in stories:
        if year not in periods:
            continue
        report = report_save(
            task=task,
            period=periods[year],
            department=rsj,
            narrative=text,
            actual_value=None,
            figures="",
            submit=True,
            by=liaison,
        )
        if decision:
            comment = "" if decision == "accept" else "请补充招聘会达成就业意向人数。"
            report_review(report=report, accept=decision == "accept", comment=comment, by=district)


# Action 十 asks every town to verify every working-age unemployed person each year, register
# the needs of those who want work and serve each of them: 100 % is the plan's own target.
# The hard-to-employ visits of action 五 have no number in the plan table; 90 % is the demo's.
DEMO_TARGETS = {
    "casework.verified_rate": 100,
    "casework.needs_rate": 100,
    "casework.served_rate": 100,
    "casework.hte_visited_rate": 90,
}


def _ensure_targets(by: User) -> None:
    """Targets of the casework indicators for every plan year, district and towns."""
    from decimal import Decimal

    from jiuye.actionplan.models import IndicatorTarget, Plan
    from jiuye.actionplan.services.targets import target_set

    plan = Plan.objects.filter(is_current=True).first()
    if plan is None or IndicatorTarget.objects.filter(indicator_code__in=DEMO_TARGETS).exists():
        return
    regions = Region.objects.filter(
        code__startswith=DISTRICT_CODE, level__in=[Region.Level.COUNTY, Region.Level.TOWN]
    )
    for year in plan.years:
        for region in regions:
            for code, value in DEMO_TARGETS.items():
                target_set(
                    indicator_code=code, year=year, region=region, value=Decimal(value), by=by
                )


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Create what is missing of the demo data; leave what exists as it is."""
    jobseeker_person = _ensure_persons()
    employer = _ensure_employer()
    logins = []
    for account in ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        created = user is None
        if created:
            binding = {}
            if account.role == Role.DEPARTMENT:
                binding["department"] = Department.objects.get(code=account.binding)
            elif account.role == Role.TOWN:
                binding["town"] = Region.objects.get(code=account.binding)
            elif account.role == Role.EMPLOYER:
                binding["employer"] = employer
            elif account.role == Role.JOBSEEKER:
                binding["person"] = jobseeker_person
            user, _ = user_create(
                username=account.username,
                role=account.role,
                display_name=account.display_name,
                password=DEMO_PASSWORD,
                **binding,
            )
        login = DemoLogin(account=account, created=created)
        if user.second_factor_required:
            login.totp_secret, login.recovery_codes = _ensure_second_factor(user)
        logins.append(login)
    _ensure_reports(
        {u.username: u for u in User.objects.filter(username__in=["dept-rsj", "district"])}
    )
    _ensure_targets(User.objects.get(username="district"))
    return logins
