"""Rows of the URL x role access matrix for the matching pages (see core/tests/test_url_matrix.py).

The posting is a published one of employer_a in 东城街道: every staff role can see it, but only
administrators, district staff and town officers rank candidates (a town officer of 西城街道 too:
the posting is published, and the pool is their own town). The person is person_a (东城街道, the
job seeker persona's own record): town_b does not see them (404)."""

from __future__ import annotations

from typing import Any

from jiuye.core.tests.matrix import Kwargs, access
from jiuye.jobs.models import Hours, Posting, PostingStatus

RANKERS = {"admin", "district", "town_a", "town_b"}
PERSON_READERS = {"admin", "district", "town_a", "jobseeker"}
PLANNERS = {"admin", "district"}


def _posting(w: dict[str, Any]) -> Posting:
    from jiuye.jobs.services.postings import posting_create

    employer = w["personas"]["employer"].employer
    found = Posting.objects.filter(employer=employer, title="矩阵岗位").first()
    return found or posting_create(
        by=None,
        status=PostingStatus.PUBLISHED,
        employer=employer,
        title="矩阵岗位",
        region=employer.region,
        hours=Hours.FULL_TIME,
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
POSTING: Kwargs = lambda w: {"pk": _posting(w).pk}  # noqa: E731
PERSON: Kwargs = lambda w: {"pk": w["personas"]["jobseeker"].person_id}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "jobs:match-posting": (POSTING, access(RANKERS)),
    "jobs:match-person": (PERSON, access(PERSON_READERS, town_b=404)),
    "jobs:match-weights": (NONE, access(PLANNERS)),
}
