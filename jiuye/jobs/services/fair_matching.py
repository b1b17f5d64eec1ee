"""Matching a whole job fair ("为全场招聘会匹配", issue 19) as a background task, the way the
annual report runs (``dashboards.services.report``): the task ranks every posting of the fair
among the fair's registered seekers in the asking user's scope (``rank_fair``), reports its
progress to the progress cache, which the page polls, and keeps the result, encrypted, in the
project's storage under the user's own folder, so only they can read or export it.

A job is known by its token; what the page needs while it runs (who asked, the fair, phase,
postings done of all) is in the progress cache for a day. The result holds what the page and
the export show (names, places, scores and each reason in words), not the whole records.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext_lazy as _lazy
from django_tasks import task

from jiuye.core.scoping import scope_for
from jiuye.core.userjobs import UserJobs
from jiuye.jobs.models import Fair
from jiuye.jobs.selectors.fair_matching import FAIR_LIMIT, FairRanking, rank_fair
from jiuye.people.models import Person

JOBS = UserJobs(
    "fair_matching",
    folder="fair_matching",
    suffix=".json",
    interrupted=_lazy("匹配中断：后台进程已停止（可能是服务器重启）。请重新匹配。"),
    failed=_lazy("匹配失败：系统内部错误，已记录，请联系管理员。"),
)


def fair_matching_job(token: str, user: Any) -> dict[str, Any] | None:
    """The job ``token`` if ``user`` started it (anyone else: None). A running job whose worker
    stopped reporting is ended as failed."""
    return JOBS.of(token, user)


def fair_matching_start(*, user: Any, fair: Fair) -> str:
    """Queue the matching of ``fair`` for ``user``; the job's token."""
    return JOBS.start(user, fair_matching_task, fair=str(fair.pk), fair_name=fair.name)


def _result(ranking: FairRanking) -> dict[str, Any]:
    """What the page and the export show of a ranking, as JSON."""
    postings = []
    for posting, result in ranking.rows:
        postings.append(
            {
                "id": str(posting.pk),
                "title": posting.title,
                "employer": posting.employer.name,
                "region": posting.region.name,
                "considered": result.considered,
                "excluded": [[text, n] for text, n in result.excluded],
                "candidates": [
                    {
                        "id": str(person.pk),
                        "name": person.name,
                        "region": person.region.name,
                        "category": person.category.name if person.category_id else "",
                        "score": match.score,
                        "reasons": match.reasons_data(),
                    }
                    for person, match in result.results
                ],
            }
        )
    return {
        "registered": ranking.registered,
        "seekers": ranking.seekers,
        "limit": FAIR_LIMIT,
        "weights": ranking.weights,
        "postings": postings,
    }


@task()
def fair_matching_task(token: str) -> str:
    """Rank a queued job's fair (by the task worker; immediately in tests)."""

    def work(job: dict[str, Any], progress: Any) -> bytes:
        user = get_user_model().objects.get(pk=job["user"])
        fair = Fair.objects.get(pk=job["fair"])
        with translation.override(settings.LANGUAGE_CODE):
            ranking = rank_fair(fair=fair, persons=scope_for(user, Person), progress=progress)
            return json.dumps(_result(ranking), ensure_ascii=False).encode()

    return JOBS.run(token, work)


def fair_matching_result(*, token: str, user: Any) -> dict[str, Any] | None:
    """The finished result of ``user``'s job ``token``, or None."""
    data = JOBS.read(token, user)
    return None if data is None else json.loads(data)
