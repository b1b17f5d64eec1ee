"""Demo employers and their annual declarations (manage.py demo_data): every employer type,
agencies and institutions with two years of confirmed declarations (so year-on-year flags
appear), enterprises over and under quota, exempt small enterprises, a person claimed by two
employers, a person the registry does not know, a returned declaration and a draft, CSR
reports, and last year's disclosure published. Deterministic for a seed; a second run adds
nothing."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiuye.accounts.demo import DEMO_PASSWORD, demo_uscc
from jiuye.accounts.models import Role, User
from jiuye.core.dates import years_after
from jiuye.core.demo import seeder
from jiuye.core.validators import USCC_CHARSET, resident_id_check_char, uscc_check_char
from jiuye.employers import services
from jiuye.employers.models import CsrReport, Declaration, Employer, Industry
from jiuye.employers.services.declarations import disclosure_publish
from jiuye.employers.services.signup import application_submit
from jiuye.people.models import LifeStatus, Person
from jiuye.people.selectors import working_age_q
from jiuye.reference.models import Region

# (name, kind, USCC prefix, staff, how many disabled employees to declare)
EMPLOYERS = [
    ("示范区民政局", Employer.Kind.AGENCY, "11", 80, 2),
    ("示范区人力资源和社会保障局", Employer.Kind.AGENCY, "11", 120, 1),
    ("示范区教育局", Employer.Kind.AGENCY, "11", 60, 0),
    ("示范区卫生健康局", Employer.Kind.AGENCY, "11", 25, 1),
    ("示范区人民医院", Employer.Kind.INSTITUTION, "12", 900, 12),
    ("示范区第一中学", Employer.Kind.INSTITUTION, "12", 210, 2),
    ("示范区图书馆", Employer.Kind.INSTITUTION, "12", 40, 1),
    ("示范区城市管理服务中心", Employer.Kind.INSTITUTION, "12", 150, 3),
    ("示范区城投集团有限公司", Employer.Kind.SOE, "91", 640, 6),
    ("示范区公交有限公司", Employer.Kind.SOE, "91", 380, 8),
    ("东城惠民电子厂", Employer.Kind.PRIVATE, "91", 260, 2),
    ("西城福康食品有限公司", Employer.Kind.PRIVATE, "91", 180, 4),
    ("南岭物业服务有限公司", Employer.Kind.PRIVATE, "91", 420, 3),
    ("北湖印务有限公司", Employer.Kind.PRIVATE, "91", 95, 0),
    ("青山电商产业园有限公司", Employer.Kind.PRIVATE, "91", 140, 5),
    ("康泰服装加工厂", Employer.Kind.PRIVATE, "91", 60, 4),
    ("白沙小微科技有限公司", Employer.Kind.PRIVATE, "91", 18, 0),
    ("龙泉农产品合作社", Employer.Kind.PRIVATE, "93", 26, 0),
    ("示范区残疾人福利基金会", Employer.Kind.SOCIAL, "53", 15, 1),
    ("阳光盲人按摩店", Employer.Kind.SOLE_TRADER, "92", 8, 3),
]


def _uscc(prefix: str, number: int) -> str:
    body = (
        f"{prefix}440199"
        + "".join(USCC_CHARSET[(number * 7 + i * 3) % len(USCC_CHARSET)] for i in range(8))
        + "0"
    )
    first17 = body[:17]
    return first17 + uscc_check_char(first17)


def _stranger_id(seq: int) -> str:
    first17 = f"440199198805{seq:02d}9{seq % 10}1"[:17]
    return first17 + resident_id_check_char(first17)


@seeder("employer declarations", order=20)
@transaction.atomic
def demo_employers(*, seed: int, today: dt.date | None = None) -> int:
    """Create the demo employers and declarations; returns how many declarations (0 when
    they are already there)."""
    if Declaration.objects.exists() or Employer.objects.filter(name=EMPLOYERS[0][0]).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"employers-{seed}")
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))
    last, before = today.year - 1, today.year - 2
    candidates = list(
        Person.objects.filter(
            archived_at__isnull=True,
            life_status=LifeStatus.ACTIVE,
            grade__isnull=False,
            category__isnull=False,
        )
        .exclude(certificate_number="")
        .filter(working_age_q(dt.date(last, 12, 31)))
        .filter(working_age_q(dt.date(before, 12, 31)))
        .filter(certificate_valid_until__isnull=True)
        .order_by("region_id", "birth_date", "name")[:400]
    )
    rng.shuffle(candidates)
    pool = iter(candidates)
    employers = []
    for number, (name, kind, prefix, staff, disabled) in enumerate(EMPLOYERS, start=1):
        employer = Employer.objects.create(
            name=name,
            uscc=_uscc(prefix, number),
            kind=kind,
            industry=rng.choice(Industry.values),
            region=towns[number % len(towns)],
            address=f"示范区建设路{number}号",
            contact_name="人事专员",
            contact_phone=f"0201234{number:04d}",
            is_concentrated=name in ("康泰服装加工厂", "阳光盲人按摩店"),
        )
        employers.append((employer, staff, list(itertools.islice(pool, disabled))))

    def line(person: Person, **extra: object) -> dict[str, object]:
        values = {
            "name": person.name,
            "id_number": person.id_number,
            "certificate_number": person.certificate_number,
            "contract_type": "open_ended" if rng.random() < 0.4 else "fixed",
            # Not before the person's 16th birthday (some turn 16 during that year).
            "contract_start": max(
                dt.date(before, rng.randint(1, 12), 1), years_after(person.birth_date, 16)
            ),
            "contract_end": None,
            "on_establishment": False,
            "monthly_wage": Decimal(rng.randrange(2600, 7000, 100)),
            "insurance_months": 12,
        }
        values.update(extra)
        return values

    def declare(employer: Employer, year: int, staff: int, lines: list[dict]) -> Declaration:
        declaration = services.declaration_start(employer=employer, year=year, by=None)
        wages = Decimal(staff) * Decimal(rng.randrange(60000, 160000, 1000))
        declaration = services.declaration_save(
            declaration=declaration, by=None, staff_annual=staff, wage_total=wages
        )
        for values in lines:
            services.employee_add(declaration=declaration, by=None, **values)
        return services.declaration_compute(declaration)

    made = 0
    public = [e for e in employers if e[0].is_public_sector]
    # Agencies and institutions: two years confirmed; one loses a person the second year.
    for index, (employer, staff, persons) in enumerate(public):
        for year in (before, last):
            keep = persons[:-1] if (year == last and index == 0) else persons
            lines = [line(p, on_establishment=employer.kind == Employer.Kind.AGENCY) for p in keep]
            declaration = declare(employer, year, staff, lines)
            services.declaration_submit(declaration=declaration, by=None)
            services.declaration_confirm(declaration=declaration, by=None)
            made += 1
    others = [e for e in employers if not e[0].is_public_sector]
    shared = others[1][2][0] if others[1][2] else None
    for index, (employer, staff, persons) in enumerate(others):
        lines = [line(p) for p in persons]
        if index == 0 and shared is not None:
            lines.append(line(shared))  # the person another employer also declares
        if index == 2 and (persons or shared is not None):
            stranger = _stranger_id(index)
            lines.append(
                {
                    **line(persons[0] if persons else shared),
                    "name": "未登记人员",
                    "id_number": stranger,
                    "certificate_number": f"{stranger}42",
                }
            )
        if index == 3 and persons:
            lines[0]["monthly_wage"] = Decimal("1800")  # under the minimum wage
        declaration = declare(employer, last, staff, lines)
        made += 1
        if index == 4:
            continue  # a draft the employer is still filling in
        services.declaration_submit(declaration=declaration, by=None)
        if index == 5:
            services.declaration_return(
                declaration=declaration, by=None, reason="请补充劳动合同复印件和社保缴费明细。"
            )
        elif index not in (0, 1, 2):
            services.declaration_confirm(declaration=declaration, by=None)
        if employer.kind in (Employer.Kind.SOE, Employer.Kind.PRIVATE) and index % 2 == 0:
            CsrReport.objects.create(
                employer=employer,
                year=last,
                includes_disability=index % 4 == 0,
                link=f"https://example.org/csr/{last}/{index}",
            )
    # The demo employer account's own employer has a draft to finish (the persona can try it).
    own = Employer.objects.filter(uscc=demo_uscc()).first()
    spare = list(itertools.islice(pool, 2))
    if own is not None and spare:
        declare(own, last, 120, [line(p) for p in spare])
        made += 1
    disclosure_publish(year=before, by=None)
    return made


@seeder("employer of the demo accounts", order=20, command="load_demo")
def demo_account_employer() -> list:
    """The employer the employer account is bound to, made once."""
    if not Employer.objects.filter(uscc=demo_uscc()).exists():
        employer = Employer(
            name="示范科技有限公司",
            uscc=demo_uscc(),
            kind=Employer.Kind.PRIVATE,
            region=Region.objects.get(code="440199001000"),
        )
        employer.full_clean()
        employer.save()
    return []


DEMO_APPLICANT = "unit-applicant"


@seeder("employer sign-up waiting for verification", order=36, command="load_demo")
def demo_employer_signup() -> list:
    """A sign-up in the district's "待核实" list (its account, ``unit-applicant``, sees only its
    application), and the demo employer account made its unit's administrator."""
    User.objects.filter(username="employer", role=Role.EMPLOYER).update(employer_admin=True)
    if not User.objects.filter(username=DEMO_APPLICANT).exists():
        application_submit(
            uscc=_uscc("93", 9001),
            name="城南手工艺合作社",
            contact_name="孙丽",
            contact_phone="13900139000",
            town_code="440199002000",
            username=DEMO_APPLICANT,
            password=DEMO_PASSWORD,
        )
    return []
