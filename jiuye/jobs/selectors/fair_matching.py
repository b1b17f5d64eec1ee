"""Ranking a whole job fair (招聘会): every posting of the fair against the fair's registered
seekers, in one pass (issue 19).

``candidates_for_posting`` ranks one posting in SQL over a pool of up to 100,000 persons; a fair
asks the opposite: a few hundred postings against a thousand or so seekers. Ranking each
posting by itself costs two SQL statements and a re-scoring per posting (20–32 s for 500
postings); here the seekers are read once (one query, their needs registration as annotations)
and every pair is scored in Python by the same rules (``_factors`` and ``_exclusion`` in
``matching.py``), each posting's tables (distance by village, accessibility by needs,
education) worked out once. Only each posting's top rows are explained in words by ``_match``,
the reference. A test holds ``_PairScorer`` equal to ``_match`` on a varied population, and
``rank_fair`` equal to ``candidates_for_posting`` over the same seekers.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jiuye.jobs.models import Fair, FairSeeker, Posting
from jiuye.jobs.selectors.matching import (
    ANY_HOURS,
    DISTANCE_ORDER,
    DISTANCE_SHARES,
    EDUCATION_RANK,
    NEEDS,
    SUITABILITY_OPEN,
    PersonFacts,
    PostingFacts,
    Ranking,
    _distance,
    _exclusion,
    _match,
    _with_latest_needs,
    candidate_pool,
    round_half_up,
    weights,
)
from jiuye.people.models import Person

# How many candidates a posting shows on the fair's page and in its export.
FAIR_LIMIT = 10


@dataclass
class FairRanking:
    """Each posting of the fair with its ranking among the fair's seekers."""

    rows: list[tuple[Posting, Ranking]]
    # Registered for the fair (in the caller's scope), and of those, job seekers on the day.
    registered: int
    seekers: int
    weights: dict[str, int] = field(default_factory=dict)


class _PairScorer:
    """``_match(posting, person).score`` and ``distance_rank`` for one posting against many
    persons, or None when a hard exclusion keeps the person out: the rules of ``_factors``
    and ``_exclusion``, with what depends on the posting alone worked out once."""

    def __init__(self, posting: PostingFacts, w: dict[str, int]) -> None:
        self.posting = posting
        self.w = w
        if posting.categories is not None:
            self.base = w["suitability"]
        else:
            self.base = round_half_up(w["suitability"], *SUITABILITY_OPEN)
        # Points that do not depend on the person at all.
        if posting.education_min not in EDUCATION_RANK:
            self.education: dict[str, int] | None = None
            self.base += w["education"]
        else:
            floor = EDUCATION_RANK[posting.education_min]
            self.education = {
                code: (w["education"] if rank >= floor else 0)
                for code, rank in EDUCATION_RANK.items()
            }
        if posting.is_remote:
            self.base += w["distance"]
        self.terms = posting.terms
        if not self.terms:
            self.base += w["skills"]
        if posting.wage_max is None:
            self.base += w["wage"]
        self.hours_ok = {*ANY_HOURS, posting.hours}
        self.half_preferences = round_half_up(w["preferences"], 1, 2)
        self._needs: dict[tuple[str, ...], int | None] = {}
        self._places: dict[str, tuple[int, int]] = {}
        self._reasons: dict[tuple[Any, Any, tuple[str, ...]], str] = {}

    def exclusion(self, person: PersonFacts) -> str:
        """``_exclusion``'s words, once per category, grade and needs."""
        key = (person.category_id, person.grade_id, person.needs)
        try:
            return self._reasons[key]
        except KeyError:
            reason = self._reasons[key] = _exclusion(self.posting, person)
            return reason

    def _needs_points(self, needs: tuple[str, ...]) -> int | None:
        """The accessibility points, or None when an essential need is not met."""
        try:
            return self._needs[needs]
        except KeyError:
            pass
        offered = self.posting.accessibility
        points: int | None
        if any(NEEDS[code][1] and NEEDS[code][0] not in offered for code in needs):
            points = None
        elif not needs:
            points = self.w["accessibility"]
        else:
            met = sum(1 for code in needs if NEEDS[code][0] in offered)
            points = round_half_up(self.w["accessibility"], met, len(needs))
        self._needs[needs] = points
        return points

    def _place(self, region_id: str) -> tuple[int, int]:
        try:
            return self._places[region_id]
        except KeyError:
            pass
        where = _distance(self.posting, _Where(region_id))
        points = (
            0 if where == "remote" else round_half_up(self.w["distance"], *DISTANCE_SHARES[where])
        )
        self._places[region_id] = (points, DISTANCE_ORDER[where])
        return self._places[region_id]

    def score(
        self, person: PersonFacts, text: str, preference_text: str, found: dict[str, bool]
    ) -> tuple[int, int] | None:
        posting = self.posting
        if posting.categories is not None and person.category_id not in posting.categories:
            return None
        if posting.grades is not None and person.grade_id not in posting.grades:
            return None
        access = self._needs_points(person.needs)
        if access is None:
            return None
        w = self.w
        distance, rank = self._place(person.region_id)
        score = self.base + access + distance
        if self.education is not None:
            score += self.education.get(person.education, 0)
        terms = self.terms
        if terms:
            matched = 0
            for term in terms:
                hit = found.get(term)
                if hit is None:
                    hit = found[term] = term in text
                matched += hit
            score += round_half_up(w["skills"], matched, len(terms))
        if person.hours in self.hours_ok:
            score += w["hours"]
        if posting.wage_max is not None and (
            person.expected_wage is None or person.expected_wage <= posting.wage_max
        ):
            score += w["wage"]
        if not preference_text:
            score += self.half_preferences
        elif any(term in preference_text for term in posting.title_terms):
            score += w["preferences"]
        return score, rank


