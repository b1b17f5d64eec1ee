"""Reads of action 三: organizations, leaders and the jobs they bring, charity projects and
their beneficiaries; and the action's plan indicators.

Organizations are organisational data: administrators, district staff, leaders and department
liaisons read every one, a town officer those of their town. Projects are read the same way,
except that a liaison reads the projects their department organises. Leaders, their jobs and
beneficiaries are personal data, scoped like the person (``core.scoping``): administrators,
district staff and town officers only.

Indicators (action 3), each of a region and a year:
- ``programs.organizations_active``: organizations located in the region, not archived and
  active now (the status keeps no history, so every year shows today's count);
- ``programs.charity_projects``: projects and activities located in the region that started in
  the year;
- ``programs.charity_beneficiaries``: persons of the region who benefited from a project or
  activity that started in the year (each person once);
- ``programs.leader_driven_jobs``: persons of the region brought into work by a leader, whose
  linked employment record started in the year (each person once).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import Role
from jiuye.core.indicators import CountOf, declare_figures, figures_of, indicator, page_url
from jiuye.core.scoping import scope_for, town_prefix
from jiuye.people.models import Person
from jiuye.programs.models.charity import (
    CharityBeneficiary,
    CharityProject,
    EmploymentLeader,
    LeaderJob,
    Organization,
    OrganizationStatus,
)
from jiuye.reference.models import Region

STAFF = (Role.ADMIN, Role.DISTRICT, Role.TOWN, Role.LEADER, Role.DEPARTMENT)
PERSONAL = (Role.ADMIN, Role.DISTRICT, Role.TOWN)
# Beneficiary rows that count (a row taken off a project is archived).
LIVE = Q(beneficiaries__archived_at__isnull=True)


def organizations_visible(user: Any) -> QuerySet[Organization]:
    role = getattr(user, "role", None)
    if role == Role.TOWN:
        return scope_for(user, Organization)
    if role in STAFF:
        return Organization.objects.all()
    return Organization.objects.none()


def projects_visible(user: Any) -> QuerySet[CharityProject]:
    if getattr(user, "role", None) in STAFF:
        return scope_for(user, CharityProject)
    return CharityProject.objects.none()


def leaders_visible(user: Any) -> QuerySet[EmploymentLeader]:
    if getattr(user, "role", None) in PERSONAL:
        return scope_for(user, EmploymentLeader)
    return EmploymentLeader.objects.none()


def beneficiaries_visible(user: Any) -> QuerySet[CharityBeneficiary]:
    if getattr(user, "role", None) in PERSONAL:
        return scope_for(user, CharityBeneficiary)
    return CharityBeneficiary.objects.none()


def organization_search(
    qs: QuerySet[Organization], *, q: str = "", kind: str = "", status: str = "", town: str = ""
) -> QuerySet[Organization]:
    if q:
        qs = qs.filter(name__contains=q)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if town:
        qs = qs.filter(region__code__startswith=town_prefix(town))
    return qs


def organizations_for_list(qs: QuerySet[Organization]) -> QuerySet[Organization]:
    """Organizations with their region and how many projects (not archived) they organise."""
    return (
        qs.select_related("region")
        .annotate(n_projects=Count("projects", filter=Q(projects__archived_at__isnull=True)))
        .order_by("name", "pk")
    )


def project_search(
    qs: QuerySet[CharityProject],
    *,
    q: str = "",
    kind: str = "",
    year: int | None = None,
    town: str = "",
) -> QuerySet[CharityProject]:
    if q:
        qs = qs.filter(name__contains=q)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(start_date__year=year)
    if town:
        qs = qs.filter(region__code__startswith=town_prefix(town))
    return qs


def projects_for_list(qs: QuerySet[CharityProject]) -> QuerySet[CharityProject]:
    """Projects with their organiser and region, and their outcomes counted from the
    beneficiary rows: beneficiaries, trained, placed, started a business."""
    return (
        qs.select_related("region", "organiser_organization", "organiser_department")
        .annotate(
            n_beneficiaries=Count("beneficiaries", filter=LIVE),
            n_trained=Count("beneficiaries", filter=LIVE & Q(beneficiaries__trained=True)),
            n_placed=Count("beneficiaries", filter=LIVE & Q(beneficiaries__placed=True)),
            n_started=Count("beneficiaries", filter=LIVE & Q(beneficiaries__started_business=True)),
        )
        .order_by("-start_date", "name", "pk")
    )


def project_beneficiaries(user: Any, project: CharityProject) -> QuerySet[CharityBeneficiary]:
    """The project's beneficiaries the user may see, by name."""
    return (
        beneficiaries_visible(user)
        .filter(project=project, archived_at__isnull=True)
        .select_related("person__region")
        .order_by("person__name", "pk")
    )


