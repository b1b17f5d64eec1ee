"""Rows of the URL × role access matrix for action 三's pages (see
core/tests/test_url_matrix.py).

The world: an organization and a project (organised by it) in 东城街道 with the job seeker's
person as a beneficiary, and a leader of 东城. Staff read organizations and projects (西城's
officer gets 404 for 东城's; the liaison reads organizations, and projects only of their own
department: 404 here); 东城's officer, district staff and administrators keep them, and the
liaison registers projects (of their department, test_charity_liaison.py); leaders,
beneficiaries and their exports are personal data (admin, district and town officers; 西城's
officer: 404 for 东城's records)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiuye.core.tests.matrix import PERSONAL, STAFF, Kwargs, access
from jiuye.programs.services import charity as services
from jiuye.programs.tests import charity_fixtures as fx

KEEPERS = {"admin", "district", "town_a"}


def _project(w: dict[str, Any]) -> Any:
    project = fx.project()
    if not project.beneficiaries.exists():
        services.beneficiary_save(
            project=project, person=w["personas"]["jobseeker"].person, by=None
        )
    return project


NONE: Kwargs = lambda w: {}  # noqa: E731
ORGANIZATION: Kwargs = lambda w: {"pk": fx.organization().pk}  # noqa: E731
PROJECT: Kwargs = lambda w: {"pk": _project(w).pk}  # noqa: E731
LEADER: Kwargs = lambda w: {"pk": fx.leader().pk}  # noqa: E731
BENEFICIARY: Kwargs = lambda w: {"pk": _project(w).beneficiaries.get().pk}  # noqa: E731


def _leader_job(w: dict[str, Any]) -> Any:
    leader = fx.leader()
    found = leader.jobs.first()
    if found:
        return found
    record = fx.job(w["personas"]["jobseeker"].person, dt.date(2025, 2, 1))
    return services.leader_job_link(leader=leader, record=record, by=None)


LEADER_JOB: Kwargs = lambda w: {"pk": _leader_job(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "programs:organizations": (NONE, access(STAFF)),
    "programs:organization-create": (NONE, access(PERSONAL)),
    "programs:organizations-export": (NONE, access(STAFF)),
    "programs:organization": (ORGANIZATION, access(STAFF, town_b=404)),
    "programs:organization-edit": (ORGANIZATION, access(KEEPERS, town_b=404)),
    "programs:charity-projects": (NONE, access(STAFF)),
    "programs:charity-project-create": (NONE, access(PERSONAL | {"liaison"})),
    "programs:charity-projects-export": (NONE, access(STAFF)),
    "programs:charity-project": (PROJECT, access(STAFF, town_b=404, liaison=404)),
    "programs:charity-project-edit": (PROJECT, access(KEEPERS, town_b=404, liaison=404)),
    "programs:charity-beneficiary-add": (PROJECT, access(KEEPERS, town_b=404)),
    "programs:charity-beneficiaries-export": (PROJECT, access(KEEPERS, town_b=404)),
    "programs:charity-beneficiary-remove": (BENEFICIARY, access(KEEPERS, town_b=404)),
    "programs:charity-beneficiaries-template": (NONE, access(PERSONAL)),
    "programs:charity-beneficiaries-upload": (PROJECT, access(KEEPERS, town_b=404)),
    "programs:charity-beneficiaries-upload-save": (PROJECT, access(PERSONAL, ok=405)),
    "programs:leaders": (NONE, access(PERSONAL)),
    "programs:leader-create": (NONE, access(PERSONAL)),
    "programs:leaders-export": (NONE, access(PERSONAL)),
    "programs:leader": (LEADER, access(KEEPERS, town_b=404)),
    "programs:leader-edit": (LEADER, access(KEEPERS, town_b=404)),
    "programs:leader-job-add": (LEADER, access(KEEPERS, town_b=404)),
    "programs:leader-job-remove": (LEADER_JOB, access(KEEPERS, town_b=404)),
}