@dataclass
class _Where:
    """The one fact ``_distance`` reads of a person."""

    region_id: str


def fair_postings(fair: Fair) -> QuerySet[Posting]:
    """The postings of a fair as the ranking reads them, by employer and title."""
    return (
        fair.postings.filter(archived_at__isnull=True)
        .select_related("employer", "region")
        .prefetch_related("suitable_categories", "suitable_grades")
        .order_by("employer__name", "title", "pk")
    )


def fair_seekers(fair: Fair, persons: QuerySet[Person]) -> QuerySet[Person]:
    """The persons among ``persons`` (already scoped) registered for the fair."""
    return persons.filter(pk__in=FairSeeker.objects.filter(fair=fair).values("person_id"))


def rank_fair(
    *,
    fair: Fair,
    persons: QuerySet[Person],
    on: dt.date | None = None,
    limit: int = FAIR_LIMIT,
    progress: Callable[[int, int], None] | None = None,
) -> FairRanking:
    """The best ``limit`` candidates of each posting of the fair among the fair's registered
    seekers within ``persons`` (scoped by the caller), with the reasons of each; the same
    results as ``candidates_for_posting`` over those seekers. ``progress(done, total)`` is
    called as postings are ranked."""
    on = on or timezone.localdate()
    w = weights()
    registered = fair_seekers(fair, persons)
    pool = list(
        _with_latest_needs(candidate_pool(registered, on), on).select_related(
            "region__parent", "category", "grade"
        )
    )
    people = [(person, PersonFacts.annotated(person)) for person in pool]
    # What scoring reads of each person, worked out once for every posting.
    prepared = [(facts, facts.text, facts.preference_text, {}) for _p, facts in people]
    order = [(person.name, str(person.pk)) for person, _f in people]
    postings = list(fair_postings(fair))
    rows: list[tuple[Posting, Ranking]] = []
    # About fifty progress reports, whatever the size of the fair.
    every = max(1, len(postings) // 50)
    for done, posting in enumerate(postings, start=1):
        facts = PostingFacts.of(posting)
        scorer = _PairScorer(facts, w)
        keys = []
        excluded: dict[str, int] = {}
        for i, (who, text, preference_text, found) in enumerate(prepared):
            scored = scorer.score(who, text, preference_text, found)
            if scored is None:
                reason = scorer.exclusion(who)
                excluded[reason] = excluded.get(reason, 0) + 1
                continue
            score, rank = scored
            keys.append((-score, rank, *order[i], i))
        top = heapq.nsmallest(limit, keys)
        results = [(people[key[-1]][0], _match(facts, people[key[-1]][1], w)) for key in top]
        rows.append(
            (
                posting,
                Ranking(
                    results=results,
                    considered=len(people),
                    excluded=sorted(excluded.items(), key=lambda item: (-item[1], item[0])),
                    weights=w,
                ),
            )
        )
        if progress is not None and (done % every == 0 or done == len(postings)):
            progress(done, len(postings))
    return FairRanking(rows=rows, registered=registered.count(), seekers=len(people), weights=w)
