"""Rows of the URL x role access matrix for the postings pages (core/tests/test_url_matrix.py).

The employer persona is bound to employer_a (东城街道). A published posting of employer_a in
东城街道 is read by every role; its draft is seen only by those who write it (district staff,
administrators, 东城's officer and the employer): 404 for the others who may write postings
(西城's officer), 403 for roles that never write (leader, liaison, job seeker)."""

from __future__ import annotations

from typing import Any

from conftest import VILLAGE_A
from jiuye.core.tests.matrix import ALL, Kwargs, access
from jiuye.jobs.models import Hours, Posting, PostingStatus
from jiuye.jobs.services.postings import posting_create, posting_submit
from jiuye.reference.models import Region

WRITERS = {"admin", "district", "town_a", "town_b", "employer"}
REVIEWERS = {"admin", "district"}
EXPORTERS = {"admin", "district", "liaison", "town_a", "town_b", "leader"}


def _posting(w: dict[str, Any], title: str, status: str) -> Posting:
    employer = w["personas"]["employer"].employer
    found = Posting.objects.filter(employer=employer, title=title).first()
    if found is not None:
        return found
    posting = posting_create(
        by=None,
        status=PostingStatus.PUBLISHED if status == PostingStatus.PUBLISHED else "draft",
        employer=employer,
        title=title,
        region=Region.objects.get(code=VILLAGE_A),
        hours=Hours.FULL_TIME,
        openings=2,
    )
    if status == PostingStatus.REVIEW:
        posting = posting_submit(posting=posting, by=None)
    return posting


PUBLISHED: Kwargs = lambda w: {"pk": _posting(w, "矩阵已发布岗位", "published").pk}  # noqa: E731
DRAFT: Kwargs = lambda w: {"pk": _posting(w, "矩阵草稿岗位", "draft").pk}  # noqa: E731
REVIEW: Kwargs = lambda w: {"pk": _posting(w, "矩阵待审核岗位", "review").pk}  # noqa: E731
NONE: Kwargs = lambda w: {}  # noqa: E731

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "jobs:postings": (NONE, access(set(ALL))),
    "jobs:posting-create": (NONE, access(WRITERS)),
    "jobs:posting": (PUBLISHED, access(set(ALL))),
    "jobs:posting-edit": (DRAFT, access(WRITERS, town_b=404)),
    "jobs:posting-submit": (DRAFT, access({"employer"}, ok=405)),
    "jobs:posting-review": (REVIEW, access(REVIEWERS)),
    "jobs:posting-status": (PUBLISHED, access(WRITERS, ok=405)),
    "jobs:posting-archive": (PUBLISHED, access(WRITERS, town_b=403)),
    "jobs:postings-export": (NONE, access(EXPORTERS)),
    "jobs:posting-review-queue": (NONE, access(REVIEWERS)),
}
