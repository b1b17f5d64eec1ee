"""The registry's demo data: synthetic persons (``synthetic``) and their writing (``persons``),
run first by ``manage.py demo_data``; the persons the demo accounts are bound to, for
``manage.py load_demo``. The apps that build on the registry register their seeders in their own
``demo.py`` (:mod:`jiuye.core.demo`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiuye.accounts.demo import DEMO_PASSWORD, PERSONS, DemoAccount, DemoLogin, demo_id_number
from jiuye.accounts.models import Role, User
from jiuye.core.demo import seeder
from jiuye.people.models import Person
from jiuye.people.services import id_number_index, person_register
from jiuye.reference.models import DisabilityCategory, DisabilityGrade, Region

# Signed up and waiting for the town (people's registration applications).
APPLICANT = DemoAccount("applicant", Role.APPLICANT, "李秀英")


def _job_seeker(number: str) -> dict:
    """What makes the job seeker account a showcase of its pages: a certificate with its
    category and grade, the wish to work, what they look for and can do, a need at work."""
    today = dt.date.today()
    return {
        "certificate_number": f"{number}43",
        "category": DisabilityCategory.objects.get(code=4),
        "grade": DisabilityGrade.objects.get(code=3),
        "certificate_issued": today.replace(year=today.year - 2, month=3, day=1),
        "certificate_valid_until": today.replace(year=today.year + 8, month=3, day=1),
        "education": "vocational",
        "phone": "13800138001",
        "wish_to_work": "yes",
        "work_preferences": "文员、客服、数据录入",
        "skills": "电脑办公软件、打字、电话沟通",
        "assistive_needs": ["wheelchair", "accessible_toilet"],
    }


@seeder("persons of the demo accounts", order=10, command="load_demo")
def demo_account_persons() -> list:
    """The job seeker account's person and a few more named persons, made once."""
    for position, (name, village, birth, sequence) in enumerate(PERSONS):
        number = demo_id_number(birth, sequence)
        if not Person.objects.filter(id_number_index=id_number_index(number)).exists():
            person_register(
                name=name,
                id_number=number,
                region=Region.objects.get(code=village),
                **(_job_seeker(number) if position == 0 else {}),
            )
    return []


def _applicant(username: str, name: str, number: str, village: str, wish: str) -> Any:
    """A sign-up as the public form makes it (consents to processing and contact), once."""
    from jiuye.people.services import application_submit

    account = User.objects.filter(username=username).first()
    if account is not None:
        return None
    return application_submit(
        name=name,
        id_number=number,
        certificate_number="",
        applying_for_certificate=True,
        phone="13800138002",
        region=Region.objects.get(code=village),
        work_preferences=wish,
        consents=["process_disability_info", "contact"],
        username=username,
        password=DEMO_PASSWORD,
    )


@seeder("self-registration applicant", order=35, command="load_demo")
def demo_applicant() -> list:
    """The applicant login: 李秀英 (registered in 东城, no account of her own) signed up and waits
    for 东城's officer, who links her account to the registered person."""
    name, village, birth, sequence = PERSONS[1]
    created = _applicant(
        APPLICANT.username, name, demo_id_number(birth, sequence), village, "手工编织、包装"
    )
    return [DemoLogin(account=APPLICANT, created=created is not None)]


@seeder("self-registration applications", order=125)
def demo_applications(*, seed: int) -> int:
    """Two sign-ups waiting in the worklists of 东城 and 西城 (numbers nobody registered)."""
    made = 0
    for position, village in enumerate(("440199001001", "440199002001"), start=1):
        number = demo_id_number(f"200{position}0101", 900 + position)
        wish = "仓库分拣" if position == 1 else "电话客服"
        if _applicant(f"demo-applicant-{position}", "申请人", number, village, wish) is not None:
            made += 1
    return made
