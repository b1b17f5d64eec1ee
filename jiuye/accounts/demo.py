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
from jiuye.core.crypto import resident_id_index
from jiuye.core.demo import seeder, seeders
from jiuye.core.validators import resident_id_check_char, uscc_check_char
from jiuye.reference.models import Department, Region

# accounts sits below the apps its demo accounts are bound to: the models come through the user's
# relations (named by label in accounts.models), the records from those apps' own seeders.
Employer = User._meta.get_field("employer").related_model
Person = User._meta.get_field("person").related_model

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
    DemoAccount("district", Role.DISTRICT, "王敏"),
    DemoAccount("dept-rsj", Role.DEPARTMENT, "李强", "rsj"),
    DemoAccount("town-dongcheng", Role.TOWN, "陈芳", "440199001000"),
    DemoAccount("town-xicheng", Role.TOWN, "赵磊", "440199002000"),
    DemoAccount("leader", Role.LEADER, "刘洋"),
    DemoAccount("employer", Role.EMPLOYER, "人事部 周敏", "employer"),
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
    return [f"{stem}demo{n:02d}" for n in range(1, 11)]


def totp_secret(hex_key: str) -> str:
    return base64.b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")


@dataclass
class DemoLogin:
    account: DemoAccount
    created: bool
    totp_secret: str = ""
    recovery_codes: tuple[str, ...] = ()


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


@seeder("demo accounts", order=30, command="load_demo")
def demo_accounts() -> list[DemoLogin]:
    """One account per role; the employer and job seeker accounts are bound to the demo employer
    and the first demo person, which the employers and people apps' seeders made before."""
    jobseeker_person = Person.objects.get(
        id_number_index=resident_id_index(demo_id_number(*PERSONS[0][2:]))
    )
    employer = Employer.objects.get(uscc=demo_uscc())
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
    return logins


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Create what is missing of the demo data; leave what exists as it is. Every app's
    ``load_demo`` seeder runs in its order (the accounts' persons 10, their employer 20, the
    accounts 30, plan reports and targets 40); the logins are what the accounts seeder returns."""
    logins: list[DemoLogin] = []
    for step in seeders(command="load_demo"):
        logins.extend(step.run() or [])
    return logins
