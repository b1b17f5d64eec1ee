"""Rows of the URL × role access matrix for the job-fair pages (see core/tests/test_url_matrix.py).

The world: a fair held in 东城街道 with employer_a (the employer persona's) taking part. Every
staff role and the job seeker read fairs; the employer reads the fairs it takes part in; district
staff and 东城's officer run this one (西城's officer may read it but not change it: 403); the
seekers page is for the roles that handle personal data; the export for staff roles."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiuye.core.tests.matrix import ALL, Kwargs, access, alike
from jiuye.jobs.models import Fair, FairKind
from jiuye.jobs.services import fairs
from jiuye.reference.models import Region

RUNNERS = {"admin", "district", "town_a"}
PERSONAL = {"admin", "district", "town_a", "town_b"}
STAFF = {"admin", "district", "liaison", "town_a", "town_b", "leader"}


def _fair(w: dict[str, Any]) -> Fair:
    found = Fair.objects.filter(name="矩阵招聘会").first()
    if found:
        return found
    fair = fairs.fair_create(
        by=None,
        name="矩阵招聘会",
        kind=FairKind.ONSITE,
        date=timezone.localdate(),
        place="东城文化中心",
        region=Region.objects.get(code="440199001000"),
        organiser="区残联",
        target_groups=[],
        description="",
    )
    fairs.fair_add_employer(fair=fair, employer=w["personas"]["employer"].employer, by=None)
    return fair


def _match_job(w: dict[str, Any]) -> dict[str, Any]:
    """A finished matching of the fair by the district user (tasks run at once in tests)."""
    from jiuye.jobs.services.fair_matching import fair_matching_start

    fair = _fair(w)
    if "fair_match_token" not in w:
        w["fair_match_token"] = fair_matching_start(user=w["personas"]["district"], fair=fair)
    return {"pk": fair.pk, "token": w["fair_match_token"]}


NONE: Kwargs = lambda w: {}  # noqa: E731
FAIR: Kwargs = lambda w: {"pk": _fair(w).pk}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "jobs:fairs": (NONE, access(set(ALL))),
    "jobs:fair-create": (NONE, access(PERSONAL)),
    "jobs:fair": (FAIR, access(set(ALL))),
    "jobs:fair-edit": (FAIR, access(RUNNERS)),
    "jobs:fair-participants": (FAIR, access(RUNNERS)),
    "jobs:fair-seekers": (FAIR, access(PERSONAL)),
    # A job seeker registers themself (POST only: a GET is 405); nobody else may.
    "jobs:fair-register": (FAIR, access({"jobseeker"}, ok=405)),
    "jobs:fairs-export": (NONE, access(STAFF)),
    # 为全场招聘会匹配 (POST only: a GET is 405); a job belongs to the user who started it.
    "jobs:fair-match": (FAIR, access(PERSONAL, ok=405)),
    **alike(
        _match_job,
        access(PERSONAL, admin=404, town_a=404, town_b=404),
        "jobs:fair-match-job",
        "jobs:fair-match-progress",
        "jobs:fair-match-export",
    ),
}