def leader_search(
    qs: QuerySet[EmploymentLeader], *, q: str = "", town: str = ""
) -> QuerySet[EmploymentLeader]:
    if q:
        qs = qs.filter(
            Q(person__name__contains=q)
            | Q(business_name__contains=q)
            | Q(employer__name__contains=q)
        )
    if town:
        qs = qs.filter(person__region__code__startswith=town_prefix(town))
    return qs


def leaders_for_list(qs: QuerySet[EmploymentLeader]) -> QuerySet[EmploymentLeader]:
    return (
        qs.select_related("person__region", "employer")
        .annotate(n_jobs=Count("jobs"))
        .order_by("person__name", "pk")
    )


def leader_jobs(user: Any, leader: EmploymentLeader) -> QuerySet[LeaderJob]:
    """The jobs the leader brought whose person the user may see."""
    return (
        scope_for(user, LeaderJob)
        .filter(leader=leader)
        .filter(record__person__in=scope_for(user, Person))
        .select_related("record__person__region", "record__employer")
        .order_by("-record__start_date", "pk")
    )


# --- indicators -----------------------------------------------------------------------------


def _counts(region: Region, year: int) -> dict[str, Any]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    prefix = region.prefix
    projects = CharityProject.objects.filter(
        archived_at__isnull=True, start_date__range=(start, end)
    )
    counts: dict[str, QuerySet[Any]] = {
        "organizations_active": Organization.objects.filter(
            archived_at__isnull=True,
            status=OrganizationStatus.ACTIVE,
            region__code__startswith=prefix,
        ).values("pk"),
        "charity_projects": projects.filter(region__code__startswith=prefix).values("pk"),
        "charity_beneficiaries": CharityBeneficiary.objects.filter(
            archived_at__isnull=True,
            project__in=projects.values("pk"),
            person__region__code__startswith=prefix,
        )
        .values("person_id")
        .distinct(),
        "leader_driven_jobs": LeaderJob.objects.filter(
            leader__archived_at__isnull=True,
            record__archived_at__isnull=True,
            record__start_date__range=(start, end),
            record__person__region__code__startswith=prefix,
        )
        .values("record__person_id")
        .distinct(),
    }
    return {name: CountOf(qs) for name, qs in counts.items()}


@declare_figures("programs.charity")
def _expressions(region: Region, year: int) -> dict[str, Any]:
    return _counts(region, year)


def _figure(region: Region, year: int, name: str) -> int:
    return figures_of(region, year, "programs.charity").get(name) or 0


@indicator(
    code="programs.organizations_active",
    name=_("正常开展活动的残疾人组织和助残组织数"),
    name_en="Active organizations of and for persons with disabilities",
    unit=_("个"),
    action=3,
    records_url=page_url("programs:organizations"),
)
def organizations_active(region: Region, year: int) -> int:
    return _figure(region, year, "organizations_active")


@indicator(
    code="programs.charity_projects",
    name=_("开展就业公益慈善项目和活动数"),
    name_en="Charity projects and activities on employment",
    unit=_("个"),
    action=3,
    records_url=page_url("programs:charity-projects", year="year"),
)
def charity_projects(region: Region, year: int) -> int:
    return _figure(region, year, "charity_projects")


@indicator(
    code="programs.charity_beneficiaries",
    name=_("公益慈善项目和活动受益残疾人数"),
    name_en="Persons benefiting from charity projects and activities",
    unit=_("人"),
    action=3,
    records_url=page_url("programs:charity-projects", year="year"),
)
def charity_beneficiaries(region: Region, year: int) -> int:
    return _figure(region, year, "charity_beneficiaries")


@indicator(
    code="programs.leader_driven_jobs",
    name=_("就业创业带头人带动就业人数"),
    name_en="Persons brought into work by employment and entrepreneurship leaders",
    unit=_("人"),
    action=3,
    records_url=page_url("programs:leaders"),
)
def leader_driven_jobs(region: Region, year: int) -> int:
    return _figure(region, year, "leader_driven_jobs")


def leader_jobs_visible(user: Any) -> QuerySet[LeaderJob]:
    """Links of leaders to the jobs they brought, for those who see leaders (scoped like the
    leader)."""
    if getattr(user, "role", None) in PERSONAL:
        return scope_for(user, LeaderJob)
    return LeaderJob.objects.none()
