"""The whole-year review reads a chunk's lines, their registry persons and the competing claims
in one join (``services.review.review_read``; on PostgreSQL in the worker processes, each on its
own connection in the review's snapshot). Its results must be those of the plain computation:
each declared line looked up on its own (the person by the ID number's index, the other
employers' claims by a query), checked, and the levy computed, declaration by declaration."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from conftest import TOWN_A, make_uscc
from jiuye.employers import services
from jiuye.employers.models import Declaration, DeclaredEmployee, Employer
from jiuye.employers.services.levy import calculate
from jiuye.employers.services.verification import check_employee
from jiuye.employers.tests.declaration_fixtures import YEAR
from jiuye.employers.tests.declaration_fixtures import line as _line
from jiuye.employers.tests.declaration_fixtures import person as _person
from jiuye.people.models import Person
from jiuye.reference.models import Region
from jiuye.reference.selectors import quota_policy, working_age_rule

# Committed data: on PostgreSQL the workers read it on their own connections.
pytestmark = pytest.mark.django_db(transaction=True)

CLAIMING = ("submitted", "returned", "confirmed")


def _generate(seed: int) -> None:
    """Persons with every registry condition (expired certificate, deceased, past working age,
    each grade) and employers declaring them with every line condition (low wage, short
    insurance, a service agreement, dispatched workers counted elsewhere, rulings, persons
    claimed twice, numbers not in the registry, a wrong certificate), in every open status."""
    pick = random.Random(seed)
    town = Region.objects.get(code=TOWN_A)
    persons = [_person(400 + n, grade=1 + n % 4) for n in range(24)]
    for n, who in enumerate(persons):
        change: dict[str, Any] = {}
        if n % 7 == 3:
            change["certificate_valid_until"] = dt.date(YEAR, 6, 30)
        if n % 11 == 5:
            change.update(life_status="deceased", life_status_date=dt.date(YEAR - 1, 3, 1))
        if n % 9 == 4:
            change["birth_date"] = dt.date(1950, 1, 1)
        if change:
            Person.objects.filter(pk=who.pk).update(**change)
    gone = persons[-3:]  # declared, then taken out of the registry
    for n in range(14):
        employer = Employer.objects.create(
            name=f"核验单位{n}",
            uscc=make_uscc(f"91440199MA6T{n:04d}X"),
            kind=pick.choice(["private", "private", "agency", "institution", "soe"]),
            region=town,
        )
        staff = pick.choice([20, 45, 180, 600])
        declaration = services.declaration_start(employer=employer, year=YEAR, by=None)
        declaration = services.declaration_save(
            declaration=declaration, by=None, staff_annual=staff, wage_total=staff * 70000
        )
        for who in pick.sample(persons, pick.randint(1, 4)):
            extra: dict[str, Any] = {}
            roll = pick.random()
            if roll < 0.1:
                extra["monthly_wage"] = Decimal("1800")
            elif roll < 0.2:
                extra["insurance_months"] = 6
            elif roll < 0.25:
                extra["contract_type"] = "service"
            elif roll < 0.35:
                extra.update(dispatched=True, dispatch_agency="某派遣公司", counts_here=False)
            elif roll < 0.4:
                extra["name"] = "别的名字"
            services.employee_add(declaration=declaration, by=None, **_line(who, **extra))
        lines = declaration.employees.all()
        if n % 5 == 1:
            lines.filter(pk=lines.first().pk).update(staff_decision="exclude", staff_note="裁定")
        if n % 5 == 2:
            lines.filter(pk=lines.first().pk).update(staff_decision="count")
        if n % 6 == 0:
            lines.filter(pk=lines.last().pk).update(certificate_index="another")
        if n % 4 != 3:
            services.declaration_submit(declaration=declaration, by=None)
        if n % 8 == 5:
            services.declaration_return(declaration=declaration, by=None, reason="补材料")
    for who in gone:
        Person.objects.filter(pk=who.pk).update(id_number_index=f"gone-{who.pk}")


def _plain_results() -> tuple[dict, dict]:
    """Every open declaration of the year computed the plain way, line by line."""
    declarations, lines = {}, {}
    rule = working_age_rule(dt.date(YEAR, 12, 31))
    for declaration in Declaration.objects.filter(year=YEAR).exclude(
        status__in=["confirmed", "superseded"]
    ):
        employer = declaration.employer
        policy = quota_policy(employer.region_id, YEAR)
        counted = Decimal(0)
        for line in declaration.employees.all():
            person = Person.objects.filter(id_number_index=line.id_number_index).first()
            claims_here = not (line.dispatched and not line.counts_here)
            elsewhere = (
                claims_here
                and DeclaredEmployee.objects.filter(
                    id_number_index=line.id_number_index,
                    declaration__year=YEAR,
                    declaration__status__in=CLAIMING,
                )
                .exclude(dispatched=True, counts_here=False)
                .exclude(declaration__employer=employer)
                .exists()
            )
            result = check_employee(
                line,
                person=person,
                certificate_index=line.certificate_index,
                year=YEAR,
                policy=policy,
                working_age_rule=rule,
                claimed_elsewhere=elsewhere,
            )
            counted += result.counts
            lines[line.pk] = (
                person.pk if person else None,
                result.counts,
                json.loads(json.dumps([c.as_dict() for c in result.checks])),
                elsewhere,
            )
        calc = calculate(
            staff=declaration.staff_annual,
            wage_total=declaration.wage_total,
            counted=counted,
            employer_kind=employer.kind,
            policy=policy,
            year=YEAR,
        )
        declarations[declaration.pk] = (
            policy.pk,
            counted,
            calc.required,
            calc.shortfall,
            calc.levy_before_rounded,
            calc.payable,
            calc.met,
            calc.exempt,
            json.loads(
                json.dumps(
                    [{"label": s.label, "formula": s.formula, "value": s.value} for s in calc.steps]
                )
            ),
        )
    return declarations, lines


def _stored() -> tuple[dict, dict]:
    declarations = {
        row[0]: row[1:]
        for row in Declaration.objects.filter(year=YEAR)
        .exclude(status__in=["confirmed", "superseded"])
        .values_list(
            "pk",
            "policy_id",
            "counted",
            "required",
            "shortfall",
            "levy_before",
            "levy_payable",
            "met",
            "exempt",
            "steps",
        )
    }
    lines = {
        row[0]: row[1:]
        for row in DeclaredEmployee.objects.filter(declaration__pk__in=declarations).values_list(
            "pk", "person_id", "counts", "checks", "conflict"
        )
    }
    return declarations, lines


@pytest.mark.parametrize("seed", [1, 2])
def test_the_review_gives_the_plain_per_line_results(reference, seed: int) -> None:  # noqa: ANN001
    _generate(seed)
    # Results unlike any the review computes, and no digests.
    Declaration.objects.update(counted=77, levy_payable=1, steps=[], review_digest="")
    DeclaredEmployee.objects.update(counts=0, checks=[], conflict=False, person=None)
    expected = _plain_results()
    assert any(conflict for *_rest, conflict in expected[1].values())
    assert any(person is None for person, *_rest in expected[1].values())
    assert {counts for _p, counts, *_rest in expected[1].values()} >= {0, 1, 2}
    codes = {
        (check["code"], check["status"])
        for _p, _c, checks, _e in expected[1].values()
        for check in checks
    }
    for code in ("certificate", "certificate_valid", "alive", "working_age", "wage", "dispatch"):
        assert (code, "fail" if code != "dispatch" else "note") in codes
    out = StringIO()
    call_command("quota_review", year=YEAR, chunk=3, workers=2, stdout=out)
    assert out.getvalue().startswith(f"year {YEAR}: reviewed {len(expected[0])}, recomputed ")
    assert _stored() == expected
    # Again through this process alone, everything recomputed: the same.
    call_command("quota_review", year=YEAR, all=True, workers=1, stdout=StringIO())
    assert _stored() == expected
