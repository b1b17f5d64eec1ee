"""The registry's demo data: synthetic persons (``synthetic``) and their writing (``persons``),
run first by ``manage.py demo_data``; the persons the demo accounts are bound to, for
``manage.py load_demo``. The apps that build on the registry register their seeders in their own
``demo.py`` (:mod:`jiuye.core.demo`)."""

from __future__ import annotations

from jiuye.accounts.demo import PERSONS, demo_id_number
from jiuye.core.demo import seeder
from jiuye.people.models import Person
from jiuye.people.services import id_number_index, person_register
from jiuye.reference.models import Region


@seeder("persons of the demo accounts", order=10, command="load_demo")
def demo_account_persons() -> list:
    """The job seeker account's person and a few more named persons, made once."""
    for name, village, birth, sequence in PERSONS:
        number = demo_id_number(birth, sequence)
        if not Person.objects.filter(id_number_index=id_number_index(number)).exists():
            person_register(name=name, id_number=number, region=Region.objects.get(code=village))
    return []
