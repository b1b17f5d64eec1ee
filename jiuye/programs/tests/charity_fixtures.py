"""A small world of action 三 for the tests: an organization and a project in 东城街道 (town A)
with 张三 (person_a) as a beneficiary, and a leader of 东城 who brought 李明 into work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import TOWN_A, register_person
from jiuye.employers.models import Employer
from jiuye.employment.models import EmploymentForm, EmploymentRecord, Source
from jiuye.employment.services import employment_open
from jiuye.people.models import Person
from jiuye.programs.models.charity import (
    CharityProject,
    EmploymentLeader,
    Organization,
    OrganizationKind,
    ProjectKind,
)
from jiuye.programs.services import charity as services
from jiuye.reference.models import Region


def organization(name: str = "东城盲人协会", town: str = TOWN_A, **extra: Any) -> Organization:
    found = Organization.objects.filter(name=name).first()
    return found or services.organization_create(
        by=None,
        name=name,
        kind=extra.pop("kind", OrganizationKind.BLIND),
        region=Region.objects.get(code=town),
        **extra,
    )


def project(
    name: str = "东城助残就业公益项目",
    town: str = TOWN_A,
    start: dt.date = dt.date(2025, 3, 1),
    **extra: Any,
) -> CharityProject:
    found = CharityProject.objects.filter(name=name).first()
    if found:
        return found
    if "organiser_department" not in extra:
        extra.setdefault("organiser_organization", organization())
    return services.project_create(
        by=None,
        name=name,
        kind=ProjectKind.PROJECT,
        start_date=start,
        region=Region.objects.get(code=town),
        **extra,
    )


def job(person: Person, start: dt.date, employer: Employer | None = None) -> EmploymentRecord:
    values: dict[str, Any] = {"form": EmploymentForm.QUOTA}
    if employer is None:
        values["employer_name"] = "东城电商工作室"
    else:
        values["employer"] = employer
    return employment_open(person=person, by=None, source=Source.STAFF, start_date=start, **values)


def leader(person: Person | None = None, **extra: Any) -> EmploymentLeader:
    person = person or register_person(301, "王带头")
    found = EmploymentLeader.objects.filter(person=person).first()
    if found:
        return found
    extra.setdefault("business_name", "王带头电商工作室")
    return services.leader_create(
        by=None, person=person, recognised_on=dt.date(2024, 6, 1), **extra
    )
