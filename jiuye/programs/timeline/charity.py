"""Action 三 on the person page's timeline: the charity projects and activities the person
benefited from (with what came of it), their recognition as an employment or entrepreneurship
leader, and a job a leader brought them. Staff who keep personal data get links to the project
and leader pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.accounts.models import PERSONAL_DATA_ROLES
from jiuye.core.timeline import Entry, EntryKind, provider, stamp
from jiuye.programs.models.charity import CharityBeneficiary, EmploymentLeader, LeaderJob
from jiuye.programs.services.charity import may_keep

CHARITY = EntryKind("charity", gettext_lazy("公益项目"))
LEADER = EntryKind("leader", gettext_lazy("带头人"))


def _outcomes(row: CharityBeneficiary) -> str:
    parts = [
        str(label)
        for done, label in (
            (row.trained, _("参加培训")),
            (row.placed, _("实现就业")),
            (row.started_business, _("自主创业")),
        )
        if done
    ]
    return _("成效：%(list)s") % {"list": "、".join(parts)} if parts else ""


def _linked(user: Any, region_code: str) -> bool:
    """Whether the user opens the page a link leads to (its record is in their scope). The
    person page is already scoped, so the rows themselves are in the user's scope."""
    return getattr(user, "role", None) in PERSONAL_DATA_ROLES and may_keep(user, region_code)


def _beneficiary_reads(person: Any) -> dict[str, Any]:
    rows = CharityBeneficiary.objects.filter(person=person, archived_at__isnull=True)
    related = ("project__organiser_organization", "project__organiser_department")
    return {"beneficiaries": rows.select_related(*related)}


# One provider per model, each declaring it: a person who is only a beneficiary reads one
# model, not three.
@provider(concerns=((CharityBeneficiary, "person"),), reads=_beneficiary_reads)
def beneficiary_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    entries: list[Entry] = []
    for row in rows["beneficiaries"]:
        project = row.project
        url = (
            reverse("programs:charity-project", args=[project.pk])
            if _linked(user, project.region_id)
            else ""
        )
        title = _("受益于%(kind)s：%(name)s（%(organiser)s）") % {
            "kind": project.get_kind_display(),
            "name": project.name,
            "organiser": project.organiser,
        }
        entries.append(
            CHARITY.entry(
                row.joined_on,
                title,
                detail=_outcomes(row),
                url=url,
                archived=project.is_archived,
                sort_key=stamp(row.created_at),
            )
        )
    return entries


def _leader_reads(person: Any) -> dict[str, Any]:
    return {"leaders": EmploymentLeader.objects.filter(person=person).select_related("employer")}


@provider(concerns=((EmploymentLeader, "person"),), reads=_leader_reads)
def leader_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    entries: list[Entry] = []
    for leader in rows["leaders"]:
        linked = _linked(user, person.region_id)
        url = reverse("programs:leader", args=[leader.pk]) if linked else ""
        title = _("认定为就业创业带头人：%(business)s") % {"business": leader.business}
        entries.append(
            LEADER.entry(
                leader.recognised_on,
                title,
                url=url,
                archived=leader.is_archived,
                sort_key=stamp(leader.created_at),
            )
        )
    return entries


def _leader_job_reads(person: Any) -> dict[str, Any]:
    jobs = LeaderJob.objects.filter(record__person=person)
    return {"jobs": jobs.select_related("leader__person", "leader__employer", "record")}


@provider(concerns=((LeaderJob, "record__person"),), reads=_leader_job_reads)
def leader_job_entries(person: Any, user: Any, rows: dict[str, list[Any]]) -> list[Entry]:
    entries: list[Entry] = []
    for job in rows["jobs"]:
        leader_region = job.leader.person.region_id
        linked = _linked(user, leader_region)
        url = reverse("programs:leader", args=[job.leader_id]) if linked else ""
        title = _("由带头人 %(name)s（%(business)s）带动就业") % {
            "name": job.leader.person.name,
            "business": job.leader.business,
        }
        entries.append(
            LEADER.entry(
                job.record.start_date,
                title,
                url=url,
                archived=job.leader.is_archived,
                sort_key=stamp(job.created_at),
            )
        )
    return entries
