"""The registry's demo data: synthetic persons (``synthetic``) and their writing (``persons``),
run first by ``manage.py demo_data``; the persons the demo accounts are bound to, for
``manage.py load_demo``. The apps that build on the registry register their seeders in their own
``demo.py`` (:mod:`jiuye.core.demo`)."""

from __future__ import annotations

import datetime as dt

from jiuye.accounts.demo import PERSONS, demo_id_number
from jiuye.core.demo import seeder
from jiuye.people.models import Person
from jiuye.people.services import id_number_index, person_register
from jiuye.reference.models import DisabilityCategory, DisabilityGrade, Region


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
